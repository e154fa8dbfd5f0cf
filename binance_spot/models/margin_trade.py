"""MarginTrade: A fill of a margin order.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from decimal import Decimal
from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration


class MarginTrade(Model):
    """A fill of a margin order

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "id": "int",
        "order_id": "int",
        "symbol": "str",
        "price": "Decimal",
        "qty": "Decimal",
        "quote_qty": "Decimal",
        "commission": "Decimal",
        "commission_asset": "str",
        "time": "int",
        "is_buyer": "bool",
        "is_maker": "bool",
        "is_best_match": "bool",
        "is_isolated": "bool",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "id": "id",
        "order_id": "orderId",
        "symbol": "symbol",
        "price": "price",
        "qty": "qty",
        "quote_qty": "quoteQty",
        "commission": "commission",
        "commission_asset": "commissionAsset",
        "time": "time",
        "is_buyer": "isBuyer",
        "is_maker": "isMaker",
        "is_best_match": "isBestMatch",
        "is_isolated": "isIsolated",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    _id: int
    _order_id: int
    _symbol: str
    _price: Decimal
    _qty: Decimal
    _quote_qty: Decimal | None
    _commission: Decimal
    _commission_asset: str | None
    _time: int
    _is_buyer: bool
    _is_maker: bool
    _is_best_match: bool | None
    _is_isolated: bool | None

    def __init__(
        self,
        id: int | None = None,
        order_id: int | None = None,
        symbol: str | None = None,
        price: Decimal | None = None,
        qty: Decimal | None = None,
        quote_qty: Decimal | None = None,
        commission: Decimal | None = None,
        commission_asset: str | None = None,
        time: int | None = None,
        is_buyer: bool | None = None,
        is_maker: bool | None = None,
        is_best_match: bool | None = None,
        is_isolated: bool | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.id = id
        self.order_id = order_id
        self.symbol = symbol
        self.price = price
        self.qty = qty
        self.quote_qty = quote_qty
        self.commission = commission
        self.commission_asset = commission_asset
        self.time = time
        self.is_buyer = is_buyer
        self.is_maker = is_maker
        self.is_best_match = is_best_match
        self.is_isolated = is_isolated

    @property
    def id(self) -> int:
        """Trade id, increasing per symbol (required)."""
        return self._id

    @id.setter
    def id(self, id: int | None) -> None:
        self._id = self._required("id", id)

    @property
    def order_id(self) -> int:
        """Order id (required)."""
        return self._order_id

    @order_id.setter
    def order_id(self, order_id: int | None) -> None:
        self._order_id = self._required("order_id", order_id)

    @property
    def symbol(self) -> str:
        """Symbol (required)."""
        return self._symbol

    @symbol.setter
    def symbol(self, symbol: str | None) -> None:
        self._symbol = self._required("symbol", symbol)

    @property
    def price(self) -> Decimal:
        """Price (required)."""
        return self._price

    @price.setter
    def price(self, price: Decimal | None) -> None:
        self._price = self._required("price", price)

    @property
    def qty(self) -> Decimal:
        """Quantity (required)."""
        return self._qty

    @qty.setter
    def qty(self, qty: Decimal | None) -> None:
        self._qty = self._required("qty", qty)

    @property
    def quote_qty(self) -> Decimal | None:
        """Quote quantity (may be absent; then price times qty)."""
        return self._quote_qty

    @quote_qty.setter
    def quote_qty(self, quote_qty: Decimal | None) -> None:
        self._quote_qty = quote_qty

    @property
    def commission(self) -> Decimal:
        """Commission (required)."""
        return self._commission

    @commission.setter
    def commission(self, commission: Decimal | None) -> None:
        self._commission = self._required("commission", commission)

    @property
    def commission_asset(self) -> str | None:
        """Commission asset."""
        return self._commission_asset

    @commission_asset.setter
    def commission_asset(self, commission_asset: str | None) -> None:
        self._commission_asset = commission_asset

    @property
    def time(self) -> int:
        """Time, ms (required)."""
        return self._time

    @time.setter
    def time(self, time: int | None) -> None:
        self._time = self._required("time", time)

    @property
    def is_buyer(self) -> bool:
        """Whether the account bought (required)."""
        return self._is_buyer

    @is_buyer.setter
    def is_buyer(self, is_buyer: bool | None) -> None:
        self._is_buyer = self._required("is_buyer", is_buyer)

    @property
    def is_maker(self) -> bool:
        """Whether the account was the maker (required)."""
        return self._is_maker

    @is_maker.setter
    def is_maker(self, is_maker: bool | None) -> None:
        self._is_maker = self._required("is_maker", is_maker)

    @property
    def is_best_match(self) -> bool | None:
        """Whether it was the best match."""
        return self._is_best_match

    @is_best_match.setter
    def is_best_match(self, is_best_match: bool | None) -> None:
        self._is_best_match = is_best_match

    @property
    def is_isolated(self) -> bool | None:
        """Whether it belongs to an isolated margin account."""
        return self._is_isolated

    @is_isolated.setter
    def is_isolated(self, is_isolated: bool | None) -> None:
        self._is_isolated = is_isolated
