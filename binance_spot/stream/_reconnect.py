"""When to connect again: backoff with jitter under a hard cap on connection attempts.

Sans-I/O: times are passed in (``now``, monotonic seconds) and randomness comes from the
caller, so every decision is reproducible in tests.
"""

import math
from collections import deque
from collections.abc import Callable

from binance_spot import _backoff

__all__ = [
    "ATTEMPT_WINDOW",
    "MAX_ATTEMPTS",
    "MIN_ATTEMPT_SPACING",
    "PLANNED",
    "RENEWALS_PER_SECOND",
    "RENEWAL_BURST",
    "STABLE_AFTER",
    "Reconnector",
    "RenewalBudget",
]

#: Binance allows 300 connection attempts per 5 minutes per IP. One stream may use a third
#: of that, whatever it is configured with, leaving room for other clients on the address.
ATTEMPT_WINDOW = 300.0
MAX_ATTEMPTS = 100
#: No two attempts of one stream closer together than this, whatever the input.
MIN_ATTEMPT_SPACING = 0.1
#: A connection that stayed subscribed this long resets the backoff.
STABLE_AFTER = 60.0
#: Interruptions the server or the stream announced: reconnect soon, without growing the backoff.
PLANNED = frozenset({"server_shutdown", "connection_age", "overflow", "new_listen_key"})


#: Token renewals (a REST token, then a subscribe of weight 2) of one stream, over all its
#: connections: a burst of this many, then this many per second at most, whatever
#: ``token_validity`` or the server's ``expirationTime`` say.
RENEWAL_BURST = 10
RENEWALS_PER_SECOND = 1.0


def check_time(now: float) -> float:
    if not math.isfinite(now):
        raise ValueError(f"time must be a finite number of seconds, got {now!r}")
    return now


class Reconnector:
    """Decides the earliest time of the next connection attempt.

    ``backoff`` is ``(first, cap)`` seconds, applied by ``_backoff.delay`` (the package's one
    policy: exponential after unplanned losses, ``first`` after planned ones, jittered, never
    shorter than the server's wait). Over all of this the attempt cap holds: at most
    ``MAX_ATTEMPTS`` per ``ATTEMPT_WINDOW`` and ``MIN_ATTEMPT_SPACING`` between two.
    """

    def __init__(self, backoff: tuple[float, float], random: Callable[[], float]) -> None:
        first, cap = backoff
        if not (math.isfinite(first) and math.isfinite(cap) and 0 < first <= cap <= 3600):
            raise ValueError("backoff must be (first, cap) seconds with 0 < first <= cap <= 3600")
        self.first, self.cap = float(first), float(cap)
        self._random = random
        self._attempts: deque[float] = deque()
        self._failures = 0
        self._earliest = -math.inf
        self._live_since = math.inf
        self._now = -math.inf

    @property
    def failures(self) -> int:
        """Unplanned losses since the last stable connection."""
        return self._failures

    def _clock(self, now: float) -> float:
        """``now``, never earlier than a time seen before (a clock stepping back changes nothing)."""
        self._now = max(self._now, check_time(now))
        return self._now

    def next_attempt_at(self, now: float) -> float:
        """The earliest time (>= ``now``) at which a connection attempt may start."""
        now = self._clock(now)
        while self._attempts and self._attempts[0] <= now - ATTEMPT_WINDOW:
            self._attempts.popleft()
        at = max(now, self._earliest)
        if self._attempts:
            at = max(at, self._attempts[-1] + MIN_ATTEMPT_SPACING)
        if len(self._attempts) >= MAX_ATTEMPTS:
            at = max(at, self._attempts[-MAX_ATTEMPTS] + ATTEMPT_WINDOW)
        return at

    def attempting(self, now: float) -> None:
        """Record a connection attempt (call only at or after ``next_attempt_at``)."""
        self._attempts.append(self._clock(now))

    def live(self, now: float) -> None:
        """The new connection is subscribed."""
        self._live_since = self._clock(now)

    def lost(self, now: float, reason: str, retry_after: float = 0.0) -> float:
        """A connection (or an attempt) ended; returns the delay chosen before the next attempt."""
        now = self._clock(now)
        if now - self._live_since >= STABLE_AFTER:
            self._failures = 0
        self._live_since = math.inf
        planned = reason in PLANNED
        if not planned:
            self._failures += 1
        delay = _backoff.delay(self.first, self.cap, self._failures, self._random, retry_after, planned)
        self._earliest = now + delay
        return delay


class RenewalBudget:
    """A token bucket for renewals, shared by a stream's sessions: ``RENEWAL_BURST`` at once,
    refilled at ``RENEWALS_PER_SECOND``. A clock stepping back refills nothing."""

    def __init__(self) -> None:
        self.rate = RENEWALS_PER_SECOND
        self._tokens = float(RENEWAL_BURST)
        self._at = -math.inf

    def _refill(self, now: float) -> None:
        if now > self._at:
            elapsed = now - self._at if math.isfinite(self._at) else math.inf
            self._tokens = min(float(RENEWAL_BURST), self._tokens + elapsed * self.rate)
            self._at = now

    def ready_at(self) -> float:
        """The earliest time the next renewal may be sent."""
        if self._tokens >= 1.0:
            return -math.inf
        return self._at + (1.0 - self._tokens) / self.rate

    def spend(self, now: float) -> None:
        """A renewal is sent now."""
        self._refill(check_time(now))
        self._tokens -= 1.0
