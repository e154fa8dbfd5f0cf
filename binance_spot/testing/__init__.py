"""A local Binance for tests and demos: ``BinanceServer`` imitates the listen-key endpoints.

It needs only the standard library, so applications can test their use of binance_spot
(expiry, retirement, network faults) without touching Binance. Names are imported on first
use, so ``python -m binance_spot.testing`` reaches its signal handlers quickly.
"""

from typing import TYPE_CHECKING

from binance_spot._lazy import lazy_exports

if TYPE_CHECKING:
    from binance_spot.testing._serve import MAX_BODY_BYTES, MAX_CONNECTIONS, MAX_HEAD_BYTES
    from binance_spot.testing.accounts import LISTEN_KEY_VALIDITY, MAX_TOKEN_VALIDITY_MS
    from binance_spot.testing.clock import ManualClock, OffsetClock
    from binance_spot.testing.exchange import DEFAULT_PAIRS
    from binance_spot.testing.faults import FAULT_KINDS
    from binance_spot.testing.margin import MAX_ORDERS, MAX_TRADES
    from binance_spot.testing.records import REQUEST_LOG_SIZE, Recorded
    from binance_spot.testing.server import BinanceServer
    from binance_spot.testing.streams import MAX_STREAM_CONNECTIONS
    from binance_spot.testing.trading import ExchangeAccount
    from binance_spot.testing.transport import FunctionTransport, respond

_ACCOUNTS = "binance_spot.testing.accounts"
_RECORDS = "binance_spot.testing.records"
_SERVE = "binance_spot.testing._serve"
_MARGIN = "binance_spot.testing.margin"
_EXPORTS = {
    "DEFAULT_PAIRS": "binance_spot.testing.exchange",
    "FAULT_KINDS": "binance_spot.testing.faults",
    "LISTEN_KEY_VALIDITY": _ACCOUNTS,
    "MAX_BODY_BYTES": _SERVE,
    "MAX_CONNECTIONS": _SERVE,
    "MAX_HEAD_BYTES": _SERVE,
    "MAX_STREAM_CONNECTIONS": "binance_spot.testing.streams",
    "MAX_TOKEN_VALIDITY_MS": _ACCOUNTS,
    "MAX_ORDERS": _MARGIN,
    "MAX_TRADES": _MARGIN,
    "REQUEST_LOG_SIZE": _RECORDS,
    "BinanceServer": "binance_spot.testing.server",
    "ExchangeAccount": "binance_spot.testing.trading",
    "ManualClock": "binance_spot.testing.clock",
    "OffsetClock": "binance_spot.testing.clock",
    "Recorded": _RECORDS,
    "FunctionTransport": "binance_spot.testing.transport",
    "respond": "binance_spot.testing.transport",
}
__all__ = [
    "DEFAULT_PAIRS",
    "FAULT_KINDS",
    "LISTEN_KEY_VALIDITY",
    "MAX_BODY_BYTES",
    "MAX_CONNECTIONS",
    "MAX_HEAD_BYTES",
    "MAX_STREAM_CONNECTIONS",
    "MAX_TOKEN_VALIDITY_MS",
    "MAX_ORDERS",
    "MAX_TRADES",
    "REQUEST_LOG_SIZE",
    "BinanceServer",
    "ExchangeAccount",
    "ManualClock",
    "OffsetClock",
    "Recorded",
    "FunctionTransport",
    "respond",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
