"""The decisions both drivers share, without I/O: connect when, read until when, renew when,
stop reading when (backpressure), replace the connection when and why, and where the gap
markers go.

A driver (``_sync``, ``_async``) owns the sockets, the clock and the REST calls; it asks a
``Supervisor`` for the next ``Step``, executes it and tells it what happened. Nothing here
blocks, sleeps, reads a clock or touches a socket, so the rules are tested without any.
"""

import math
from collections import deque
from collections.abc import Callable
from typing import NamedTuple, Protocol
from urllib.parse import urlsplit

from binance_spot.stream._overlap import HANDOVER, NEW, OLD, Overlap
from binance_spot.stream._protocol import Credential, Interrupted
from binance_spot.stream._reconnect import Reconnector, check_time
from binance_spot.stream.event import Event, Gap

__all__ = [
    "COLLECT",
    "END",
    "MAX_CONNECTION_AGE",
    "PING",
    "PING_INTERVAL",
    "READ",
    "RENEW",
    "SILENCE",
    "UNSUBSCRIBE",
    "Session",
    "Step",
    "Supervisor",
    "websocket_urls",
]

#: Binance ends every connection after 24 h; replace it before, as the official SDK does.
MAX_CONNECTION_AGE = 23 * 3600.0
PRODUCTION_API = "wss://ws-api.binance.com:443/ws-api/v3"
PRODUCTION_RISK = "wss://margin-stream.binance.com"
#: The longest a driver reads before asking again (so ``close()`` is seen soon).
POLL = 0.05
#: How often a driver looks whether the next token's REST call has returned.
RENEW_POLL = 0.002
#: How often a driver waiting for the consumer to drain the queue looks again.
DRAIN_POLL = 0.01
#: While the stream is closing: how long to wait for the unsubscribe to be confirmed.
UNSUBSCRIBE_TIMEOUT = 0.5
#: Our own keepalive, the same on every websockets version: a ping this often (Binance pings
#: every 20 s), and a connection that sent nothing, not even a pong, for ``SILENCE`` is dead.
PING_INTERVAL = 20.0
SILENCE = 60.0

#: What a ``Step`` asks of the driver.
READ = "read"  # read one message, waiting until ``until`` at most, and pass it to ``receive``
RENEW = "renew"  # start the next token's REST call off the reading thread or task
COLLECT = "collect"  # if that call returned: pass its result to ``renewed`` / ``renew_failed``
UNSUBSCRIBE = "unsubscribe"  # send ``unsubscribe()``'s frames
PING = "ping"  # send a ping; tell ``heard`` when its pong comes
END = "end"  # close the socket: the connection ended for ``reason`` (None: the stream closed)


class Step(NamedTuple):
    """The driver's next move on an open connection."""

    action: str
    until: float = math.inf
    reason: str | None = None
    retry_after: float = 0.0


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
    ``lost`` (the attempt failed) or ``opened``, then ``step`` and what it asks for
    (``receive``, ``renewed`` ...) until it says ``END``, then ``lost`` unless the stream closed.
    ``close`` and ``key_changed`` may come at any time, from any thread: they set a flag that
    the next ``step`` reads. ``queued`` is how many events wait for the consumer.
    """

    def __init__(
        self,
        new_session: Callable[[], Session],
        reconnector: Reconnector,
        max_age: float = MAX_CONNECTION_AGE,
        max_queue: int = 10_000,
    ) -> None:
        if not (math.isfinite(max_age) and 0 < max_age <= 24 * 3600):
            raise ValueError("max_age must be a number of seconds in (0, 86400]")
        self._new_session = new_session
        self.reconnector = reconnector
        self.max_age = max_age
        self.max_queue = max_queue
        self.session: Session | None = None
        self.live_once = False
        self.closing = False
        self._new_key = False
        self._opened_at = math.inf
        self._reported_live = False
        self._gap: tuple[str, int] | None = None
        self.overlap: Overlap | None = None  # the old connection of a planned reconnect
        self.ping_interval, self.silence = PING_INTERVAL, SILENCE  # read when made: tests shorten them
        self._reset()

    def _reset(self) -> None:
        self._check_at = -math.inf  # before then, ``step`` has nothing to decide but READ
        self._read = Step(READ, -math.inf)  # that step, made once
        self._renewing = False
        self._overflow = False
        self._unsubscribe_until = math.inf
        self._heard_at = self._ping_at = math.inf

    def close(self) -> None:
        """The stream is closing: unsubscribe, then end (wins over every other cause)."""
        self.closing = True
        self._check_at = -math.inf

    def key_changed(self) -> None:
        """The risk stream's manager made a new key: replace the connection."""
        self._new_key = True
        self._check_at = -math.inf

    def connect_at(self, now: float, queued: int = 0) -> float:
        """The earliest time of the next attempt: not before the consumer drained the queue to
        half (the overflow policy), then as the reconnector allows."""
        if queued > self.max_queue // 2:
            return now + DRAIN_POLL
        return self.reconnector.next_attempt_at(now)

    def connecting(self, now: float) -> Session:
        self.reconnector.attempting(now)
        self.session = self._new_session()
        self._reported_live = False
        self._opened_at = math.inf
        self._new_key = False
        self._reset()
        return self.session

    def opened(self, credential: Credential, now: float, wall: float) -> tuple[list[str], list[Event]]:
        """The connection is up: frames to send, and the gap marker if the session is live at once."""
        session = self._current()
        self._opened_at = self._heard_at = check_time(now)
        self._ping_at = now + self.ping_interval
        frames = session.open(credential, now)
        return frames, self._went_live(now, wall)

    def receive(self, text: str | bytes, now: float, wall: float, queued: int = 0) -> list[Event]:
        """Events for the consumer, in order, a gap marker first when the subscription came back.

        Once the events and the ``queued`` ones reach ``max_queue`` the connection ends with
        ``overflow`` (the driver stops reading). While closing, only replies count."""
        session = self._current()
        self._heard_at = now
        if self.closing:
            session.receive(text, now, wall)  # the unsubscribe's confirmation
            self._check_at = -math.inf
            return []
        events = session.receive(text, now, wall)
        if session.live and not self._reported_live:
            events = self._went_live(now, wall) + events
        if self.overlap is not None:
            events = self._overlapping(NEW, events, now)
        elif not self.live_once and session.interrupted is not None and session.interrupted.error is not None:
            raise session.interrupted.error  # the first subscription was refused: retrying will not help
        if not events or type(events[0]) is Gap:
            self._check_at = -math.inf  # a control message: look at the deadlines again now
        if queued + len(events) >= self.max_queue:
            self._overflow = True
            self._check_at = -math.inf
        return events

    def receive_all(self, messages: "deque[str | bytes]", now: float, wall: float, queued: int = 0) -> list[Event]:
        """``receive`` for the messages of one read (at least one), with one clock for all: they
        are taken from the left of ``messages`` for as long as ``step`` would answer READ again,
        so the one that calls for a decision (a control message, a full queue, ``close()``) is
        the last taken and the rest wait for the next step. While a rule of the first messages
        is in play (not live yet, an overlap, closing) one message is taken, by ``receive``."""
        if self.closing or self.overlap is not None or not self._reported_live:
            return self.receive(messages.popleft(), now, wall, queued)
        self._heard_at = now
        receive, room = self._current().receive, self.max_queue - queued
        events: list[Event] = []
        while True:
            received = receive(messages.popleft(), now, wall)
            if received:
                events += received
            else:  # a control message: look at the deadlines again now
                self._check_at = -math.inf
            if len(events) >= room:
                self._overflow = True
                self._check_at = -math.inf
            if not messages or now >= self._check_at:
                return events

    def _went_live(self, now: float, wall: float) -> list[Event]:
        session = self._current()
        if not session.live or self._reported_live:
            return []
        self._reported_live = True
        self.live_once = True
        self.reconnector.live(now)
        if self.overlap is not None:
            self.overlap.went_live(now)
        if self._gap is None:
            return []
        reason, lost_at = self._gap
        self._gap = None
        return [Gap.of(reason, lost_at, int(wall * 1000))]

    def heard(self, now: float) -> None:
        """A pong came: the connection is alive."""
        self._heard_at = max(self._heard_at, now)
        self._check_at = -math.inf

    def deadline(self, now: float) -> float:
        """When ``due`` next has something to decide (the driver may sleep until then)."""
        session = self._current()
        return min(session.deadline(), self._opened_at + self.max_age, self._ping_at, self._heard_at + self.silence)

    def due(self, now: float) -> bool:
        """True when a new credential should be sent now; sets ``session.interrupted`` if the
        connection has to go (too old, a request unanswered)."""
        session = self._current()
        if check_time(now) >= self._opened_at + self.max_age and session.interrupted is None:
            session.interrupted = Interrupted("connection_age")
        if now >= self._heard_at + self.silence and session.interrupted is None:
            session.interrupted = Interrupted("silent")
        session.check(now)
        return session.interrupted is None and now >= session.renew_at()

    def step(self, now: float) -> Step:
        """The driver's next move. The order in which causes win is decided here only:
        closing, then overflow, then a new key, then the session's interruption (server
        shutdown, age, an unanswered request ...), then a renewal that is due."""
        if now < self._check_at:
            return self._read  # the common case: one comparison per message
        session = self._current()
        if self.closing:
            if self._unsubscribe_until == math.inf:
                self._unsubscribe_until = now + UNSUBSCRIBE_TIMEOUT
                return Step(UNSUBSCRIBE)
            if session.finished or now >= self._unsubscribe_until:
                return Step(END)
            return Step(READ, self._unsubscribe_until)
        renew = self.due(now)
        ending = self._ending()
        if ending is not None:
            return ending
        if now >= self._ping_at:  # at most one per interval, whatever the clock does
            self._ping_at = now + self.ping_interval
            return Step(PING)
        if self._renewing:  # while the token call runs its deadline has passed: look again soon
            self._look_again(now + RENEW_POLL)
            return Step(COLLECT)
        if renew:
            self._renewing = True
            self._look_again(now + RENEW_POLL)
            return Step(RENEW)
        return self._look_again(min(now + POLL, self.deadline(now)))

    def _look_again(self, at: float) -> Step:
        self._check_at = at
        self._read = Step(READ, at)
        return self._read

    def _ending(self) -> Step | None:
        interrupted = self._current().interrupted
        if self._overflow:
            return Step(END, reason="overflow")
        if self._new_key:
            return Step(END, reason="new_listen_key")
        if interrupted is not None:
            return Step(END, reason=interrupted.reason, retry_after=interrupted.retry_after)
        return None

    def dropped(self) -> Step:
        """The connection closed under the driver (reading or sending): why it ended."""
        if self.closing:
            return Step(END)
        return self._ending() or Step(END, reason="connection_lost")

    def renewed(self, credential: Credential, now: float) -> list[str]:
        """The next token's call returned it: the frames that renew the subscription."""
        self._renewing = False
        self._check_at = -math.inf
        return self._current().renew(credential, now)

    def renew_failed(self, now: float, retry_after: float = 0.0) -> None:
        """The next token's call failed (and retrying can help): try again later."""
        self._renewing = False
        self._check_at = -math.inf
        self._current().renew_failed(now, retry_after)

    def unsubscribe(self, now: float) -> list[str]:
        """The frames that end the subscription before the socket is closed."""
        self._check_at = -math.inf
        return self._current().close(now)

    def lost(self, now: float, wall: float, reason: str, retry_after: float = 0.0) -> float:
        """The connection (or attempt) ended; returns the backoff delay chosen. A planned end
        of a live connection (``HANDOVER``) starts an overlap: the driver keeps the old
        connection open and reads it (``receive_old``) while the next one subscribes, and
        no gap is owed unless the old one ends first (``old_ended``)."""
        if self.overlap is not None and self.overlap.ended_at is not None:
            self.overlap = None  # its old connection is gone: the next planned end may overlap
        session, self._reported_live = self.session, False
        handover = reason in HANDOVER and session is not None and session.live and self.overlap is None
        handover = handover and not self.closing
        if handover:
            self.overlap = Overlap(session, reason)
        elif self.live_once and self._gap is None:
            self._gap = (reason, int(wall * 1000))
        self.session = None
        return self.reconnector.lost(now, reason, retry_after)

    def _current(self) -> Session:
        if self.session is None:
            raise RuntimeError("no connection: call connecting() first")
        return self.session

    def receive_old(self, text: str | bytes, now: float, wall: float, queued: int = 0) -> list[Event]:
        """Events of the old connection during an overlap, those the new one delivered removed.
        Once the queue is full the old connection is let go (``old_wait``: None), as any
        connection would be: a gap is then owed if the new one is not live yet."""
        overlap = self.overlap
        if overlap is None:
            return []
        events = self._overlapping(OLD, overlap.session.receive(text, now, wall), now)
        if queued + len(events) >= self.max_queue:
            overlap.full = True
        return events

    def old_wait(self, now: float) -> float | None:
        """How long the driver waits for the old connection's next message (0: only one already
        received), or None: close it now (the stream is closing, or the overlap is done)."""
        if self.overlap is None or self.closing:
            return None
        return self.overlap.old_wait(now, POLL)

    def old_ended(self, now: float, wall: float) -> None:
        """The old connection is closed. Before the new one went live, events may be missed
        from now on: a gap is owed (its reason the planned one)."""
        overlap = self.overlap
        if overlap is None or overlap.ended_at is not None:
            return
        overlap.ended(now, wall)
        if not self._reported_live and self._gap is None:
            self._gap = (overlap.reason, int(wall * 1000))

    def _overlapping(self, side: int, events: list[Event], now: float) -> list[Event]:
        overlap = self.overlap
        if overlap is None:
            return events
        events = overlap.admit(side, events)
        if overlap.over(now):
            self.overlap = None
        return events
