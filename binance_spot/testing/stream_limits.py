"""Binance's per-IP limits of the WebSocket API on the local server, and the records tests read.

Connecting costs 2 weight and each ``userDataStream.subscribe.listenToken`` (a renewal too) 2,
counted against the same per-minute IP budget as REST (``Exchange.weigh``: one counter, one
rule), and an IP may attempt 300 connections per 5 minutes. Time is the exchange's clock, so a
``ManualClock`` moves a test across a window without waiting. No I/O here: ``StreamHub`` asks
before it answers.
"""

import math
import threading
from typing import Any, NamedTuple

from binance_spot.testing.accounts import Windows
from binance_spot.testing.exchange import Exchange

__all__ = [
    "ATTEMPT_WINDOW",
    "CONNECTION_ATTEMPTS",
    "CONNECT_WEIGHT",
    "SUBSCRIBE_WEIGHT",
    "Refusal",
    "StreamLimits",
]

#: Weight of opening a WebSocket API connection, and of one listen-token subscribe (Binance: 2 each).
CONNECT_WEIGHT, SUBSCRIBE_WEIGHT = 2, 2
#: Connection attempts an IP may make per ``ATTEMPT_WINDOW`` seconds (Binance: 300 per 5 minutes).
CONNECTION_ATTEMPTS, ATTEMPT_WINDOW = 300, 300.0
#: Windows each record keeps (a day of minutes), the oldest forgotten beyond it.
RECORD_WINDOWS = 1440


class Refusal(NamedTuple):
    """A handshake refused: the HTTP status, Binance's JSON error and the headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]


class StreamLimits:
    """Counts connection attempts and WebSocket API weight per IP, answering as Binance does past them."""

    def __init__(self, exchange: Exchange) -> None:
        self._exchange = exchange
        self._lock = threading.Lock()
        self.attempt_limit: int | None = CONNECTION_ATTEMPTS
        self._attempts = Windows(ATTEMPT_WINDOW)
        self._attempt_record: dict[int, int] = {}  # window start (s) -> attempts, refused ones too
        self._weight_record: dict[int, dict[str, int]] = {}  # minute start (s) -> weight by kind

    def connect(self, ip: str) -> Refusal | None:
        """Count a WebSocket API handshake from ``ip`` (an attempt, then its weight); the refusal
        when it breaks the attempt limit (429) or the weight budget (429), else None."""
        now = self._exchange.clock()
        with self._lock:
            attempts, ends = self._attempts.add(ip, 1, now)
            _count(self._attempt_record, int(now // ATTEMPT_WINDOW * ATTEMPT_WINDOW), 1)
        if self.attempt_limit is not None and attempts > self.attempt_limit:
            msg = f"Too many connection attempts from IP({ip}); current limit is {self.attempt_limit} per 5 MINUTE."
            return _refusal(-1003, msg, ends - now)
        reopens = self._weigh(ip, "connect", CONNECT_WEIGHT, now)[1]
        if reopens is not None:
            return _refusal(-1003, self._exchange.too_much_weight(ip).msg, reopens - now)
        return None

    def subscribe(self, ip: str, ident: Any) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """Weigh one subscribe from ``ip``: Binance's 429 answer when it broke the budget (else
        None), and the ``rateLimits`` an answer carries (none when the server has no budget)."""
        now = self._exchange.clock()
        used, reopens = self._weigh(ip, "subscribe", SUBSCRIBE_WEIGHT, now)
        limit = self._exchange.ip_weight_limit
        limits = [] if limit is None else [_rate_limit(limit, used)]
        if reopens is None:
            return None, limits
        refused = self._exchange.too_much_weight(ip)
        data = {"serverTime": int(now * 1000), "retryAfter": int(reopens * 1000)}
        return {"id": ident, "status": 429, "error": {"code": refused.code, "msg": refused.msg, "data": data}}, limits

    def _weigh(self, ip: str, kind: str, weight: int, now: float) -> tuple[int, float | None]:
        """The IP's weight of the minute and when its budget reopens (``Exchange.weigh``), recorded."""
        weighed = self._exchange.weigh(ip, weight)
        with self._lock:
            minute = self._weight_record.setdefault(int(now // 60 * 60), {"connect": 0, "subscribe": 0})
            minute[kind] += weight
            _trim(self._weight_record)
        return weighed

    def weights(self) -> dict[int, dict[str, int]]:
        """WebSocket API weight spent per clock minute (its start, epoch seconds): connects and subscribes."""
        with self._lock:
            return {start: dict(kinds) for start, kinds in self._weight_record.items()}

    def attempts(self) -> dict[int, int]:
        """WebSocket API connection attempts per 5-minute window (its start, epoch seconds), refused ones too."""
        with self._lock:
            return dict(self._attempt_record)


def _count(record: dict[int, int], start: int, amount: int) -> None:
    record[start] = record.get(start, 0) + amount
    _trim(record)


def _trim(record: dict[int, Any]) -> None:
    while len(record) > RECORD_WINDOWS:
        del record[min(record)]


def _refusal(code: int, msg: str, wait: float) -> Refusal:
    return Refusal(429, {"code": code, "msg": msg}, {"Retry-After": str(max(1, math.ceil(wait)))})


def _rate_limit(limit: int, used: int) -> dict[str, Any]:
    return {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": limit, "count": used}
