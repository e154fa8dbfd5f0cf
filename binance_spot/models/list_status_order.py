"""ListStatusOrder: An order of a listStatus event.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class ListStatusOrder(ev.Part):
    """An order of a listStatus event.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()

    #: Symbol (``"s"``).
    symbol = ev.Field("s", ev.text)

    #: Order id (``"i"``).
    order_id = ev.Field("i", ev.integer)

    #: Client order id (``"c"``).
    client_order_id = ev.Field("c", ev.text)
