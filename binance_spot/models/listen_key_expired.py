"""ListenKeyExpired: The risk stream's listen key expired; the stream reconnects with a new one.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class ListenKeyExpired(ev.Event):
    """The risk stream's listen key expired; the stream reconnects with a new one.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "listenKeyExpired"

    #: The expired listen key (``"listenKey"``, may be absent).
    listen_key = ev.Field("listenKey", ev.optional(ev.text), secret=True)
