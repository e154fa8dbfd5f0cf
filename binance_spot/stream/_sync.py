"""The blocking driver on ``websockets``' sync client: the consumer reads the connection while
it waits in ``get()`` (``_link``), a network thread connects, reconnects and reads while the
consumer is away; the bounded ``Mailbox`` holds what the consumer has not taken yet. Every
decision is the sans-I/O ``Supervisor``'s."""

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from binance_spot.stream._core import Session
from binance_spot.stream._link import Link
from binance_spot.stream._mailbox import Mailbox
from binance_spot.stream._protocol import Credential
from binance_spot.stream._sources import (
    POLL,
    WEBSOCKETS_LOGGER,
    Settings,
    Source,
    connect_failed,
)
from binance_spot.stream.errors import StreamClosed, StreamError, require_websockets
from binance_spot.stream.event import Event

__all__ = ["StreamClosed", "SyncStream"]

logger = logging.getLogger("binance_spot.stream")

#: How long a consumer may be away from ``get()`` before the network thread reads for it.
GRACE = 0.005


class _End:
    """Marks the end of the events: after ``close()`` (error None) or a fatal error."""

    def __init__(self, error: BaseException | None) -> None:
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
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._link: Link | None = None
        self._reading = False  # the consumer waits in get() and reads the connection itself
        self._left_at = 0.0  # when it last left get()
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
        """Connect and subscribe; returns once live, raises what prevented it (``StreamClosed``
        at once when ``close()`` is called meanwhile, or was before)."""
        if self._closing.is_set():
            raise StreamClosed("this stream was closed; create a new one")
        if self._thread is not None:
            raise RuntimeError("this stream was already started")
        self._source.start()
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()
        if not self._ready.wait(self._settings.open_timeout):
            self.close()
            raise StreamError(f"not subscribed within {self._settings.open_timeout} s")
        if self._closing.is_set():  # the network thread closes the source on its way out
            raise StreamClosed("the stream was closed while starting")
        if self._error is not None:
            self.close()
            raise self._error
        return self

    def close(self) -> None:
        """End iteration now, unsubscribe, close the socket; from any thread, returns within ~1 s."""
        self._closing.set()
        self._mailbox.put(_End(None))
        self._ready.set()  # a start() waiting for the subscription returns now
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)
        self._source.close()

    def get(self, timeout: float | None = None) -> Event:
        """The next event; ``TimeoutError`` after ``timeout`` s, ``StreamClosed`` once closed."""
        item = self._mailbox.pop()
        if item is None:
            if self._thread is None:  # close() queues an end, so this stream was never started
                raise StreamError("the stream is not started: use `with stream:` or call start() first")
            self._reading = True
            try:
                item = self._read(timeout)
            finally:
                self._reading = False
                self._left_at = time.monotonic()
        if isinstance(item, _End):
            self._mailbox.push_front(item)
            raise item.error or StreamClosed("the stream is closed")
        return item  # type: ignore[no-any-return]

    def _read(self, timeout: float | None) -> Any:
        """Read the connection in this thread until an item is queued (see ``_link``)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            item = self._mailbox.pop()
            if item is not None:
                return item
            left = POLL if deadline is None else min(POLL, deadline - time.monotonic())
            if left <= 0:
                raise TimeoutError(f"no event within {timeout} s")
            link = self._link
            if link is None or link.done.is_set():  # between connections: the network thread delivers
                try:
                    return self._mailbox.get(left)
                except TimeoutError:
                    continue
            if link.lock.acquire(timeout=left):
                try:
                    link.step(left)
                finally:
                    link.lock.release()

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
            if self._closing.is_set():  # a credential made while close() ran is closed too
                self._source.close()

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
                ws = connect(url, open_timeout=self._settings.open_timeout, close_timeout=0.2, logger=WEBSOCKETS_LOGGER)
            except Exception as exc:
                if self._closing.is_set():
                    return
                connect_failed(exc, supervisor)
                continue
            with ws:
                reason, wait = self._serve(ws, session, credential)
            if reason is None:
                return
            logger.info("stream interrupted (%s); reconnecting with a new credential", reason)
            supervisor.lost(time.monotonic(), time.time(), reason, wait)

    def _serve(self, ws: Any, session: Session, credential: Credential) -> tuple[str | None, float]:
        """Run one connection; (reason it ended, seconds the server asked to wait), None when closed.

        The consumer reads while it waits in ``get()``; this thread reads only when the
        consumer has been away longer than ``GRACE`` (busy, or not iterating at all).
        """
        from websockets.exceptions import ConnectionClosed

        frames, events = self._supervisor.opened(credential, time.monotonic(), time.time())
        try:
            for frame in frames:
                ws.send(frame)
        except ConnectionClosed:
            return "connection_lost", 0.0
        for event in events:
            self._mailbox.put(event)
        if self._supervisor.live_once:
            self._ready.set()
        link = Link(
            ws, session, self._supervisor, self._mailbox, self._source, (self._closing, self._new_key, self._ready)
        )
        self._link = link
        try:
            while not link.done.is_set():
                if self._reading:
                    link.done.wait(POLL)  # the consumer reads; look again now and then
                elif time.monotonic() - self._left_at < GRACE:
                    link.done.wait(GRACE)  # it just took an event: it may be back at once
                else:
                    with link.lock:
                        link.step(POLL)
        finally:
            self._link = None
        if link.error is not None:
            raise link.error
        return link.outcome
