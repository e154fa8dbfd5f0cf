"""What both view drivers check and build before anything is sent: the core, the REST API,
the streams' options, and the few values a driver hands between its threads or tasks."""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from binance_spot.account._core import AccountCore
from binance_spot.account._rest import require_secret
from binance_spot.api.margin_account_api import MarginAccountApi
from binance_spot.exceptions import ApiTypeError, ApiValueError

__all__ = ["Ended", "Parts", "parts", "wall_ms"]


@dataclass(frozen=True)
class Ended:
    """Queued after the last change: the view ended, with ``error`` unless it was closed."""

    error: BaseException | None


@dataclass(frozen=True)
class Parts:
    core: AccountCore
    api: MarginAccountApi
    symbol: str | None
    risk: bool
    max_changes: int
    request_timeout: float
    start_timeout: float


def wall_ms() -> int:
    return int(time.time() * 1000)


def parts(
    api_client: Any,
    *,
    symbol: str | None,
    symbols: Iterable[str],
    risk: bool,
    max_changes: int,
    request_timeout: float,
    start_timeout: float,
    floor: float,
    resync_floor: float,
    budget: int,
    skew_ms: int,
) -> Parts:
    """Check every argument (clear errors, no secret echoed) and build the core."""
    require_secret(api_client)
    if isinstance(symbols, str):
        raise ApiTypeError(f"symbols must be a list of symbols, not the string {symbols[:20]!r}")
    symbols = tuple(symbols)
    for name in (symbol, *symbols):
        if name is not None and (not isinstance(name, str) or not name.isalnum() or len(name) > 20):
            raise ApiValueError(f"not a symbol: {str(name)[:20]!r}")
    if symbol is not None and risk:
        raise ApiValueError("risk=True follows the cross margin account: the risk stream has no isolated one")
    for what, value, low in (("request_timeout", request_timeout, 0.0), ("start_timeout", start_timeout, 0.0),
                             ("floor", floor, 0.0), ("resync_floor", resync_floor, 0.0)):  # fmt: skip
        if not isinstance(value, (int, float)) or not low < value < float("inf"):
            raise ApiValueError(f"{what} must be a positive finite number of seconds, got {value!r}")
    for what, count, least in (("max_changes", max_changes, 1), ("budget", budget, 1), ("skew_ms", skew_ms, 0)):
        if not isinstance(count, int) or isinstance(count, bool) or not least <= count <= 3_600_000:
            raise ApiValueError(f"{what} must be an int from {least} to 3600000, got {count!r}")
    core = AccountCore(isolated_symbol=symbol, symbols=(symbol,) if symbol else symbols, floor=floor,
                       resync_floor=resync_floor, budget=budget, skew_ms=skew_ms)  # fmt: skip
    return Parts(core, MarginAccountApi(api_client), symbol, risk, max_changes, request_timeout, start_timeout)
