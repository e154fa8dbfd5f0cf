"""ServerShutdown: The server is going away; the stream reconnects at once.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class ServerShutdown(ev.Event):
    """The server is going away; the stream reconnects at once.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "serverShutdown"
