"""One snapshot or resync: the REST calls it needs, in order, and what their answers mean.

Steps (one call at a time, each answer may add calls):

1. The account, and the open orders of every known symbol (without ``symbol`` only when
   none is known: the first snapshot of a cross margin account without ``symbols=``).
2. Each order open here but absent from its symbol's open orders: ``order`` for its
   final state. After a gap, each order the exchange says filled more than is accounted
   for: ``trades`` for just that order. Trades older than the view (``since_ms`` less
   the skew) are history: accounted for, never reported.
3. After a gap: orders placed and filled entirely while blind. Candidates are the symbols
   pairing two assets whose free or locked differ between the view at the gap and the new
   snapshot (pairs from ``allPairs``, asked once per view and only when two assets changed;
   an isolated account's own pair), plus every known symbol when the view's last snapshot
   may itself have been taken blind (``lost_at`` not after it): then the diff proves
   nothing. For each: ``trades`` from ``lost_at - margin`` to the snapshot (windows under
   24 h; a full page goes on by ``fromId``, assuming Binance gives a window's oldest trades
   first), ``order`` for each order found there that is not known, and ``open_orders``
   if the symbol was not known (orders placed while blind and still open).
4. Balance events that arrived while the account call was out are judged against its
   window once it answers; one found ambiguous retakes the account (``max_retakes`` in a
   row at the floor, then at the backoff's pace: an ambiguous view stays stale, it never
   guesses).

A first snapshot that a gap interrupted ends with a ``Resync`` report instead of ``Live``.

Weight of a resync (every call carries its own): 10 (account) + 10 x known symbols (open
orders) + 1 (``allPairs``, once per view) + 20 x orders that vanished or filled while
blind (``order`` + ``trades``) + 10 x candidate symbols x started days blind (``trades``)
+ 10 x orders found only there (``order``) + 10 x candidates not known before (open
orders) + 10 x account retakes. A resync that finds nothing costs 10 + 10 x symbols.
"""

from collections import deque
from dataclasses import dataclass
from typing import Any

from binance_spot.account._balances import Balances, changed_assets, diff
from binance_spot.account._calls import DAY_MS, Call, make
from binance_spot.account._fills import FillLedger
from binance_spot.account._orders import OrderBook
from binance_spot.account._parse import balances_of_account, fill_of_trade, order_of_rest, pairs_of
from binance_spot.account.changes import Change, Fill, Live, OrderUpdate, Resync
from binance_spot.account.state import Balance, Order, OrderKey
from binance_spot.stream.event import Event

__all__ = ["Books", "Settings", "Sync"]


@dataclass(frozen=True)
class Settings:
    isolated_symbol: str | None
    symbols: frozenset[str]
    skew_ms: int
    margin_ms: int
    trades_limit: int
    open_orders_all_weight: int
    max_retakes: int


@dataclass
class Books:
    """The account's state the core keeps between syncs."""

    orders: OrderBook
    balances: Balances
    fills: FillLedger
    pairs: dict[str, tuple[str, str]] | None = None
    snapshot_ms: int | None = None
    since_ms: int = 0  # fills before it (less the skew) are history, never reported


class Sync:
    def __init__(self, books: Books, settings: Settings, reason: str, lost_at: int | None, resumed_at: int | None,
                 *, first: bool, account_only: bool = False) -> None:  # fmt: skip
        self.books, self.settings = books, settings
        self.reason, self.lost_at, self.resumed_at = reason, lost_at, resumed_at
        self.first, self.account_only = first, account_only
        self.old_balances = books.balances.view()
        self.old_snapshot_ms = books.snapshot_ms
        self.calls: list[Call] = []
        self.retakes = 0
        self.missed: list[Fill] = []
        self.closed: dict[OrderKey, Order] = {}
        self.opened: dict[OrderKey, Order] = {}
        self._reset()

    def _reset(self) -> None:
        self.queue: deque[Call] = deque()
        self.outstanding: Call | None = None
        self.held: list[Event] = []  # balance events since the account request went
        self.ambiguous = False
        self.snapshot: dict[str, Balance] = {}
        self._searched = self.account_only or self.lost_at is None
        self._asked: set[tuple[str, str, int]] = set()
        self._sent_ms = 0
        self._account_sent = False
        self.begun = False  # a call went since the (re)start
        self._plan()

    def restart(self, reason: str, lost_at: int, resumed_at: int | None) -> None:
        """Another gap: begin again from the account, keeping what was found (coalesced:
        the earliest ``lost_at``; an account-only retake becomes a full resync)."""
        if self.account_only:
            self.reason, self.account_only = reason, False
        self.lost_at = lost_at if self.lost_at is None else min(self.lost_at, lost_at)
        self.resumed_at = resumed_at
        self._reset()

    # -- the plan

    def _params(self) -> dict[str, str]:
        return {"isIsolated": "TRUE"} if self.settings.isolated_symbol else {}

    def _plan(self) -> None:
        self.queue.append(self._account_call())
        if self.account_only:
            return
        known = self.known_symbols()
        if known:
            self.queue.extend(make("open_orders", {"symbol": s, **self._params()}) for s in sorted(known))
        else:
            self.queue.append(make("open_orders", weight=self.settings.open_orders_all_weight))

    def _account_call(self) -> Call:
        isolated = self.settings.isolated_symbol
        return make("isolated_account", {"symbols": isolated}) if isolated else make("account")

    def known_symbols(self) -> set[str]:
        isolated = self.settings.isolated_symbol
        return {isolated} if isolated else set(self.settings.symbols) | self.books.orders.symbols()

    def _ask(self, kind: str, symbol: str, order_id: int) -> None:
        if (kind, symbol, order_id) not in self._asked:
            self._asked.add((kind, symbol, order_id))
            self.queue.append(make(kind, {"symbol": symbol, "orderId": order_id, **self._params()}))

    # -- what the driver's calls report

    def sent(self, call: Call, wall_ms: int) -> None:
        self.queue.popleft()
        self.outstanding = call
        self.begun = True
        self.calls.append(call)
        if call.kind in ("account", "isolated_account"):
            self._account_sent, self._sent_ms, self.held = True, wall_ms, []

    def failed(self) -> None:
        """The call goes again (at the head) once the pacer allows; the failed attempt stays
        among the calls made (its weight was spent)."""
        assert self.outstanding is not None
        self.queue.appendleft(self.outstanding)
        self.outstanding = None
        self._account_sent = False

    def account_pending(self) -> bool:
        return self._account_sent or any(c.kind in ("account", "isolated_account") for c in self.queue)

    def hold(self, event: Event) -> None:
        """A balance event while the account snapshot is pending: one that arrives before the
        request goes is in the snapshot (dropped); one after is judged when it answers."""
        if self._account_sent:
            self.held.append(event)

    def answer(self, call: Call, body: Any, wall_ms: int) -> list[Change]:
        """Apply a successful answer; the changes it makes for the user. A malformed answer
        raises (one of ``parse.MALFORMED``) before anything is applied."""
        changes: list[Change] = []
        if call.kind in ("account", "isolated_account"):
            changes += self._account(body, wall_ms)
        elif call.kind == "open_orders":
            changes += self._open_orders(call, body)
        elif call.kind == "order":
            changes += self._orders([order_of_rest(body)])
        elif call.kind == "trades":
            self._trades(call, body)
        else:
            self.books.pairs = pairs_of(body)
        self.outstanding = None
        if not self.queue:
            self._next_step()
        return changes

    def _account(self, body: Any, wall_ms: int) -> list[Change]:
        isolated = self.settings.isolated_symbol is not None
        self.snapshot = balances_of_account(body, isolated)
        if isolated:
            self.books.pairs = pairs_of(body)
        window = (self._sent_ms - self.settings.skew_ms, wall_ms + self.settings.skew_ms)
        self.books.balances.snapshot(self.snapshot, window)
        self.books.snapshot_ms = wall_ms
        held, self.held, self._account_sent = self.held, [], False
        return [change for event in held for change in self.balance_event(event)]

    def balance_event(self, event: Event) -> list[Change]:
        found, ambiguous = self.books.balances.apply(event)
        self.ambiguous |= ambiguous
        return list(found)

    def _open_orders(self, call: Call, body: Any) -> list[Change]:
        listed = [order_of_rest(item) for item in body]
        symbol = call.params.get("symbol")
        keys = {o.key for o in listed}
        for key in list(self.books.orders.open):
            if (symbol is None or key[0] == symbol) and key not in keys:
                self._ask("order", key[0], key[1])
        return self._orders(listed)

    def _orders(self, orders: list[Order]) -> list[Change]:
        changes: list[Change] = []
        book = self.books.orders
        for order in orders:
            known = book.get(order.key)
            if not book.merge(order):
                continue
            changes.append(OrderUpdate(order))
            if not self.first:
                if not order.is_open:
                    self.closed[order.key] = order
                elif known is None:
                    self.opened[order.key] = order
            if self.lost_at is not None and book.missing_fills(order):
                self._ask("trades", order.symbol, order.order_id)
        return changes

    def _trades(self, call: Call, body: Any) -> None:
        fills = [fill_of_trade(item) for item in body]
        history = self.books.since_ms - self.settings.skew_ms
        for fill in fills:
            if self.books.fills.first_time(fill.symbol, fill.trade_id):
                self.books.orders.count(fill)
                if fill.time >= history:
                    self.missed.append(fill)
            if self.books.orders.get((fill.symbol, fill.order_id)) is None:
                self._ask("order", fill.symbol, fill.order_id)
        if len(fills) >= self.settings.trades_limit:
            page = {k: v for k, v in call.params.items() if k not in ("startTime", "endTime", "fromId")}
            self.queue.append(make("trades", {**page, "fromId": max(f.trade_id for f in fills) + 1}))

    def _next_step(self) -> None:
        if not self._searched:
            changed = changed_assets(self.old_balances, self.snapshot)
            if self.books.pairs is None and len(changed) > 1:
                self.queue.append(make("all_pairs"))
                return
            self._searched = True
            self._search(changed, self.books.pairs or {})
        if not self.queue and self.ambiguous:
            self.ambiguous = False
            self.retakes += 1
            self.queue.append(self._account_call())

    def _search(self, changed: set[str], pairs: dict[str, tuple[str, str]]) -> None:
        known = self.known_symbols()
        candidates = {s for s, (base, quote) in pairs.items() if base in changed and quote in changed}
        if self.old_snapshot_ms is None or (self.lost_at or 0) <= self.old_snapshot_ms + self.settings.skew_ms:
            candidates |= known  # the old view's snapshot may have been taken blind: no diff to trust
        start = max((self.lost_at or 0) - self.settings.margin_ms, self.books.since_ms - self.settings.skew_ms)
        end = (self.books.snapshot_ms or 0) + self.settings.skew_ms
        for symbol in sorted(candidates):
            if symbol not in known:
                self.queue.append(make("open_orders", {"symbol": symbol, **self._params()}))
            for begin in range(start, end + 1, DAY_MS):
                stop = min(begin + DAY_MS - 1, end)
                window: dict[str, str | int] = {
                    "symbol": symbol,
                    "startTime": begin,
                    "endTime": stop,
                    "limit": self.settings.trades_limit,
                }
                self.queue.append(make("trades", {**window, **self._params()}))

    # -- the end

    def done(self) -> bool:
        return not self.queue and self.outstanding is None

    def weight(self) -> int:
        return sum(c.weight for c in self.calls)

    def report(self) -> Change:
        if self.first and self.lost_at is None:
            return Live(self.weight(), tuple(self.calls))
        return Resync(
            reason=self.reason,
            lost_at=self.lost_at,
            resumed_at=self.resumed_at,
            missed_fills=tuple(self.missed),
            closed=tuple(self.closed.values()),
            opened=tuple(o for k, o in self.opened.items() if k not in self.closed),
            balance_changes=tuple(diff(self.old_balances, self.snapshot, "snapshot")),
            weight=self.weight(),
            calls=tuple(self.calls),
        )
