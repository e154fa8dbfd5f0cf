"""What many accounts may spend per IP: request weight per minute, connection attempts per five
minutes. Sans-I/O: times are passed in, nothing sleeps.

Both are sliding windows over what was actually spent, so "at most ``limit`` in ANY window of
``window`` seconds" holds by construction, not only per clock minute.
"""

import math
import threading
from collections import deque

from binance_spot import _backoff
from binance_spot.stream._reconnect import check_time

__all__ = [
    "ATTEMPTS",
    "CONNECT_WEIGHT",
    "DEFAULT_WEIGHT_PER_MINUTE",
    "PROCESS_ATTEMPTS",
    "SUBSCRIBE_WEIGHT",
    "AttemptWindow",
    "WeightBudget",
]

#: Binance's weights: a WebSocket API connection costs 2, ``subscribe.listenToken`` 2 (the
#: unsubscribe is counted at 2 too, to be safe).
CONNECT_WEIGHT = 2
SUBSCRIBE_WEIGHT = 2
#: The default share of the IP's request weight (Binance: 6,000 a minute) that a pool of
#: accounts may spend on connecting and subscribing: a fifth, leaving the rest to REST calls
#: and other clients on the address. 1,200 a minute is 600 subscribes: 1,000 accounts in 100 s.
DEFAULT_WEIGHT_PER_MINUTE = 1200
#: Binance: 300 connection attempts per 5 minutes per IP, shared by every pool of the process.
ATTEMPTS = 300
ATTEMPT_WINDOW = 300.0


class WeightBudget:
    """At most ``limit`` weight in any ``window`` seconds; the server's ``rateLimits`` count
    (weight spent by others on the IP) and a 429/418 ``retryAfter`` only make it stricter."""

    def __init__(self, limit: int = DEFAULT_WEIGHT_PER_MINUTE, window: float = 60.0) -> None:
        if type(limit) is not int or limit < 2 * SUBSCRIBE_WEIGHT:
            raise ValueError(f"the weight budget must be an integer >= {2 * SUBSCRIBE_WEIGHT}, got {limit!r}")
        if not (math.isfinite(window) and window > 0):
            raise ValueError("the weight window must be a positive number of seconds")
        self.limit, self.window = limit, float(window)
        self._spent: deque[tuple[float, int]] = deque()  # (when, weight), oldest first
        self._total = 0
        self._blocked_until = -math.inf

    def _expire(self, now: float) -> None:
        spent = self._spent
        while spent and spent[0][0] + self.window <= now:
            self._total -= spent.popleft()[1]

    def used(self, now: float) -> int:
        """Weight spent in the window ending at ``now``."""
        self._expire(check_time(now))
        return self._total

    def ready_at(self, now: float, weight: int) -> float:
        """The earliest time >= ``now`` at which ``weight`` more fits (inf: it never fits)."""
        self._expire(check_time(now))
        if weight > self.limit:
            return math.inf
        at = max(now, self._blocked_until)
        excess = self._total + weight - self.limit
        for when, spent in self._spent:  # wait until enough of the oldest leave the window
            if excess <= 0:
                break
            excess -= spent
            at = max(at, when + self.window)
        return at

    def spend(self, now: float, weight: int) -> None:
        now = check_time(now)
        if self._spent and now < self._spent[-1][0]:
            now = self._spent[-1][0]  # a clock stepping back makes nothing older
        self._spent.append((now, weight))
        self._total += weight

    def observe(self, count: object, limit: object, now: float) -> None:
        """The server's ``rateLimits`` entry for request weight per minute: spend what others
        spent (its count beyond ours) and never allow more than its limit."""
        if type(limit) is int and 0 < limit < self.limit:
            self.limit = max(limit, 2 * SUBSCRIBE_WEIGHT)
        if type(count) is int and count > self.used(now):
            self.spend(now, count - self._total)

    def block(self, now: float, seconds: float) -> None:
        """A 429/418 asked to wait ``seconds``: nothing is spent before then."""
        self._blocked_until = max(self._blocked_until, check_time(now) + _backoff.server_wait(seconds))


class AttemptWindow:
    """Connection attempts of the whole process: at most ``limit`` per ``window`` seconds and
    ``MIN_DELAY`` apart. Shared by pools on several threads, hence its lock."""

    def __init__(self, limit: int = ATTEMPTS, window: float = ATTEMPT_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._attempts: deque[float] = deque()
        self._lock = threading.Lock()

    def _next_at(self, now: float) -> float:
        attempts = self._attempts
        while attempts and attempts[0] + self.window <= now:
            attempts.popleft()
        at = now
        if attempts:
            at = max(at, attempts[-1] + _backoff.MIN_DELAY)
        if len(attempts) >= self.limit:
            at = max(at, attempts[-self.limit] + self.window)
        return at

    def next_at(self, now: float) -> float:
        """The earliest time >= ``now`` of the next attempt."""
        with self._lock:
            return self._next_at(check_time(now))

    def attempt(self, now: float) -> bool:
        """Record an attempt now if one is allowed now."""
        with self._lock:
            if self._next_at(check_time(now)) > now:
                return False
            self._attempts.append(now)
            return True


#: The process's attempts: every pool counts against it unless given its own.
PROCESS_ATTEMPTS = AttemptWindow()
