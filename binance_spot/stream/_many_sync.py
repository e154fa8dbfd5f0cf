"""The blocking driver of many accounts; ``_many_async`` mirrors it function by function.

It holds no decision: a control thread asks the sans-I/O ``Pool`` what to do (``poll``) and
does it; one reader thread per connection hands what arrives to the pool; a few daemon
workers make the accounts' tokens. ``_lock`` guards the pool; items reach the consumer
through the ``Mailbox``, in the order the pool made them. As in ``_sync``, a consumer waiting
in ``get()`` while one connection is open reads it itself (its reader stands by meanwhile and
for ``GRACE`` after), so an event needs no hand-over between threads; ``_turns`` says who reads.
"""

import logging
import queue
import threading
import time
from collections.abc import Hashable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from binance_spot.stream._core import POLL
from binance_spot.stream._mailbox import Mailbox
from binance_spot.stream._many_sources import TOKEN_WORKERS, Drivers, ManySettings
from binance_spot.stream._pool import CLOSE, CONNECT, PING, SEND, TOKEN, Action
from binance_spot.stream._sources import connect_options, describe
from binance_spot.stream._sync import GRACE
from binance_spot.stream.errors import End, StreamClosed, StreamError

__all__ = ["SyncAccounts"]

logger = logging.getLogger("binance_spot.stream")


class SyncAccounts(Drivers):
    """What ``MarginAccountsStream`` does (see its docstring)."""

    def __init__(self, settings: ManySettings) -> None:
        super().__init__(settings)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._mailbox = Mailbox()
        self._drained = threading.Event()
        self._jobs: queue.SimpleQueue[Hashable | None] = queue.SimpleQueue()
        self._pings: list[tuple[int, threading.Event]] = []
        self._threads: list[threading.Thread] = []
        self._turns: dict[int, threading.Lock] = {}  # per connection: who may call recv()
        self._reading = False  # the consumer waits in get() and reads itself
        self._left_at = 0.0  # when it last left get()

    def __enter__(self) -> "SyncAccounts":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _guard(self) -> AbstractContextManager[Any]:
        return self._lock

    def start(self) -> "SyncAccounts":
        """Start connecting and subscribing (accounts may be added before or after); returns at once."""
        if self._closing.is_set():
            raise StreamClosed("this stream was closed; create a new one")
        if self._threads:
            raise RuntimeError("this stream was already started")
        self._spawn(self._control, "accounts")
        for _ in range(TOKEN_WORKERS):
            self._spawn(self._work, "listen tokens")
        return self

    def _spawn(self, target: Any, name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def close(self) -> None:
        """End iteration now, close every connection; returns within about a second."""
        self._closing.set()
        with self._lock:
            self._pool.close()
        self._execute_all()
        self._mailbox.clear()
        self._mailbox.put(End(None))
        for _ in range(TOKEN_WORKERS):
            self._jobs.put(None)
        self._wake.set()
        deadline = time.monotonic() + 1.0
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    def get(self, timeout: float | None = None) -> Any:
        """The next ``AccountEvent`` or ``AccountFailed``; ``TimeoutError`` after ``timeout`` s."""
        if self._closing.is_set():
            raise StreamClosed("the stream is closed")
        if not self._threads:
            raise StreamError("the stream is not started: use `with stream:` or call start() first")
        item = self._mailbox.pop()
        if item is None:
            item = self._wait(timeout)
        if not self._drained.is_set() and len(self._mailbox) <= self._settings.max_queue // 2:
            self._drained.set()
        if type(item) is End:
            self._mailbox.push_front(item)
            raise item.error or StreamClosed("the stream is closed")
        return item

    def _wait(self, timeout: float | None) -> Any:
        """The next item, read by this thread itself while one connection is open (an event then
        reaches the consumer without a hand-over between threads, as in the single stream's
        driver); else from the readers, through the mailbox."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL if deadline is None else min(POLL, deadline - time.monotonic())
            if left <= 0:
                raise TimeoutError(f"no event within {timeout} s")
            only = list(self._sockets.items())
            if len(only) == 1:
                self._reading = True
                try:
                    read = self._read(*only[0], left)
                finally:
                    self._reading = False
                    self._left_at = time.monotonic()
                item = self._mailbox.pop() if read else None
                if item is not None:
                    return item
                if read:
                    continue
            try:
                return self._mailbox.get(left)
            except TimeoutError:
                continue

    def _read(self, ident: int, ws: Any, timeout: float) -> bool:
        """Read one message of connection ``ident`` for the pool if no other thread reads it
        (False: another does, or it ended: its reader tells the pool)."""
        turn = self._turns.get(ident)
        if turn is None or not turn.acquire(timeout=timeout):
            return False
        try:
            text = ws.recv(timeout=timeout)
        except TimeoutError:
            return True
        except self._closed:
            return False
        finally:
            turn.release()
        with self._lock:
            self._pool.receive(ident, text, time.monotonic(), time.time())
            self._deliver()
        return True

    def __iter__(self) -> Iterator[Any]:
        while True:
            try:
                yield self.get()
            except StreamClosed:
                return

    # the threads ------------------------------------------------------------------

    def _deliver(self) -> None:
        """Move the pool's items to the consumer (with ``_lock`` held)."""
        for item in self._accounts.take():
            self._mailbox.put(item)
        if self._pool.actions:
            self._wake.set()

    def _control(self) -> None:
        pool = self._pool
        while not self._closing.is_set():
            with self._lock:
                for ident, _ in [p for p in self._pings if p[1].is_set()]:
                    pool.heard(ident, time.monotonic())
                self._pings = [p for p in self._pings if not p[1].is_set()]
                pool.poll(time.monotonic(), time.time())
                self._deliver()
            self._execute_all()
            wait = min(POLL, max(0.0, pool.deadline() - time.monotonic()))
            self._wake.wait(wait)
            self._wake.clear()

    def _execute_all(self) -> None:
        with self._lock:
            actions, self._pool.actions = self._pool.actions, []
        for action in actions:
            self._execute(action)

    def _execute(self, action: Action) -> None:
        kind, ws = action.kind, self._sockets.get(action.conn)
        if kind is CONNECT and not self._closing.is_set():
            self._spawn(self._connection, "accounts connection", action.conn)
        elif kind is TOKEN:
            self._jobs.put(action.account)
        elif kind is SEND and ws is not None:
            try:
                ws.send(action.frame)
            except self._closed:
                pass  # its reader sees the end
        elif kind is PING and ws is not None:
            try:
                self._pings.append((action.conn, ws.ping()))
            except self._closed:
                pass
        elif kind is CLOSE and ws is not None:
            ws.close()

    def _work(self) -> None:
        while (account := self._jobs.get()) is not None:
            account, result = self._accounts.token(account)
            with self._lock:
                self._accounts.settle(account, result)
                self._deliver()

    def _connection(self, ident: int) -> None:
        """Open connection ``ident``, read it until it ends, tell the pool."""
        from websockets.sync.client import connect

        reason = "connection_lost"
        try:
            ws = connect(self._url(), **connect_options(connect, self._settings.open_timeout))
        except Exception as exc:
            logger.warning("connecting failed, will retry: %s", describe(exc))
            with self._lock:
                self._pool.lost(ident, time.monotonic(), time.time(), "connect_failed")
            self._wake.set()
            return
        with ws:
            with self._lock:
                self._sockets[ident] = ws
                self._pool.opened(ident, time.monotonic())
            self._wake.set()
            self._turns[ident] = turn = threading.Lock()  # held by whichever thread reads it
            while not self._closing.is_set():
                if self._reading or time.monotonic() - self._left_at < GRACE:
                    self._closing.wait(GRACE)  # the consumer reads (or is about to be back)
                    continue
                with turn:
                    try:
                        text = ws.recv(timeout=POLL)
                    except TimeoutError:
                        continue
                    except self._closed:
                        break
                with self._lock:
                    self._pool.receive(ident, text, time.monotonic(), time.time())
                    self._deliver()
                if len(self._mailbox) >= self._settings.max_queue:  # the consumer is behind: wait for it
                    self._drained.clear()
                    while not self._drained.wait(POLL) and not self._closing.is_set():
                        pass
        with self._lock:
            self._sockets.pop(ident, None)
            self._turns.pop(ident, None)
            self._pool.lost(ident, time.monotonic(), time.time(), reason)
            self._deliver()
