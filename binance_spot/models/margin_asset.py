"""MarginAsset: One asset of a margin account, every amount exact.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from decimal import Decimal
from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration


class MarginAsset(Model):
    """One asset of a margin account, every amount exact

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "asset": "str",
        "free": "Decimal",
        "locked": "Decimal",
        "borrowed": "Decimal",
        "interest": "Decimal",
        "net_asset": "Decimal",
        "total_asset": "Decimal",
        "net_asset_of_btc": "Decimal",
        "borrow_enabled": "bool",
        "repay_enabled": "bool",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "asset": "asset",
        "free": "free",
        "locked": "locked",
        "borrowed": "borrowed",
        "interest": "interest",
        "net_asset": "netAsset",
        "total_asset": "totalAsset",
        "net_asset_of_btc": "netAssetOfBtc",
        "borrow_enabled": "borrowEnabled",
        "repay_enabled": "repayEnabled",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    _asset: str
    _free: Decimal
    _locked: Decimal
    _borrowed: Decimal
    _interest: Decimal
    _net_asset: Decimal
    _total_asset: Decimal | None
    _net_asset_of_btc: Decimal | None
    _borrow_enabled: bool | None
    _repay_enabled: bool | None

    def __init__(
        self,
        asset: str | None = None,
        free: Decimal | None = None,
        locked: Decimal | None = None,
        borrowed: Decimal | None = None,
        interest: Decimal | None = None,
        net_asset: Decimal | None = None,
        total_asset: Decimal | None = None,
        net_asset_of_btc: Decimal | None = None,
        borrow_enabled: bool | None = None,
        repay_enabled: bool | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.asset = asset
        self.free = free
        self.locked = locked
        self.borrowed = borrowed
        self.interest = interest
        self.net_asset = net_asset
        self.total_asset = total_asset
        self.net_asset_of_btc = net_asset_of_btc
        self.borrow_enabled = borrow_enabled
        self.repay_enabled = repay_enabled

    @property
    def asset(self) -> str:
        """Asset (required)."""
        return self._asset

    @asset.setter
    def asset(self, asset: str | None) -> None:
        self._asset = self._required("asset", asset)

    @property
    def free(self) -> Decimal:
        """Free amount (required)."""
        return self._free

    @free.setter
    def free(self, free: Decimal | None) -> None:
        self._free = self._required("free", free)

    @property
    def locked(self) -> Decimal:
        """Amount locked by open orders (required)."""
        return self._locked

    @locked.setter
    def locked(self, locked: Decimal | None) -> None:
        self._locked = self._required("locked", locked)

    @property
    def borrowed(self) -> Decimal:
        """Borrowed amount (required)."""
        return self._borrowed

    @borrowed.setter
    def borrowed(self, borrowed: Decimal | None) -> None:
        self._borrowed = self._required("borrowed", borrowed)

    @property
    def interest(self) -> Decimal:
        """Interest owed (required)."""
        return self._interest

    @interest.setter
    def interest(self, interest: Decimal | None) -> None:
        self._interest = self._required("interest", interest)

    @property
    def net_asset(self) -> Decimal:
        """free + locked - borrowed - interest (required)."""
        return self._net_asset

    @net_asset.setter
    def net_asset(self, net_asset: Decimal | None) -> None:
        self._net_asset = self._required("net_asset", net_asset)

    @property
    def total_asset(self) -> Decimal | None:
        """free + locked (isolated margin)."""
        return self._total_asset

    @total_asset.setter
    def total_asset(self, total_asset: Decimal | None) -> None:
        self._total_asset = total_asset

    @property
    def net_asset_of_btc(self) -> Decimal | None:
        """Net amount in BTC (isolated margin)."""
        return self._net_asset_of_btc

    @net_asset_of_btc.setter
    def net_asset_of_btc(self, net_asset_of_btc: Decimal | None) -> None:
        self._net_asset_of_btc = net_asset_of_btc

    @property
    def borrow_enabled(self) -> bool | None:
        """Whether it may be borrowed (isolated margin)."""
        return self._borrow_enabled

    @borrow_enabled.setter
    def borrow_enabled(self, borrow_enabled: bool | None) -> None:
        self._borrow_enabled = borrow_enabled

    @property
    def repay_enabled(self) -> bool | None:
        """Whether it may be repaid (isolated margin)."""
        return self._repay_enabled

    @repay_enabled.setter
    def repay_enabled(self, repay_enabled: bool | None) -> None:
        self._repay_enabled = repay_enabled
