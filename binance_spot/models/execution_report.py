"""ExecutionReport: An order was created, changed, filled, cancelled or expired.

Generated from openapi.yaml by templates/event_model.mustache; do not edit.
"""

from binance_spot import _event as ev


class ExecutionReport(ev.Event):
    """An order was created, changed, filled, cancelled or expired.

    Each field reads Binance's one-letter key from ``raw`` when accessed; prices and
    quantities come back as exact ``Decimal``.
    """

    __slots__ = ()
    EVENT_TYPE = "executionReport"

    #: Symbol (``"s"``).
    symbol = ev.Field("s", ev.text)

    #: Client order id (``"c"``).
    client_order_id = ev.Field("c", ev.text)

    #: BUY or SELL (``"S"``).
    side = ev.Field("S", ev.text)

    #: Order type (``"o"``).
    order_type = ev.Field("o", ev.text)

    #: Time in force (``"f"``).
    time_in_force = ev.Field("f", ev.text)

    #: Order quantity (``"q"``).
    quantity = ev.Field("q", ev.decimal)

    #: Order price (``"p"``).
    price = ev.Field("p", ev.decimal)

    #: Stop price (``"P"``).
    stop_price = ev.Field("P", ev.decimal)

    #: Iceberg quantity (``"F"``).
    iceberg_quantity = ev.Field("F", ev.decimal)

    #: Order list id (-1 when none) (``"g"``).
    order_list_id = ev.Field("g", ev.integer)

    #: Client order id of the order being cancelled (``"C"``).
    original_client_order_id = ev.Field("C", ev.text)

    #: Current execution type (NEW, TRADE, CANCELED, ...) (``"x"``).
    execution_type = ev.Field("x", ev.text)

    #: Current order status (``"X"``).
    order_status = ev.Field("X", ev.text)

    #: Reject reason (``"r"``).
    reject_reason = ev.Field("r", ev.text)

    #: Order id (``"i"``).
    order_id = ev.Field("i", ev.integer)

    #: Quantity of the last fill (``"l"``).
    last_executed_quantity = ev.Field("l", ev.decimal)

    #: Filled quantity so far (``"z"``).
    cumulative_filled_quantity = ev.Field("z", ev.decimal)

    #: Price of the last fill (``"L"``).
    last_executed_price = ev.Field("L", ev.decimal)

    #: Commission of the last fill (``"n"``).
    commission_amount = ev.Field("n", ev.decimal)

    #: Commission asset (null without a fill) (``"N"``, may be absent).
    commission_asset = ev.Field("N", ev.optional(ev.text))

    #: Transaction time, ms (``"T"``).
    transaction_time = ev.Field("T", ev.integer)

    #: Trade id (-1 without a fill) (``"t"``).
    trade_id = ev.Field("t", ev.integer)

    #: Prevented match id (self-trade prevention only) (``"v"``, may be absent).
    prevented_match_id = ev.Field("v", ev.optional(ev.integer))

    #: Execution id (``"I"``).
    execution_id = ev.Field("I", ev.integer)

    #: Whether the order is on the book (``"w"``).
    is_on_book = ev.Field("w", ev.boolean)

    #: Whether this fill was the maker side (``"m"``).
    is_maker = ev.Field("m", ev.boolean)

    #: Order creation time, ms (``"O"``).
    order_creation_time = ev.Field("O", ev.integer)

    #: Cumulative quote asset transacted (``"Z"``).
    cumulative_quote_quantity = ev.Field("Z", ev.decimal)

    #: Quote quantity of the last fill (``"Y"``).
    last_quote_quantity = ev.Field("Y", ev.decimal)

    #: Quote order quantity (``"Q"``).
    quote_order_quantity = ev.Field("Q", ev.decimal)

    #: When the order started working on the book, ms (``"W"``, may be absent).
    working_time = ev.Field("W", ev.optional(ev.integer))

    #: Self-trade prevention mode (``"V"``, may be absent).
    self_trade_prevention_mode = ev.Field("V", ev.optional(ev.text))
