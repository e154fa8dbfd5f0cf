"""MarginPair: A cross margin pair.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from decimal import Decimal
from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration


class MarginPair(Model):
    """A cross margin pair

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "id": "int",
        "symbol": "str",
        "base": "str",
        "quote": "str",
        "is_margin_trade": "bool",
        "is_buy_allowed": "bool",
        "is_sell_allowed": "bool",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "id": "id",
        "symbol": "symbol",
        "base": "base",
        "quote": "quote",
        "is_margin_trade": "isMarginTrade",
        "is_buy_allowed": "isBuyAllowed",
        "is_sell_allowed": "isSellAllowed",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    _id: int | None
    _symbol: str
    _base: str
    _quote: str
    _is_margin_trade: bool | None
    _is_buy_allowed: bool | None
    _is_sell_allowed: bool | None

    def __init__(
        self,
        id: int | None = None,
        symbol: str | None = None,
        base: str | None = None,
        quote: str | None = None,
        is_margin_trade: bool | None = None,
        is_buy_allowed: bool | None = None,
        is_sell_allowed: bool | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.id = id
        self.symbol = symbol
        self.base = base
        self.quote = quote
        self.is_margin_trade = is_margin_trade
        self.is_buy_allowed = is_buy_allowed
        self.is_sell_allowed = is_sell_allowed

    @property
    def id(self) -> int | None:
        """Pair id."""
        return self._id

    @id.setter
    def id(self, id: int | None) -> None:
        self._id = id

    @property
    def symbol(self) -> str:
        """Symbol (required)."""
        return self._symbol

    @symbol.setter
    def symbol(self, symbol: str | None) -> None:
        self._symbol = self._required("symbol", symbol)

    @property
    def base(self) -> str:
        """Base asset (required)."""
        return self._base

    @base.setter
    def base(self, base: str | None) -> None:
        self._base = self._required("base", base)

    @property
    def quote(self) -> str:
        """Quote asset (required)."""
        return self._quote

    @quote.setter
    def quote(self, quote: str | None) -> None:
        self._quote = self._required("quote", quote)

    @property
    def is_margin_trade(self) -> bool | None:
        """Whether it trades on margin."""
        return self._is_margin_trade

    @is_margin_trade.setter
    def is_margin_trade(self, is_margin_trade: bool | None) -> None:
        self._is_margin_trade = is_margin_trade

    @property
    def is_buy_allowed(self) -> bool | None:
        """Whether buying is allowed."""
        return self._is_buy_allowed

    @is_buy_allowed.setter
    def is_buy_allowed(self, is_buy_allowed: bool | None) -> None:
        self._is_buy_allowed = is_buy_allowed

    @property
    def is_sell_allowed(self) -> bool | None:
        """Whether selling is allowed."""
        return self._is_sell_allowed

    @is_sell_allowed.setter
    def is_sell_allowed(self, is_sell_allowed: bool | None) -> None:
        self._is_sell_allowed = is_sell_allowed
