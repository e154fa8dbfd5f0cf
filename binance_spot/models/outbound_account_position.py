"""OutboundAccountPosition: Balances that changed with an account update.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev
from binance_spot.models.account_balance import AccountBalance


class OutboundAccountPosition(ev.Event):
    """Balances that changed with an account update.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "outboundAccountPosition"

    #: Time of the last account update, ms (``"u"``).
    last_update_time = ev.Field("u", ev.integer)

    #: The changed balances (``"B"``).
    balances = ev.Field("B", ev.list_of(AccountBalance))
