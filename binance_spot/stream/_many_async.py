"""The asyncio driver of many accounts: ``_many_sync`` function by function, with ``await``.
A control task executes the ``Pool``'s actions, one task reads each connection, token calls
run on daemon threads (``in_thread``) so they never block the event loop.
"""

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Hashable
from typing import Any

from binance_spot.stream._background import in_thread
from binance_spot.stream._core import POLL
from binance_spot.stream._many_sources import TOKEN_WORKERS, Drivers, ManySettings
from binance_spot.stream._pool import CLOSE, CONNECT, PING, SEND, TOKEN, Action
from binance_spot.stream._sources import connect_options, describe
from binance_spot.stream.errors import End, StreamClosed, StreamError

__all__ = ["AsyncAccounts"]

logger = logging.getLogger("binance_spot.stream")


class AsyncAccounts(Drivers):
    """What ``AsyncMarginAccountsStream`` does; same rules as the sync ``SyncAccounts``."""

    def __init__(self, settings: ManySettings) -> None:
        super().__init__(settings)
        self._wake = asyncio.Event()
        self._closing = asyncio.Event()
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._drained = asyncio.Event()
        self._jobs: asyncio.Queue[Hashable | None] = asyncio.Queue()
        self._pings: list[tuple[int, asyncio.Future[Any]]] = []
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> "AsyncAccounts":
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def start(self) -> "AsyncAccounts":
        """Start connecting and subscribing (accounts may be added before or after); returns at once."""
        if self._closing.is_set():
            raise StreamClosed("this stream was closed; create a new one")
        if self._tasks:
            raise RuntimeError("this stream was already started")
        self._spawn(self._control())
        for _ in range(TOKEN_WORKERS):
            self._spawn(self._work())
        return self

    def _spawn(self, work: Any) -> None:
        self._tasks.append(asyncio.create_task(work))

    async def aclose(self) -> None:
        """End iteration now, close every connection; returns within about a second."""
        self._closing.set()
        self._pool.close()
        await self._execute_all()
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(End(None))
        for _ in range(TOKEN_WORKERS):
            self._jobs.put_nowait(None)
        self._wake.set()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        if tasks:
            await asyncio.wait(tasks, timeout=1.0)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def get(self, timeout: float | None = None) -> Any:
        """The next ``AccountEvent`` or ``AccountFailed``; ``TimeoutError`` after ``timeout`` s."""
        if self._closing.is_set():
            raise StreamClosed("the stream is closed")
        if not self._tasks:
            raise StreamError("the stream is not started: use `async with stream:` or await start() first")
        try:
            item = await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no event within {timeout} s") from None
        if not self._drained.is_set() and self._queue.qsize() <= self._settings.max_queue // 2:
            self._drained.set()
        if type(item) is End:
            self._queue.put_nowait(item)
            raise item.error or StreamClosed("the stream is closed")
        return item

    async def __aiter__(self) -> AsyncIterator[Any]:
        while True:
            try:
                yield await self.get()
            except StreamClosed:
                return

    # the tasks ------------------------------------------------------------------

    def _deliver(self) -> None:
        """Move the pool's items to the consumer."""
        for item in self._accounts.take():
            self._queue.put_nowait(item)
        if self._pool.actions:
            self._wake.set()

    async def _control(self) -> None:
        pool = self._pool
        while not self._closing.is_set():
            for ident, _ in [p for p in self._pings if p[1].done()]:
                pool.heard(ident, time.monotonic())
            self._pings = [p for p in self._pings if not p[1].done()]
            pool.poll(time.monotonic(), time.time())
            self._deliver()
            await self._execute_all()
            wait = min(POLL, max(0.0, pool.deadline() - time.monotonic()))
            try:
                await asyncio.wait_for(self._wake.wait(), wait)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()

    async def _execute_all(self) -> None:
        actions, self._pool.actions = self._pool.actions, []
        for action in actions:
            await self._execute(action)

    async def _execute(self, action: Action) -> None:
        kind, ws = action.kind, self._sockets.get(action.conn)
        if kind is CONNECT and not self._closing.is_set():
            self._spawn(self._connection(action.conn))
        elif kind is TOKEN:
            self._jobs.put_nowait(action.account)
        elif kind is SEND and ws is not None:
            try:
                await ws.send(action.frame)
            except self._closed:
                pass  # its reader sees the end
        elif kind is PING and ws is not None:
            try:
                self._pings.append((action.conn, asyncio.ensure_future(await ws.ping())))
            except self._closed:
                pass
        elif kind is CLOSE and ws is not None:
            await ws.close()

    async def _work(self) -> None:
        while (account := await self._jobs.get()) is not None:
            account, result = await in_thread(functools.partial(self._accounts.token, account), "listen token")
            self._accounts.settle(account, result)
            self._deliver()

    async def _connection(self, ident: int) -> None:
        """Open connection ``ident``, read it until it ends, tell the pool."""
        from websockets.asyncio.client import connect

        try:
            ws = await connect(self._url(), **connect_options(connect, self._settings.open_timeout))
        except Exception as exc:
            logger.warning("connecting failed, will retry: %s", describe(exc))
            self._pool.lost(ident, time.monotonic(), time.time(), "connect_failed")
            self._wake.set()
            return
        async with ws:
            self._sockets[ident] = ws
            self._pool.opened(ident, time.monotonic())
            self._wake.set()
            while not self._closing.is_set():
                try:
                    text = await asyncio.wait_for(ws.recv(), POLL)
                except asyncio.TimeoutError:
                    continue
                except self._closed:
                    break
                self._pool.receive(ident, text, time.monotonic(), time.time())
                self._deliver()
                if self._queue.qsize() >= self._settings.max_queue:  # the consumer is behind: wait for it
                    self._drained.clear()
                    await self._drained.wait()
        self._sockets.pop(ident, None)
        self._pool.lost(ident, time.monotonic(), time.time(), "connection_lost")
        self._deliver()
