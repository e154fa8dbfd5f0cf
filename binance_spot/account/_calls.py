"""The REST calls the core asks its driver to make: what, with which parameters, at what weight.

A ``Call`` names Binance's endpoint and its parameters; the driver signs and sends it and
hands back the parsed JSON (or the exception). Weights are Binance's IP weights.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["DAY_MS", "PATHS", "WEIGHTS", "Call", "make"]

#: The path of each kind of call.
PATHS = MappingProxyType(
    {
        "account": "/sapi/v1/margin/account",
        "isolated_account": "/sapi/v1/margin/isolated/account",
        "open_orders": "/sapi/v1/margin/openOrders",
        "order": "/sapi/v1/margin/order",
        "trades": "/sapi/v1/margin/myTrades",
        "all_pairs": "/sapi/v1/margin/allPairs",
    }
)
#: Weight of each kind (open orders without ``symbol`` costs more: see ``make``).
WEIGHTS = MappingProxyType(
    {"account": 10, "isolated_account": 10, "open_orders": 10, "order": 10, "trades": 10, "all_pairs": 1}
)
#: ``myTrades`` wants ``startTime`` and ``endTime`` less than a day apart.
DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Call:
    """One REST request to make: ``GET path?params``, charged ``weight``. The core matches an
    answer to the very ``Call`` object it handed out (identity), so pass that one back."""

    kind: str
    params: Mapping[str, str | int] = field(default_factory=lambda: MappingProxyType({}))
    weight: int = 10

    @property
    def path(self) -> str:
        return PATHS[self.kind]

    @property
    def signed(self) -> bool:
        """``allPairs`` is market data (API key only); every other call is signed."""
        return self.kind != "all_pairs"

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"Call({self.kind}{', ' if shown else ''}{shown}, weight={self.weight})"


def make(kind: str, params: Mapping[str, str | int | None] = MappingProxyType({}), weight: int | None = None) -> Call:
    """A call of ``kind`` with ``params`` (None ones left out), at its kind's weight unless given."""
    kept = {k: v for k, v in params.items() if v is not None}
    return Call(kind, MappingProxyType(kept), WEIGHTS[kind] if weight is None else weight)
