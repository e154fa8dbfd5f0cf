"""When the next REST call may go: never faster than a floor, whatever the stream does.

Four limits, the latest wins: ``floor`` seconds between any two calls (at least
``_backoff.MIN_DELAY``); after a failure, the one retry policy's ``_backoff.delay``
(which honours the server's ``retry_after``); no two resyncs starting within
``resync_floor`` seconds; and at most ``budget`` weight per rolling minute (a call
heavier than the whole budget goes alone, once the minute is empty).
"""

from collections import deque
from collections.abc import Callable
from typing import Any

from binance_spot import _backoff

__all__ = ["MINUTE", "Pacer"]

MINUTE = 60.0


class Pacer:
    def __init__(
        self,
        *,
        floor: float,
        resync_floor: float,
        budget: int,
        backoff_first: float,
        backoff_cap: float,
        random: Callable[[], float],
    ) -> None:
        self.floor = max(floor, _backoff.MIN_DELAY)
        self.resync_floor = resync_floor
        self.budget = budget
        self._first, self._cap, self._random = backoff_first, backoff_cap, random
        self._spent: deque[tuple[float, int]] = deque()
        self._last_sent: float | None = None
        self._last_resync: float | None = None  # when the last resync's first call went
        self._resync_pending = False
        self._not_before = float("-inf")
        self.failures = 0

    def ready_at(self, weight: int) -> float:
        """The earliest monotonic time a call of ``weight`` may be sent."""
        at = self._not_before
        if self._last_sent is not None:
            at = max(at, self._last_sent + self.floor)
        total = sum(w for t, w in self._spent if t > at - MINUTE)
        for sent, w in self._spent:
            if total == 0 or total + weight <= self.budget:
                break
            if sent > at - MINUTE:
                at = max(at, sent + MINUTE)
                total -= w
        return at

    def sent(self, now: float, weight: int) -> None:
        while self._spent and self._spent[0][0] <= now - MINUTE:
            self._spent.popleft()
        self._spent.append((now, weight))
        self._last_sent = now
        if self._resync_pending:
            self._resync_pending, self._last_resync = False, now

    def succeeded(self) -> None:
        self.failures = 0

    def failed(self, now: float, retry_after: Any = 0.0) -> None:
        """Hold the next call back by the backoff (``retry_after``: the server's wait, seconds)."""
        self.failures += 1
        wait = _backoff.delay(self._first, self._cap, self.failures, self._random, server=retry_after)
        self._not_before = max(self._not_before, now + wait)

    def resync_starts(self, now: float) -> None:
        """A resync (re)starts: its first call waits for the resync floor."""
        self._resync_pending = True
        if self._last_resync is not None:
            self._not_before = max(self._not_before, self._last_resync + self.resync_floor)
