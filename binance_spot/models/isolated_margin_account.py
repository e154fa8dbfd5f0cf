"""IsolatedMarginAccount: The isolated margin accounts asked for.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from decimal import Decimal
from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration
from binance_spot.models.isolated_margin_pair import IsolatedMarginPair


class IsolatedMarginAccount(Model):
    """The isolated margin accounts asked for

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "assets": "list[IsolatedMarginPair]",
        "total_asset_of_btc": "Decimal",
        "total_liability_of_btc": "Decimal",
        "total_net_asset_of_btc": "Decimal",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "assets": "assets",
        "total_asset_of_btc": "totalAssetOfBtc",
        "total_liability_of_btc": "totalLiabilityOfBtc",
        "total_net_asset_of_btc": "totalNetAssetOfBtc",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    _assets: list[IsolatedMarginPair]
    _total_asset_of_btc: Decimal | None
    _total_liability_of_btc: Decimal | None
    _total_net_asset_of_btc: Decimal | None

    def __init__(
        self,
        assets: list[IsolatedMarginPair] | None = None,
        total_asset_of_btc: Decimal | None = None,
        total_liability_of_btc: Decimal | None = None,
        total_net_asset_of_btc: Decimal | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.assets = assets
        self.total_asset_of_btc = total_asset_of_btc
        self.total_liability_of_btc = total_liability_of_btc
        self.total_net_asset_of_btc = total_net_asset_of_btc

    @property
    def assets(self) -> list[IsolatedMarginPair]:
        """One entry per isolated symbol (required)."""
        return self._assets

    @assets.setter
    def assets(self, assets: list[IsolatedMarginPair] | None) -> None:
        self._assets = self._required("assets", assets)

    @property
    def total_asset_of_btc(self) -> Decimal | None:
        """Total assets, in BTC."""
        return self._total_asset_of_btc

    @total_asset_of_btc.setter
    def total_asset_of_btc(self, total_asset_of_btc: Decimal | None) -> None:
        self._total_asset_of_btc = total_asset_of_btc

    @property
    def total_liability_of_btc(self) -> Decimal | None:
        """Total liabilities, in BTC."""
        return self._total_liability_of_btc

    @total_liability_of_btc.setter
    def total_liability_of_btc(self, total_liability_of_btc: Decimal | None) -> None:
        self._total_liability_of_btc = total_liability_of_btc

    @property
    def total_net_asset_of_btc(self) -> Decimal | None:
        """Net assets, in BTC."""
        return self._total_net_asset_of_btc

    @total_net_asset_of_btc.setter
    def total_net_asset_of_btc(self, total_net_asset_of_btc: Decimal | None) -> None:
        self._total_net_asset_of_btc = total_net_asset_of_btc
