"""MarginLevelStatusChange: The cross margin level crossed a threshold (risk stream).

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class MarginLevelStatusChange(ev.Event):
    """The cross margin level crossed a threshold (risk stream).

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "MARGIN_LEVEL_STATUS_CHANGE"

    #: Margin level (``"l"``).
    margin_level = ev.Field("l", ev.decimal)

    #: Status, e.g. MARGIN_CALL (``"s"``).
    status = ev.Field("s", ev.text)
