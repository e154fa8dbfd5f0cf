"""MarginAccount: The cross margin account.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from decimal import Decimal
from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration
from binance_spot.models.margin_asset import MarginAsset


class MarginAccount(Model):
    """The cross margin account

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "created": "bool",
        "borrow_enabled": "bool",
        "margin_level": "Decimal",
        "total_asset_of_btc": "Decimal",
        "total_liability_of_btc": "Decimal",
        "total_net_asset_of_btc": "Decimal",
        "trade_enabled": "bool",
        "transfer_in_enabled": "bool",
        "transfer_out_enabled": "bool",
        "account_type": "str",
        "user_assets": "list[MarginAsset]",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "created": "created",
        "borrow_enabled": "borrowEnabled",
        "margin_level": "marginLevel",
        "total_asset_of_btc": "totalAssetOfBtc",
        "total_liability_of_btc": "totalLiabilityOfBtc",
        "total_net_asset_of_btc": "totalNetAssetOfBtc",
        "trade_enabled": "tradeEnabled",
        "transfer_in_enabled": "transferInEnabled",
        "transfer_out_enabled": "transferOutEnabled",
        "account_type": "accountType",
        "user_assets": "userAssets",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    _created: bool | None
    _borrow_enabled: bool | None
    _margin_level: Decimal | None
    _total_asset_of_btc: Decimal | None
    _total_liability_of_btc: Decimal | None
    _total_net_asset_of_btc: Decimal | None
    _trade_enabled: bool | None
    _transfer_in_enabled: bool | None
    _transfer_out_enabled: bool | None
    _account_type: str | None
    _user_assets: list[MarginAsset]

    def __init__(
        self,
        created: bool | None = None,
        borrow_enabled: bool | None = None,
        margin_level: Decimal | None = None,
        total_asset_of_btc: Decimal | None = None,
        total_liability_of_btc: Decimal | None = None,
        total_net_asset_of_btc: Decimal | None = None,
        trade_enabled: bool | None = None,
        transfer_in_enabled: bool | None = None,
        transfer_out_enabled: bool | None = None,
        account_type: str | None = None,
        user_assets: list[MarginAsset] | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.created = created
        self.borrow_enabled = borrow_enabled
        self.margin_level = margin_level
        self.total_asset_of_btc = total_asset_of_btc
        self.total_liability_of_btc = total_liability_of_btc
        self.total_net_asset_of_btc = total_net_asset_of_btc
        self.trade_enabled = trade_enabled
        self.transfer_in_enabled = transfer_in_enabled
        self.transfer_out_enabled = transfer_out_enabled
        self.account_type = account_type
        self.user_assets = user_assets

    @property
    def created(self) -> bool | None:
        """Whether the account exists."""
        return self._created

    @created.setter
    def created(self, created: bool | None) -> None:
        self._created = created

    @property
    def borrow_enabled(self) -> bool | None:
        """Whether the account may borrow."""
        return self._borrow_enabled

    @borrow_enabled.setter
    def borrow_enabled(self, borrow_enabled: bool | None) -> None:
        self._borrow_enabled = borrow_enabled

    @property
    def margin_level(self) -> Decimal | None:
        """Margin level."""
        return self._margin_level

    @margin_level.setter
    def margin_level(self, margin_level: Decimal | None) -> None:
        self._margin_level = margin_level

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

    @property
    def trade_enabled(self) -> bool | None:
        """Whether the account may trade."""
        return self._trade_enabled

    @trade_enabled.setter
    def trade_enabled(self, trade_enabled: bool | None) -> None:
        self._trade_enabled = trade_enabled

    @property
    def transfer_in_enabled(self) -> bool | None:
        """Whether transfers in are allowed."""
        return self._transfer_in_enabled

    @transfer_in_enabled.setter
    def transfer_in_enabled(self, transfer_in_enabled: bool | None) -> None:
        self._transfer_in_enabled = transfer_in_enabled

    @property
    def transfer_out_enabled(self) -> bool | None:
        """Whether transfers out are allowed."""
        return self._transfer_out_enabled

    @transfer_out_enabled.setter
    def transfer_out_enabled(self, transfer_out_enabled: bool | None) -> None:
        self._transfer_out_enabled = transfer_out_enabled

    @property
    def account_type(self) -> str | None:
        """MARGIN_1 (classic) or MARGIN_2 (portfolio margin pro)."""
        return self._account_type

    @account_type.setter
    def account_type(self, account_type: str | None) -> None:
        self._account_type = account_type

    @property
    def user_assets(self) -> list[MarginAsset]:
        """Every asset of the account (required)."""
        return self._user_assets

    @user_assets.setter
    def user_assets(self, user_assets: list[MarginAsset] | None) -> None:
        self._user_assets = self._required("user_assets", user_assets)
