"""The account core's rules one by one, with hand-made events and answers (manual time)."""

import itertools
from decimal import Decimal
from typing import Any

import pytest

from binance_spot.account import AccountCore, BalanceChange, Call, Fill, Live, OrderUpdate, Resync
from binance_spot.account._calls import DAY_MS
from binance_spot.account._fills import FillLedger
from binance_spot.exceptions import EventFieldError
from binance_spot.models.balance_update import BalanceUpdate
from binance_spot.models.execution_report import ExecutionReport
from binance_spot.models.outbound_account_position import OutboundAccountPosition
from binance_spot.models.user_liability_change import UserLiabilityChange
from binance_spot.stream.event import Gap

T0 = 1_780_000_000_000  # wall ms at now == 0


def report(order_id: int, status: str, t: int, z: str = "0", x: str | None = None, trade: int = -1,
           symbol: str = "BTCUSDT", qty: str = "2", last: str = "0") -> ExecutionReport:  # fmt: skip
    return ExecutionReport({"e": "executionReport", "E": t, "s": symbol, "c": f"c{order_id}", "S": "BUY",
                            "o": "LIMIT", "f": "GTC", "q": qty, "p": "10", "P": "0", "F": "0", "g": -1, "C": "",
                            "x": x or status, "X": status, "r": "NONE", "i": order_id, "l": last, "z": z,
                            "L": "10", "n": "0", "N": "USDT", "T": t, "t": trade, "I": 1, "w": True, "m": False,
                            "O": T0, "Z": str(Decimal(z) * 10), "Y": str(Decimal(last) * 10), "Q": "0"})  # fmt: skip


def rest_order(order_id: int, status: str, t: int, z: str = "0", symbol: str = "BTCUSDT") -> dict[str, Any]:
    return {"symbol": symbol, "orderId": order_id, "clientOrderId": f"c{order_id}", "price": "10", "origQty": "2",
            "executedQty": z, "cummulativeQuoteQty": str(Decimal(z) * 10), "status": status, "timeInForce": "GTC",
            "type": "LIMIT", "side": "BUY", "stopPrice": "0", "time": T0, "updateTime": t}  # fmt: skip


def trade(trade_id: int, order_id: int, t: int, qty: str = "1", symbol: str = "BTCUSDT") -> dict[str, Any]:
    return {"id": trade_id, "orderId": order_id, "symbol": symbol, "price": "10", "qty": qty, "quoteQty": "10",
            "commission": "0", "commissionAsset": "USDT", "time": t, "isBuyer": True, "isMaker": False}  # fmt: skip


def position(t: int, **free: str) -> OutboundAccountPosition:
    return OutboundAccountPosition({"e": "outboundAccountPosition", "E": t, "u": t,
                                    "B": [{"a": a, "f": f, "l": "0"} for a, f in free.items()]})  # fmt: skip


def account(**free: str) -> dict[str, Any]:
    return {"userAssets": [{"asset": a, "free": f, "locked": "0", "borrowed": "0", "interest": "0", "netAsset": f}
                           for a, f in free.items()]}  # fmt: skip


class Driver:
    """Manual time: ``now`` seconds, wall = T0 + now * 1000."""

    def __init__(self, core: AccountCore) -> None:
        self.core, self.now, self.changes, self.sent = core, 0.0, [], []  # type: ignore[var-annotated]

    @property
    def wall(self) -> int:
        return T0 + round(self.now * 1000)

    def send(self) -> Call:
        wake = self.core.wake_at()
        assert wake is not None
        self.now = max(self.now, wake)
        call = self.core.next_call(self.now, self.wall)
        assert call is not None
        self.sent.append((self.now, call))
        return call

    def reply(self, call: Call, body: Any) -> list[Any]:
        found = self.core.answer(call, body, self.now, self.wall)
        self.changes += found
        return found

    def feed(self, *items: Any) -> list[Any]:
        found = [c for item in items for c in self.core.receive(item, self.now, self.wall)]
        self.changes += found
        return found

    def snapshot(self, balances: dict[str, Any], orders: list[dict[str, Any]] = ()) -> None:  # type: ignore[assignment]
        call = self.send()
        assert call.kind == "account"
        self.reply(call, balances)
        while self.core.wake_at() is not None:
            call = self.send()
            assert call.kind == "open_orders", call
            self.reply(call, [o for o in orders if o["symbol"] == call.params.get("symbol", o["symbol"])])


def live(symbols: tuple[str, ...] = ("BTCUSDT",), **free: str) -> Driver:
    driver = Driver(AccountCore(symbols=symbols, random=lambda: 0.5))
    driver.snapshot(account(**(free or {"BTC": "1", "USDT": "100"})))
    assert not driver.core.stale
    return driver


# -- the first snapshot


def test_first_snapshot_asks_account_then_open_orders_per_known_symbol() -> None:
    driver = Driver(AccountCore(symbols=["ETHUSDT", "BTCUSDT"]))
    assert driver.core.stale
    calls = [driver.send()]
    driver.reply(calls[0], account(BTC="1"))
    calls += [driver.send()]
    driver.reply(calls[1], [])
    calls += [driver.send()]
    assert [(c.kind, dict(c.params), c.weight) for c in calls] == [
        ("account", {}, 10),
        ("open_orders", {"symbol": "BTCUSDT"}, 10),
        ("open_orders", {"symbol": "ETHUSDT"}, 10),
    ]
    assert driver.reply(calls[2], []) == [Live(30, tuple(calls))]
    assert not driver.core.stale and driver.core.view.balances["BTC"].free == Decimal(1)


def test_without_known_symbols_one_call_without_symbol_at_the_stated_weight() -> None:
    driver = Driver(AccountCore(open_orders_all_weight=1234))
    driver.reply(driver.send(), account(BTC="1"))
    call = driver.send()
    assert (call.kind, dict(call.params), call.weight) == ("open_orders", {}, 1234)


def test_isolated_asks_its_pair() -> None:
    driver = Driver(AccountCore(isolated_symbol="BTCUSDT"))
    call = driver.send()
    assert (call.path, dict(call.params)) == ("/sapi/v1/margin/isolated/account", {"symbols": "BTCUSDT"})
    asset = {"borrowed": "1", "free": "2", "interest": "0.1", "locked": "0", "netAsset": "0.9"}
    driver.reply(call, {"assets": [{"symbol": "BTCUSDT", "baseAsset": {"asset": "BTC", **asset},
                                    "quoteAsset": {"asset": "USDT", **asset}}]})  # fmt: skip
    call = driver.send()
    assert dict(call.params) == {"symbol": "BTCUSDT", "isIsolated": "TRUE"}
    driver.reply(call, [])
    btc = driver.core.view.balances["BTC"]
    assert (btc.borrowed, btc.interest, btc.net, btc.liabilities_from) == (
        1,
        Decimal("0.1"),
        Decimal("0.9"),
        "snapshot",
    )


# -- balances against the snapshot window


def test_balance_event_that_arrived_before_the_request_loses_to_the_snapshot() -> None:
    driver = Driver(AccountCore(symbols=["BTCUSDT"]))
    driver.feed(position(T0 + 10_000, BTC="5"))  # even with a time far after: it arrived first
    call = driver.send()
    driver.reply(call, account(BTC="1"))
    assert driver.core.view.balances["BTC"].free == 1


def test_balance_event_newer_than_the_window_wins_older_loses() -> None:
    driver = Driver(AccountCore(symbols=["BTCUSDT"]))
    call = driver.send()
    driver.feed(position(driver.wall + 5000, BTC="7"), position(driver.wall - 5000, USDT="3"))
    driver.reply(call, account(BTC="1", USDT="100"))
    driver.reply(driver.send(), [])
    assert (driver.core.view.balances["BTC"].free, driver.core.view.balances["USDT"].free) == (7, 100)


def test_balance_event_inside_the_window_retakes_the_account() -> None:
    driver = Driver(AccountCore(symbols=["BTCUSDT"], random=lambda: 0.5))
    call = driver.send()
    driver.feed(position(driver.wall + 10, BTC="7"))
    driver.now += 0.05
    driver.reply(call, account(BTC="1"))
    driver.reply(driver.send(), [])
    assert driver.core.stale  # ambiguous: BTC is 1 or 7
    retake = driver.send()
    assert retake.kind == "account"
    driver.reply(retake, account(BTC="7"))
    assert not driver.core.stale and driver.core.view.balances["BTC"].free == 7


def test_an_event_inside_the_window_that_agrees_is_not_ambiguous() -> None:
    driver = Driver(AccountCore(symbols=["BTCUSDT"]))
    call = driver.send()
    driver.feed(position(driver.wall + 10, BTC="1"))
    driver.reply(call, account(BTC="1"))
    driver.reply(driver.send(), [])
    assert not driver.core.stale


def test_ambiguity_that_stays_keeps_the_view_stale_and_slows_down() -> None:
    driver = Driver(AccountCore(symbols=["BTCUSDT"], max_retakes=1, random=lambda: 0.5))
    starts = []
    for n in range(5):
        call = driver.send()
        starts.append(driver.now)
        assert call.kind == "account"
        driver.feed(position(driver.wall + 1, BTC=str(10 + n)))  # inside the window, and it disagrees
        driver.reply(call, account(BTC="1"))
        if n == 0:
            driver.reply(driver.send(), [])
        assert driver.core.stale
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps[-1] > gaps[-2] > gaps[0]  # past max_retakes: the backoff's pace, growing


def test_balance_update_is_provisional_once_and_superseded_by_the_absolute() -> None:
    driver = live(BTC="1")
    t = driver.wall + 5000
    delta = BalanceUpdate({"e": "balanceUpdate", "E": t, "a": "BTC", "d": "0.5", "T": t})
    (change,) = driver.feed(delta, delta)
    assert isinstance(change, BalanceChange) and change.new is not None and change.new.free == Decimal("1.5")
    assert change.cause == "balanceUpdate"
    assert driver.feed(position(t, BTC="1.5")) == []  # the absolute agrees: nothing moves
    assert driver.feed(delta) == []  # a delta older than the absolute: already in it
    assert driver.core.view.balances["BTC"].free == Decimal("1.5")


def test_absolute_positions_out_of_order_and_twice() -> None:
    driver = live(BTC="1")
    t = driver.wall + 5000
    driver.feed(position(t + 2, BTC="3"), position(t + 1, BTC="2"), position(t + 2, BTC="3"))
    assert driver.core.view.balances["BTC"].free == 3


def test_two_positions_of_one_millisecond_that_disagree_retake_the_account() -> None:
    driver = live(BTC="1")
    t = driver.wall + 5000
    driver.feed(position(t, BTC="1.5"), position(t, BTC="1.5"))  # a duplicate: nothing to decide
    assert not driver.core.stale
    driver.feed(position(t, BTC="1.3"))  # same u, other value: which came last is unknown
    assert driver.core.stale and driver.send().kind == "account"


def test_liability_change_is_read_as_the_amounts_of_the_change() -> None:
    driver = live(BTC="1")
    t = driver.wall + 5000

    def liability(kind: str, at: int, p: str, i: str) -> UserLiabilityChange:
        return UserLiabilityChange({"e": "USER_LIABILITY_CHANGE", "E": at, "a": "BTC", "t": kind, "p": p, "i": i})

    borrow = liability("BORROW", t, "2", "0.01")
    driver.feed(borrow, borrow)  # a duplicate (an overlap) applies once
    btc = driver.core.view.balances["BTC"]
    assert (btc.borrowed, btc.interest, btc.liabilities_from) == (2, Decimal("0.01"), "stream")
    assert btc.net == Decimal("1") - 2 - Decimal("0.01")
    driver.feed(liability("REPAY", t + 1, "0.5", "0.01"), liability("INTEREST", t + 2, "0", "0.002"))
    btc = driver.core.view.balances["BTC"]
    assert (btc.borrowed, btc.interest) == (Decimal("1.5"), Decimal("0.002"))


def test_liability_change_inside_the_snapshot_window_retakes_the_account() -> None:
    driver = live(BTC="1")
    _, hi = driver.core._books.balances.window  # type: ignore[misc]
    driver.feed(UserLiabilityChange({"e": "USER_LIABILITY_CHANGE", "E": hi, "a": "BTC", "t": "BORROW", "p": "2",
                                     "i": "0"}))  # fmt: skip
    assert driver.core.stale  # the snapshot may or may not hold it: asked again, never guessed


# -- orders and fills


def test_order_states_newer_wins_terminal_closes_late_new_cannot_resurrect() -> None:
    driver = live()
    t = driver.wall
    (update,) = driver.feed(report(1, "NEW", t))
    assert isinstance(update, OrderUpdate) and ("BTCUSDT", 1) in driver.core.view.open_orders
    driver.feed(report(1, "CANCELED", t + 2))
    assert driver.feed(report(1, "NEW", t), report(1, "PARTIALLY_FILLED", t + 1, z="1")) == []
    assert driver.core.view.open_orders == {}


def test_a_fill_is_reported_once_even_when_its_report_is_old() -> None:
    driver = live()
    t = driver.wall
    fill = report(1, "PARTIALLY_FILLED", t + 1, z="1", x="TRADE", trade=7, last="1")
    later = report(1, "FILLED", t + 2, z="2", x="TRADE", trade=8, last="1")
    changes = driver.feed(later, fill, fill)
    fills = [c for c in changes if isinstance(c, Fill)]
    assert [(f.trade_id, f.qty, f.source) for f in fills] == [(8, 1, "live"), (7, 1, "live")]
    assert driver.core.view.open_orders == {}


def test_cancel_report_keeps_the_orders_own_client_id() -> None:
    driver = live()
    driver.feed(report(1, "NEW", driver.wall))
    raw = dict(report(1, "CANCELED", driver.wall + 1).raw, c="cancel-request", C="c1")
    (update,) = driver.feed(ExecutionReport(raw))
    assert update.order.client_order_id == "c1"


def test_fill_ledger_memory_is_bounded_by_a_watermark() -> None:
    ledger = FillLedger(keep=3)
    assert [ledger.first_time("S", i) for i in (5, 1, 7, 9, 5)] == [True, True, True, True, False]
    assert ledger.first_time("S", 1) is False  # under the watermark now: counted as seen
    assert ledger.first_time("T", 1) is True  # per symbol


# -- resync


def test_gap_resync_finds_the_final_state_and_fills_of_a_vanished_order() -> None:
    driver = live()
    driver.now += 5
    t = driver.wall
    driver.feed(report(1, "NEW", t))
    driver.now += 5
    driver.feed(Gap.of("drop", t + 10, driver.wall))
    assert driver.core.stale
    kinds = []
    bodies = {"open_orders": [], "order": rest_order(1, "FILLED", t + 20, z="2"), "all_pairs": [],
              "trades": [trade(1, 1, t + 20, "2")]}  # fmt: skip
    while driver.core.wake_at() is not None:
        call = driver.send()
        kinds.append(call.kind)
        driver.reply(call, account(BTC="1", USDT="100") if call.kind == "account" else bodies[call.kind])
    assert kinds == ["account", "open_orders", "order", "trades"]  # no two assets changed: no allPairs
    (resync,) = [c for c in driver.changes if isinstance(c, Resync)]
    assert [(f.trade_id, f.source) for f in resync.missed_fills] == [(1, "resync")]
    assert [o.status for o in resync.closed] == ["FILLED"]
    assert resync.weight == 10 + 10 + 10 + 10 and len(resync.calls) == 4
    assert not driver.core.stale and driver.core.view.open_orders == {}
    assert driver.feed(report(1, "FILLED", t + 20, z="2", x="TRADE", trade=1, last="2")) == []  # once


def test_gap_resync_finds_an_order_placed_and_filled_while_blind() -> None:
    driver = live(symbols=(), BTC="1", USDT="100")
    driver.now += 65  # blind well after the view began: trades are searched from a minute before
    lost = driver.wall
    driver.now += 5
    driver.feed(Gap.of("drop", lost, driver.wall))
    pairs = [{"symbol": "BTCUSDT", "base": "BTC", "quote": "USDT"}, {"symbol": "ETHBTC", "base": "ETH", "quote": "BTC"}]
    asked: list[Call] = []
    while driver.core.wake_at() is not None:
        call = driver.send()
        asked.append(call)
        body = {
            "account": account(BTC="2", USDT="90"),
            "all_pairs": pairs,
            "open_orders": [],
            "trades": [trade(1, 9, lost + 1)],
            "order": rest_order(9, "FILLED", lost + 1, z="1"),
        }[call.kind]
        driver.reply(call, body)  # fmt: skip
    trades = [c for c in asked if c.kind == "trades"]
    assert [dict(c.params)["symbol"] for c in trades] == ["BTCUSDT"]
    assert dict(trades[0].params)["startTime"] == lost - 60_000
    assert [c.kind for c in asked] == ["account", "open_orders", "all_pairs", "open_orders", "trades", "order"]
    assert dict(asked[3].params) == {"symbol": "BTCUSDT"}  # not known before: orders placed while blind
    (resync,) = [c for c in driver.changes if isinstance(c, Resync)]
    assert [f.trade_id for f in resync.missed_fills] == [1] and [o.order_id for o in resync.closed] == [9]
    assert {c.asset for c in resync.balance_changes} == {"BTC", "USDT"}
    driver.feed(Gap.of("drop", driver.wall, driver.wall))
    assert "all_pairs" not in [driver.send().kind for _ in range(1)]  # cached


def test_trades_windows_stay_under_a_day() -> None:
    driver = live(BTC="1", USDT="100")
    lost = driver.wall
    driver.now += 2 * 24 * 3600
    driver.feed(Gap.of("drop", lost, driver.wall))
    windows = []
    pairs = [{"symbol": "BTCUSDT", "base": "BTC", "quote": "USDT"}]
    while driver.core.wake_at() is not None:
        call = driver.send()
        if call.kind == "trades":
            windows.append((call.params["startTime"], call.params["endTime"]))
        driver.reply(call, {"account": account(BTC="2", USDT="90"), "all_pairs": pairs}.get(call.kind, []))
    assert len(windows) == 3 and all(0 <= int(b) - int(a) < DAY_MS for a, b in windows)
    assert all(int(b) + 1 == int(c) for (_, b), (c, _) in itertools.pairwise(windows))


# -- failures and pace


def test_a_failed_call_leaves_the_view_stale_and_goes_again_after_retry_after() -> None:
    driver = live()
    driver.feed(Gap.of("drop", driver.wall, driver.wall))
    call = driver.send()

    class TooMany(Exception):
        retry_after = 7.0

    driver.core.fail(call, TooMany(), driver.now)
    assert driver.core.stale and driver.core.view.balances["BTC"].free == 1
    assert driver.core.wake_at() == pytest.approx(driver.now + 7.0)
    assert driver.core.next_call(driver.now + 6.9, driver.wall) is None
    assert driver.send().kind == "account"


def test_a_malformed_answer_counts_as_a_failure() -> None:
    driver = Driver(AccountCore(symbols=["BTCUSDT"], random=lambda: 0.5))
    call = driver.send()
    assert driver.reply(call, {"userAssets": [{"asset": "BTC"}]}) == []
    assert driver.core.stale and driver.core.view.balances == {}
    assert driver.send().kind == "account"


def test_repeated_gaps_are_coalesced_and_resyncs_keep_their_floor() -> None:
    driver = live()
    for _ in range(50):
        driver.feed(Gap.of("drop", driver.wall - 10, driver.wall))
    first = driver.send()
    assert first.kind == "account"
    starts = [driver.now]
    for _ in range(5):
        driver.feed(Gap.of("drop", driver.wall, driver.wall))  # restarts the resync each time
        call = driver.send()
        starts.append(driver.now)
        assert call.kind == "account"
    assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(starts))


def test_weight_per_minute_stays_under_the_budget() -> None:
    driver = Driver(AccountCore(symbols=[f"S{i}" for i in range(10)], budget=50, random=lambda: 0.5))
    driver.reply(driver.send(), account(BTC="1"))
    while driver.core.wake_at() is not None:
        driver.reply(driver.send(), [])
    times = [t for t, _ in driver.sent]
    assert all(sum(c.weight for u, c in driver.sent if t <= u < t + 60) <= 50 for t in times)
    assert times[-1] >= 60


def test_fills_older_than_the_view_are_history_never_reported() -> None:
    driver = Driver(AccountCore(symbols=["BTCUSDT"], since_ms=T0, random=lambda: 0.5))
    driver.snapshot(account(BTC="1", USDT="100"), [rest_order(1, "PARTIALLY_FILLED", T0 - 5000, z="1")])
    driver.now += 5
    driver.feed(Gap.of("drop", driver.wall, driver.wall + 10))
    driver.now += 1
    asked = []
    while driver.core.wake_at() is not None:
        call = driver.send()
        asked.append(call.kind)
        body = {"account": account(BTC="1", USDT="100"), "open_orders": [rest_order(1, "FILLED", driver.wall, z="2")],
                "trades": [trade(1, 1, T0 - 5000), trade(2, 1, driver.wall - 100)]}[call.kind]  # fmt: skip
        driver.reply(call, body)
    (resync,) = [c for c in driver.changes if isinstance(c, Resync)]
    assert [f.trade_id for f in resync.missed_fills] == [2]  # trade 1 predates the view
    assert asked == ["account", "open_orders", "trades"]
    assert [o.status for o in resync.closed] == ["FILLED"]


def test_isolated_resync_pairs_its_own_assets_without_all_pairs() -> None:
    def isolated(btc: str, usdt: str) -> dict[str, Any]:
        side = {"borrowed": "0", "interest": "0", "locked": "0"}
        return {"assets": [{"symbol": "BTCUSDT", "baseAsset": {"asset": "BTC", "free": btc, "netAsset": btc, **side},
                            "quoteAsset": {"asset": "USDT", "free": usdt, "netAsset": usdt, **side}}]}  # fmt: skip

    driver = Driver(AccountCore(isolated_symbol="BTCUSDT", random=lambda: 0.5))
    driver.reply(driver.send(), isolated("1", "100"))
    driver.reply(driver.send(), [])
    driver.now += 5
    driver.feed(Gap.of("drop", driver.wall, driver.wall + 10))
    kinds = []
    while driver.core.wake_at() is not None:
        call = driver.send()
        kinds.append((call.kind, call.params.get("isIsolated")))
        driver.reply(call, isolated("2", "90") if call.kind == "isolated_account" else [])
    assert kinds == [("isolated_account", None), ("open_orders", "TRUE"), ("trades", "TRUE")]


# -- reading executionReport


def test_a_malformed_report_names_its_field() -> None:
    driver = live()
    bad = report(1, "NEW", T0 + 10)
    bad.raw["z"] = 5  # a number where Binance sends a decimal string
    with pytest.raises(EventFieldError, match=r"ExecutionReport\.cumulative_filled_quantity"):
        driver.feed(bad)
    worse = report(2, "NEW", T0 + 10)
    worse.raw["O"] = "soon"  # read only for an order not known yet
    with pytest.raises(EventFieldError, match=r"ExecutionReport\.order_creation_time"):
        driver.feed(worse)


def test_a_later_state_of_a_known_order_keeps_what_never_changes() -> None:
    driver = live()
    driver.feed(report(1, "NEW", T0 + 10))
    later = report(1, "PARTIALLY_FILLED", T0 + 20, z="1", x="TRADE", trade=7, last="1")
    later.raw.update({"S": "garbage", "p": None})  # never read for a known order
    (update, fill) = driver.feed(later)
    assert (update.order.side, update.order.price, update.order.status) == ("BUY", Decimal("10"), "PARTIALLY_FILLED")
    assert (update.order.executed_qty, update.order.cumulative_quote_qty, update.order.update_time) == (
        Decimal("1"), Decimal("10"), T0 + 20)  # fmt: skip
    assert fill.trade_id == 7
    stale = report(1, "NEW", T0 + 10)
    stale.raw["p"] = None  # an older state: nothing but its key and age is read
    assert driver.feed(stale) == []
