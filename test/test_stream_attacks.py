"""What an attacker, a broken server or a careless user can do to a stream, over real sockets.

REST goes to the local ``BinanceServer``; where a test needs a WebSocket server that
misbehaves in ways the local Binance never does, a few lines on ``websockets``' own server
play it (``RawServer``). Assertions are on what the servers received and on timings.
"""

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from test_stream import FAST, Driver, driver, run, wait_for

import binance_spot
from binance_spot.exceptions import ApiException
from binance_spot.stream import (
    AsyncMarginUserDataStream,
    Gap,
    MarginRiskStream,
    MarginUserDataStream,
    StreamClosed,
    StreamError,
    StreamRequestError,
    UnknownEvent,
)
from binance_spot.stream._reconnect import RENEWAL_BURST
from binance_spot.testing import BinanceServer

TOKEN_PATH = "/sapi/v1/userListenToken"

__all__ = ["driver"]  # the fixture, imported


class RawServer:
    """A WebSocket server whose ``handler(ws, n)`` plays the n-th connection."""

    def __init__(self, handler: Callable[[Any, int], None]) -> None:
        from websockets.sync.server import serve

        self.connections = 0

        def handle(ws: Any) -> None:
            self.connections += 1
            try:
                handler(ws, self.connections)
            except Exception:  # the client went away: the test looks at what it saw
                pass

        self._server = serve(handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/ws-api/v3"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(2)


def subscribe_ok(ws: Any, sid: int = 1) -> None:
    request = json.loads(ws.recv())
    ws.send(json.dumps({"id": request["id"], "status": 200, "result": {"subscriptionId": sid}}))


def quiet(ws: Any) -> None:
    """Read and never answer, until the client leaves."""
    for _ in ws:
        pass


@pytest.fixture
def server() -> Iterator[BinanceServer]:
    with BinanceServer(min_token_validity_ms=1) as running:  # tokens of a few ms
        yield running


@pytest.fixture
def client(server: BinanceServer) -> Iterator[binance_spot.ApiClient]:
    config = binance_spot.Configuration(host=server.url)
    config.api_key["X-MBX-APIKEY"] = "attack-test-key"
    config.request_timeout = (5.0, 5.0)  # longer than any bound under test
    config.retries = 0
    with binance_spot.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture
def raw() -> Iterator[Callable[[Callable[[Any, int], None]], RawServer]]:
    started: list[RawServer] = []

    def start(handler: Callable[[Any, int], None]) -> RawServer:
        started.append(RawServer(handler))
        return started[-1]

    yield start
    for each in started:
        each.close()


def token_requests(server: BinanceServer) -> int:
    return sum(r.path == TOKEN_PATH for r in server.requests)


# 1. close() while a renewal's REST call hangs ---------------------------------------------


def test_close_ends_iteration_within_a_second_while_a_renewal_call_hangs(server: BinanceServer, client: Any) -> None:
    stream = MarginUserDataStream(client, token_validity=1.0, renew_before=0.5, **FAST).start()
    server.add_fault("hang", times=100, delay=30, path=TOKEN_PATH)
    ended = threading.Event()
    threading.Thread(target=lambda: (list(stream), ended.set()), daemon=True).start()
    deadline = time.monotonic() + 3
    while token_requests(server) < 2:  # the renewal's call reached the server and hangs there
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.05)  # the consumer is waiting in get(), as in the field
    started = time.monotonic()
    threading.Thread(target=stream.close, daemon=True).start()
    assert ended.wait(1.0) and time.monotonic() - started < 1.0


def test_aclose_while_a_renewal_call_hangs_lets_asyncio_run_return(server: BinanceServer, client: Any) -> None:
    async def scenario() -> None:
        stream = await AsyncMarginUserDataStream(client, token_validity=1.0, renew_before=0.5, **FAST).start()
        server.add_fault("hang", times=100, delay=30, path=TOKEN_PATH)
        await wait_for(lambda: token_requests(server) >= 2)
        await stream.aclose()
        with pytest.raises(StreamClosed):
            await stream.get(timeout=1)

    started = time.monotonic()
    asyncio.run(scenario())  # not waiting for the abandoned call's worker thread
    assert time.monotonic() - started < 2.0


# 2. malformed frames ----------------------------------------------------------------------

GARBAGE = [
    {"subscriptionId": [1], "event": {"e": "balanceUpdate", "E": 90}},
    {"subscriptionId": {"a": 1}, "event": {"e": "balanceUpdate", "E": 91}},
    {"subscriptionId": 1.0, "event": {"e": "balanceUpdate", "E": 92}},  # not taken as 1
    {"subscriptionId": True, "event": {"e": "balanceUpdate", "E": 93}},  # nor this
    {"subscriptionId": 1, "event": {"e": ["x"], "E": 94}},  # arrives as an UnknownEvent
]


def test_malformed_frames_never_crash_the_stream(driver: Driver, server: BinanceServer, client: Any, raw: Any) -> None:
    def handler(ws: Any, n: int) -> None:
        subscribe_ok(ws)
        for frame in GARBAGE:
            ws.send(json.dumps(frame))
        ws.send("[" * 100_000 + "]" * 100_000)  # too deep for the json module: RecursionError
        ws.send(json.dumps({"subscriptionId": 1, "event": {"e": "balanceUpdate", "E": 95, "a": "BTC", "d": "1"}}))
        quiet(ws)

    ws_server = raw(handler)

    async def scenario() -> None:
        await driver.open(client, ws_url=ws_server.url)
        unknown, good = await driver.get(), await driver.get()
        assert type(unknown) is UnknownEvent and unknown.raw == {"e": ["x"], "E": 94}
        assert good.event_time == 95 and good.subscription_id == 1
        await driver.close()

    run(scenario())
    assert ws_server.connections == 1


def test_a_risk_event_of_a_type_that_is_not_a_string_is_an_unknown_event(server: BinanceServer, client: Any) -> None:
    with MarginRiskStream(client, **FAST) as risk:
        server.push_risk_event({"e": ["MARGIN_CALL"], "E": 7})
        event = risk.get(timeout=3)
    assert type(event) is UnknownEvent and event.raw["E"] == 7


# 3. a fatal renewal error on a quiet connection -------------------------------------------


def test_a_fatal_renewal_error_ends_a_quiet_stream_at_once(
    driver: Driver, server: BinanceServer, client: Any, raw: Any
) -> None:
    def handler(ws: Any, n: int) -> None:
        subscribe_ok(ws)
        quiet(ws)

    ws_server = raw(handler)

    async def scenario() -> None:
        await driver.open(client, ws_url=ws_server.url, token_validity=1.0, renew_before=0.5)
        server.add_fault("status", times=100, status=401, path=TOKEN_PATH)
        started = time.monotonic()
        with pytest.raises(ApiException) as raised:
            await driver.get(timeout=4)
        assert raised.value.status == 401 and time.monotonic() - started < 2.0
        await driver.close()

    run(scenario())


# 4. and 5. waits the server asks for --------------------------------------------------------


@pytest.mark.parametrize("retry_after", ["past", "string"])
def test_a_retry_after_in_the_past_or_unreadable_is_not_an_hour(
    retry_after: str, server: BinanceServer, client: Any, raw: Any
) -> None:
    def handler(ws: Any, n: int) -> None:
        if n == 2:  # the reconnect is refused with a 429 whose retryAfter already passed
            request = json.loads(ws.recv())
            value = int(time.time() * 1000) - 1000 if retry_after == "past" else "5000"
            error = {"code": -1003, "msg": "Too many requests", "data": {"retryAfter": value}}
            ws.send(json.dumps({"id": request["id"], "status": 429, "error": error}))
            quiet(ws)
            return
        subscribe_ok(ws)
        if n == 1:
            ws.close()
        quiet(ws)

    ws_server = raw(handler)
    with MarginUserDataStream(client, ws_url=ws_server.url, **FAST) as stream:
        gap = stream.get(timeout=3)
    assert isinstance(gap, Gap) and ws_server.connections == 3


def test_a_renewal_refused_with_retry_after_waits_for_it(server: BinanceServer, client: Any) -> None:
    # The renewal is due at 0.3 s and refused; the token expires at 0.6 s and the reconnect
    # waits the 120 s too: 0.5 s more without a token request (as with the 1 s token before).
    with MarginUserDataStream(client, token_validity=0.6, renew_before=0.3, **FAST) as stream:
        server.add_fault("status", times=1000, status=429, headers={"Retry-After": "120"}, path=TOKEN_PATH)
        before = token_requests(server)
        with pytest.raises(TimeoutError):
            stream.get(timeout=1.1)
        assert token_requests(server) - before == 1


# 6. a refused first subscription ----------------------------------------------------------


@pytest.mark.parametrize("code", [-2035, -2042, -1003])
def test_a_refused_first_subscription_raises_binances_error(
    code: int, driver: Driver, server: BinanceServer, client: Any, raw: Any
) -> None:
    def handler(ws: Any, n: int) -> None:
        for frame in ws:
            ident = json.loads(frame)["id"]
            ws.send(json.dumps({"id": ident, "status": 400, "error": {"code": code, "msg": f"refused {code}"}}))

    ws_server = raw(handler)

    async def scenario() -> None:
        started = time.monotonic()
        with pytest.raises(StreamRequestError) as raised:
            await driver.open(client, ws_url=ws_server.url, open_timeout=3.0)
        assert raised.value.code == code and f"refused {code}" in str(raised.value)
        assert time.monotonic() - started < 1.0

    run(scenario())
    assert ws_server.connections == 1 and token_requests(server) == 1


# 7. and 9. lifecycle ------------------------------------------------------------------------


def test_a_stream_never_started_says_so(server: BinanceServer, client: Any) -> None:
    stream = MarginUserDataStream(client)
    with pytest.raises(StreamError, match="not started"):
        stream.get(timeout=0.5)
    with pytest.raises(StreamError, match="not started"):
        next(iter(stream))

    async def scenario() -> None:
        with pytest.raises(StreamError, match="not started"):
            await AsyncMarginUserDataStream(client).get(timeout=0.5)

    run(scenario())
    assert server.requests == []


def test_close_during_start_makes_start_raise_at_once(server: BinanceServer, client: Any, raw: Any) -> None:
    ws_server = raw(lambda ws, n: quiet(ws))  # never answers the subscription
    stream = MarginUserDataStream(client, ws_url=ws_server.url, **{**FAST, "open_timeout": 5.0})
    threading.Timer(0.3, stream.close).start()
    started = time.monotonic()
    with pytest.raises(StreamClosed):
        stream.start()
    assert time.monotonic() - started < 1.0
    with pytest.raises(StreamClosed):
        stream.start()  # nor later


def test_aclose_during_start_makes_start_raise_at_once(server: BinanceServer, client: Any, raw: Any) -> None:
    ws_server = raw(lambda ws, n: quiet(ws))

    async def scenario() -> None:
        stream = AsyncMarginUserDataStream(client, ws_url=ws_server.url, **{**FAST, "open_timeout": 5.0})
        asyncio.get_running_loop().call_later(0.3, lambda: asyncio.ensure_future(stream.aclose()))
        started = time.monotonic()
        with pytest.raises(StreamClosed):
            await stream.start()
        assert time.monotonic() - started < 1.0
        with pytest.raises(StreamClosed):
            await stream.start()

    run(scenario())


def test_start_after_close_raises_and_sends_nothing(server: BinanceServer, client: Any) -> None:
    stream = MarginUserDataStream(client)
    stream.close()
    with pytest.raises(StreamClosed):
        stream.start()
    assert server.requests == []


# 8. a floor under renewals ----------------------------------------------------------------


def test_renewals_never_run_faster_than_the_budget(server: BinanceServer, client: Any) -> None:
    # Tokens of 0.3 s renewed 0.29 s before they expire: the stream wants a renewal every ~10 ms
    # (and the first subscribe has time to arrive on a loaded machine); the budget says no.
    with MarginUserDataStream(client, token_validity=0.3, renew_before=0.29, **FAST) as stream:
        until = time.monotonic() + 1.0
        while (left := until - time.monotonic()) > 0:
            try:
                assert isinstance(stream.get(timeout=left), Gap)  # the tokens ran out: reconnects
            except TimeoutError:
                break
    renewals = sum(m.message.get("method") == "userDataStream.subscribe.listenToken" for m in server.stream_messages)
    # a burst, one more per second, and the reconnects (at most one per 0.1 s) once tokens run out
    assert renewals <= RENEWAL_BURST + 2 + 11 and token_requests(server) <= RENEWAL_BURST + 2 + 11


# 10. the risk stream's key made while closing ---------------------------------------------


def test_a_risk_key_made_while_closing_is_closed(server: BinanceServer, client: Any) -> None:
    stream = MarginRiskStream(client, backoff=(0.02, 0.1)).start()
    late_key = "late-key-made-after-close"
    late = json.dumps({"listenKey": late_key})
    # answered after close() gave up waiting for the network thread (1 s)
    server.add_fault("status", status=200, body=late, delay=1.3, path="/sapi/v1/margin/listen-key", method="POST")
    server.drop_streams()
    deadline = time.monotonic() + 3
    while sum(r.method == "POST" for r in server.requests) < 2:  # the reconnect asks for a key
        assert time.monotonic() < deadline
        time.sleep(0.005)
    stream.close()
    while not any(r.method == "DELETE" and r.param("listenKey") == late_key for r in server.requests):
        assert time.monotonic() < deadline, [(r.method, r.path) for r in server.requests]
        time.sleep(0.005)


# 11. settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"ws_url": "not a url"}, "ws_url"),
        ({"ws_url": "http://127.0.0.1:1/x"}, "ws_url"),
        ({"ws_url": "ws://"}, "ws_url"),
        ({"open_timeout": 1e12}, "open_timeout"),
        ({"open_timeout": "1"}, "open_timeout"),
        ({"max_queue": True}, "max_queue"),
        ({"max_queue": 10**12}, "max_queue"),
        ({"backoff": "fast"}, "backoff"),
        ({"backoff": (1, 2, 3)}, "backoff"),
        ({"backoff": (float("nan"), 1)}, "backoff"),
        ({"token_validity": "1"}, "token_validity"),
        ({"renew_before": float("inf")}, "renew_before"),
        ({"max_connection_age": True}, "max_connection_age"),
        ({"symbol": "bnb\u0661usdt"}, "symbol"),
    ],
)
def test_bad_settings_are_refused_by_name_before_any_byte(
    options: dict[str, Any], named: str, server: BinanceServer, client: Any
) -> None:
    with pytest.raises(ValueError, match=named):
        MarginUserDataStream(client, **options)
    assert server.requests == [] and server.stream_connections_opened == 0


# 12. serverShutdown with a subscriptionId ----------------------------------------------------


def test_server_shutdown_carrying_a_subscription_id_reconnects(server: BinanceServer, client: Any, raw: Any) -> None:
    def handler(ws: Any, n: int) -> None:
        subscribe_ok(ws, sid=3)
        if n == 1:  # and the old connection closes before the new one is live: a real gap
            ws.send(json.dumps({"subscriptionId": 3, "event": {"e": "serverShutdown", "E": 1}}))
            return
        quiet(ws)

    ws_server = raw(handler)
    with MarginUserDataStream(client, ws_url=ws_server.url, **FAST) as stream:
        gap = stream.get(timeout=3)
    assert isinstance(gap, Gap) and gap.reason == "server_shutdown" and ws_server.connections == 2
