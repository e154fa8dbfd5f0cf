"""The local server's margin accounts over real HTTP and WebSockets: what each change answers and pushes."""

import hashlib
import hmac
import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

import binance_spot
import binance_spot._signing
from binance_spot._event import Field
from binance_spot.models import ExecutionReport
from binance_spot.stream import MarginRiskStream, MarginUserDataStream
from binance_spot.testing import BinanceServer, ManualClock

KEY, SECRET = "account-key_0123456789", "account-secret"
OTHER = "other-key_0123456789"
FAST = {"backoff": (0.02, 0.2), "open_timeout": 5.0}


@pytest.fixture
def server_options() -> dict[str, Any]:
    # The real clock: the client signs with its own time, which the server checks.
    return {"clock": time.time, "secret_keys": {KEY: SECRET, OTHER: SECRET}}


@pytest.fixture
def signed_client(server: BinanceServer) -> Iterator[binance_spot.ApiClient]:
    configuration = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": KEY}, secret_key=SECRET)
    configuration.request_timeout = (2.0, 2.0)
    configuration.retries = 0
    with binance_spot.ApiClient(configuration) as client:
        yield client


@pytest.fixture
def margin(signed_client: binance_spot.ApiClient) -> binance_spot.MarginAccountApi:
    return binance_spot.MarginAccountApi(signed_client)


def assets(margin: binance_spot.MarginAccountApi) -> dict[str, tuple[Decimal, ...]]:
    account = margin.sapi_v1_margin_account_get()
    return {a.asset: (a.free, a.locked, a.borrowed, a.interest, a.net_asset) for a in account.user_assets}


def test_each_change_is_what_the_endpoints_answer(server: BinanceServer, margin: binance_spot.MarginAccountApi) -> None:
    account = server.account(KEY)
    account.set_balance("USDT", free="1000")
    assert assets(margin) == {"USDT": (Decimal(1000), 0, 0, 0, Decimal(1000))}
    order_id = account.place_order("BTCUSDT", "BUY", "0.02", "25000")
    (open_order,) = margin.sapi_v1_margin_open_orders_get(symbol="BTCUSDT")
    assert (open_order.order_id, open_order.status, open_order.orig_qty) == (order_id, "NEW", Decimal("0.02"))
    assert assets(margin)["USDT"][:2] == (Decimal(500), Decimal(500))
    first = account.fill(order_id, "0.005", commission="0.00001")
    assert margin.sapi_v1_margin_order_get("BTCUSDT", order_id=order_id).status == "PARTIALLY_FILLED"
    assert assets(margin)["BTC"][:2] == (Decimal("0.00499"), 0)
    assert assets(margin)["USDT"][:2] == (Decimal(500), Decimal(375))
    second = account.fill(order_id, price="24000")  # the rest, at a better price: the difference comes back
    assert second == first + 1
    done = margin.sapi_v1_margin_order_get("BTCUSDT", orig_client_order_id=open_order.client_order_id)
    assert (done.status, done.executed_qty, done.cummulative_quote_qty) == ("FILLED", Decimal("0.02"), Decimal(485))
    assert margin.sapi_v1_margin_open_orders_get(symbol="BTCUSDT") == []
    assert assets(margin)["USDT"][:2] == (Decimal(515), 0)
    trades = margin.sapi_v1_margin_my_trades_get("BTCUSDT")
    assert [(t.id, t.qty, t.price, t.commission, t.is_buyer) for t in trades] == [
        (first, Decimal("0.005"), Decimal(25000), Decimal("0.00001"), True),
        (second, Decimal("0.015"), Decimal(24000), 0, True),
    ]
    sell = account.place_order("BTCUSDT", "SELL", "0.01", "30000")
    assert assets(margin)["BTC"][:2] == (Decimal("0.00999"), Decimal("0.01"))
    account.cancel(sell)
    assert margin.sapi_v1_margin_order_get("BTCUSDT", order_id=sell).status == "CANCELED"
    assert assets(margin)["BTC"][:2] == (Decimal("0.01999"), 0)
    account.transfer("USDT", "-15")
    account.borrow("ETH", "2")
    assert assets(margin)["ETH"] == (Decimal(2), 0, Decimal(2), 0, 0)
    account.repay("ETH", "0.5")
    assert assets(margin)["ETH"] == (Decimal("1.5"), 0, Decimal("1.5"), 0, 0)
    assert assets(margin)["USDT"][0] == Decimal(500)


def test_refused_changes_change_nothing(server: BinanceServer) -> None:
    account = server.account(KEY)
    account.set_balance("USDT", free="10")
    with pytest.raises(ValueError, match="insufficient free USDT"):
        account.place_order("BTCUSDT", "BUY", "1", "11")
    with pytest.raises(ValueError, match="unknown symbol"):
        account.place_order("DOGEUSDT", "BUY", "1", "1")
    with pytest.raises(ValueError, match="finite"):
        account.place_order("BTCUSDT", "BUY", "NaN", "1")
    with pytest.raises(ValueError, match="cannot transfer"):
        account.transfer("USDT", "-11")
    with pytest.raises(ValueError, match="cannot repay"):
        account.repay("USDT", "1")
    order_id = account.place_order("BTCUSDT", "BUY", "1", "10")
    with pytest.raises(ValueError, match="at most the 1 left"):
        account.fill(order_id, "2")
    with pytest.raises(KeyError):
        server.account(OTHER).fill(order_id)  # another account's order
    account.cancel(order_id)
    with pytest.raises(ValueError, match="CANCELED, not open"):
        account.cancel(order_id)
    assert account.balances()["USDT"]["free"] == 10


def read(stream: MarginUserDataStream, count: int) -> list[Any]:
    return [stream.get(timeout=3.0) for _ in range(count)]


def subscribed(server: BinanceServer, count: int = 1) -> Callable[[], bool]:
    return lambda: sum(len(sids) for sids in server.stream_subscriptions.values()) >= count


def test_each_change_pushes_binance_events_to_that_account_only(
    server: BinanceServer, signed_client: binance_spot.ApiClient, wait_for: Callable[..., None]
) -> None:
    account = server.account(KEY)
    account.set_balance("USDT", free="1000")  # before any subscription: lost for the stream
    other_config = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": OTHER}, secret_key=SECRET)
    with binance_spot.ApiClient(other_config) as other_client, MarginUserDataStream(signed_client, **FAST) as mine, \
            MarginUserDataStream(other_client, **FAST) as theirs:  # fmt: skip
        wait_for(subscribed(server, 2))
        order_id = account.place_order("BTCUSDT", "BUY", "0.01", "20000", client_order_id="mine-1")
        new, position = read(mine, 2)
        assert (new.execution_type, new.order_status, new.order_id, new.client_order_id) == ("NEW", "NEW", order_id,
                                                                                             "mine-1")  # fmt: skip
        assert (new.quantity, new.price, new.trade_id, new.commission_asset) == (Decimal("0.01"), 20000, -1, None)
        assert {b.asset: (b.free, b.locked) for b in position.balances} == {"USDT": (800, 200)}
        trade_id = account.fill(order_id, "0.004", commission="0.1", commission_asset="USDT", maker=False)
        fill, position = read(mine, 2)
        assert (fill.execution_type, fill.order_status, fill.trade_id, fill.is_maker) == (
            "TRADE", "PARTIALLY_FILLED", trade_id, False)  # fmt: skip
        assert (fill.last_executed_quantity, fill.last_executed_price, fill.cumulative_filled_quantity) == (
            Decimal("0.004"), 20000, Decimal("0.004"))  # fmt: skip
        assert (fill.cumulative_quote_quantity, fill.last_quote_quantity, fill.commission_amount) == (80, 80, Decimal(
            "0.1"))  # fmt: skip
        assert (fill.commission_asset, fill.order_creation_time, fill.is_on_book) == ("USDT", new.transaction_time,
                                                                                      True)  # fmt: skip
        assert {b.asset: (b.free, b.locked) for b in position.balances} == {
            "BTC": (Decimal("0.004"), 0), "USDT": (Decimal("799.9"), 120)}  # fmt: skip
        assert position.last_update_time == fill.transaction_time
        for report in (new, fill):  # every field the model reads is in the payload, optional ones too
            fields = [f for f in vars(ExecutionReport).values() if isinstance(f, Field)]
            assert all(f.key in report.raw for f in fields if f.key != "v")  # "v": self-trade prevention only
            assert [getattr(report, f.name) for f in fields]
        account.cancel(order_id)
        cancel, position = read(mine, 2)
        assert (cancel.execution_type, cancel.order_status, cancel.original_client_order_id) == (
            "CANCELED", "CANCELED", "mine-1")  # fmt: skip
        assert {b.asset: (b.free, b.locked) for b in position.balances} == {"USDT": (Decimal("919.9"), 0)}
        account.transfer("BTC", "1")
        update, position = read(mine, 2)
        assert (update.event_type, update.asset, update.balance_delta) == ("balanceUpdate", "BTC", 1)
        assert {b.asset: b.free for b in position.balances} == {"BTC": Decimal("1.004")}
        server.account(OTHER).transfer("ETH", "3")
        (theirs_update, _) = read(theirs, 2)
        assert (theirs_update.asset, theirs_update.balance_delta) == ("ETH", 3)
        server.push_event({"e": "balanceUpdate", "E": 1, "a": "BNB", "d": "1", "T": 1}, KEY)
        assert mine.get(timeout=3.0).asset == "BNB"  # not theirs: their next event is the one below
        assert server.push_event({"e": "balanceUpdate", "E": 2, "a": "BNB", "d": "2", "T": 2}) == 2  # all, as before
        assert theirs.get(timeout=3.0).balance_delta == 2 and mine.get(timeout=3.0).balance_delta == 2


def test_borrow_and_repay_reach_the_risk_stream_of_that_account(
    server: BinanceServer, signed_client: binance_spot.ApiClient, wait_for: Callable[..., None]
) -> None:
    account = server.account(KEY)
    with MarginUserDataStream(signed_client, **FAST) as user, MarginRiskStream(signed_client, **FAST) as risk:
        wait_for(subscribed(server))
        wait_for(lambda: server.stream_connections_opened >= 2)
        account.borrow("BTC", "0.5")
        update, position = read(user, 2)
        assert (update.event_type, update.balance_delta, position.balances[0].free) == ("balanceUpdate", Decimal(
            "0.5"), Decimal("0.5"))  # fmt: skip
        liability = risk.get(timeout=3.0)
        assert (liability.event_type, liability.asset, liability.liability_type, liability.principal) == (
            "USER_LIABILITY_CHANGE", "BTC", "BORROW", Decimal("0.5"))  # fmt: skip
        account.repay("BTC", "0.2")
        assert read(user, 2)[0].balance_delta == Decimal("-0.2")
        repaid = risk.get(timeout=3.0)
        assert (repaid.liability_type, repaid.principal) == ("REPAY", Decimal("0.2"))  # the amount repaid


def test_isolated_accounts_are_apart_from_the_cross_one(
    server: BinanceServer, signed_client: binance_spot.ApiClient, margin: binance_spot.MarginAccountApi,
    wait_for: Callable[..., None],
) -> None:  # fmt: skip
    cross, isolated = server.account(KEY), server.account(KEY, isolated="ETHBTC")
    cross.set_balance("BTC", free="5")
    isolated.set_balance("BTC", free="1")
    with MarginUserDataStream(signed_client, symbol="ETHBTC", **FAST) as stream:
        wait_for(subscribed(server))
        cross.transfer("BTC", "1")  # not this stream's account
        order_id = isolated.place_order("ETHBTC", "BUY", "2", "0.05")
        report = stream.get(timeout=3.0)
        assert (report.execution_type, report.order_id) == ("NEW", order_id)
    (pair,) = margin.sapi_v1_margin_isolated_account_get(symbols="ETHBTC").assets
    assert (pair.symbol, pair.base_asset.asset, pair.quote_asset.asset) == ("ETHBTC", "ETH", "BTC")
    assert (pair.quote_asset.free, pair.quote_asset.locked, pair.quote_asset.total_asset) == (Decimal("0.9"), Decimal(
        "0.1"), 1)  # fmt: skip
    assert assets(margin)["BTC"][0] == 6
    assert margin.sapi_v1_margin_open_orders_get(symbol="ETHBTC") == []  # cross: none
    (order,) = margin.sapi_v1_margin_open_orders_get(symbol="ETHBTC", is_isolated="TRUE")
    assert (order.order_id, order.is_isolated) == (order_id, True)
    with pytest.raises(ValueError, match="trades only ETHBTC"):
        isolated.place_order("BTCUSDT", "BUY", "1", "1")
    with pytest.raises(binance_spot.ApiException) as missing:
        margin.sapi_v1_margin_open_orders_get(is_isolated="TRUE")
    assert json.loads(missing.value.body)["code"] == -1102
    with pytest.raises(binance_spot.ApiException) as too_many:
        margin.sapi_v1_margin_isolated_account_get(symbols="BTCUSDT,ETHUSDT,ETHBTC,BNBUSDT,BNBBTC,BTCUSDT")
    assert json.loads(too_many.value.body)["code"] == -1130


def test_a_change_while_no_subscription_is_live_is_lost_for_the_stream(
    server: BinanceServer, signed_client: binance_spot.ApiClient, wait_for: Callable[..., None]
) -> None:
    account = server.account(KEY)
    account.transfer("USDT", "1")
    with MarginUserDataStream(signed_client, **FAST) as stream:
        wait_for(subscribed(server))
        account.transfer("USDT", "2")
        assert stream.get(timeout=3.0).balance_delta == 2  # the earlier one never comes
    assert account.balances()["USDT"]["free"] == 3


# -- the rules of signed requests, with hand-made requests on a manual clock


@pytest.fixture
def manual() -> Iterator[tuple[BinanceServer, ManualClock]]:
    clock = ManualClock(start=1_780_000_000.0)
    with BinanceServer(clock=clock, secret_keys={KEY: SECRET}, pairs={"BTCUSDT": ("BTC", "USDT"),
                       "ETHUSDT": ("ETH", "USDT"), "ETHBTC": ("ETH", "BTC")}) as srv:  # fmt: skip
        yield srv, clock


def get(server: BinanceServer, path: str, params: dict[str, Any], *, sign: str | None = SECRET,
        now: ManualClock | None = None, api_key: str = KEY) -> tuple[int, dict[str, str], Any]:  # fmt: skip
    query = dict(params)
    if now is not None:
        query.setdefault("timestamp", int(now() * 1000))
    payload = urlencode(query)
    if sign is not None:
        payload += "&signature=" + hmac.new(sign.encode(), payload.encode(), hashlib.sha256).hexdigest()
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        connection.request("GET", f"{path}?{payload}", headers={"X-MBX-APIKEY": api_key})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        connection.close()


ACCOUNT = "/sapi/v1/margin/account"


def test_the_server_checks_signature_timestamp_and_window(manual: tuple[BinanceServer, ManualClock]) -> None:
    server, clock = manual
    assert get(server, ACCOUNT, {}, now=clock)[0] == 200
    assert get(server, ACCOUNT, {}, now=clock, sign="wrong")[2]["code"] == -1022
    assert get(server, ACCOUNT, {"x": "1"}, now=clock, sign=None)[2]["code"] == -1102  # USER_DATA: signed or refused
    assert get(server, ACCOUNT, {}, sign=SECRET)[2]["code"] == -1102  # no timestamp
    stale = int(clock() * 1000) - 5001
    assert get(server, ACCOUNT, {"timestamp": stale}, now=clock)[2]["code"] == -1021
    assert get(server, ACCOUNT, {"timestamp": stale, "recvWindow": 60000}, now=clock)[0] == 200
    assert get(server, ACCOUNT, {"recvWindow": 60001}, now=clock)[2]["code"] == -1130
    ahead = int(clock() * 1000) + 1001
    assert get(server, ACCOUNT, {"timestamp": ahead}, now=clock)[2]["code"] == -1021
    assert get(server, "/sapi/v1/margin/allPairs", {}, sign=None)[0] == 200  # market data: the key only


def test_weights_and_the_429_budget(manual: tuple[BinanceServer, ManualClock]) -> None:
    server, clock = manual
    clock.advance(60 - clock() % 60)  # the start of a minute
    used = [int(get(server, path, params, now=clock)[1]["X-SAPI-USED-IP-WEIGHT-1M"]) for path, params in [
        (ACCOUNT, {}), ("/sapi/v1/margin/openOrders", {"symbol": "BTCUSDT"}),
        ("/sapi/v1/margin/openOrders", {}), ("/sapi/v1/margin/allPairs", {}),
        ("/sapi/v1/margin/myTrades", {"symbol": "BTCUSDT"}), ("/sapi/v1/margin/isolated/account", {}),
    ]]  # fmt: skip
    assert used == [10, 20, 50, 51, 61, 71]  # openOrders without a symbol: 10 for each of the 3 symbols
    server.ip_weight_limit = 100
    assert get(server, ACCOUNT, {}, now=clock)[0] == 200  # 81
    assert get(server, ACCOUNT, {}, now=clock)[0] == 200  # 91
    clock.advance(15)
    status, headers, body = get(server, ACCOUNT, {}, now=clock)
    assert (status, body["code"], headers["Retry-After"]) == (429, -1003, "45")
    clock.advance(45)  # the next minute: the budget is back
    assert get(server, ACCOUNT, {}, now=clock)[1]["X-SAPI-USED-IP-WEIGHT-1M"] == "10"


def test_the_client_meets_429_through_its_retry_policy() -> None:
    clock = ManualClock(start=time.time() + 30)  # frozen in one minute; ahead of the client's own clock
    with BinanceServer(clock=clock, secret_keys={KEY: SECRET}, ip_weight_limit=15) as server:
        configuration = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": KEY}, secret_key=SECRET)
        configuration.recv_window = 60000
        configuration.retries = 0
        with binance_spot.ApiClient(configuration) as client:
            margin = binance_spot.MarginAccountApi(client)
            margin.sapi_v1_margin_account_get()
            with pytest.raises(binance_spot.ApiException) as refused:
                margin.sapi_v1_margin_account_get()
            assert refused.value.status == 429 and refused.value.headers["X-SAPI-USED-IP-WEIGHT-1M"] == "20"
            assert 1 <= int(refused.value.headers["Retry-After"]) <= 60
            assert client.used_weight.ip == 10  # the last answer that got through
        assert len(server.requests) == 2  # retries=0: the policy sent it once


def test_my_trades_filters(manual: tuple[BinanceServer, ManualClock]) -> None:
    server, clock = manual
    account = server.account(KEY)
    account.set_balance("USDT", free="1000")
    first, second = account.place_order("BTCUSDT", "BUY", "3", "10"), account.place_order("BTCUSDT", "BUY", "3", "10")
    times = []
    for order_id in (first, second, first, second):
        clock.advance(3600)
        times.append(int(clock() * 1000))
        account.fill(order_id, "1")
    trades = "/sapi/v1/margin/myTrades"

    def ids(**params: Any) -> list[int]:
        status, _, body = get(server, trades, {"symbol": "BTCUSDT", **params}, now=clock)
        assert status == 200, body
        return [t["id"] for t in body]

    assert ids() == [1, 2, 3, 4]
    assert ids(orderId=first) == [1, 3]
    assert ids(fromId=2) == [2, 3, 4] and ids(fromId=2, limit=2) == [2, 3]
    assert ids(limit=2) == [3, 4]  # without fromId or startTime: the most recent
    assert ids(startTime=times[1], endTime=times[2]) == [2, 3]
    assert ids(startTime=times[1], limit=1) == [2]
    assert ids(symbol="ETHUSDT") == []
    day = 24 * 3600 * 1000
    assert get(server, trades, {"symbol": "BTCUSDT", "startTime": 0, "endTime": day}, now=clock)[2]["code"] == -1127
    assert get(server, trades, {"symbol": "BTCUSDT", "limit": 1001}, now=clock)[2]["code"] == -1130
    assert get(server, trades, {}, now=clock)[2]["code"] == -1102
    assert get(server, trades, {"symbol": "NOPE"}, now=clock)[2]["code"] == -1121


def test_books_are_bounded(monkeypatch: pytest.MonkeyPatch, manual: tuple[BinanceServer, ManualClock]) -> None:
    from binance_spot.testing import margin

    server, clock = manual
    monkeypatch.setattr(margin, "MAX_ORDERS", 3)
    monkeypatch.setattr(margin, "MAX_TRADES", 2)
    account = server.account(KEY)  # its book is made now, with the small bounds
    account.set_balance("USDT", free="100")
    ids = [account.place_order("BTCUSDT", "BUY", "1", "1") for _ in range(3)]
    with pytest.raises(ValueError, match="3 open orders"):
        account.place_order("BTCUSDT", "BUY", "1", "1")
    for _ in range(3):
        account.fill(ids[0], "0.25")
    account.fill(ids[0])
    account.place_order("BTCUSDT", "BUY", "1", "1")  # the filled order makes room
    status, _, body = get(server, "/sapi/v1/margin/order", {"symbol": "BTCUSDT", "orderId": ids[0]}, now=clock)
    assert (status, body["code"]) == (400, -2013)
    _, _, trades = get(server, "/sapi/v1/margin/myTrades", {"symbol": "BTCUSDT"}, now=clock)
    assert [t["id"] for t in trades] == [3, 4]


def test_changes_and_reads_from_many_threads_stay_consistent(manual: tuple[BinanceServer, ManualClock]) -> None:
    server, clock = manual
    account = server.account(KEY)
    account.set_balance("USDT", free="10000")
    errors: list[BaseException] = []

    def trade() -> None:
        try:
            for _ in range(20):
                account.fill(account.place_order("BTCUSDT", "BUY", "1", "10"), "1")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def look() -> None:
        for _ in range(20):
            status, _, body = get(server, ACCOUNT, {}, now=clock)
            usdt = next((a for a in body["userAssets"] if a["asset"] == "USDT"), None)
            if status != 200 or usdt is None or Decimal(usdt["free"]) + Decimal(usdt["locked"]) + 10 * Decimal(
                    next((a["free"] for a in body["userAssets"] if a["asset"] == "BTC"), "0")) != 10000:  # fmt: skip
                errors.append(AssertionError(body))

    threads = [threading.Thread(target=f) for f in (trade, trade, trade, look, look)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert account.balances()["BTC"]["free"] == 60 and account.balances()["USDT"]["free"] == 9400


def test_a_429_is_retried_after_its_retry_after(monkeypatch: pytest.MonkeyPatch, wait_for: Callable[..., None]) -> None:
    clock = ManualClock(start=1_780_000_019.5)  # half a second before a minute ends: Retry-After 1
    monkeypatch.setattr(binance_spot._signing, "time", SimpleNamespace(time=clock))  # the client signs on it too
    with BinanceServer(clock=clock, secret_keys={KEY: SECRET}, ip_weight_limit=10) as server:
        configuration = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": KEY}, secret_key=SECRET)
        configuration.retries = 1
        with binance_spot.ApiClient(configuration) as client:
            margin = binance_spot.MarginAccountApi(client)
            margin.sapi_v1_margin_account_get()
            answer: list[Any] = []
            caller = threading.Thread(target=lambda: answer.append(margin.sapi_v1_margin_account_get()))
            began = time.monotonic()
            caller.start()
            wait_for(lambda: len(server.requests) == 2)  # refused with 429 ...
            clock.advance(1)  # ... and the minute turns while the client waits
            caller.join(10)
            assert answer and time.monotonic() - began >= 0.9  # the retry waited for Retry-After
        assert len(server.requests) == 3
