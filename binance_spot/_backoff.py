"""When to try again: one backoff rule, one jitter rule, one reading of the server's wait, one floor.

Every loop of ours that tries again uses this module: the REST retry loop, the keep-alive
manager, the stream's reconnector and its token renewals. It is pure: randomness and the
wall clock are passed in, so every delay is reproducible in a test.
"""

import math
import time
from collections.abc import Callable
from typing import Any

from binance_spot._validate import ascii_int

__all__ = [
    "MAX_SERVER_WAIT",
    "MIN_DELAY",
    "delay",
    "exponential",
    "jitter",
    "retry_after_header",
    "retry_after_ws",
    "server_wait",
]

#: No two attempts of one loop are closer than this (seconds), whatever a policy, a clock or
#: a server's ``Retry-After: 0`` says: no input can turn a loop of ours into a request storm.
MIN_DELAY = 0.1
#: The longest wait a server's ``Retry-After`` / ``retryAfter`` imposes on a loop that keeps
#: going (Binance's bans can be longer: the next attempt is refused again and waits again).
MAX_SERVER_WAIT = 3600.0


def exponential(first: float, cap: float, failures: int) -> float:
    """``first * 2**(failures - 1)`` capped at ``cap``; ``failures`` counts from 1."""
    return min(cap, first * 2.0 ** min(max(failures, 1) - 1, 32))


def jitter(seconds: float, random: Callable[[], float]) -> float:
    """The one jitter rule: a random point of ``[seconds / 2, seconds)``.

    Clients cut off together do not come back together, and every delay keeps at least half
    its length, so the backoff still grows. A ``random()`` outside [0, 1] (or nan) is clamped.
    """
    value = random()
    value = min(max(value, 0.0), 1.0) if math.isfinite(value) else 0.5
    return seconds * (0.5 + 0.5 * value)


def server_wait(seconds: Any, most: float = MAX_SERVER_WAIT) -> float:
    """A wait the server asked for, within ``[0, most]``; anything but a finite number means none."""
    if type(seconds) not in (int, float) or not math.isfinite(seconds):
        return 0.0
    return float(min(max(seconds, 0.0), most))


def delay(
    first: float,
    cap: float,
    failures: int,
    random: Callable[[], float],
    server: Any = 0.0,
    planned: bool = False,
) -> float:
    """Seconds before the next attempt after ``failures`` failures in a row.

    The jittered exponential backoff (only ``first``, jittered, for a ``planned`` retry such as a
    reconnect the server announced), never shorter than the ``server`` wait (read with
    ``server_wait``) and never shorter than ``MIN_DELAY``.
    """
    own = jitter(first if planned else exponential(first, cap, failures), random)
    return max(MIN_DELAY, own, server_wait(server))


def retry_after_header(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if
    absent or malformed (so the backoff alone applies)."""
    if not value:
        return None
    seconds = ascii_int(value)
    if seconds is not None:
        return float(seconds)
    if not value.isascii():
        return None
    from email.utils import parsedate_to_datetime  # rare: Binance sends seconds

    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_after_ws(value: Any, wall: float) -> float:
    """Seconds to wait for a WebSocket API ``data.retryAfter``, within [0, ``MAX_SERVER_WAIT``].

    Binance sends the time the ban ends, in milliseconds since the epoch (microseconds are
    recognised by their size); a time already past means no wait beyond the backoff. A number
    too small to be such a time (below 1e12, i.e. before 2001) is read as seconds. Anything
    else (a string, nan, a bool) is ignored.
    """
    if type(value) not in (int, float) or not math.isfinite(value):
        return 0.0
    if value >= 1e12:
        epoch_ms = value / 1000.0 if value > 1e14 else value
        value = epoch_ms / 1000.0 - wall
    return server_wait(value)
