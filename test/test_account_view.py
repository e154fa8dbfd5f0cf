"""The account view over real sockets: the local server's accounts, its REST answers and faults.

What the view asks is read from what the server received; its values are compared with the
server's account. Planned reconnects and the stateful test are in test_account_view_machine.
"""

import asyncio
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

import binance_spot
from binance_spot.account import AsyncMarginAccountView, Fill, Live, MarginAccountView, Resync
from binance_spot.exceptions import ApiTypeError, ApiValueError, StreamClosed, UnauthorizedException
from binance_spot.testing import BinanceServer

KEY, SECRET = "view-key_0123456789", "view-secret"
FAST = {"backoff": (0.3, 0.6), "open_timeout": 5.0}
SIGNED = ("/sapi/v1/margin/account", "/sapi/v1/margin/openOrders", "/sapi/v1/margin/order", "/sapi/v1/margin/myTrades")


@pytest.fixture
def server_options() -> dict[str, Any]:
    return {"clock": time.time, "api_keys": [KEY], "secret_keys": {KEY: SECRET}}


def client_of(server: BinanceServer, secret: str | None = SECRET, retries: int = 0) -> binance_spot.ApiClient:
    configuration = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": KEY}, secret_key=secret)
    configuration.retries = retries  # the view's own backoff is what is tested
    return binance_spot.ApiClient(configuration)


@pytest.fixture
def client(server: BinanceServer) -> Iterator[binance_spot.ApiClient]:
    with client_of(server) as made:
        yield made


def account_calls(server: BinanceServer, path: str = "/sapi/v1/margin/account") -> list[Any]:
    return [r for r in server.requests if r.path == path]


def same(view: Any, server: BinanceServer) -> bool:
    """The view holds exactly what the server's account holds (absent counts as zero)."""
    held = {a: (b.free, b.locked) for a, b in view.balances.items() if b.free or b.locked}
    truth = {a: (b["free"], b["locked"]) for a, b in server.account(KEY).balances().items() if b["free"] or b["locked"]}
    orders = {(o["symbol"], o["orderId"]): Decimal(o["executedQty"]) for o in server.account(KEY).open_orders()}
    return held == truth and {k: o.executed_qty for k, o in view.open_orders.items()} == orders


def until(view: Any, wanted: Callable[[Any], bool], timeout: float = 10.0) -> list[Any]:
    seen: list[Any] = []
    deadline = time.monotonic() + timeout
    while not (seen and wanted(seen[-1])):
        seen.append(view.get(timeout=max(0.0, deadline - time.monotonic())))
    return seen


# -- refused before any byte


def test_without_a_secret_the_view_is_refused_before_anything_is_sent(server: BinanceServer) -> None:
    with client_of(server, secret=None) as client:
        with pytest.raises(ApiValueError, match="secret_key") as refused:
            MarginAccountView(client)
        with pytest.raises(ApiValueError, match="secret_key"):
            AsyncMarginAccountView(client)
    assert "view-secret" not in str(refused.value)
    assert server.requests == [] and server.stream_connections_opened == 0


@pytest.mark.parametrize(
    ("arguments", "error", "named"),
    [
        ({"symbols": "BTCUSDT"}, ApiTypeError, "symbols"),
        ({"symbols": ["BTC/USDT"]}, ApiValueError, "symbol"),
        ({"symbol": "BTCUSDT", "risk": True}, ApiValueError, "risk"),
        ({"floor": float("nan")}, ApiValueError, "floor"),
        ({"request_timeout": 0}, ApiValueError, "request_timeout"),
        ({"max_changes": 0}, ApiValueError, "max_changes"),
        ({"budget": True}, ApiValueError, "budget"),
    ],
)
def test_bad_arguments_are_named_before_anything_is_sent(
    server: BinanceServer, client: binance_spot.ApiClient, arguments: dict[str, Any], error: type, named: str
) -> None:
    with pytest.raises(error, match=named):
        MarginAccountView(client, **arguments)
    assert server.requests == [] and server.stream_connections_opened == 0


# -- the first snapshot, signed, after the subscription


def test_it_subscribes_first_then_signs_every_account_call(
    server: BinanceServer, client: binance_spot.ApiClient
) -> None:
    server.account(KEY).set_balance("USDT", free="100")
    server.add_fault("hang", path="/sapi/v1/margin/account")
    client.configuration.recv_window = 7000
    with MarginAccountView(client, symbols=["BTCUSDT"], request_timeout=0.5, start_timeout=0.2, **FAST) as view:
        assert view.stale and view.balances == {}  # the snapshot hangs: stale, never guessed
        assert server.stream_subscriptions  # ... and the subscription was live before it was asked
        changes = until(view, lambda c: isinstance(c, Live))
        assert not view.stale and view.balances["USDT"].free == 100
    assert [type(c).__name__ for c in changes] == ["Live"]
    calls = [r for r in server.requests if r.path in SIGNED]
    assert [r.path for r in calls] == [SIGNED[0], SIGNED[0], SIGNED[1]]  # the hang, its retry, open orders
    for request in calls:
        assert request.param("signature") and request.param("timestamp") and request.param("recvWindow") == "7000"
        assert request.header("X-MBX-APIKEY") == KEY
    assert calls[2].param("symbol") == "BTCUSDT"  # never without symbol when symbols are known


# -- a gap: stale at once, one resync report, the missed fill once


def test_a_fill_while_blind_is_found_by_the_resync_once(server: BinanceServer, client: binance_spot.ApiClient) -> None:
    account = server.account(KEY)
    account.set_balance("USDT", free="1000")
    with MarginAccountView(client, symbols=["BTCUSDT"], **FAST) as view:
        order = account.place_order("BTCUSDT", "BUY", "0.01", "50000")
        until(view, lambda c: getattr(c, "order", None) is not None)
        server.drop_streams()
        trade = account.fill(order, "0.004")
        changes = until(view, lambda c: isinstance(c, Resync) and c.lost_at is not None)
        report = changes[-1]
        assert [(f.trade_id, f.source) for f in report.missed_fills] == [(trade, "resync")]
        assert same(view, server) and not view.stale
        second = account.fill(order)  # live again: the rest comes by the stream, reported once
        live = until(view, lambda c: isinstance(c, Fill))
        assert [(f.trade_id, f.source) for f in live if isinstance(f, Fill)] == [(second, "live")]
        fills = [c for c in changes if isinstance(c, Fill)] + list(report.missed_fills)
        assert [f.trade_id for f in fills] == [trade]
        assert report.weight == sum(c.weight for c in report.calls)


def test_async_view_finds_the_fill_too(server: BinanceServer, client: binance_spot.ApiClient) -> None:
    account = server.account(KEY)
    account.set_balance("USDT", free="1000")

    async def main() -> tuple[Resync, bool]:
        async with AsyncMarginAccountView(client, symbols=["BTCUSDT"], **FAST) as view:
            assert not view.stale
            order = account.place_order("BTCUSDT", "BUY", "0.01", "50000")
            server.drop_streams()
            trade = account.fill(order)
            async for change in view:
                if isinstance(change, Resync) and change.lost_at is not None:
                    assert [f.trade_id for f in change.missed_fills] == [trade]
                    return change, same(view, server)
        raise AssertionError("the view ended without a resync")

    report, matches = asyncio.run(main())
    assert matches and report.reason == "connection_lost"


# -- failing snapshots: stale, never wrong, retried within the floor


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 503}, {"kind": "invalid_json"}, {"kind": "reset"}])
def test_a_failing_resync_leaves_the_view_stale_until_it_succeeds(
    server: BinanceServer, client: binance_spot.ApiClient, fault: dict[str, Any], wait_for: Callable[..., None]
) -> None:
    account = server.account(KEY)
    account.set_balance("USDT", free="1000")
    with MarginAccountView(client, symbols=["BTCUSDT"], **FAST) as view:
        until(view, lambda c: isinstance(c, Live))
        server.add_fault(**fault, times=2, path="/sapi/v1/margin/account")
        server.drop_streams()
        account.transfer("USDT", "-1")
        wait_for(lambda: view.stale)  # at once with the Gap
        while (snapshot := view.snapshot()).stale:  # stale through both failures ...
            time.sleep(0.005)  # polling the reader's side, as a user's other thread would
        truth = account.balances()["USDT"]["free"]
        assert snapshot.balances["USDT"].free == truth == 999  # ... and current the moment it is not
        assert [type(c).__name__ for c in until(view, lambda c: isinstance(c, Resync))] == ["Resync"]
    assert len(account_calls(server)) == 1 + 3  # the first snapshot, two failures, the success


def test_429_retry_after_is_honoured(server: BinanceServer, client: binance_spot.ApiClient) -> None:
    server.account(KEY).set_balance("USDT", free="1")
    server.add_fault("status", status=429, headers={"Retry-After": "1"}, path="/sapi/v1/margin/account")
    with MarginAccountView(client, start_timeout=5.0, **FAST) as view:
        assert not view.stale
    first, second = (int(r.param("timestamp") or 0) for r in account_calls(server))
    assert second - first >= 1000


def test_repeated_gaps_cannot_make_it_call_faster_than_the_floor(
    server: BinanceServer, client: binance_spot.ApiClient, wait_for: Callable[..., None]
) -> None:
    server.account(KEY).set_balance("USDT", free="1")
    with MarginAccountView(client, symbols=["BTCUSDT"], floor=0.2, resync_floor=1.0, backoff=(0.1, 0.1)) as view:
        began = time.monotonic()
        for _ in range(8):  # a gap every 0.25 s
            server.drop_streams()
            time.sleep(0.25)  # the gaps themselves are the input: they come at this pace
        wait_for(lambda: not view.stale, timeout=10)
        spent = time.monotonic() - began
    stamps = [int(r.param("timestamp") or 0) for r in server.requests if r.path in SIGNED]
    assert all(b - a >= 190 for a, b in itertools.pairwise(stamps))  # the floor, less the clock's ms
    starts = len(account_calls(server)) - 1
    assert starts <= spent / 1.0 + 1  # the resync floor, however many gaps came


# -- an error that ends the view is raised once


def test_an_error_that_ends_the_stream_ends_the_view_once(
    server: BinanceServer, client: binance_spot.ApiClient
) -> None:
    server.account(KEY).set_balance("USDT", free="1")
    view = MarginAccountView(client, **FAST)
    with view:
        server.add_fault("status", status=401, times=100, path="/sapi/v1/userListenToken")  # fatal
        server.drop_streams()
        with pytest.raises(UnauthorizedException):  # the stream's error, raised once by the view
            until(view, lambda c: False)
        with pytest.raises(StreamClosed):
            view.get(timeout=1)
        assert list(view) == []


# -- the risk stream keeps borrowed current


def test_risk_true_follows_borrowed_from_user_liability_change(
    server: BinanceServer, client: binance_spot.ApiClient, wait_for: Callable[..., None]
) -> None:
    account = server.account(KEY)
    account.set_balance("BTC", free="1")
    with MarginAccountView(client, risk=True, **FAST) as view:
        assert view.balances["BTC"].liabilities_from == "snapshot"
        taken = view.snapshot().snapshot_ms or 0
        wait_for(lambda: time.time() * 1000 > taken + 1100)  # past the snapshot's window (skew 1 s)
        account.borrow("BTC", "0.5")
        wait_for(lambda: (view.balances["BTC"].free, view.balances["BTC"].borrowed) == (Decimal("1.5"), Decimal("0.5")))
        account.repay("BTC", "0.2")
        wanted = (Decimal("1.3"), Decimal("0.3"))  # free by the user data stream, borrowed by the risk one
        wait_for(lambda: (view.balances["BTC"].free, view.balances["BTC"].borrowed) == wanted)
        btc, truth = view.balances["BTC"], account.balances()["BTC"]
        assert (btc.free, btc.borrowed, btc.interest) == (truth["free"], truth["borrowed"], truth["interest"])
        assert btc.liabilities_from == "stream"  # kept by the risk stream, not a new snapshot
    assert len(account_calls(server)) == 1


# -- what a careless user or a hostile server does


def test_close_from_another_thread_ends_a_start_that_waits_for_a_hanging_snapshot(
    server: BinanceServer, client: binance_spot.ApiClient
) -> None:
    server.add_fault("hang", path="/sapi/v1/margin/account")
    view = MarginAccountView(client, request_timeout=5.0, start_timeout=30.0, **FAST)
    threading.Timer(0.3, view.close).start()
    began = time.monotonic()
    view.start()
    assert time.monotonic() - began < 3.0 and view.stale  # not the 30 s start_timeout, and never guessed
    assert list(view) == []


def test_a_consumer_that_never_iterates_makes_the_view_stale_not_wrong(
    server: BinanceServer, client: binance_spot.ApiClient, wait_for: Callable[..., None]
) -> None:
    account = server.account(KEY)
    account.set_balance("USDT", free="100")
    with MarginAccountView(client, max_changes=2, skew_ms=0, **FAST) as view:
        for _ in range(6):
            account.transfer("USDT", "1")
        wait_for(lambda: view.stale)  # the changes wait for the iteration: the view says it is behind
        assert view.balances["USDT"].free < 106
        changes = until(view, lambda c: not view.stale and same(view, server))
        assert changes and view.balances["USDT"].free == 106


def test_an_isolated_view_follows_its_pair_and_finds_what_it_missed(
    server: BinanceServer, client: binance_spot.ApiClient
) -> None:
    isolated = server.account(KEY, isolated="BTCUSDT")
    isolated.set_balance("USDT", free="1000")
    server.account(KEY).set_balance("USDT", free="5")  # the cross account is another one
    with MarginAccountView(client, symbol="BTCUSDT", **FAST) as view:
        assert view.balances["USDT"].free == 1000
        order = isolated.place_order("BTCUSDT", "BUY", "0.01", "50000")
        until(view, lambda c: getattr(c, "order", None) is not None)
        server.drop_streams()
        trade = isolated.fill(order)
        report = until(view, lambda c: isinstance(c, Resync) and c.lost_at is not None)[-1]
        assert [f.trade_id for f in report.missed_fills] == [trade]
        assert view.balances["BTC"].free == isolated.balances()["BTC"]["free"] and view.open_orders == {}
    paths = {r.path for r in server.requests}
    assert "/sapi/v1/margin/isolated/account" in paths and "/sapi/v1/margin/account" not in paths
    assert all(r.param("isIsolated") == "TRUE" for r in server.requests if r.path.endswith(("openOrders", "order")))


def test_async_risk_true_follows_borrowed_and_closes(server: BinanceServer, client: binance_spot.ApiClient) -> None:
    account = server.account(KEY)
    account.set_balance("BTC", free="1")

    async def main() -> Any:
        async with AsyncMarginAccountView(client, risk=True, skew_ms=0, **FAST) as view:
            account.borrow("BTC", "0.5")
            deadline = time.monotonic() + 5
            while (view.balances["BTC"].free, view.balances["BTC"].borrowed) != (Decimal("1.5"), Decimal("0.5")):
                assert time.monotonic() < deadline, view.balances
                await asyncio.sleep(0.01)  # the loop is ours to share: the view runs on it
            return view.balances["BTC"]

    btc = asyncio.run(asyncio.wait_for(main(), 15))
    assert btc.liabilities_from in ("stream", "snapshot") and btc.net == 1
    assert server.risk_listen_keys == {}  # closed with the view
