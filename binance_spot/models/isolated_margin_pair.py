"""IsolatedMarginPair: The isolated margin account of one symbol.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from decimal import Decimal
from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration
from binance_spot.models.margin_asset import MarginAsset


class IsolatedMarginPair(Model):
    """The isolated margin account of one symbol

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "symbol": "str",
        "base_asset": "MarginAsset",
        "quote_asset": "MarginAsset",
        "isolated_created": "bool",
        "enabled": "bool",
        "trade_enabled": "bool",
        "margin_level": "Decimal",
        "margin_level_status": "str",
        "margin_ratio": "Decimal",
        "index_price": "Decimal",
        "liquidate_price": "Decimal",
        "liquidate_rate": "Decimal",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "symbol": "symbol",
        "base_asset": "baseAsset",
        "quote_asset": "quoteAsset",
        "isolated_created": "isolatedCreated",
        "enabled": "enabled",
        "trade_enabled": "tradeEnabled",
        "margin_level": "marginLevel",
        "margin_level_status": "marginLevelStatus",
        "margin_ratio": "marginRatio",
        "index_price": "indexPrice",
        "liquidate_price": "liquidatePrice",
        "liquidate_rate": "liquidateRate",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    _symbol: str
    _base_asset: MarginAsset
    _quote_asset: MarginAsset
    _isolated_created: bool | None
    _enabled: bool | None
    _trade_enabled: bool | None
    _margin_level: Decimal | None
    _margin_level_status: str | None
    _margin_ratio: Decimal | None
    _index_price: Decimal | None
    _liquidate_price: Decimal | None
    _liquidate_rate: Decimal | None

    def __init__(
        self,
        symbol: str | None = None,
        base_asset: MarginAsset | None = None,
        quote_asset: MarginAsset | None = None,
        isolated_created: bool | None = None,
        enabled: bool | None = None,
        trade_enabled: bool | None = None,
        margin_level: Decimal | None = None,
        margin_level_status: str | None = None,
        margin_ratio: Decimal | None = None,
        index_price: Decimal | None = None,
        liquidate_price: Decimal | None = None,
        liquidate_rate: Decimal | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.symbol = symbol
        self.base_asset = base_asset
        self.quote_asset = quote_asset
        self.isolated_created = isolated_created
        self.enabled = enabled
        self.trade_enabled = trade_enabled
        self.margin_level = margin_level
        self.margin_level_status = margin_level_status
        self.margin_ratio = margin_ratio
        self.index_price = index_price
        self.liquidate_price = liquidate_price
        self.liquidate_rate = liquidate_rate

    @property
    def symbol(self) -> str:
        """Symbol (required)."""
        return self._symbol

    @symbol.setter
    def symbol(self, symbol: str | None) -> None:
        self._symbol = self._required("symbol", symbol)

    @property
    def base_asset(self) -> MarginAsset:
        """The baseAsset field (required)."""
        return self._base_asset

    @base_asset.setter
    def base_asset(self, base_asset: MarginAsset | None) -> None:
        self._base_asset = self._required("base_asset", base_asset)

    @property
    def quote_asset(self) -> MarginAsset:
        """The quoteAsset field (required)."""
        return self._quote_asset

    @quote_asset.setter
    def quote_asset(self, quote_asset: MarginAsset | None) -> None:
        self._quote_asset = self._required("quote_asset", quote_asset)

    @property
    def isolated_created(self) -> bool | None:
        """Whether the isolated account exists."""
        return self._isolated_created

    @isolated_created.setter
    def isolated_created(self, isolated_created: bool | None) -> None:
        self._isolated_created = isolated_created

    @property
    def enabled(self) -> bool | None:
        """Whether the account is enabled."""
        return self._enabled

    @enabled.setter
    def enabled(self, enabled: bool | None) -> None:
        self._enabled = enabled

    @property
    def trade_enabled(self) -> bool | None:
        """Whether it may trade."""
        return self._trade_enabled

    @trade_enabled.setter
    def trade_enabled(self, trade_enabled: bool | None) -> None:
        self._trade_enabled = trade_enabled

    @property
    def margin_level(self) -> Decimal | None:
        """Margin level."""
        return self._margin_level

    @margin_level.setter
    def margin_level(self, margin_level: Decimal | None) -> None:
        self._margin_level = margin_level

    @property
    def margin_level_status(self) -> str | None:
        """EXCESSIVE, NORMAL, MARGIN_CALL, PRE_LIQUIDATION or FORCE_LIQUIDATION."""
        return self._margin_level_status

    @margin_level_status.setter
    def margin_level_status(self, margin_level_status: str | None) -> None:
        self._margin_level_status = margin_level_status

    @property
    def margin_ratio(self) -> Decimal | None:
        """Margin ratio."""
        return self._margin_ratio

    @margin_ratio.setter
    def margin_ratio(self, margin_ratio: Decimal | None) -> None:
        self._margin_ratio = margin_ratio

    @property
    def index_price(self) -> Decimal | None:
        """Index price."""
        return self._index_price

    @index_price.setter
    def index_price(self, index_price: Decimal | None) -> None:
        self._index_price = index_price

    @property
    def liquidate_price(self) -> Decimal | None:
        """Liquidation price."""
        return self._liquidate_price

    @liquidate_price.setter
    def liquidate_price(self, liquidate_price: Decimal | None) -> None:
        self._liquidate_price = liquidate_price

    @property
    def liquidate_rate(self) -> Decimal | None:
        """Liquidation rate."""
        return self._liquidate_rate

    @liquidate_rate.setter
    def liquidate_rate(self, liquidate_rate: Decimal | None) -> None:
        self._liquidate_rate = liquidate_rate
