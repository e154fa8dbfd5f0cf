"""One live connection of a sync stream, read by whichever thread needs it.

A consumer waiting in ``get()`` reads the socket itself, so an event reaches it without a
hand-over between threads (the raw client's path); while the consumer is busy, the network
thread reads instead, into the bounded mailbox, so renewals stay on time and nothing waits
in the kernel. ``lock`` decides who reads; every step runs the same sans-I/O decisions.
"""

import logging
import threading
import time
from typing import Any

from binance_spot.stream._background import Call
from binance_spot.stream._core import Session, Supervisor
from binance_spot.stream._mailbox import Mailbox
from binance_spot.stream._sources import POLL, UNSUBSCRIBE_TIMEOUT, Source, renew_failed
from binance_spot.stream.event import Gap

__all__ = ["Link"]

logger = logging.getLogger("binance_spot.stream")

Outcome = tuple[str | None, float]
#: How often a reader looks whether the next token's REST call has returned.
RENEW_POLL = 0.002


class Link:
    """A connection's reading turns: ``step()`` under ``lock``; ``outcome`` once it ended."""

    def __init__(
        self,
        ws: Any,
        session: Session,
        supervisor: Supervisor,
        mailbox: Mailbox,
        source: Source,
        flags: tuple[threading.Event, threading.Event, threading.Event],
    ) -> None:
        self.ws, self.session, self.supervisor, self.mailbox, self.source = ws, session, supervisor, mailbox, source
        self.closing, self.new_key, self.ready = flags
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.outcome: Outcome = ("connection_lost", 0.0)
        self.error: BaseException | None = None
        self._check_at = 0.0  # when the deadlines, close() and the listen key are looked at next
        self._renewing: Call[Any] | None = None  # the next token's REST call, on its own thread
        from websockets.exceptions import ConnectionClosed  # once here: a lazy name in websockets

        self._closed = ConnectionClosed

    def step(self, timeout: float) -> None:
        """Read at most one message (waiting up to ``timeout``); call with ``lock`` held."""
        if self.done.is_set():
            return
        try:
            outcome = self._step(timeout)
        except self._closed:  # while receiving or sending (a renewal): the same loss
            outcome = ("connection_lost", 0.0)
        except BaseException as exc:  # fatal: the network thread raises it to the consumer
            self.error, outcome = exc, ("fatal", 0.0)
        if outcome is not None:
            self.outcome = outcome
            self.done.set()

    def _step(self, timeout: float) -> Outcome | None:
        supervisor, session, now = self.supervisor, self.session, time.monotonic()
        if now >= self._check_at:
            if self.closing.is_set():
                self._unsubscribe()
                return None, 0.0
            if supervisor.due(now) or self._renewing is not None:
                self._renew()
            if self.new_key.is_set():
                return "new_listen_key", 0.0
            if session.interrupted is not None:
                return session.interrupted.reason, session.interrupted.retry_after
            # while the token call runs its deadline has passed: look again soon, not at once
            self._check_at = now + RENEW_POLL if self._renewing else min(now + POLL, supervisor.deadline(now))
        try:
            text = self.ws.recv(timeout=max(0.0, min(timeout, self._check_at - now)))
        except TimeoutError:
            return None
        events = supervisor.receive(text, time.monotonic(), time.time())
        if not events or type(events[0]) is Gap:
            self._check_at = 0.0  # a control message: look at the deadlines again now
            if supervisor.live_once and not self.ready.is_set():
                self.ready.set()
        mailbox = self.mailbox
        for event in events:
            mailbox.put(event)
        return ("overflow", 0.0) if mailbox.full() else None

    def _renew(self) -> None:
        """Start the next token's REST call, or send it once the call returned. The call never
        runs in the reading thread, so a hanging token endpoint cannot delay ``close()``."""
        call = self._renewing
        if call is None:
            self._renewing = Call(self.source, "listen token")
            return
        if not call.done.is_set():
            return
        self._renewing = None
        try:
            credential = call.result()
        except Exception as exc:
            renew_failed(exc, self.session)
            return
        for frame in self.session.renew(credential, time.monotonic()):
            self.ws.send(frame)

    def _unsubscribe(self) -> None:
        """Best effort within ``UNSUBSCRIBE_TIMEOUT``: the socket closes right after anyway."""
        session = self.session
        try:
            for frame in session.close(time.monotonic()):
                self.ws.send(frame)
            deadline = time.monotonic() + UNSUBSCRIBE_TIMEOUT
            while not session.finished and time.monotonic() < deadline:
                session.receive(self.ws.recv(timeout=deadline - time.monotonic()), time.monotonic(), time.time())
        except Exception as exc:  # the stream is closing: nothing left to protect
            logger.debug("unsubscribe not confirmed: %s", exc)
