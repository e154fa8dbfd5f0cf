"""AccountBalance: A balance in an outboundAccountPosition event.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class AccountBalance(ev.Part):
    """A balance in an outboundAccountPosition event.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()

    #: Asset (``"a"``).
    asset = ev.Field("a", ev.text)

    #: Free amount (``"f"``).
    free = ev.Field("f", ev.decimal)

    #: Locked amount (``"l"``).
    locked = ev.Field("l", ev.decimal)
