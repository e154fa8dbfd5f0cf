"""A local Binance for tests and demos: ``BinanceServer`` imitates the listen-key endpoints.

It needs only the standard library, so applications can test their use of binance_spot
(expiry, retirement, network faults) without touching Binance.
"""

from binance_spot.testing._serve import MAX_BODY_BYTES, MAX_CONNECTIONS, MAX_HEAD_BYTES
from binance_spot.testing.clock import ManualClock
from binance_spot.testing.server import (
    FAULT_KINDS,
    LISTEN_KEY_VALIDITY,
    MAX_TOKEN_VALIDITY_MS,
    REQUEST_LOG_SIZE,
    BinanceServer,
    Recorded,
)
from binance_spot.testing.transport import FunctionTransport, respond

__all__ = [
    "FAULT_KINDS",
    "LISTEN_KEY_VALIDITY",
    "MAX_BODY_BYTES",
    "MAX_CONNECTIONS",
    "MAX_HEAD_BYTES",
    "MAX_TOKEN_VALIDITY_MS",
    "REQUEST_LOG_SIZE",
    "BinanceServer",
    "ManualClock",
    "Recorded",
    "FunctionTransport",
    "respond",
]
