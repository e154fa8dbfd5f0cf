"""The blocking driver on ``_connection`` (``websockets``' sans-I/O protocol on a socket read by
the thread that asks); ``_async`` mirrors it function by function.

It holds no decision: it asks the sans-I/O ``Supervisor`` for the next ``Step`` and does it.
One sync twist, for speed: a consumer waiting in ``get()`` executes the steps itself (it reads
the socket, so an event reaches it with no thread in between, not even a background reader);
while the consumer is away (busy for more than ``GRACE``, or not iterating) the network thread
executes them, into the bounded ``Mailbox``, so renewals stay on time and nothing waits in
the kernel. ``_lock`` decides who steps.
"""

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from binance_spot.stream._background import Call
from binance_spot.stream._connection import Closed, Connection, dial
from binance_spot.stream._core import COLLECT, END, PING, POLL, READ, RENEW, UNSUBSCRIBE, Step
from binance_spot.stream._mailbox import Mailbox
from binance_spot.stream._protocol import Credential
from binance_spot.stream._sources import (
    CLOSE_TIMEOUT,
    WEBSOCKETS_LOGGER,
    Settings,
    Source,
    connect_failed,
    endpoint,
    renewal_frames,
)
from binance_spot.stream.errors import End, StreamClosed, StreamError, require_websockets
from binance_spot.stream.event import Event

__all__ = ["SyncStream"]

logger = logging.getLogger("binance_spot.stream")

#: How long a consumer may be away from ``get()`` before the network thread reads for it.
GRACE = 0.005


class SyncStream:
    """What ``MarginUserDataStream`` and ``MarginRiskStream`` share (see their docstrings)."""

    def __init__(self, settings: Settings, source: Source) -> None:
        require_websockets()
        self._settings, self._source, self._base = settings, source, settings.url
        self._supervisor = settings.supervisor(source.new_session)
        self._mailbox = Mailbox()
        self._closing = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # held by whichever thread executes a step
        self._open: tuple[Connection, threading.Event] | None = None  # (connection, ended) while connected
        self._end = Step(END, reason="connection_lost")
        self._failure: BaseException | None = None
        self._renewal: Call[Credential] | None = None
        self._pong: threading.Event | None = None
        self._socket: socket.socket | None = None  # TCP, then TLS: close() cuts it
        self._socket_lock = threading.Lock()
        self._lingering: threading.Thread | None = None  # reads the old connection of an overlap
        self._reading = False  # the consumer waits in get() and steps itself
        self._left_at = 0.0  # when it last left get()
        source.on_new_key = self._supervisor.key_changed

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
        """End iteration now (events still queued are dropped), unsubscribe, close the socket;
        from any thread, returns within ~1.5 s, the network thread and its socket gone."""
        with self._socket_lock:
            self._closing.set()
            self._supervisor.close()
            if not self._open:  # connecting (a handshake, TLS): nothing to unsubscribe, cut it now
                self._cut()
        self._mailbox.clear()
        self._mailbox.put(End(None))
        self._ready.set()  # a start() waiting for the subscription returns now
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)  # the unsubscribe, then the socket closes
            if thread.is_alive():  # a read or send hanging on the socket: cut it under them
                with self._socket_lock:
                    self._cut()
                thread.join(timeout=0.5)
        lingering = self._lingering
        if lingering is not None and lingering is not threading.current_thread():
            lingering.join(timeout=1.0)  # it sees the stream closing within POLL
        self._source.close()

    def _cut(self) -> None:
        """Shut the socket down (with ``_socket_lock`` held): every read and write on it ends
        and the ``Connection``, seeing the end, closes it."""
        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed
                pass

    def get(self, timeout: float | None = None) -> Event:
        """The next event; ``TimeoutError`` after ``timeout`` s, ``StreamClosed`` once closed."""
        if self._closing.is_set():
            raise StreamClosed("the stream is closed")
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
        if type(item) is End:
            self._mailbox.push_front(item)
            raise item.error or StreamClosed("the stream is closed")
        return item  # type: ignore[no-any-return]

    def _read(self, timeout: float | None) -> Any:
        """Step in this thread until an item is queued; between connections, wait for one
        (called with the mailbox empty)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        mailbox = self._mailbox
        while True:
            left = POLL if deadline is None else min(POLL, deadline - time.monotonic())
            if left <= 0:
                raise TimeoutError(f"no event within {timeout} s")
            connection = self._open
            if connection is None or connection[1].is_set():  # the network thread delivers
                try:
                    return mailbox.get(left)
                except TimeoutError:
                    continue
            if self._lock.acquire(timeout=left):
                try:
                    if not mailbox:  # else the network thread read while this one waited for the lock
                        self._steps(connection, left)
                finally:
                    self._lock.release()
            item = mailbox.pop()
            if item is not None:
                return item

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
            self._mailbox.put(End(exc))
        finally:
            self._ready.set()
            if self._closing.is_set():  # a credential made while close() ran is closed too
                self._source.close()

    def _loop(self) -> None:
        supervisor = self._supervisor
        while not supervisor.closing:
            at = supervisor.connect_at(time.monotonic(), len(self._mailbox))
            if at > time.monotonic():
                if self._closing.wait(at - time.monotonic()):
                    return
                continue
            session = supervisor.connecting(time.monotonic())
            try:
                credential = self._credential()
                if credential is None:
                    return
                url = session.url(self._base, credential)
                ws = self._connect(url)
                if ws is None:
                    return
            except Exception as exc:
                if supervisor.closing:
                    return
                connect_failed(exc, supervisor)
                continue
            with contextlib.ExitStack() as closes:
                closes.enter_context(ws)
                end = self._serve(ws, credential)
                if end.reason is None:
                    return
                logger.info("stream interrupted (%s); reconnecting with a new credential", end.reason)
                with self._lock:
                    supervisor.lost(time.monotonic(), time.time(), end.reason, end.retry_after)
                    overlap = supervisor.overlap is not None and supervisor.overlap.session is session
                if overlap:  # a planned reconnect: the old connection is read until the next is live
                    closes.pop_all()
                    self._lingering = threading.Thread(target=self._linger, args=(ws,), name="stream overlap")
                    self._lingering.start()

    def _connect(self, url: str) -> Connection | None:
        """The WebSocket connection to ``url``, its socket (TCP, then TLS for ``wss://``) the one
        ``close()`` cuts from the first byte on (None: closed meanwhile)."""
        timeout = self._settings.open_timeout
        sock = dial(endpoint(url), timeout, self._closing, self._keep)
        if sock is None:
            return None
        ws = Connection(sock, url, open_timeout=timeout, close_timeout=CLOSE_TIMEOUT, logger=WEBSOCKETS_LOGGER)
        if not self._keep(ws.socket):
            ws.close()
            return None
        ws.handshake()
        return ws

    def _keep(self, sock: socket.socket) -> bool:
        """Make ``sock`` the socket ``close()`` cuts; False when closing (the caller closes it).
        ``close()`` shuts it down, never closes it under the ``Connection`` (its number could be
        reused by another socket while a read waits on it)."""
        with self._socket_lock:
            if self._closing.is_set():
                return False
            self._socket = sock
            return True

    def _linger(self, ws: Connection) -> None:
        """Read the old connection of a planned reconnect until the supervisor lets it go."""
        supervisor, mailbox = self._supervisor, self._mailbox
        with ws:
            while (wait := supervisor.old_wait(time.monotonic())) is not None:
                try:
                    text = ws.recv(timeout=wait)
                except TimeoutError:
                    if wait == 0:  # drained: nothing received is left unread
                        break
                    continue
                except Closed:
                    break
                with self._lock:
                    for event in supervisor.receive_old(text, time.monotonic(), time.time(), len(mailbox)):
                        mailbox.put(event)
            with self._lock:  # before the close: once the server sees it, a planned end may overlap again
                supervisor.old_ended(time.monotonic(), time.time())

    def _credential(self) -> Credential | None:
        """The token call, on a thread of its own so that ``close()`` need not wait for it
        (None: the stream closed meanwhile; a call still running is abandoned)."""
        call = Call(self._source, "listen token")
        while not call.done.wait(POLL):
            if self._closing.is_set():
                return None
        return None if self._closing.is_set() else call.result()

    def _serve(self, ws: Connection, credential: Credential) -> Step:
        """Run one connection until the supervisor ends it; the consumer steps while it waits
        in ``get()``, this thread only when the consumer has been away longer than ``GRACE``."""
        supervisor = self._supervisor
        frames, events = supervisor.opened(credential, time.monotonic(), time.time())
        try:
            for frame in frames:
                ws.send(frame)
        except Closed:
            return supervisor.dropped()
        for event in events:
            self._mailbox.put(event)
        if supervisor.live_once:
            self._ready.set()
        ended = threading.Event()
        self._renewal, self._failure, self._pong = None, None, None
        with self._socket_lock:
            if self._closing.is_set():
                return Step(END)
            self._open = connection = (ws, ended)
        try:
            while not ended.is_set():
                if self._reading:
                    ended.wait(POLL)  # the consumer steps; look again now and then
                elif time.monotonic() - self._left_at < GRACE:
                    ended.wait(GRACE)  # it just took an event: it may be back at once
                else:
                    with self._lock:
                        self._steps(connection, POLL)
        finally:
            self._open = None
        if self._failure is not None:
            raise self._failure
        return self._end

    def _steps(self, connection: tuple[Connection, threading.Event], timeout: float) -> None:
        """Execute a step, then more while messages of the same read wait (with ``_lock`` held:
        one hold for a burst's read; a READ takes the read's messages up to the first that
        calls for a decision, the next step decides)."""
        if self._step(connection, timeout):
            waiting = connection[0].messages
            while waiting and self._step(connection, 0.0):
                pass

    def _step(self, connection: tuple[Connection, threading.Event], timeout: float) -> bool:
        """Execute one step (with ``_lock`` held); record how the connection ended, if it did
        (False: it has)."""
        ws, ended = connection
        if ended.is_set():
            return False
        supervisor = self._supervisor
        now = time.monotonic()
        if self._pong is not None and self._pong.is_set():
            self._pong = None
            supervisor.heard(now)
        try:
            step = supervisor.step(now)
            end = self._execute(ws, step, min(timeout, step.until - now))
        except Closed:  # while receiving or sending (an over-size frame too): the same loss
            end = supervisor.dropped()
        except BaseException as exc:
            if supervisor.closing:  # nothing left to protect: the socket closes anyway
                logger.debug("unsubscribe not confirmed: %s", exc)
                end = Step(END)
            else:  # fatal: the network thread raises it to the consumer
                self._failure, end = exc, Step(END, reason="fatal")
        if end is not None:
            self._end = end
            ended.set()
            return False
        return True

    def _execute(self, ws: Connection, step: Step, wait: float) -> Step | None:
        """Do what ``step`` asks (reading for ``wait`` seconds at most); the step itself when it
        ends the connection."""
        supervisor = self._supervisor
        action = step.action
        if action is READ:
            try:
                messages = ws.received(max(0.0, wait))
            except TimeoutError:
                return None
            mailbox = self._mailbox
            mailbox.put_all(supervisor.receive_all(messages, time.monotonic(), time.time(), len(mailbox)))
            if supervisor.live_once and not self._ready.is_set():
                self._ready.set()
        elif action is RENEW:  # never in the reading thread: a hanging token call cannot delay close()
            self._renewal = Call(self._source, "listen token")
        elif action is COLLECT:
            self._collect(ws)
        elif action is PING:
            self._pong = ws.ping()
        elif action is UNSUBSCRIBE:
            for frame in supervisor.unsubscribe(time.monotonic()):
                ws.send(frame)
        else:
            return step
        return None

    def _collect(self, ws: Connection) -> None:
        """Send what the token call asks for once it returned (see ``renewal_frames``)."""
        frames = renewal_frames(self._renewal, self._supervisor)
        if frames is not None:
            self._renewal = None
            for frame in frames:
                ws.send(frame)
