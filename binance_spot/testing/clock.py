"""A hand-driven clock, so expiry can be tested without sleeping."""

import threading


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
        if seconds < 0:
            raise ValueError("a ManualClock cannot go backwards")
        with self._lock:
            self._now += seconds
            return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self():.3f})"
