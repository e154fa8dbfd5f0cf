"""The decisions both drivers share, without I/O: connect when, renew when, replace the
connection when and why, and where the gap markers go.

A driver (``_sync``, ``_async``) owns the sockets, the clock and the REST calls; it asks a
``Supervisor`` what to do next and tells it what happened. Nothing here blocks, sleeps,
reads a clock or touches a socket, so the rules are tested without any.
"""

import math
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

from binance_spot.stream._protocol import Credential, Interrupted
from binance_spot.stream._reconnect import Reconnector, check_time
from binance_spot.stream.event import Event, Gap

__all__ = ["MAX_CONNECTION_AGE", "Session", "Supervisor", "websocket_urls"]

#: Binance ends every connection after 24 h; replace it before, as the official SDK does.
MAX_CONNECTION_AGE = 23 * 3600.0
PRODUCTION_API = "wss://ws-api.binance.com:443/ws-api/v3"
PRODUCTION_RISK = "wss://margin-stream.binance.com"


class Session(Protocol):
    """One connection's protocol state (``UserDataSession`` or ``RiskSession``)."""

    live: bool
    finished: bool
    interrupted: Interrupted | None

    def url(self, base: str, credential: Credential) -> str: ...
    def open(self, credential: Credential, now: float) -> list[str]: ...
    def renew(self, credential: Credential, now: float) -> list[str]: ...
    def renew_failed(self, now: float, retry_after: float = 0.0) -> None: ...
    def renew_at(self) -> float: ...
    def deadline(self) -> float: ...
    def check(self, now: float) -> None: ...
    def close(self, now: float) -> list[str]: ...
    def receive(self, text: str | bytes, now: float, wall: float) -> list[Event]: ...


def websocket_urls(host: str) -> tuple[str, str]:
    """(WebSocket API URL, risk stream base URL) for a REST ``host``.

    Binance's own hosts (``*.binance.com``) map to production's WebSocket hosts; any other
    host serves both itself, ``http`` becoming ``ws`` and ``https`` becoming ``wss``, the
    API at ``/ws-api/v3`` and the risk stream at ``/ws/<key>`` (the local ``BinanceServer``).
    """
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"cannot derive a WebSocket URL from host {host!r}; pass ws_url= and risk_url=")
    if parts.hostname == "binance.com" or parts.hostname.endswith(".binance.com"):
        return PRODUCTION_API, PRODUCTION_RISK
    base = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return f"{base}/ws-api/v3", base


class Supervisor:
    """Reconnects with a new credential each time and owes the consumer a ``Gap`` after each loss.

    Call order per connection: ``connect_at`` (wait until then), ``connecting``, then either
    ``lost`` (the attempt failed) or ``opened``, ``receive`` / ``due`` while it lasts,
    ``lost`` when it ended for any reason but ``close``.
    """

    def __init__(
        self,
        new_session: Callable[[], Session],
        reconnector: Reconnector,
        max_age: float = MAX_CONNECTION_AGE,
    ) -> None:
        if not (math.isfinite(max_age) and 0 < max_age <= 24 * 3600):
            raise ValueError("max_age must be a number of seconds in (0, 86400]")
        self._new_session = new_session
        self.reconnector = reconnector
        self.max_age = max_age
        self.session: Session | None = None
        self.live_once = False
        self._opened_at = math.inf
        self._reported_live = False
        self._gap: tuple[str, int] | None = None

    def connect_at(self, now: float) -> float:
        return self.reconnector.next_attempt_at(now)

    def connecting(self, now: float) -> Session:
        self.reconnector.attempting(now)
        self.session = self._new_session()
        self._reported_live = False
        self._opened_at = math.inf
        return self.session

    def opened(self, credential: Credential, now: float, wall: float) -> tuple[list[str], list[Event]]:
        """The connection is up: frames to send, and the gap marker if the session is live at once."""
        session = self._current()
        self._opened_at = check_time(now)
        frames = session.open(credential, now)
        return frames, self._went_live(now, wall)

    def receive(self, text: str | bytes, now: float, wall: float) -> list[Event]:
        """Events for the consumer, in order, a gap marker first when the subscription came back."""
        session = self._current()
        events = session.receive(text, now, wall)
        if session.live and not self._reported_live:
            return self._went_live(now, wall) + events
        if not self.live_once and session.interrupted is not None and session.interrupted.error is not None:
            raise session.interrupted.error  # the first subscription was refused: retrying will not help
        return events

    def _went_live(self, now: float, wall: float) -> list[Event]:
        session = self._current()
        if not session.live or self._reported_live:
            return []
        self._reported_live = True
        self.live_once = True
        self.reconnector.live(now)
        if self._gap is None:
            return []
        reason, lost_at = self._gap
        self._gap = None
        return [Gap.of(reason, lost_at, int(wall * 1000))]

    def deadline(self, now: float) -> float:
        """When ``due`` next has something to decide (the driver may sleep until then)."""
        session = self._current()
        return min(session.deadline(), self._opened_at + self.max_age)

    def due(self, now: float) -> bool:
        """True when a new credential should be sent now; sets ``session.interrupted`` if the
        connection has to go (too old, a request unanswered)."""
        session = self._current()
        if check_time(now) >= self._opened_at + self.max_age and session.interrupted is None:
            session.interrupted = Interrupted("connection_age")
        session.check(now)
        return session.interrupted is None and now >= session.renew_at()

    def lost(self, now: float, wall: float, reason: str, retry_after: float = 0.0) -> float:
        """The connection (or attempt) ended; returns the backoff delay chosen."""
        if self.live_once and self._gap is None:
            self._gap = (reason, int(wall * 1000))
        self.session = None
        return self.reconnector.lost(now, reason, retry_after)

    def _current(self) -> Session:
        if self.session is None:
            raise RuntimeError("no connection: call connecting() first")
        return self.session
