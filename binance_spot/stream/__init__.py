"""Margin user data and margin risk events over WebSocket, kept alive across renewals and reconnects.

Needs the optional extra ``stream``: ``pip install '.[stream]'`` in a checkout of binance_spot,
or its requirement alone, ``pip install 'websockets>=13.0,<18'``. Importing this package works
without it; creating a stream then says how to install it.
See docs/Streams.md.
"""

from typing import TYPE_CHECKING

from binance_spot._lazy import lazy_exports
from binance_spot.stream.errors import (
    InvalidListenToken,
    StreamClosed,
    StreamConnectionError,
    StreamError,
    StreamRequestError,
)
from binance_spot.stream.event import Event, EventFieldError, Gap, UnknownEvent, parse_event

if TYPE_CHECKING:
    from binance_spot.stream._many import AsyncMarginAccountsStream, MarginAccountsStream
    from binance_spot.stream._margin import (
        AsyncMarginRiskStream,
        AsyncMarginUserDataStream,
        MarginRiskStream,
        MarginUserDataStream,
    )
    from binance_spot.stream._pool_state import AccountEvent, AccountFailed
    from binance_spot.stream._weights import WeightBudget

__all__ = [
    "AccountEvent",
    "AccountFailed",
    "AsyncMarginAccountsStream",
    "AsyncMarginRiskStream",
    "AsyncMarginUserDataStream",
    "Event",
    "EventFieldError",
    "Gap",
    "InvalidListenToken",
    "MarginAccountsStream",
    "MarginRiskStream",
    "MarginUserDataStream",
    "StreamClosed",
    "StreamConnectionError",
    "StreamError",
    "StreamRequestError",
    "UnknownEvent",
    "WeightBudget",
    "parse_event",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AccountEvent": "binance_spot.stream._pool_state",
        "AccountFailed": "binance_spot.stream._pool_state",
        "AsyncMarginAccountsStream": "binance_spot.stream._many",
        "MarginAccountsStream": "binance_spot.stream._many",
        "AsyncMarginRiskStream": "binance_spot.stream._margin",
        "AsyncMarginUserDataStream": "binance_spot.stream._margin",
        "MarginRiskStream": "binance_spot.stream._margin",
        "MarginUserDataStream": "binance_spot.stream._margin",
        "WeightBudget": "binance_spot.stream._weights",
    },
)
