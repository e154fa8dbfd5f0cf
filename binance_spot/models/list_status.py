"""ListStatus: An order list (OCO, OTO, ...) changed.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev
from binance_spot.models.list_status_order import ListStatusOrder


class ListStatus(ev.Event):
    """An order list (OCO, OTO, ...) changed.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "listStatus"

    #: Symbol (``"s"``).
    symbol = ev.Field("s", ev.text)

    #: Order list id (``"g"``).
    order_list_id = ev.Field("g", ev.integer)

    #: Contingency type (``"c"``).
    contingency_type = ev.Field("c", ev.text)

    #: List status type (``"l"``).
    list_status_type = ev.Field("l", ev.text)

    #: List order status (``"L"``).
    list_order_status = ev.Field("L", ev.text)

    #: List reject reason (``"r"``).
    list_reject_reason = ev.Field("r", ev.text)

    #: List client order id (``"C"``).
    list_client_order_id = ev.Field("C", ev.text)

    #: Transaction time, ms (``"T"``).
    transaction_time = ev.Field("T", ev.integer)

    #: The orders of the list (``"O"``).
    orders = ev.Field("O", ev.list_of(ListStatusOrder))
