"""The asyncio driver: ``async with`` / ``async for`` on ``websockets``' asyncio client.

The same ``Supervisor`` decides everything; one task reads the connection, a second one
(the ticker) renews tokens, notices ``aclose()`` and enforces the deadlines. REST calls
run in a worker thread so they never block the event loop.
"""

import asyncio
import logging
import time
from typing import Any

from binance_spot.stream._background import in_thread
from binance_spot.stream._core import Session
from binance_spot.stream._margin import risk_parts, user_data_parts
from binance_spot.stream._protocol import Credential
from binance_spot.stream._sources import (
    POLL,
    UNSUBSCRIBE_TIMEOUT,
    WEBSOCKETS_LOGGER,
    Settings,
    Source,
    connect_failed,
    renew_failed,
)
from binance_spot.stream._sync import _End
from binance_spot.stream.errors import StreamClosed, StreamError, require_websockets
from binance_spot.stream.event import Event

__all__ = ["AsyncMarginRiskStream", "AsyncMarginUserDataStream", "AsyncStream"]

logger = logging.getLogger("binance_spot.stream")


class AsyncStream:
    """What the two asyncio streams share; same rules as the sync ``SyncStream``."""

    def __init__(self, settings: Settings, source: Source, base_url: str) -> None:
        require_websockets()
        self._settings, self._source, self._base = settings, source, base_url
        self._supervisor = settings.supervisor(source.new_session)
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._closing = asyncio.Event()
        self._wake = asyncio.Event()  # the ticker looks again: a response came, or aclose()
        self._ready = asyncio.Event()
        self._new_key = False
        self._error: BaseException | None = None
        self._task: asyncio.Task[None] | None = None
        self.peak_queued = 0
        source.on_new_key = self._key_changed

    def __repr__(self) -> str:
        state = "closed" if self._closing.is_set() else "open" if self._task else "new"
        return f"<{type(self).__name__} {state} url={self._base!r} queued={self._queue.qsize()}>"

    def _key_changed(self) -> None:
        self._new_key = True  # set from the manager's thread; read by the ticker

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
        """End iteration now, unsubscribe, close the socket; returns within ~1 s."""
        self._closing.set()
        self._wake.set()
        self._ready.set()  # a start() waiting for the subscription returns now
        self._queue.put_nowait(_End(None))
        if self._task is not None and not self._task.done():
            await asyncio.wait({self._task}, timeout=1.0)
            self._task.cancel()
        await asyncio.to_thread(self._source.close)

    async def get(self, timeout: float | None = None) -> Event:
        """The next event; ``TimeoutError`` after ``timeout`` s, ``StreamClosed`` once closed."""
        if self._task is None and self._queue.empty():  # aclose() queues an end: never started
            raise StreamError("the stream is not started: use `async with stream:` or await start() first")
        try:
            item = (
                await asyncio.wait_for(self._queue.get(), timeout) if timeout is not None else await self._queue.get()
            )
        except asyncio.TimeoutError:
            raise TimeoutError(f"no event within {timeout} s") from None
        if isinstance(item, _End):
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

    def _put(self, event: Event) -> None:
        self._queue.put_nowait(event)
        self.peak_queued = max(self.peak_queued, self._queue.qsize())

    async def _run(self) -> None:
        try:
            await self._loop()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            self._error = exc
            self._queue.put_nowait(_End(exc))
        finally:
            self._ready.set()

    async def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds``; True when the stream is closing."""
        try:
            await asyncio.wait_for(self._closing.wait(), max(0.0, seconds))
        except asyncio.TimeoutError:
            pass
        return self._closing.is_set()

    async def _loop(self) -> None:
        from websockets.asyncio.client import connect

        supervisor = self._supervisor
        while not self._closing.is_set():
            while self._queue.qsize() > self._settings.max_queue // 2:
                if await self._sleep(0.01):
                    return
            if await self._sleep(supervisor.connect_at(time.monotonic()) - time.monotonic()):
                return
            session = supervisor.connecting(time.monotonic())
            self._new_key = False
            try:
                credential = await in_thread(self._source, "listen token")
                url = session.url(self._base, credential)
                ws = await connect(
                    url, open_timeout=self._settings.open_timeout, close_timeout=0.2, logger=WEBSOCKETS_LOGGER
                )
            except Exception as exc:
                if self._closing.is_set():
                    return
                connect_failed(exc, supervisor)
                continue
            async with ws:
                reason, wait = await self._serve(ws, session, credential)
            if reason is None:
                return
            logger.info("stream interrupted (%s); reconnecting with a new credential", reason)
            supervisor.lost(time.monotonic(), time.time(), reason, wait)

    async def _serve(self, ws: Any, session: Session, credential: Credential) -> tuple[str | None, float]:
        from websockets.exceptions import ConnectionClosed

        supervisor = self._supervisor
        frames, events = supervisor.opened(credential, time.monotonic(), time.time())
        try:
            for frame in frames:
                await ws.send(frame)
        except ConnectionClosed:
            return "connection_lost", 0.0
        ticker = asyncio.create_task(self._tick(ws, session))
        overflow = False
        try:
            while not overflow and session.interrupted is None and not ticker.done():
                for event in events:
                    self._put(event)
                if supervisor.live_once:
                    self._ready.set()
                if self._queue.qsize() >= self._settings.max_queue:
                    overflow = True
                    break
                try:
                    text = await ws.recv()
                except ConnectionClosed:
                    break
                if self._closing.is_set():
                    session.receive(text, time.monotonic(), time.time())  # unsubscribe replies only
                    events = []
                else:
                    events = supervisor.receive(text, time.monotonic(), time.time())
                    if not events:
                        self._wake.set()
        finally:
            ticker.cancel()
        failure = ticker.exception() if ticker.done() and not ticker.cancelled() else None
        if failure is not None and not isinstance(failure, ConnectionClosed):  # closed while sending: a loss
            raise failure
        if self._closing.is_set():
            return None, 0.0
        if overflow:
            return "overflow", 0.0
        if self._new_key:
            return "new_listen_key", 0.0
        interrupted = session.interrupted
        return (interrupted.reason, interrupted.retry_after) if interrupted else ("connection_lost", 0.0)

    async def _tick(self, ws: Any, session: Session) -> None:
        """Renew when due, end the connection when it must go, unsubscribe on ``aclose()``.

        A fatal error here closes the socket, so the reading task (parked in ``recv()`` on a
        quiet connection) wakes up and raises it at once."""
        try:
            await self._ticks(ws, session)
        except Exception:
            await ws.close()
            raise

    async def _ticks(self, ws: Any, session: Session) -> None:
        supervisor = self._supervisor
        while True:
            now = time.monotonic()
            if supervisor.due(now):
                await self._renew(ws, session, now)
            if session.interrupted is not None or self._new_key:
                await ws.close()
                return
            try:
                await asyncio.wait_for(self._wake.wait(), max(0.0, min(POLL, supervisor.deadline(now) - now)))
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            if self._closing.is_set():
                await self._unsubscribe(ws, session)
                return

    async def _renew(self, ws: Any, session: Session, now: float) -> None:
        """The next token; ``aclose()`` abandons a token call that hangs (the ticker unsubscribes)."""
        call = asyncio.ensure_future(in_thread(self._source, "listen token"))
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait({call, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            closing.cancel()
        if not call.done():
            call.cancel()
            return
        try:
            credential = call.result()
        except Exception as exc:
            renew_failed(exc, session)
            return
        for frame in session.renew(credential, time.monotonic()):
            await ws.send(frame)

    async def _unsubscribe(self, ws: Any, session: Session) -> None:
        try:
            for frame in session.close(time.monotonic()):
                await ws.send(frame)
            deadline = time.monotonic() + UNSUBSCRIBE_TIMEOUT
            while not session.finished and time.monotonic() < deadline:
                await asyncio.sleep(0.005)  # the reading task records the confirmation
        except Exception as exc:
            logger.debug("unsubscribe not confirmed: %s", exc)
        await ws.close()


class AsyncMarginUserDataStream(AsyncStream):
    """``MarginUserDataStream`` for asyncio: ``async with ... as stream: async for event in stream``."""

    def __init__(self, api_client: Any, symbol: str | None = None, **options: Any) -> None:
        super().__init__(*user_data_parts(api_client, symbol, **options))


class AsyncMarginRiskStream(AsyncStream):
    """``MarginRiskStream`` for asyncio."""

    def __init__(self, api_client: Any, **options: Any) -> None:
        super().__init__(*risk_parts(api_client, **options))
