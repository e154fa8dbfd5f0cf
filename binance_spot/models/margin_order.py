"""MarginOrder: An order of a margin account, open or not.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from decimal import Decimal
from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration


class MarginOrder(Model):
    """An order of a margin account, open or not

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "symbol": "str",
        "order_id": "int",
        "client_order_id": "str",
        "price": "Decimal",
        "orig_qty": "Decimal",
        "executed_qty": "Decimal",
        "cummulative_quote_qty": "Decimal",
        "status": "str",
        "time_in_force": "str",
        "type": "str",
        "side": "str",
        "stop_price": "Decimal",
        "iceberg_qty": "Decimal",
        "time": "int",
        "update_time": "int",
        "is_working": "bool",
        "is_isolated": "bool",
        "self_trade_prevention_mode": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "symbol": "symbol",
        "order_id": "orderId",
        "client_order_id": "clientOrderId",
        "price": "price",
        "orig_qty": "origQty",
        "executed_qty": "executedQty",
        "cummulative_quote_qty": "cummulativeQuoteQty",
        "status": "status",
        "time_in_force": "timeInForce",
        "type": "type",
        "side": "side",
        "stop_price": "stopPrice",
        "iceberg_qty": "icebergQty",
        "time": "time",
        "update_time": "updateTime",
        "is_working": "isWorking",
        "is_isolated": "isIsolated",
        "self_trade_prevention_mode": "selfTradePreventionMode",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    _symbol: str
    _order_id: int
    _client_order_id: str
    _price: Decimal
    _orig_qty: Decimal
    _executed_qty: Decimal
    _cummulative_quote_qty: Decimal
    _status: str
    _time_in_force: str
    _type: str
    _side: str
    _stop_price: Decimal | None
    _iceberg_qty: Decimal | None
    _time: int
    _update_time: int
    _is_working: bool | None
    _is_isolated: bool | None
    _self_trade_prevention_mode: str | None

    def __init__(
        self,
        symbol: str | None = None,
        order_id: int | None = None,
        client_order_id: str | None = None,
        price: Decimal | None = None,
        orig_qty: Decimal | None = None,
        executed_qty: Decimal | None = None,
        cummulative_quote_qty: Decimal | None = None,
        status: str | None = None,
        time_in_force: str | None = None,
        type: str | None = None,
        side: str | None = None,
        stop_price: Decimal | None = None,
        iceberg_qty: Decimal | None = None,
        time: int | None = None,
        update_time: int | None = None,
        is_working: bool | None = None,
        is_isolated: bool | None = None,
        self_trade_prevention_mode: str | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.symbol = symbol
        self.order_id = order_id
        self.client_order_id = client_order_id
        self.price = price
        self.orig_qty = orig_qty
        self.executed_qty = executed_qty
        self.cummulative_quote_qty = cummulative_quote_qty
        self.status = status
        self.time_in_force = time_in_force
        self.type = type
        self.side = side
        self.stop_price = stop_price
        self.iceberg_qty = iceberg_qty
        self.time = time
        self.update_time = update_time
        self.is_working = is_working
        self.is_isolated = is_isolated
        self.self_trade_prevention_mode = self_trade_prevention_mode

    @property
    def symbol(self) -> str:
        """Symbol (required)."""
        return self._symbol

    @symbol.setter
    def symbol(self, symbol: str | None) -> None:
        self._symbol = self._required("symbol", symbol)

    @property
    def order_id(self) -> int:
        """Order id (required)."""
        return self._order_id

    @order_id.setter
    def order_id(self, order_id: int | None) -> None:
        self._order_id = self._required("order_id", order_id)

    @property
    def client_order_id(self) -> str:
        """Client order id (required)."""
        return self._client_order_id

    @client_order_id.setter
    def client_order_id(self, client_order_id: str | None) -> None:
        self._client_order_id = self._required("client_order_id", client_order_id)

    @property
    def price(self) -> Decimal:
        """Price (required)."""
        return self._price

    @price.setter
    def price(self, price: Decimal | None) -> None:
        self._price = self._required("price", price)

    @property
    def orig_qty(self) -> Decimal:
        """Quantity ordered (required)."""
        return self._orig_qty

    @orig_qty.setter
    def orig_qty(self, orig_qty: Decimal | None) -> None:
        self._orig_qty = self._required("orig_qty", orig_qty)

    @property
    def executed_qty(self) -> Decimal:
        """Quantity filled so far (required)."""
        return self._executed_qty

    @executed_qty.setter
    def executed_qty(self, executed_qty: Decimal | None) -> None:
        self._executed_qty = self._required("executed_qty", executed_qty)

    @property
    def cummulative_quote_qty(self) -> Decimal:
        """Quote quantity filled so far (Binance's spelling) (required)."""
        return self._cummulative_quote_qty

    @cummulative_quote_qty.setter
    def cummulative_quote_qty(self, cummulative_quote_qty: Decimal | None) -> None:
        self._cummulative_quote_qty = self._required("cummulative_quote_qty", cummulative_quote_qty)

    @property
    def status(self) -> str:
        """NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, ... (required)."""
        return self._status

    @status.setter
    def status(self, status: str | None) -> None:
        self._status = self._required("status", status)

    @property
    def time_in_force(self) -> str:
        """GTC, IOC or FOK (required)."""
        return self._time_in_force

    @time_in_force.setter
    def time_in_force(self, time_in_force: str | None) -> None:
        self._time_in_force = self._required("time_in_force", time_in_force)

    @property
    def type(self) -> str:
        """LIMIT, MARKET, ... (required)."""
        return self._type

    @type.setter
    def type(self, type: str | None) -> None:
        self._type = self._required("type", type)

    @property
    def side(self) -> str:
        """BUY or SELL (required)."""
        return self._side

    @side.setter
    def side(self, side: str | None) -> None:
        self._side = self._required("side", side)

    @property
    def stop_price(self) -> Decimal | None:
        """Stop price."""
        return self._stop_price

    @stop_price.setter
    def stop_price(self, stop_price: Decimal | None) -> None:
        self._stop_price = stop_price

    @property
    def iceberg_qty(self) -> Decimal | None:
        """Iceberg quantity."""
        return self._iceberg_qty

    @iceberg_qty.setter
    def iceberg_qty(self, iceberg_qty: Decimal | None) -> None:
        self._iceberg_qty = iceberg_qty

    @property
    def time(self) -> int:
        """Creation time, ms (required)."""
        return self._time

    @time.setter
    def time(self, time: int | None) -> None:
        self._time = self._required("time", time)

    @property
    def update_time(self) -> int:
        """Time of the last change, ms (required)."""
        return self._update_time

    @update_time.setter
    def update_time(self, update_time: int | None) -> None:
        self._update_time = self._required("update_time", update_time)

    @property
    def is_working(self) -> bool | None:
        """Whether the order is on the book."""
        return self._is_working

    @is_working.setter
    def is_working(self, is_working: bool | None) -> None:
        self._is_working = is_working

    @property
    def is_isolated(self) -> bool | None:
        """Whether it belongs to an isolated margin account."""
        return self._is_isolated

    @is_isolated.setter
    def is_isolated(self, is_isolated: bool | None) -> None:
        self._is_isolated = is_isolated

    @property
    def self_trade_prevention_mode(self) -> str | None:
        """Self-trade prevention mode."""
        return self._self_trade_prevention_mode

    @self_trade_prevention_mode.setter
    def self_trade_prevention_mode(self, self_trade_prevention_mode: str | None) -> None:
        self._self_trade_prevention_mode = self_trade_prevention_mode
