"""The blocking driver of the account view; ``_async`` mirrors it function by function.

It holds no decision: one thread feeds the core what the stream delivers, makes the REST
call the core asks for, and queues the changes for the iteration. ``_lock`` guards the core
against readers on other threads (``balances``, ``snapshot()``); it is never held over I/O.
"""

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from binance_spot.account import _rest
from binance_spot.account._setup import Ended, parts, wall_ms
from binance_spot.account.changes import Change, Live, Resync
from binance_spot.account.state import AccountView, Balance, Order, OrderKey
from binance_spot.exceptions import ApiException
from binance_spot.stream import MarginRiskStream, MarginUserDataStream
from binance_spot.stream.errors import StreamClosed
from binance_spot.stream.event import Event

__all__ = ["MarginAccountView"]


class MarginAccountView:
    """A margin account's balances and open orders, kept exact from its user data stream.

    ``with MarginAccountView(api_client) as view: for change in view: ...`` (cross margin;
    ``symbol="BNBUSDT"`` for an isolated account). It subscribes first, then takes the
    snapshot, and after every ``Gap`` takes a new one and reports what it missed (docs/Account.md).
    ``symbols``: the symbols you trade (open orders are asked per symbol). ``risk=True`` runs a
    ``MarginRiskStream`` beside, keeping borrowed and interest current. Other keywords go to the
    streams. ``balances``, ``open_orders``, ``stale`` and ``snapshot()`` may be read from any
    thread. At most ``max_changes`` changes wait for the iteration; while that is full the
    view stops following the stream and says ``stale``. ``skew_ms``: how far your clock may be
    from Binance's (balance events that close to a snapshot are checked by taking it again).
    """

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
        self._stream = MarginUserDataStream(api_client, symbol, **stream_options)
        self._risk = MarginRiskStream(api_client, **stream_options) if risk else None
        self._source: Any = self._stream
        self._changes: queue.Queue[Change | Ended] = queue.Queue(max_changes)
        self._lock = threading.Lock()
        self._live = threading.Event()
        self._ready = threading.Event()  # live, closed or ended: start() waits for it
        self._error: BaseException | None = None
        self._closing = threading.Event()
        self._behind = False  # the change queue is full: the view waits for the iteration
        self._thread: threading.Thread | None = None
        self._readers: list[threading.Thread] = []
        self._ended = False

    def __repr__(self) -> str:
        view = self.snapshot()
        state = "stale" if view.stale else "live"
        return f"<{type(self).__name__} {state} assets={len(view.balances)} open_orders={len(view.open_orders)}>"

    def __enter__(self) -> "MarginAccountView":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading, from any thread

    def snapshot(self) -> AccountView:
        """The whole view at this moment (immutable)."""
        with self._lock:
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

    def wait_live(self, timeout: float | None = None) -> bool:
        """Block until the first snapshot is applied; False after ``timeout`` seconds."""
        return self._live.wait(timeout)

    # -- life

    def start(self) -> "MarginAccountView":
        """Subscribe (user data, then risk), start following; returns once the first snapshot
        is in, or after ``start_timeout`` with the view still stale (it keeps trying)."""
        if self._thread is not None or self._closing.is_set():
            raise RuntimeError("this view was already started")
        self._stream.start()
        if self._risk is not None:
            try:
                self._risk.start()
            except BaseException:
                self._stream.close()
                raise
            self._source = _Merged([self._stream, self._risk], self._parts.max_changes, self._readers)
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()
        self._ready.wait(self._parts.start_timeout)
        if self._error is not None:
            raise self._error
        return self

    def close(self) -> None:
        """Stop following and close the streams; iteration ends. From any thread."""
        self._closing.set()
        self._ready.set()
        self._stream.close()
        if self._risk is not None:
            self._risk.close()
        if isinstance(self._source, _Merged):
            self._source.close()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)
        self._put(Ended(None), force=True)

    def __iter__(self) -> Iterator[Change]:
        while True:
            try:
                yield self.get()
            except StreamClosed:
                return

    def get(self, timeout: float | None = None) -> Change:
        """The next change; ``TimeoutError`` after ``timeout`` s; the error that ended the view
        once, then ``StreamClosed``."""
        if self._ended:
            raise StreamClosed("the account view has ended")
        try:
            item = self._changes.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no change within {timeout} s") from None
        if isinstance(item, Ended):
            self._ended = True
            raise item.error or StreamClosed("the account view was closed")
        return item

    # -- the network thread

    def _run(self) -> None:
        try:
            self._follow()
        except StreamClosed:
            self._put(Ended(None), force=True)
        except BaseException as error:  # ends the view: raised once from the iteration
            self._error = error if not self._live.is_set() else None  # before live: start() raises it
            self._ready.set()
            self._put(Ended(error), force=True)
            self._stream.close()
            if self._risk is not None:
                self._risk.close()

    def _follow(self) -> None:
        core, lock, source = self._core, self._lock, self._source
        wait: float | None = 0.0  # drain what arrived before any call goes
        while not self._closing.is_set():
            try:
                item: Event | None = source.get(wait)
            except TimeoutError:
                item = None
            if item is not None:
                with lock:
                    changes = core.receive(item, time.monotonic(), wall_ms())
                self._deliver(changes)
                wait = 0.0
                continue
            with lock:
                call = core.next_call(time.monotonic(), wall_ms())
            if call is not None:
                try:
                    body = _rest.send(self._parts.api, call, self._parts.request_timeout)
                except ApiException as error:  # 429 (retry_after), 5xx, a timeout, a bad body
                    with lock:
                        core.fail(call, error, time.monotonic())
                else:
                    with lock:
                        changes = core.answer(call, body, time.monotonic(), wall_ms())
                    self._deliver(changes)
                wait = 0.0
                continue
            with lock:
                wake = core.wake_at()
            wait = None if wake is None else max(0.0, wake - time.monotonic())

    def _deliver(self, changes: list[Change]) -> None:
        for change in changes:
            self._put(change)
            if isinstance(change, (Live, Resync)):
                self._live.set()
                self._ready.set()

    def _put(self, item: Change | Ended, force: bool = False) -> None:
        changes = self._changes
        try:
            changes.put_nowait(item)
            return
        except queue.Full:
            if force:  # an end makes room: what it ends is over anyway
                _drop_one(changes)
                changes.put_nowait(item)
                return
        self._behind = True
        try:
            while not self._closing.is_set():
                try:
                    changes.put(item, timeout=0.1)
                    return
                except queue.Full:
                    continue
        finally:
            self._behind = False


def _drop_one(changes: "queue.Queue[Any]") -> None:
    try:
        changes.get_nowait()
    except queue.Empty:
        pass


class _Merged:
    """Two streams read by one thread each into one bounded queue: ``get`` like a stream's."""

    def __init__(self, streams: list[Any], bound: int, threads: list[threading.Thread]) -> None:
        self._items: queue.Queue[Any] = queue.Queue(bound)
        self._closed = threading.Event()
        for stream in streams:
            thread = threading.Thread(target=self._read, args=(stream,), name="MarginAccountViewReader", daemon=True)
            thread.start()
            threads.append(thread)

    def _read(self, stream: Any) -> None:
        try:
            for item in stream:
                self._put(item)
        except BaseException as error:
            self._put(Ended(error))
        else:
            self._put(Ended(None))

    def _put(self, item: Any) -> None:
        """Wait for room (backpressure on the stream), but not past the view's end."""
        while True:
            try:
                return self._items.put(item, timeout=0.1)
            except queue.Full:
                if self._closed.is_set():
                    return

    def close(self) -> None:
        self._closed.set()

    def get(self, timeout: float | None) -> Event:
        try:
            item = self._items.get(timeout=timeout) if timeout != 0 else self._items.get_nowait()
        except queue.Empty:
            raise TimeoutError(f"no event within {timeout} s") from None
        if isinstance(item, Ended):
            raise item.error or StreamClosed("a stream of the view was closed")
        return item  # type: ignore[no-any-return]
