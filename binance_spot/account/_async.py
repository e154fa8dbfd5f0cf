"""The asyncio driver of the account view: ``_sync`` function by function, with ``await``.

One task feeds the core; REST calls run in the loop's executor so they never block it (each
bounded by ``request_timeout``). Everything is read and changed on the loop, so no lock.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from typing import Any

from binance_spot.account import _rest
from binance_spot.account._setup import Ended, parts, wall_ms
from binance_spot.account.changes import Change, Live, Resync
from binance_spot.account.state import AccountView, Balance, Order, OrderKey
from binance_spot.exceptions import ApiException
from binance_spot.stream import AsyncMarginRiskStream, AsyncMarginUserDataStream
from binance_spot.stream.errors import StreamClosed
from binance_spot.stream.event import Event

__all__ = ["AsyncMarginAccountView"]


class AsyncMarginAccountView:
    """``MarginAccountView`` for asyncio: ``async with ... as view: async for change in view``.
    Read it from the loop it runs on."""

    def __init__(
        self,
        api_client: Any,
        *,
        symbol: str | None = None,
        symbols: Iterable[str] = (),
        risk: bool = False,
        max_changes: int = 10_000,
        request_timeout: float = 10.0,
        start_timeout: float = 30.0,
        floor: float = 0.2,
        resync_floor: float = 1.0,
        budget: int = 6000,
        skew_ms: int = 1000,
        **stream_options: Any,
    ) -> None:
        self._parts = parts(api_client, symbol=symbol, symbols=symbols, risk=risk, max_changes=max_changes,
                            request_timeout=request_timeout, start_timeout=start_timeout, floor=floor,
                            resync_floor=resync_floor, budget=budget, skew_ms=skew_ms)  # fmt: skip
        self._core = self._parts.core
        self._stream = AsyncMarginUserDataStream(api_client, symbol, **stream_options)
        self._risk = AsyncMarginRiskStream(api_client, **stream_options) if risk else None
        self._source: Any = self._stream
        self._changes: asyncio.Queue[Change | Ended] = asyncio.Queue(max_changes)
        self._live = asyncio.Event()
        self._ready = asyncio.Event()  # live, closed or ended: start() waits for it
        self._error: BaseException | None = None
        self._closing = asyncio.Event()
        self._behind = False
        self._task: asyncio.Task[None] | None = None
        self._readers: list[asyncio.Task[None]] = []
        self._ended = False

    def __repr__(self) -> str:
        view = self.snapshot()
        state = "stale" if view.stale else "live"
        return f"<{type(self).__name__} {state} assets={len(view.balances)} open_orders={len(view.open_orders)}>"

    async def __aenter__(self) -> "AsyncMarginAccountView":
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- reading, from the loop

    def snapshot(self) -> AccountView:
        """The whole view at this moment (immutable)."""
        view = self._core.view
        return replace(view, stale=True) if self._behind and not view.stale else view

    @property
    def balances(self) -> dict[str, Balance]:
        return dict(self.snapshot().balances)

    @property
    def open_orders(self) -> dict[OrderKey, Order]:
        return dict(self.snapshot().open_orders)

    @property
    def stale(self) -> bool:
        """True until the first snapshot, and from a ``Gap`` until its resync is done."""
        return self.snapshot().stale

    async def wait_live(self, timeout: float | None = None) -> bool:
        """Wait until the first snapshot is applied; False after ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._live.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    # -- life

    async def start(self) -> "AsyncMarginAccountView":
        """Subscribe (user data, then risk), start following; returns once the first snapshot
        is in, or after ``start_timeout`` with the view still stale (it keeps trying)."""
        if self._task is not None or self._closing.is_set():
            raise RuntimeError("this view was already started")
        await self._stream.start()
        if self._risk is not None:
            try:
                await self._risk.start()
            except BaseException:
                await self._stream.aclose()
                raise
            self._source = _Merged([self._stream, self._risk], self._parts.max_changes, self._readers)
        self._task = asyncio.create_task(self._run())
        try:
            await asyncio.wait_for(self._ready.wait(), self._parts.start_timeout)
        except asyncio.TimeoutError:
            pass
        if self._error is not None:
            raise self._error
        return self

    async def aclose(self) -> None:
        """Stop following and close the streams; iteration ends."""
        self._closing.set()
        self._ready.set()
        await self._stream.aclose()
        if self._risk is not None:
            await self._risk.aclose()
        task = self._task
        if task is not None and task is not asyncio.current_task():
            for running in (task, *self._readers):  # a reader may wait for room that never comes
                running.cancel()
            await asyncio.gather(task, *self._readers, return_exceptions=True)
        self._put_end(Ended(None))

    def __aiter__(self) -> AsyncIterator[Change]:
        return self

    async def __anext__(self) -> Change:
        try:
            return await self.get()
        except StreamClosed:
            raise StopAsyncIteration from None

    async def get(self, timeout: float | None = None) -> Change:
        """The next change; ``TimeoutError`` after ``timeout`` s; the error that ended the view
        once, then ``StreamClosed``."""
        if self._ended:
            raise StreamClosed("the account view has ended")
        try:
            item = await asyncio.wait_for(self._changes.get(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no change within {timeout} s") from None
        if isinstance(item, Ended):
            self._ended = True
            raise item.error or StreamClosed("the account view was closed")
        return item

    # -- the task

    async def _run(self) -> None:
        try:
            await self._follow()
        except StreamClosed:
            self._put_end(Ended(None))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # ends the view: raised once from the iteration
            self._error = error if not self._live.is_set() else None  # before live: start() raises it
            self._ready.set()
            self._put_end(Ended(error))
            await self._stream.aclose()
            if self._risk is not None:
                await self._risk.aclose()

    async def _follow(self) -> None:
        core, source = self._core, self._source
        wait: float | None = 0.0  # drain what arrived before any call goes
        while not self._closing.is_set():
            try:
                item: Event | None = await source.get(wait)
            except TimeoutError:
                item = None
            if item is not None:
                await self._deliver(core.receive(item, time.monotonic(), wall_ms()))
                wait = 0.0
                continue
            call = core.next_call(time.monotonic(), wall_ms())
            if call is not None:
                try:
                    body = await asyncio.to_thread(_rest.send, self._parts.api, call, self._parts.request_timeout)
                except ApiException as error:  # 429 (retry_after), 5xx, a timeout, a bad body
                    core.fail(call, error, time.monotonic())
                else:
                    await self._deliver(core.answer(call, body, time.monotonic(), wall_ms()))
                wait = 0.0
                continue
            wake = core.wake_at()
            wait = None if wake is None else max(0.0, wake - time.monotonic())

    async def _deliver(self, changes: list[Change]) -> None:
        for change in changes:
            if self._changes.full():
                self._behind = True
                try:
                    await self._changes.put(change)
                finally:
                    self._behind = False
            else:
                self._changes.put_nowait(change)
            if isinstance(change, (Live, Resync)):
                self._live.set()
                self._ready.set()

    def _put_end(self, item: Ended) -> None:
        if self._changes.full():  # an end makes room: what it ends is over anyway
            self._changes.get_nowait()
        self._changes.put_nowait(item)


class _Merged:
    """Two streams read by one task each into one bounded queue: ``get`` like a stream's."""

    def __init__(self, streams: list[Any], bound: int, tasks: list["asyncio.Task[None]"]) -> None:
        self._items: asyncio.Queue[Any] = asyncio.Queue(bound)
        tasks.extend(asyncio.create_task(self._read(stream)) for stream in streams)

    async def _read(self, stream: Any) -> None:
        try:
            async for item in stream:
                await self._items.put(item)
        except Exception as error:
            await self._items.put(Ended(error))
        else:
            await self._items.put(Ended(None))

    async def get(self, timeout: float | None) -> Event:
        try:
            item = await asyncio.wait_for(self._items.get(), timeout) if timeout != 0 else self._items.get_nowait()
        except (asyncio.TimeoutError, asyncio.QueueEmpty):
            raise TimeoutError(f"no event within {timeout} s") from None
        if isinstance(item, Ended):
            raise item.error or StreamClosed("a stream of the view was closed")
        return item  # type: ignore[no-any-return]
