"""Clocks the local server can be moved on: by hand in tests, or ahead of real time from a shell."""

import math
import threading
import time
from collections.abc import Callable


class ManualClock:
    """Returns a fixed time (seconds) that moves only when ``advance`` is called.

    Pass it as ``clock=`` to ``BinanceServer``: a listen key then expires after
    ``clock.advance(3601)`` instead of an hour of waiting.
    """

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` and return the new time; time never runs backwards."""
        if not 0 <= seconds < math.inf:  # NaN too: it would poison every comparison after it
            raise ValueError(f"a ManualClock moves forward by a finite number of seconds, not {seconds!r}")
        with self._lock:
            self._now += seconds
            return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self():.3f})"


class OffsetClock:
    """Real time (``base``, default ``time.time``) plus the steps ``advance`` has added.

    ``python -m binance_spot.testing`` serves on one, so ``advance-clock 3600`` from another
    terminal makes the hour pass for keys and tokens while time still runs.
    """

    def __init__(self, base: Callable[[], float] = time.time) -> None:
        self._base = base
        self._offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._base() + self._offset

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` and return the new time; time never runs backwards."""
        if not 0 <= seconds < math.inf:
            raise ValueError(f"an OffsetClock moves forward by a finite number of seconds, not {seconds!r}")
        with self._lock:
            self._offset += seconds
            return self._base() + self._offset

    def __repr__(self) -> str:
        return f"OffsetClock(+{self._offset:.3f} s)"
