"""EventStreamTerminated: The subscription ended (token expired or unsubscribed); the stream handles it.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class EventStreamTerminated(ev.Event):
    """The subscription ended (token expired or unsubscribed); the stream handles it.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "eventStreamTerminated"
