"""UserLiabilityChange: A liability changed by a borrow, a repayment or interest (risk stream).

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class UserLiabilityChange(ev.Event):
    """A liability changed by a borrow, a repayment or interest (risk stream).

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "USER_LIABILITY_CHANGE"

    #: Asset (``"a"``).
    asset = ev.Field("a", ev.text)

    #: Type, e.g. BORROW (``"t"``).
    liability_type = ev.Field("t", ev.text)

    #: Principal (``"p"``).
    principal = ev.Field("p", ev.decimal)

    #: Interest (``"i"``).
    interest = ev.Field("i", ev.decimal)
