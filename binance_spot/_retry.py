"""When to try a request again, and how long to wait first.

All three listen-key calls are safe to repeat (POST returns the active key, PUT and
DELETE are idempotent), so connection failures, 429 and 5xx are retried with capped
exponential backoff and full jitter, and ``Retry-After`` is honoured. 418 (an IP ban) and
every other 4xx are final: retrying them only lengthens a ban.
"""

import random
import time
from typing import Any, Optional

from binance_spot.exceptions import ApiValueError

DEFAULT_BACKOFF = 0.5
DEFAULT_BACKOFF_MAX = 8.0


def is_retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime  # rare: Binance sends seconds

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryPolicy:
    """How many times to retry and how long to wait; built from a ``Configuration``.

    ``max_time`` bounds the whole call: no retry starts once waiting for it would end
    later than ``max_time`` seconds after the call began.
    """

    __slots__ = ("backoff", "backoff_max", "max_time", "max_wait", "retries")

    def __init__(
        self,
        retries: int,
        backoff: float = DEFAULT_BACKOFF,
        backoff_max: float = DEFAULT_BACKOFF_MAX,
        max_wait: float = 60.0,
        max_time: float = 120.0,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.max_wait = max_wait
        self.max_time = max_time

    @classmethod
    def from_setting(cls, retries: Any, default: int, max_wait: float, max_time: float) -> "RetryPolicy":
        """Accept what ``Configuration.retries`` may hold: None, an int, or a urllib3 ``Retry``."""
        if retries is None:
            return cls(default, max_wait=max_wait, max_time=max_time)
        if isinstance(retries, bool):
            return cls(default if retries else 0, max_wait=max_wait, max_time=max_time)
        if isinstance(retries, int):
            if retries < 0:
                raise ApiValueError(f"retries must be >= 0, got {retries}")
            return cls(retries, max_wait=max_wait, max_time=max_time)
        total = getattr(retries, "total", None)
        if total is None or total is False:
            total = default if total is None else 0
        backoff = getattr(retries, "backoff_factor", None)
        if backoff is None:
            backoff = DEFAULT_BACKOFF  # 0 is kept: in urllib3 it means "retry without waiting"
        # urllib3 2.x has backoff_max on the instance, 1.26 only a class default.
        backoff_max = getattr(retries, "backoff_max", None) or getattr(retries, "DEFAULT_BACKOFF_MAX", None)
        backoff_max = backoff_max or DEFAULT_BACKOFF_MAX
        return cls(int(total), float(backoff), float(backoff_max), max_wait, max_time)

    def delay(self, retry_number: int, retry_after: Optional[float]) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based)."""
        if retry_after is not None:
            return retry_after
        return random.uniform(0, min(self.backoff_max, self.backoff * 2 ** (retry_number - 1)))
