"""ApiKeyRestrictions: a schema of openapi.yaml.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration


class ApiKeyRestrictions(Model):
    """The ApiKeyRestrictions schema of openapi.yaml.

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "ip_restrict": "bool",
        "create_time": "int",
        "enable_reading": "bool",
        "enable_margin": "bool",
        "enable_spot_and_margin_trading": "bool",
        "enable_withdrawals": "bool",
        "enable_internal_transfer": "bool",
        "enable_futures": "bool",
        "permits_universal_transfer": "bool",
        "enable_vanilla_options": "bool",
        "enable_portfolio_margin_trading": "bool",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "ip_restrict": "ipRestrict",
        "create_time": "createTime",
        "enable_reading": "enableReading",
        "enable_margin": "enableMargin",
        "enable_spot_and_margin_trading": "enableSpotAndMarginTrading",
        "enable_withdrawals": "enableWithdrawals",
        "enable_internal_transfer": "enableInternalTransfer",
        "enable_futures": "enableFutures",
        "permits_universal_transfer": "permitsUniversalTransfer",
        "enable_vanilla_options": "enableVanillaOptions",
        "enable_portfolio_margin_trading": "enablePortfolioMarginTrading",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    _ip_restrict: bool
    _create_time: int
    _enable_reading: bool
    _enable_margin: bool | None
    _enable_spot_and_margin_trading: bool | None
    _enable_withdrawals: bool | None
    _enable_internal_transfer: bool | None
    _enable_futures: bool | None
    _permits_universal_transfer: bool | None
    _enable_vanilla_options: bool | None
    _enable_portfolio_margin_trading: bool | None

    def __init__(
        self,
        ip_restrict: bool | None = None,
        create_time: int | None = None,
        enable_reading: bool | None = None,
        enable_margin: bool | None = None,
        enable_spot_and_margin_trading: bool | None = None,
        enable_withdrawals: bool | None = None,
        enable_internal_transfer: bool | None = None,
        enable_futures: bool | None = None,
        permits_universal_transfer: bool | None = None,
        enable_vanilla_options: bool | None = None,
        enable_portfolio_margin_trading: bool | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.ip_restrict = ip_restrict
        self.create_time = create_time
        self.enable_reading = enable_reading
        self.enable_margin = enable_margin
        self.enable_spot_and_margin_trading = enable_spot_and_margin_trading
        self.enable_withdrawals = enable_withdrawals
        self.enable_internal_transfer = enable_internal_transfer
        self.enable_futures = enable_futures
        self.permits_universal_transfer = permits_universal_transfer
        self.enable_vanilla_options = enable_vanilla_options
        self.enable_portfolio_margin_trading = enable_portfolio_margin_trading

    @property
    def ip_restrict(self) -> bool:
        """Whether the key is restricted to a list of trusted IPs (required)."""
        return self._ip_restrict

    @ip_restrict.setter
    def ip_restrict(self, ip_restrict: bool | None) -> None:
        self._ip_restrict = self._required("ip_restrict", ip_restrict)

    @property
    def create_time(self) -> int:
        """When the key was created, in milliseconds since the epoch (required)."""
        return self._create_time

    @create_time.setter
    def create_time(self, create_time: int | None) -> None:
        self._create_time = self._required("create_time", create_time)

    @property
    def enable_reading(self) -> bool:
        """Whether the key may read (needed by every user-data endpoint) (required)."""
        return self._enable_reading

    @enable_reading.setter
    def enable_reading(self, enable_reading: bool | None) -> None:
        self._enable_reading = self._required("enable_reading", enable_reading)

    @property
    def enable_margin(self) -> bool | None:
        """Whether the key may use margin (borrow and repay)."""
        return self._enable_margin

    @enable_margin.setter
    def enable_margin(self, enable_margin: bool | None) -> None:
        self._enable_margin = enable_margin

    @property
    def enable_spot_and_margin_trading(self) -> bool | None:
        """Whether the key may trade spot and margin."""
        return self._enable_spot_and_margin_trading

    @enable_spot_and_margin_trading.setter
    def enable_spot_and_margin_trading(self, enable_spot_and_margin_trading: bool | None) -> None:
        self._enable_spot_and_margin_trading = enable_spot_and_margin_trading

    @property
    def enable_withdrawals(self) -> bool | None:
        """Whether the key may withdraw (needs an IP restriction)."""
        return self._enable_withdrawals

    @enable_withdrawals.setter
    def enable_withdrawals(self, enable_withdrawals: bool | None) -> None:
        self._enable_withdrawals = enable_withdrawals

    @property
    def enable_internal_transfer(self) -> bool | None:
        """Whether the key may transfer between master and sub accounts."""
        return self._enable_internal_transfer

    @enable_internal_transfer.setter
    def enable_internal_transfer(self, enable_internal_transfer: bool | None) -> None:
        self._enable_internal_transfer = enable_internal_transfer

    @property
    def enable_futures(self) -> bool | None:
        """Whether the key may trade futures."""
        return self._enable_futures

    @enable_futures.setter
    def enable_futures(self, enable_futures: bool | None) -> None:
        self._enable_futures = enable_futures

    @property
    def permits_universal_transfer(self) -> bool | None:
        """Whether the key may use universal transfer."""
        return self._permits_universal_transfer

    @permits_universal_transfer.setter
    def permits_universal_transfer(self, permits_universal_transfer: bool | None) -> None:
        self._permits_universal_transfer = permits_universal_transfer

    @property
    def enable_vanilla_options(self) -> bool | None:
        """Whether the key may trade options."""
        return self._enable_vanilla_options

    @enable_vanilla_options.setter
    def enable_vanilla_options(self, enable_vanilla_options: bool | None) -> None:
        self._enable_vanilla_options = enable_vanilla_options

    @property
    def enable_portfolio_margin_trading(self) -> bool | None:
        """Whether the key may trade with portfolio margin."""
        return self._enable_portfolio_margin_trading

    @enable_portfolio_margin_trading.setter
    def enable_portfolio_margin_trading(self, enable_portfolio_margin_trading: bool | None) -> None:
        self._enable_portfolio_margin_trading = enable_portfolio_margin_trading
