"""The asyncio driver on ``websockets``' asyncio client: ``_sync`` function by function, with
``await``. One task executes the sans-I/O ``Supervisor``'s steps into an ``asyncio.Queue``;
REST calls run on daemon threads so they never block the event loop.
"""

import asyncio
import contextlib
import logging
import time
from collections import deque
from typing import Any

from binance_spot.stream._background import Call, in_thread
from binance_spot.stream._core import COLLECT, END, PING, READ, RENEW, UNSUBSCRIBE, Step
from binance_spot.stream._protocol import Credential
from binance_spot.stream._sources import (
    Settings,
    Source,
    connect_failed,
    connect_options,
    renewal_frames,
)
from binance_spot.stream.errors import End, StreamClosed, StreamError, require_websockets
from binance_spot.stream.event import Event

__all__ = ["AsyncStream"]

logger = logging.getLogger("binance_spot.stream")


class AsyncStream:
    """What the two asyncio streams share; same rules as the sync ``SyncStream``."""

    def __init__(self, settings: Settings, source: Source) -> None:
        require_websockets()
        self._settings, self._source, self._base = settings, source, settings.url
        self._supervisor = settings.supervisor(source.new_session)
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._closing = asyncio.Event()
        self._ready = asyncio.Event()
        self._error: BaseException | None = None
        self._task: asyncio.Task[None] | None = None
        self._renewal: Call[Credential] | None = None
        self._pong: asyncio.Future[Any] | None = None
        self._lingering: asyncio.Task[None] | None = None  # reads the old connection of an overlap
        self.peak_queued = 0
        source.on_new_key = self._supervisor.key_changed
        from websockets.exceptions import ConnectionClosed  # once here: a lazy name in websockets
        from websockets.protocol import State

        self._closed, self._state_open = ConnectionClosed, State.OPEN

    def __repr__(self) -> str:
        state = "closed" if self._closing.is_set() else "open" if self._task else "new"
        return f"<{type(self).__name__} {state} url={self._base!r} queued={self._queue.qsize()}>"

    async def __aenter__(self) -> "AsyncStream":
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def start(self) -> "AsyncStream":
        """Connect and subscribe; returns once live, raises what prevented it (``StreamClosed``
        at once when ``aclose()`` is called meanwhile, or was before)."""
        if self._closing.is_set():
            raise StreamClosed("this stream was closed; create a new one")
        if self._task is not None:
            raise RuntimeError("this stream was already started")
        await asyncio.to_thread(self._source.start)
        self._task = asyncio.create_task(self._run())
        try:
            await asyncio.wait_for(self._ready.wait(), self._settings.open_timeout)
        except asyncio.TimeoutError:
            await self.aclose()
            raise StreamError(f"not subscribed within {self._settings.open_timeout} s") from None
        if self._closing.is_set():
            raise StreamClosed("the stream was closed while starting")
        if self._error is not None:
            await self.aclose()
            raise self._error
        return self

    async def aclose(self) -> None:
        """End iteration now (events still queued are dropped), unsubscribe, close the socket;
        returns within ~1 s, with every task the stream started ended."""
        self._closing.set()
        self._supervisor.close()
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(End(None))
        self._ready.set()  # a start() waiting for the subscription returns now
        task = self._task
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=1.0)
            task.cancel()
            await asyncio.wait({task})  # it ends now: cancelled at its next await
        if self._lingering is not None:
            await asyncio.wait({self._lingering}, timeout=1.0)  # it sees the stream closing within POLL
            self._lingering.cancel()
            await asyncio.wait({self._lingering})
        await asyncio.to_thread(self._source.close)

    async def get(self, timeout: float | None = None) -> Event:
        """The next event; ``TimeoutError`` after ``timeout`` s, ``StreamClosed`` once closed."""
        if self._closing.is_set():
            raise StreamClosed("the stream is closed")
        if self._task is None and self._queue.empty():  # aclose() queues an end: never started
            raise StreamError("the stream is not started: use `async with stream:` or await start() first")
        try:
            item = (
                await asyncio.wait_for(self._queue.get(), timeout) if timeout is not None else await self._queue.get()
            )
        except asyncio.TimeoutError:
            raise TimeoutError(f"no event within {timeout} s") from None
        if type(item) is End:
            self._queue.put_nowait(item)  # later calls end too (order no longer matters)
            raise item.error or StreamClosed("the stream is closed")
        return item  # type: ignore[no-any-return]

    def __aiter__(self) -> "AsyncStream":
        return self

    async def __anext__(self) -> Event:
        try:
            return await self.get()
        except StreamClosed:
            raise StopAsyncIteration from None

    # the network task --------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._loop()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # a fatal error reaches the consumer, never a log only
            self._error = exc
            self._queue.put_nowait(End(exc))
        finally:
            self._ready.set()

    async def _loop(self) -> None:
        from websockets.asyncio.client import connect

        supervisor = self._supervisor
        while not supervisor.closing:
            at = supervisor.connect_at(time.monotonic(), self._queue.qsize())
            if at > time.monotonic():
                try:
                    await asyncio.wait_for(self._closing.wait(), at - time.monotonic())
                    return
                except asyncio.TimeoutError:
                    continue
            session = supervisor.connecting(time.monotonic())
            try:
                credential = await in_thread(self._source, "listen token")
                url = session.url(self._base, credential)
                ws = await connect(url, **connect_options(connect, self._settings.open_timeout))
            except Exception as exc:
                if supervisor.closing:
                    return
                connect_failed(exc, supervisor)
                continue
            async with contextlib.AsyncExitStack() as closes:
                await closes.enter_async_context(ws)
                end = await self._serve(ws, credential)
                if end.reason is None:
                    return
                logger.info("stream interrupted (%s); reconnecting with a new credential", end.reason)
                supervisor.lost(time.monotonic(), time.time(), end.reason, end.retry_after)
                if supervisor.overlap is not None and supervisor.overlap.session is session:
                    closes.pop_all()  # a planned reconnect: the old connection is read until the next is live
                    self._lingering = asyncio.create_task(self._linger(ws))

    async def _linger(self, ws: Any) -> None:
        """Read the old connection of a planned reconnect until the supervisor lets it go."""
        supervisor = self._supervisor
        async with ws:
            while (wait := supervisor.old_wait(time.monotonic())) is not None:
                try:
                    text = await asyncio.wait_for(ws.recv(), wait)
                except asyncio.TimeoutError:
                    if wait == 0:  # drained: nothing received is left unread
                        break
                    continue
                except self._closed:
                    break
                for event in supervisor.receive_old(text, time.monotonic(), time.time(), self._queue.qsize()):
                    self._put(event)
            supervisor.old_ended(time.monotonic(), time.time())  # before the close, as in _sync

    async def _serve(self, ws: Any, credential: Credential) -> Step:
        """Run one connection until the supervisor ends it."""
        supervisor = self._supervisor
        frames, events = supervisor.opened(credential, time.monotonic(), time.time())
        try:
            for frame in frames:
                await ws.send(frame)
        except self._closed:
            return supervisor.dropped()
        for event in events:
            self._put(event)
        if supervisor.live_once:
            self._ready.set()
        self._renewal, self._pong = None, None
        end = None
        while end is None:
            end = await self._step(ws)
        return end

    async def _step(self, ws: Any) -> Step | None:
        """Execute one step; how the connection ended, if it did."""
        supervisor = self._supervisor
        now = time.monotonic()
        if self._pong is not None and self._pong.done():
            self._pong = None
            supervisor.heard(now)
        try:
            step = supervisor.step(now)
            return await self._execute(ws, step, step.until - now)
        except self._closed:  # while receiving or sending: the same loss
            return supervisor.dropped()
        except Exception as exc:
            if not supervisor.closing:
                raise  # fatal: ends the stream
            logger.debug("unsubscribe not confirmed: %s", exc)  # nothing left to protect
            return Step(END)

    async def _execute(self, ws: Any, step: Step, wait: float) -> Step | None:
        """Do what ``step`` asks (reading for ``wait`` seconds at most); the step itself when it
        ends the connection."""
        supervisor = self._supervisor
        action = step.action
        if action is READ:
            try:
                text = await asyncio.wait_for(ws.recv(), max(0.0, wait))
            except asyncio.TimeoutError:  # cancelling recv() loses nothing
                return None if ws.protocol.state is self._state_open else supervisor.dropped()  # failed: give up now
            # websockets' asyncio client hands out one message per recv(): a batch of one
            for event in supervisor.receive_all(deque((text,)), time.monotonic(), time.time(), self._queue.qsize()):
                self._put(event)
            if supervisor.live_once and not self._ready.is_set():
                self._ready.set()
        elif action is RENEW:  # never in the loop: a hanging token call cannot delay aclose()
            self._renewal = Call(self._source, "listen token")
        elif action is COLLECT:
            await self._collect(ws)
        elif action is PING:
            self._pong = asyncio.ensure_future(await ws.ping())
        elif action is UNSUBSCRIBE:
            for frame in supervisor.unsubscribe(time.monotonic()):
                await ws.send(frame)
        else:
            return step
        return None

    async def _collect(self, ws: Any) -> None:
        """Send what the token call asks for once it returned (see ``renewal_frames``)."""
        frames = renewal_frames(self._renewal, self._supervisor)
        if frames is not None:
            self._renewal = None
            for frame in frames:
                await ws.send(frame)

    def _put(self, event: Event) -> None:
        self._queue.put_nowait(event)
        self.peak_queued = max(self.peak_queued, self._queue.qsize())
