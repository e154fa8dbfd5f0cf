"""ExternalLockUpdate: Part of a balance was locked or unlocked by an external system.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class ExternalLockUpdate(ev.Event):
    """Part of a balance was locked or unlocked by an external system.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "externalLockUpdate"

    #: Asset (``"a"``).
    asset = ev.Field("a", ev.text)

    #: Change of the locked amount (``"d"``).
    delta = ev.Field("d", ev.decimal)

    #: Transaction time, ms (``"T"``).
    transaction_time = ev.Field("T", ev.integer)
