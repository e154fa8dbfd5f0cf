"""BalanceUpdate: A deposit, withdrawal or transfer changed a balance.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class BalanceUpdate(ev.Event):
    """A deposit, withdrawal or transfer changed a balance.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "balanceUpdate"

    #: Asset (``"a"``).
    asset = ev.Field("a", ev.text)

    #: Balance delta (``"d"``).
    balance_delta = ev.Field("d", ev.decimal)

    #: Clear time, ms (``"T"``).
    clear_time = ev.Field("T", ev.integer)
