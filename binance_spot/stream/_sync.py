"""The blocking driver: one network thread per stream on ``websockets``' sync client,
a bounded ``Mailbox`` to the consumer, every decision taken by the sans-I/O ``Supervisor``."""

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any, Optional

from binance_spot.stream._core import Session
from binance_spot.stream._mailbox import Mailbox
from binance_spot.stream._protocol import Credential
from binance_spot.stream._sources import (
    POLL,
    UNSUBSCRIBE_TIMEOUT,
    Settings,
    Source,
    connect_failed,
    renew_failed,
)
from binance_spot.stream.errors import StreamError, require_websockets
from binance_spot.stream.event import Event

__all__ = ["StreamClosed", "SyncStream"]

logger = logging.getLogger("binance_spot.stream")


class StreamClosed(StreamError):
    """``get()`` on a stream that was closed."""


class _End:
    """Marks the end of the events: after ``close()`` (error None) or a fatal error."""

    def __init__(self, error: Optional[BaseException]) -> None:
        self.error = error


class SyncStream:
    """What ``MarginUserDataStream`` and ``MarginRiskStream`` share (see their docstrings)."""

    def __init__(self, settings: Settings, source: Source, base_url: str) -> None:
        require_websockets()
        self._settings, self._source, self._base = settings, source, base_url
        self._supervisor = settings.supervisor(source.new_session)
        self._mailbox = Mailbox(settings.max_queue)
        self._closing = threading.Event()
        self._ready = threading.Event()
        self._new_key = threading.Event()
        self._error: Optional[BaseException] = None
        self._thread: Optional[threading.Thread] = None
        source.on_new_key = self._new_key.set

    def __repr__(self) -> str:
        state = "closed" if self._closing.is_set() else "open" if self._thread else "new"
        return f"<{type(self).__name__} {state} url={self._base!r} queued={len(self._mailbox)}>"

    def __enter__(self) -> "SyncStream":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def peak_queued(self) -> int:
        """The most events ever waiting for the consumer (bounded by about ``max_queue``)."""
        return self._mailbox.peak

    def start(self) -> "SyncStream":
        """Connect and subscribe; returns once live, raises what prevented it."""
        if self._thread is not None:
            raise RuntimeError("this stream was already started")
        self._source.start()
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()
        if not self._ready.wait(self._settings.open_timeout):
            self.close()
            raise StreamError(f"not subscribed within {self._settings.open_timeout} s")
        if self._error is not None:
            self.close()
            raise self._error
        return self

    def close(self) -> None:
        """End iteration now, unsubscribe, close the socket; from any thread, returns within ~1 s."""
        self._closing.set()
        self._mailbox.put(_End(None))
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)
        self._source.close()

    def get(self, timeout: Optional[float] = None) -> Event:
        """The next event; ``TimeoutError`` after ``timeout`` s, ``StreamClosed`` once closed."""
        item = self._mailbox.get(timeout)
        if isinstance(item, _End):
            self._mailbox.push_front(item)
            raise item.error or StreamClosed("the stream is closed")
        return item  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[Event]:
        while True:
            try:
                yield self.get()
            except StreamClosed:
                return

    # the network thread ------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # a fatal error reaches the consumer, never a log only
            self._error = exc
            self._mailbox.put(_End(exc))
        finally:
            self._ready.set()

    def _loop(self) -> None:
        from websockets.sync.client import connect

        supervisor = self._supervisor
        while not self._closing.is_set():
            while len(self._mailbox) > self._mailbox.capacity // 2:
                if self._closing.wait(0.01):
                    return
            if self._closing.wait(max(0.0, supervisor.connect_at(time.monotonic()) - time.monotonic())):
                return
            session = supervisor.connecting(time.monotonic())
            self._new_key.clear()
            try:
                credential = self._source()
                url = session.url(self._base, credential)
                ws = connect(url, open_timeout=self._settings.open_timeout, close_timeout=0.2)
            except Exception as exc:
                connect_failed(exc, supervisor)
                continue
            with ws:
                reason, wait = self._serve(ws, session, credential)
            if reason is None:
                return
            logger.info("stream interrupted (%s); reconnecting with a new credential", reason)
            supervisor.lost(time.monotonic(), time.time(), reason, wait)

    def _serve(self, ws: Any, session: Session, credential: Credential) -> tuple[Optional[str], float]:
        """Run one connection; (reason it ended, seconds the server asked to wait), None when closed."""
        from websockets.exceptions import ConnectionClosed

        try:
            return self._exchange(ws, session, credential)
        except ConnectionClosed:  # while sending (a renewal, the subscription): the same loss
            return "connection_lost", 0.0

    def _exchange(self, ws: Any, session: Session, credential: Credential) -> tuple[Optional[str], float]:
        from websockets.exceptions import ConnectionClosed

        supervisor, mailbox = self._supervisor, self._mailbox
        frames, events = supervisor.opened(credential, time.monotonic(), time.time())
        for frame in frames:
            ws.send(frame)
        check_at = 0.0  # when the deadlines, close() and the listen key are looked at next
        while True:
            for event in events:
                mailbox.put(event)
            if mailbox.full():
                return "overflow", 0.0
            now = time.monotonic()
            if not events or now >= check_at:  # a control message, a deadline, or POLL elapsed
                if supervisor.live_once:
                    self._ready.set()
                if self._closing.is_set():
                    self._unsubscribe(ws, session)
                    return None, 0.0
                if supervisor.due(now):
                    self._renew(ws, session, now)
                if self._new_key.is_set():
                    return "new_listen_key", 0.0
                if session.interrupted is not None:
                    return session.interrupted
                check_at = min(now + POLL, supervisor.deadline(now))
            try:
                text = ws.recv(timeout=max(0.0, check_at - now))
            except TimeoutError:
                events = []
                continue
            except ConnectionClosed:
                return "connection_lost", 0.0
            events = supervisor.receive(text, time.monotonic(), time.time())

    def _renew(self, ws: Any, session: Session, now: float) -> None:
        try:
            credential = self._source()
        except Exception as exc:
            renew_failed(exc, session)
            return
        for frame in session.renew(credential, time.monotonic()):
            ws.send(frame)

    def _unsubscribe(self, ws: Any, session: Session) -> None:
        """Best effort within ``UNSUBSCRIBE_TIMEOUT``: the socket closes right after anyway."""
        try:
            for frame in session.close(time.monotonic()):
                ws.send(frame)
            deadline = time.monotonic() + UNSUBSCRIBE_TIMEOUT
            while not session.finished and time.monotonic() < deadline:
                session.receive(ws.recv(timeout=deadline - time.monotonic()), time.monotonic(), time.time())
        except Exception as exc:  # the stream is closing: nothing left to protect
            logger.debug("unsubscribe not confirmed: %s", exc)
