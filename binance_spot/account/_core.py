"""The account view's sans-I/O core: stream items and REST answers in, REST calls and
typed changes out. No sockets, no threads, no clock: every time is passed in (``now``:
monotonic seconds, ``wall_ms``: the local wall clock in ms). The driver loop is in the
package docstring.

One call is out at a time, so a driver stays a plain loop. ``view`` is an immutable value
a driver may hand to other threads; the core itself is driven by one thread or one event
loop. Orders merge in ``_orders``, balances in ``_balances``, fills dedupe in ``_fills``, a
resync's steps and weight are in ``_resync``, the pace of calls in ``_pacing``.
"""

import random as _random
from collections.abc import Callable, Iterable
from typing import Any

from binance_spot.account._balances import BALANCE_EVENTS, Balances
from binance_spot.account._calls import Call
from binance_spot.account._fills import FillLedger
from binance_spot.account._orders import OrderBook
from binance_spot.account._pacing import Pacer
from binance_spot.account._parse import MALFORMED, fill_of_event, key_and_age, order_of_event
from binance_spot.account._resync import Books, Settings, Sync
from binance_spot.account.changes import Change, OrderUpdate
from binance_spot.account.state import AccountView
from binance_spot.models.execution_report import ExecutionReport
from binance_spot.models.user_liability_change import UserLiabilityChange
from binance_spot.stream.event import Event, Gap

__all__ = ["AccountCore"]


class AccountCore:
    """The view of one margin account: cross, or isolated with ``isolated_symbol``.

    ``symbols``: the symbols traded (open orders are asked per symbol; without any, the
    first snapshot asks once without ``symbol``, charged ``open_orders_all_weight``).
    ``skew_ms``: the clock-skew tolerance around a snapshot's window. ``floor``: seconds
    between calls; ``resync_floor``: between resync starts; ``budget``: weight per minute.
    ``margin_ms``: how far before ``lost_at`` a resync looks for trades. ``since_ms``: when
    the subscription began (local wall ms): trades before it are history, never reported
    (default: the first ``wall_ms`` the core is given).
    """

    def __init__(
        self,
        *,
        isolated_symbol: str | None = None,
        symbols: Iterable[str] = (),
        skew_ms: int = 1000,
        floor: float = 0.2,
        resync_floor: float = 1.0,
        budget: int = 6000,
        open_orders_all_weight: int = 4000,
        margin_ms: int = 60_000,
        trades_limit: int = 1000,
        max_retakes: int = 3,
        backoff_first: float = 1.0,
        backoff_cap: float = 60.0,
        random: Callable[[], float] = _random.random,
        fill_memory: int = 10_000,
        closed_memory: int = 10_000,
        since_ms: int | None = None,
    ) -> None:
        self._settings = Settings(isolated_symbol, frozenset(symbols), skew_ms, margin_ms, trades_limit,
                                  open_orders_all_weight, max_retakes)  # fmt: skip
        self._books = Books(OrderBook(closed_memory), Balances(), FillLedger(fill_memory))
        self._pacer = Pacer(floor=floor, resync_floor=resync_floor, budget=budget,
                            backoff_first=backoff_first, backoff_cap=backoff_cap, random=random)  # fmt: skip
        self._sync: Sync | None = Sync(self._books, self._settings, "start", None, None, first=True)
        self._view: AccountView | None = None
        self._since_known = since_ms is not None
        self._books.since_ms = since_ms or 0

    @property
    def view(self) -> AccountView:
        if self._view is None:
            books = self._books
            self._view = AccountView.of(books.balances.view(), books.orders.open, self.stale, books.snapshot_ms)
        return self._view

    @property
    def stale(self) -> bool:
        return self._sync is not None

    # -- REST

    def next_call(self, now: float, wall_ms: int) -> Call | None:
        """The call to send now (it counts as sent), or None."""
        self._first_seen(wall_ms)
        sync = self._sync
        if sync is None or sync.outstanding is not None or not sync.queue:
            return None
        call = sync.queue[0]
        if now < self._pacer.ready_at(call.weight):
            return None
        sync.sent(call, wall_ms)
        self._pacer.sent(now, call.weight)
        return call

    def wake_at(self) -> float | None:
        """When ``next_call`` will have a call (monotonic seconds), None while there is none
        to plan (nothing to do, or an answer is awaited)."""
        sync = self._sync
        if sync is None or sync.outstanding is not None or not sync.queue:
            return None
        return self._pacer.ready_at(sync.queue[0].weight)

    def answer(self, call: Call, body: Any, now: float, wall_ms: int) -> list[Change]:
        """``call`` answered ``body`` (parsed JSON) at ``wall_ms``."""
        sync = self._sync
        if sync is None or call is not sync.outstanding:
            return []  # a call of a resync that a later gap restarted
        retakes = sync.retakes
        try:
            changes = sync.answer(call, body, wall_ms)
        except MALFORMED as error:
            self.fail(call, error, now)
            return []
        if sync.retakes > retakes and sync.retakes > self._settings.max_retakes:
            self._pacer.failed(now)  # still ambiguous: retake at the backoff's pace
        else:
            self._pacer.succeeded()
        if sync.done():
            self._sync = None
            changes.append(sync.report())
        self._view = None
        return changes

    def fail(self, call: Call, error: BaseException, now: float) -> None:
        """``call`` failed (429, 5xx, a timeout, a malformed answer): the view stays stale and
        the call goes again after the backoff (at least the error's ``retry_after``)."""
        sync = self._sync
        if sync is None or call is not sync.outstanding:
            return
        sync.failed()
        self._pacer.failed(now, getattr(error, "retry_after", 0.0))

    # -- the stream

    def receive(self, item: Event, now: float, wall_ms: int) -> list[Change]:
        """A stream item: an event (other types are ignored) or a ``Gap``."""
        self._first_seen(wall_ms)
        changes: list[Change] = []
        if isinstance(item, Gap):
            self._resync(item.reason, item.lost_at, item.resumed_at, now)
        elif isinstance(item, ExecutionReport):
            changes = self._execution(item)
        elif isinstance(item, BALANCE_EVENTS):
            if self._settings.isolated_symbol and isinstance(item, UserLiabilityChange):
                return []  # the risk stream is cross margin's
            changes = self._balance(item, now)
        else:
            return []
        self._view = None
        return changes

    def _first_seen(self, wall_ms: int) -> None:
        if not self._since_known:
            self._since_known, self._books.since_ms = True, wall_ms

    def _execution(self, event: ExecutionReport) -> list[Change]:
        changes: list[Change] = []
        book = self._books.orders
        key, age = key_and_age(event)
        if book.newer(key, age):  # else nothing more of the order is read
            order = order_of_event(event, book.get(key))
            book.merge(order)
            changes.append(OrderUpdate(order))
        fill = fill_of_event(event)
        if fill is not None and self._books.fills.first_time(fill.symbol, fill.trade_id):
            self._books.orders.count(fill)
            changes.append(fill)
        return changes

    def _balance(self, event: Event, now: float) -> list[Change]:
        sync = self._sync
        if sync is not None and sync.account_pending():
            sync.hold(event)
            return []
        if sync is not None:
            return sync.balance_event(event)
        changes, ambiguous = self._books.balances.apply(event)
        if ambiguous:
            self._sync = Sync(self._books, self._settings, "ambiguous", None, None, first=False, account_only=True)
            self._pacer.resync_starts(now)
        return list(changes)

    def _resync(self, reason: str, lost_at: int, resumed_at: int | None, now: float) -> None:
        sync = self._sync
        if sync is None:
            self._sync = Sync(self._books, self._settings, reason, lost_at, resumed_at, first=False)
        else:
            begun = sync.begun
            sync.restart(reason, lost_at, resumed_at)
            if not begun:
                return  # coalesced: the pending start stands
        self._pacer.resync_starts(now)
