"""The account core against a simulated exchange: random histories, random deliveries.

The exchange (an oracle) keeps balances, orders and trades and emits the events Binance
would; the machine delivers them to the core late, out of order, twice, or not at all
(a drop, then a ``Gap``), changes the exchange while a snapshot is out, and answers or
fails the core's REST calls from the exchange at the time they are made. After it settles,
the view must equal the exchange and every fill must have been reported exactly once.
No sockets, no clock: time is a number the machine moves.
"""

import itertools
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from binance_spot.account import AccountCore, Call, Fill, Order, Resync
from binance_spot.models.balance_update import BalanceUpdate
from binance_spot.models.execution_report import ExecutionReport
from binance_spot.models.outbound_account_position import OutboundAccountPosition
from binance_spot.models.user_liability_change import UserLiabilityChange
from binance_spot.stream.event import Event, Gap, parse_event

PAIRS = {"BTCUSDT": ("BTC", "USDT"), "ETHUSDT": ("ETH", "USDT"), "ETHBTC": ("ETH", "BTC")}
ASSETS = ("BTC", "ETH", "USDT")
BASE_MS = 1_780_000_000_000
FLOOR = 0.2
BUDGET = 3000
ZERO = Decimal(0)


# -- what happens on the exchange


@dataclass(frozen=True)
class Place:
    symbol: str
    side: str
    qty: int
    price: int


@dataclass(frozen=True)
class Trade:
    pick: int  # which open order (by position, oldest first)
    qty: int


@dataclass(frozen=True)
class Cancel:
    pick: int


@dataclass(frozen=True)
class Transfer:
    asset: str
    amount: int  # negative: out


@dataclass(frozen=True)
class Borrow:
    asset: str
    amount: int  # negative: repay


Operation = Place | Trade | Cancel | Transfer | Borrow

places = st.builds(
    Place, st.sampled_from(sorted(PAIRS)), st.sampled_from(["BUY", "SELL"]), st.integers(1, 4), st.integers(1, 3)
)
trades = st.builds(Trade, st.integers(0, 3), st.integers(1, 4))
# Orders and their fills most of all: they make the fills a resync must find.
operations = st.one_of(
    places,
    trades,
    places,
    trades,
    st.builds(Cancel, st.integers(0, 3)),
    st.builds(Transfer, st.sampled_from(ASSETS), st.sampled_from([-5, -1, 1, 5])),
    st.builds(Borrow, st.sampled_from(ASSETS), st.sampled_from([-3, -1, 1, 3])),
)


class Exchange:
    """The truth: one cross margin account. Every change returns the events Binance sends."""

    def __init__(self) -> None:
        self.free = {"BTC": Decimal(10), "ETH": Decimal(50), "USDT": Decimal(1000)}
        self.locked = dict.fromkeys(ASSETS, ZERO)
        self.borrowed = dict.fromkeys(ASSETS, ZERO)
        self.orders: dict[int, dict[str, Any]] = {}
        self.trades: list[dict[str, Any]] = []
        self._ids = 100
        # (time, locked and borrowed of each asset) after each change, from the start
        self.past: list[tuple[int, dict[str, tuple[Decimal, Decimal]]]] = [(0, self._held())]

    def _held(self) -> dict[str, tuple[Decimal, Decimal]]:
        return {a: (self.locked[a], self.borrowed[a]) for a in ASSETS}

    def held_since(self, asset: str, field: int, t: int) -> set[Decimal]:
        """Every value of an asset's locked (``field`` 0) or borrowed (1) from time ``t`` on."""
        first = max(i for i, (u, _) in enumerate(self.past) if u <= t)
        return {state[asset][field] for _, state in self.past[first:]}

    def open_orders(self, symbol: str | None = None) -> list[dict[str, Any]]:
        return [dict(o) for o in self.orders.values()
                if o["status"] in ("NEW", "PARTIALLY_FILLED") and symbol in (None, o["symbol"])]  # fmt: skip

    def account(self) -> dict[str, Any]:
        return {"userAssets": [{"asset": a, "free": str(self.free[a]), "locked": str(self.locked[a]),
                                "borrowed": str(self.borrowed[a]), "interest": "0",
                                "netAsset": str(self.free[a] + self.locked[a] - self.borrowed[a])}
                               for a in ASSETS]}  # fmt: skip

    def answer(self, call: Call) -> Any:
        p = call.params
        if call.kind == "account":
            return self.account()
        if call.kind == "open_orders":
            return self.open_orders(p.get("symbol"))  # type: ignore[arg-type]
        if call.kind == "order":
            return dict(self.orders[p["orderId"]])  # type: ignore[index]
        if call.kind == "all_pairs":
            return [{"id": i, "symbol": s, "base": b, "quote": q} for i, (s, (b, q)) in enumerate(PAIRS.items())]
        assert call.kind == "trades", call
        found = [t for t in self.trades if t["symbol"] == p["symbol"]
                 and p.get("orderId", t["orderId"]) == t["orderId"]
                 and int(p.get("startTime", 0)) <= t["time"] <= int(p.get("endTime", 2**62))
                 and t["id"] >= int(p.get("fromId", 0))]  # fmt: skip
        return found[: int(p.get("limit", 500))]

    def _position(self, t: int, *assets: str) -> dict[str, Any]:
        return {"e": "outboundAccountPosition", "E": t, "u": t,
                "B": [{"a": a, "f": str(self.free[a]), "l": str(self.locked[a])} for a in assets]}  # fmt: skip

    def _report(self, o: dict[str, Any], t: int, x: str, fill: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"e": "executionReport", "E": t, "s": o["symbol"], "c": f"cancel{o['orderId']}" if x == "CANCELED"
                else o["clientOrderId"], "C": o["clientOrderId"] if x == "CANCELED" else "", "S": o["side"],
                "o": "LIMIT", "f": "GTC", "q": o["origQty"], "p": o["price"], "P": "0", "F": "0", "g": -1,
                "x": x, "X": o["status"], "r": "NONE", "i": o["orderId"], "z": o["executedQty"],
                "Z": o["cummulativeQuoteQty"], "T": t, "O": o["time"], "w": x != "CANCELED", "I": t,
                "l": fill["qty"] if fill else "0", "L": fill["price"] if fill else "0", "n": "0",
                "N": fill["commissionAsset"] if fill else None, "t": fill["id"] if fill else -1,
                "m": bool(fill and fill["isMaker"]), "Y": fill["quoteQty"] if fill else "0", "Q": "0"}  # fmt: skip

    def do(self, op: Operation, t: int) -> list[dict[str, Any]]:
        """Apply ``op`` at exchange time ``t``: the events it sends (none if it is refused)."""
        events = self._do(op, t)
        self.past.append((t, self._held()))
        return events

    def _do(self, op: Operation, t: int) -> list[dict[str, Any]]:
        if isinstance(op, Place):
            base, quote = PAIRS[op.symbol]
            asset, amount = (quote, Decimal(op.qty * op.price)) if op.side == "BUY" else (base, Decimal(op.qty))
            if self.free[asset] < amount:
                return []
            self.free[asset] -= amount
            self.locked[asset] += amount
            self._ids += 1
            order = {"symbol": op.symbol, "orderId": self._ids, "clientOrderId": f"c{self._ids}",
                     "price": str(op.price), "origQty": str(op.qty), "executedQty": "0",
                     "cummulativeQuoteQty": "0", "status": "NEW", "timeInForce": "GTC", "type": "LIMIT",
                     "side": op.side, "stopPrice": "0", "icebergQty": "0", "time": t, "updateTime": t,
                     "isWorking": True, "isIsolated": False}  # fmt: skip
            self.orders[self._ids] = order
            return [self._report(order, t, "NEW"), self._position(t, asset)]
        if isinstance(op, (Trade, Cancel)):
            live = self.open_orders()
            if not live:
                return []
            o = self.orders[live[op.pick % len(live)]["orderId"]]
            base, quote = PAIRS[o["symbol"]]
            price, left = Decimal(o["price"]), Decimal(o["origQty"]) - Decimal(o["executedQty"])
            o["updateTime"] = t
            if isinstance(op, Cancel):
                asset, amount = (quote, left * price) if o["side"] == "BUY" else (base, left)
                self.locked[asset] -= amount
                self.free[asset] += amount
                o["status"] = "CANCELED"
                return [self._report(o, t, "CANCELED"), self._position(t, asset)]
            qty = min(Decimal(op.qty), left)
            if o["side"] == "BUY":
                self.locked[quote] -= qty * price
                self.free[base] += qty
            else:
                self.locked[base] -= qty
                self.free[quote] += qty * price
            o["executedQty"] = str(Decimal(o["executedQty"]) + qty)
            o["cummulativeQuoteQty"] = str(Decimal(o["cummulativeQuoteQty"]) + qty * price)
            o["status"] = "FILLED" if qty == left else "PARTIALLY_FILLED"
            fill = {"id": len(self.trades) + 1, "orderId": o["orderId"], "symbol": o["symbol"], "price": str(price),
                    "qty": str(qty), "quoteQty": str(qty * price), "commission": "0", "commissionAsset": quote,
                    "time": t, "isBuyer": o["side"] == "BUY", "isMaker": True, "isBestMatch": True}  # fmt: skip
            self.trades.append(fill)
            return [self._report(o, t, "TRADE", fill), self._position(t, base, quote)]
        amount = Decimal(op.amount)
        if self.free[op.asset] + amount < 0:
            return []
        if isinstance(op, Transfer):
            self.free[op.asset] += amount
            return [{"e": "balanceUpdate", "E": t, "a": op.asset, "d": str(amount), "T": t},
                    self._position(t, op.asset)]  # fmt: skip
        if self.borrowed[op.asset] + amount < 0:
            return []
        self.free[op.asset] += amount
        self.borrowed[op.asset] += amount
        return [{"e": "balanceUpdate", "E": t, "a": op.asset, "d": str(amount), "T": t},
                {"e": "USER_LIABILITY_CHANGE", "E": t, "a": op.asset, "t": "BORROW" if amount > 0 else "REPAY",
                 "p": str(abs(amount)), "i": "0"},
                self._position(t, op.asset)]  # fmt: skip


class Refused(Exception):
    """A REST failure as the driver would pass it on (429 with ``retry_after``, 5xx, a timeout)."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(status)
        self.retry_after = retry_after


# -- the machine


class AccountMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.exchange = Exchange()
        self.now = 100.0  # monotonic seconds
        self.skew = 0  # exchange clock minus ours, ms
        self.wire: list[dict[str, Any]] = []  # sent by the exchange, not yet delivered
        self.delivered: list[dict[str, Any]] = []
        self.blind_since: int | None = None
        self.out: Call | None = None
        self.sent: list[tuple[float, Call]] = []
        self.fills: list[Fill] = []
        self.resyncs = 0
        self.core = AccountCore(symbols=PAIRS, floor=FLOOR, budget=BUDGET, random=lambda: 0.5)
        self.history = 0  # trades before the view: never to be reported
        # The newest exchange time the core was told each asset's locked / borrowed.
        self.known = {(a, field): 0 for a in ASSETS for field in (0, 1)}

    @initialize(
        skew=st.integers(-400, 400), limit=st.sampled_from([2, 1000]), before=st.lists(st.one_of(places, trades))
    )
    def start(self, skew: int, limit: int, before: list[Operation]) -> None:
        """Orders placed and filled before the view began, then the view subscribes."""
        self.skew = skew
        for i, op in enumerate(before):
            self.exchange.do(op, self.wall + skew - 10_000 + i)
        self.history = len(self.exchange.trades)
        self.core = AccountCore(symbols=PAIRS, floor=FLOOR, budget=BUDGET, trades_limit=limit, random=lambda: 0.5,
                                since_ms=self.wall)  # fmt: skip

    @property
    def wall(self) -> int:
        return BASE_MS + round(self.now * 1000)

    def _feed(self, item: Event) -> None:
        if isinstance(item, OutboundAccountPosition):
            for b in item.balances:
                self.known[b.asset, 0] = max(self.known[b.asset, 0], item.last_update_time)
        if isinstance(item, UserLiabilityChange):
            self.known[item.asset, 1] = max(self.known[item.asset, 1], item.event_time or 0)
        self._take(self.core.receive(item, self.now, self.wall))

    def _take(self, changes: list[Any]) -> None:
        for change in changes:
            if isinstance(change, Fill):
                self.fills.append(change)
            elif isinstance(change, Resync):
                self.resyncs += 1
                self.fills.extend(change.missed_fills)

    @rule(ops=st.lists(operations, min_size=1, max_size=4), ms=st.integers(1, 50))
    def happen(self, ops: list[Operation], ms: int) -> None:
        """A few changes on the exchange, ``ms`` apart."""
        for op in ops:
            self.now += ms / 1000
            events = self.exchange.do(op, self.wall + self.skew)
            if self.blind_since is None:
                self.wire.extend(events)

    @rule(count=st.integers(1, 6), reverse=st.booleans(), twice=st.booleans())
    def deliver(self, count: int, reverse: bool, twice: bool) -> None:
        batch, self.wire = self.wire[:count], self.wire[count:]
        for raw in (batch[::-1] if reverse else batch) * (2 if twice else 1):
            self.delivered.append(raw)
            self._feed(parse_event(raw))

    @rule(back=st.integers(1, 8))
    def replay(self, back: int) -> None:
        """An event again, as the overlap of two connections delivers it."""
        if self.delivered:
            self._feed(parse_event(self.delivered[-min(back, len(self.delivered))]))

    @rule()
    def drop(self) -> None:
        """The connection is cut: what was on the wire is lost, and so is all until ``resume``."""
        if self.blind_since is not None:
            return
        self.blind_since = min([self.wall] + [raw["E"] - self.skew for raw in self.wire])
        self.wire = []

    @rule()
    def resume(self) -> None:
        if self.blind_since is None:
            return
        self._feed(Gap.of("drop", self.blind_since, self.wall))
        self.blind_since = None

    @rule(ms=st.sampled_from([1, 100, 1000, 5000, 60_000]))
    def wait(self, ms: int) -> None:
        self.now += ms / 1000

    @rule(failure=st.sampled_from([None, None, None, 429, 500]), retry_after=st.sampled_from([None, 0, 3]))
    def rest(self, failure: int | None, retry_after: int | None) -> None:
        """Send the core's next call, or answer the one that is out (the exchange as it is now)."""
        if self.out is None:
            wake = self.core.wake_at()  # the driver waits for it (the stream keeps going meanwhile)
            if wake is None:
                return
            self.now = max(self.now, wake)
            self.out = self.core.next_call(self.now, self.wall)
            if self.out is not None:
                self.sent.append((self.now, self.out))
            return
        call, self.out = self.out, None
        if failure is not None:
            self.core.fail(call, Refused(failure, retry_after), self.now)
        else:
            taken = self.core.view.snapshot_ms
            self._take(self.core.answer(call, self.exchange.answer(call), self.now, self.wall))
            if call.kind == "account" and self.core.view.snapshot_ms != taken:
                self.known = dict.fromkeys(self.known, self.wall + self.skew)

    @invariant()
    def holds(self) -> None:
        """No call faster than the floor or over the budget; no fill twice; and with everything
        delivered and nothing out, a view that says it is not stale is exact."""
        times = [t for t, _ in self.sent]
        assert all(b - a >= FLOOR - 1e-9 for a, b in itertools.pairwise(times)), times
        for i, (t, _) in enumerate(self.sent):
            minute = [c.weight for u, c in self.sent[i:] if u < t + 60]
            assert sum(minute) <= BUDGET or len(minute) == 1
        seen = Counter((f.symbol, f.trade_id) for f in self.fills)
        assert all(n == 1 for n in seen.values()), seen.most_common(3)
        if not self.core.stale and not self.wire and self.blind_since is None and self.out is None:
            self.check_view()
        if not self.core.stale:  # never older than what the core was told
            view = self.core.view.balances
            for (asset, field), t in self.known.items():
                if asset in view:
                    held = self.exchange.held_since(asset, field, t)
                    assert (view[asset].locked, view[asset].borrowed)[field] in held, (asset, field, t, held)

    def check_view(self) -> None:
        view = self.core.view
        for asset in ASSETS:
            b = view.balances[asset]
            ex = self.exchange
            assert (b.free, b.locked, b.borrowed) == (ex.free[asset], ex.locked[asset], ex.borrowed[asset]), asset
            assert b.net == ex.free[asset] + ex.locked[asset] - ex.borrowed[asset], asset
        assert dict(view.open_orders) == {(o["symbol"], o["orderId"]): expected(o) for o in self.exchange.open_orders()}

    def teardown(self) -> None:
        """Settle: the stream comes back, everything is delivered, every call answered."""
        if self.blind_since is not None:
            self.resume()
        if self.wire:
            self.deliver(len(self.wire), False, False)
        for _ in range(1000):
            if self.out is None and self.core.wake_at() is None:
                break
            self.rest(None, None)
        assert not self.core.stale
        self.check_view()
        event(f"fills: {min(len(self.exchange.trades), 5)}")
        event(f"resync reports: {min(self.resyncs, 3)}")
        reported = {(f.symbol, f.trade_id): f for f in self.fills}
        news = self.exchange.trades[self.history :]
        assert sorted(reported) == sorted((t["symbol"], t["id"]) for t in news)
        for t in news:
            f = reported[(t["symbol"], t["id"])]
            assert (f.order_id, f.price, f.qty, f.time) == (t["orderId"], Decimal(t["price"]), Decimal(t["qty"]),
                                                             t["time"])  # fmt: skip


def expected(o: dict[str, Any]) -> Order:
    return Order(o["symbol"], o["orderId"], o["clientOrderId"], o["side"], o["type"], o["timeInForce"], o["status"],
                 Decimal(o["price"]), Decimal(o["origQty"]), Decimal(o["executedQty"]),
                 Decimal(o["cummulativeQuoteQty"]), Decimal(o["stopPrice"]), o["time"], o["updateTime"])  # fmt: skip


TestAccount = AccountMachine.TestCase
# Short histories, many of them: a failure needs a handful of steps, and shrinks to them.
TestAccount.settings = settings(stateful_step_count=30)
# Checked by the imports above: the machine feeds the real event classes.
assert {ExecutionReport, OutboundAccountPosition, BalanceUpdate, UserLiabilityChange} <= {
    type(parse_event(r)) for r in Exchange().do(Borrow("BTC", 1), 1) + Exchange().do(Place("BTCUSDT", "BUY", 1, 1), 1)
}
