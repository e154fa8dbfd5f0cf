"""Value types for the settings that bound a call: ``Timeout`` and ``RetryPolicy``.

Both are immutable and validated when made, so a ``Configuration`` that holds one can
never hand the transport a bound that is missing, negative, infinite or nan.
"""

import math
from typing import Any

from binance_spot.exceptions import ApiValueError

#: Bounds that keep a typo from becoming a call that blocks for days.
MAX_SECONDS = 3600.0


def seconds(
    setting: str, value: object, *, zero: bool = False, least: float | None = None, most: float = MAX_SECONDS
) -> float:
    """``value`` as a finite number of seconds (at least ``least``), or an ``ApiValueError`` naming ``setting``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiValueError(f"{setting} must be a number of seconds, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:
        raise ApiValueError(f"{setting} must be at most {most:g} seconds, got a number too large for a float") from None
    low_ok = number >= 0 if zero else number > 0
    if math.isnan(number) or not low_ok or number > most:
        floor = ">= 0" if zero else "> 0"
        raise ApiValueError(f"{setting} must be {floor} and at most {most:g} seconds, got {value!r}")
    if least is not None and number < least:
        raise ApiValueError(f"{setting} must be at least {least:g} seconds, got {value!r}")
    return number


class Timeout:
    """How long one attempt may take: to connect, per read, and in all.

    ``total`` bounds everything read from the socket (status line, headers, body), so a
    server that trickles a byte a second cannot hold an attempt longer than it; it defaults
    to ``connect + read``.
    """

    __slots__ = ("connect", "read", "total")

    connect: float
    read: float
    total: float

    def __init__(self, connect: float = 5.0, read: float = 15.0, total: float | None = None) -> None:
        object.__setattr__(self, "connect", seconds("timeout connect", connect))
        object.__setattr__(self, "read", seconds("timeout read", read))
        whole = self.connect + self.read if total is None else seconds("timeout total", total)
        object.__setattr__(self, "total", whole)

    @classmethod
    def coerce(cls, value: object, setting: str = "request_timeout") -> "Timeout":
        """A ``Timeout`` from one number (connect and read), a ``(connect, read)`` pair, or itself."""
        if isinstance(value, Timeout):
            return value
        if isinstance(value, tuple) and len(value) == 2:
            return cls(seconds(f"{setting}[0]", value[0]), seconds(f"{setting}[1]", value[1]))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = seconds(setting, value)
            return cls(number, number)
        raise ApiValueError(
            f"{setting} must be a number of seconds, a (connect, read) pair or a Timeout, got {type(value).__name__}"
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Timeout is immutable: make a new one")

    def __reduce__(self) -> tuple[type["Timeout"], tuple[float, float, float]]:
        return Timeout, (self.connect, self.read, self.total)

    def __deepcopy__(self, memo: dict[int, Any]) -> "Timeout":
        return self  # immutable

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timeout):
            return NotImplemented
        return (self.connect, self.read, self.total) == (other.connect, other.read, other.total)

    def __hash__(self) -> int:
        return hash((self.connect, self.read, self.total))

    def __repr__(self) -> str:
        return f"Timeout(connect={self.connect:g}, read={self.read:g}, total={self.total:g})"


#: What ``Configuration.request_timeout`` and ``_request_timeout`` accept.
TimeoutSetting = Timeout | float | tuple[float, float]


def timeout_for(configured: Timeout, value: TimeoutSetting | None) -> Timeout:
    """A call's ``_request_timeout`` when it gives one, else the configured timeout."""
    return configured if value is None else Timeout.coerce(value, "_request_timeout")


class RetryPolicy:
    """Which failures are tried again, how often, and how long to wait in between.

    Connection failures, 429 and 5xx are retried up to ``total`` times with exponential
    backoff (``backoff`` doubling up to ``backoff_max``, full jitter) or the server's
    ``Retry-After``. A ``Retry-After`` beyond ``max_wait`` raises at once; no retry starts
    that would wait beyond ``max_time`` seconds from the start of the call.
    """

    __slots__ = ("backoff", "backoff_max", "max_time", "max_wait", "total")

    total: int
    backoff: float
    backoff_max: float
    max_wait: float
    max_time: float

    def __init__(
        self,
        total: int = 3,
        backoff: float = 0.5,
        backoff_max: float = 8.0,
        max_wait: float = 60.0,
        max_time: float = 120.0,
    ) -> None:
        if isinstance(total, bool) or not isinstance(total, int) or not 0 <= total <= 100:
            raise ApiValueError(f"retries must be a whole number from 0 to 100, got {total!r}")
        values = {
            "total": total,
            "backoff": seconds("retry backoff", backoff, zero=True),
            "backoff_max": seconds("retry backoff_max", backoff_max, zero=True),
            "max_wait": seconds("max_retry_wait", max_wait, zero=True, most=86400.0),
            "max_time": seconds("max_retry_time", max_time, zero=True, most=86400.0),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @classmethod
    def coerce(cls, value: object, base: "RetryPolicy | None" = None) -> "RetryPolicy":
        """A policy from None (the default), a count, a ``RetryPolicy`` or a urllib3 ``Retry``."""
        base = base or cls()
        if value is None:
            return cls(cls().total, base.backoff, base.backoff_max, base.max_wait, base.max_time)
        if isinstance(value, RetryPolicy):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return base.replace(total=value)
        if type(value).__name__ == "Retry" and type(value).__module__.startswith("urllib3"):
            from binance_spot._urllib3_retry import translate

            return base.replace(**translate(value))
        raise ApiValueError(
            f"retries must be a whole number, a RetryPolicy or a urllib3 Retry, got {type(value).__name__}"
        )

    def replace(self, **changes: Any) -> "RetryPolicy":
        """A copy with ``changes`` applied (and validated)."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return RetryPolicy(**fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RetryPolicy is immutable: use replace()")

    def __reduce__(self) -> tuple[type["RetryPolicy"], tuple[Any, ...]]:
        return RetryPolicy, tuple(getattr(self, name) for name in _ORDER)

    def __deepcopy__(self, memo: dict[int, Any]) -> "RetryPolicy":
        return self  # immutable

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RetryPolicy):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, name) for name in self.__slots__))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in sorted(self.__slots__, key=_ORDER.index))
        return f"RetryPolicy({fields})"


_ORDER = ["total", "backoff", "backoff_max", "max_wait", "max_time"]
