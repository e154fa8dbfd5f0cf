"""Tests of binance_spot.testing, the local Binance, driven with the standard library only.

The SDK's own client is deliberately not used: these tests pin what the server does on the
wire, so client tests built on it can trust it.
"""

import hashlib
import hmac
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest

from binance_spot.testing import BinanceServer, ManualClock, Recorded

ROOT = Path(__file__).resolve().parents[1]
KEY = "test-api-key"
STREAM = "/sapi/v1/userDataStream"
ISOLATED = "/sapi/v1/userDataStream/isolated"
RISK = "/sapi/v1/margin/listen-key"
TOKEN = "/sapi/v1/userListenToken"
JSON_TYPE = "application/json;charset=UTF-8"


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)

    def error_code(self) -> int:
        payload = self.json()
        assert isinstance(payload, dict)
        return int(payload["code"])


def connect(server: BinanceServer, timeout: float = 5.0) -> http.client.HTTPConnection:
    parts = urlsplit(server.url)
    assert parts.hostname is not None and parts.port is not None
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def call(
    server: BinanceServer,
    method: str,
    path: str,
    query: str = "",
    *,
    api_key: str | None = KEY,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> Response:
    """One request; pass ``conn`` to reuse a connection."""
    own = conn is None
    connection = connect(server) if conn is None else conn
    sent = dict(headers or {})
    if api_key is not None:
        sent["X-MBX-APIKEY"] = api_key
    if body is not None:
        sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
    try:
        connection.request(method, path + ("?" + query if query else ""), body=body, headers=sent)
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        if own:
            connection.close()


def create(server: BinanceServer, path: str = STREAM, query: str = "", api_key: str = KEY) -> str:
    response = call(server, "POST", path, query, api_key=api_key)
    assert response.status == 200, response.body
    payload = response.json()
    assert isinstance(payload, dict)
    return str(payload["listenKey"])


# The ``clock`` and ``server`` fixtures come from conftest.py.


# Listen-key lifecycle


def test_post_returns_the_same_key_and_extends_it(server: BinanceServer, clock: ManualClock) -> None:
    first = call(server, "POST", STREAM)
    assert first.status == 200
    assert first.headers["Content-Type"] == JSON_TYPE
    key = str(first.json()["listenKey"])  # type: ignore[index]
    assert len(key) == 60 and key.isalnum() and key.isascii()
    assert server.listen_keys == {key: clock() + 3600}
    clock.advance(1000)
    assert create(server) == key
    assert server.listen_keys == {key: clock() + 3600}
    assert create(server, api_key="other-key") != key


def test_put_extends_and_delete_removes(server: BinanceServer, clock: ManualClock) -> None:
    key = create(server)
    clock.advance(3000)
    put = call(server, "PUT", STREAM, f"listenKey={key}")
    assert (put.status, put.json()) == (200, {})
    assert server.listen_keys[key] == clock() + 3600
    clock.advance(3000)  # alive only thanks to the keepalive
    delete = call(server, "DELETE", STREAM, f"listenKey={key}")
    assert (delete.status, delete.json()) == (200, {})
    assert server.listen_keys == {}
    assert call(server, "PUT", STREAM, f"listenKey={key}").error_code() == -1125


def test_key_expires_after_an_hour(server: BinanceServer, clock: ManualClock) -> None:
    key = create(server)
    clock.advance(3601)
    response = call(server, "PUT", STREAM, f"listenKey={key}")
    assert response.status == 400
    assert response.json() == {"code": -1125, "msg": "This listenKey does not exist."}
    assert server.listen_keys == {}
    assert create(server) != key


@pytest.mark.parametrize("query", ["", "listenKey=", "other=1"])
@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_missing_listen_key_is_1102(server: BinanceServer, method: str, query: str) -> None:
    response = call(server, method, STREAM, query)
    assert response.status == 400
    assert response.json() == {
        "code": -1102,
        "msg": "Mandatory parameter 'listenKey' was not sent, was empty/null, or malformed.",
    }


def test_key_of_another_api_key_does_not_exist(server: BinanceServer) -> None:
    key = create(server, api_key="owner")
    assert call(server, "PUT", STREAM, f"listenKey={key}", api_key="intruder").error_code() == -1125
    assert call(server, "DELETE", STREAM, f"listenKey={key}", api_key="intruder").error_code() == -1125
    assert key in server.listen_keys


@pytest.mark.parametrize("api_key", [None, "", "has space", "a" * 65, "semi;colon"])
def test_malformed_api_key_is_2014(server: BinanceServer, api_key: str | None) -> None:
    response = call(server, "POST", STREAM, api_key=api_key)
    assert response.status == 401
    assert response.json() == {"code": -2014, "msg": "API-key format invalid."}
    assert server.listen_keys == {}


def test_unknown_api_key_is_2015(clock: ManualClock) -> None:
    with BinanceServer(api_keys=["known_key-1"], clock=clock) as server:
        response = call(server, "POST", STREAM, api_key="stranger")
        assert response.status == 401
        assert response.json() == {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}
        assert call(server, "POST", STREAM, api_key="known_key-1").status == 200


def test_isolated_keys_are_per_symbol(server: BinanceServer) -> None:
    missing = call(server, "POST", ISOLATED)
    assert missing.status == 400
    assert missing.json() == {
        "code": -1102,
        "msg": "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    }
    btc = create(server, ISOLATED, "symbol=BTCUSDT")
    assert create(server, ISOLATED, "symbol=BTCUSDT") == btc
    eth = create(server, ISOLATED, "symbol=ETHUSDT")
    cross = create(server)
    assert len({btc, eth, cross}) == 3
    assert call(server, "PUT", ISOLATED, f"listenKey={btc}").error_code() == -1102
    assert call(server, "PUT", ISOLATED, f"symbol=BTCUSDT&listenKey={btc}").status == 200
    assert call(server, "PUT", ISOLATED, f"symbol=ETHUSDT&listenKey={btc}").error_code() == -1125
    assert call(server, "PUT", STREAM, f"listenKey={btc}").error_code() == -1125
    assert call(server, "DELETE", ISOLATED, f"symbol=ETHUSDT&listenKey={eth}").status == 200
    assert set(server.listen_keys) == {btc, cross}


def test_expire_forces_a_new_key(server: BinanceServer) -> None:
    key = create(server)
    risk = create(server, RISK)
    server.expire(key)
    assert call(server, "PUT", STREAM, f"listenKey={key}").error_code() == -1125
    assert create(server) != key
    with pytest.raises(KeyError):
        server.expire("no-such-key")
    server.expire_all()
    assert server.listen_keys == {} and server.risk_listen_keys == {}
    assert create(server, RISK) != risk


def test_manual_clock() -> None:
    clock = ManualClock(start=100.0)
    assert clock() == 100.0
    assert clock.advance(2.5) == 102.5 == clock()
    with pytest.raises(ValueError):
        clock.advance(-1)


# Recording


def test_raw_query_is_recorded_byte_exact(server: BinanceServer) -> None:
    key = "a+b/c=d&e f é"
    encoded = quote(key, safe="")
    assert encoded == "a%2Bb%2Fc%3Dd%26e%20f%20%C3%A9"
    lowercase = encoded.replace("%C3%A9", "%c3%a9")  # must survive exactly as sent, too
    call(server, "PUT", STREAM, f"listenKey={encoded}")
    call(server, "DELETE", STREAM, f"listenKey={lowercase}&x=")
    put, delete = server.requests
    assert (put.method, put.path, put.query) == ("PUT", STREAM, f"listenKey={encoded}")
    assert put.params == [("listenKey", key)]
    assert delete.query == f"listenKey={lowercase}&x="
    assert delete.params == [("listenKey", key), ("x", "")]


def test_headers_body_and_client_are_recorded(server: BinanceServer) -> None:
    call(
        server,
        "POST",
        TOKEN,
        "symbol=BTCUSDT",
        body=b"isIsolated=true&validity=60000",
        headers={"User-Agent": "probe/1"},
    )
    (record,) = server.requests
    assert isinstance(record, Recorded)
    assert record.body == b"isIsolated=true&validity=60000"
    assert record.params == [("symbol", "BTCUSDT"), ("isIsolated", "true"), ("validity", "60000")]
    assert record.header("x-mbx-apikey") == KEY
    assert record.header("USER-AGENT") == "probe/1"
    assert record.header("X-Absent") is None
    assert record.client[0] == "127.0.0.1" and record.client[1] > 0
    server.clear()
    assert server.requests == []


def test_requests_is_a_snapshot(server: BinanceServer) -> None:
    snapshot = server.requests
    create(server)
    assert snapshot == [] and len(server.requests) == 1


def test_keep_alive_reuses_one_connection(server: BinanceServer) -> None:
    conn = connect(server)
    try:
        key = create(server)
        for _ in range(3):
            assert call(server, "PUT", STREAM, f"listenKey={key}", conn=conn).status == 200
    finally:
        conn.close()
    assert server.connections_opened == 2
    clients = {record.client for record in server.requests[1:]}
    assert len(clients) == 1 and server.requests[0].client not in clients


# Weights, retirement, routing


def test_weight_headers_count_per_minute(server: BinanceServer, clock: ManualClock) -> None:
    clock.advance(60 - clock() % 60)  # the start of a clock minute
    first = call(server, "POST", STREAM, api_key="a")
    second = call(server, "POST", STREAM, api_key="b")
    third = call(server, "POST", STREAM, api_key="a")
    assert [r.headers["X-SAPI-USED-UID-WEIGHT-1M"] for r in (first, second, third)] == ["1", "1", "2"]
    assert [r.headers["X-SAPI-USED-IP-WEIGHT-1M"] for r in (first, second, third)] == ["0", "0", "0"]  # UID only
    pairs = call(server, "GET", "/sapi/v1/margin/allPairs", api_key="a")
    assert pairs.headers["X-SAPI-USED-IP-WEIGHT-1M"] == "1"
    clock.advance(60)
    fourth = call(server, "POST", STREAM, api_key="a")
    assert fourth.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "1"
    assert fourth.headers["X-SAPI-USED-IP-WEIGHT-1M"] == "0"


def test_retired_switch_answers_410_html(server: BinanceServer) -> None:
    key = create(server)
    server.retired = True
    assert server.retired
    for method, path in [("POST", STREAM), ("PUT", STREAM), ("DELETE", ISOLATED), ("GET", STREAM)]:
        response = call(server, method, path, f"listenKey={key}")
        assert response.status == 410
        assert response.headers["Content-Type"] == "text/html"
        assert b"<html>" in response.body and b"410" in response.body
    assert create(server, RISK)  # the replacements keep working
    assert call(server, "POST", TOKEN).status == 200
    server.retired = False
    assert create(server) == key


def test_retired_constructor_argument(clock: ManualClock) -> None:
    with BinanceServer(clock=clock, retired=True) as server:
        assert call(server, "POST", STREAM).status == 410


def test_unknown_path_404_and_method_405(server: BinanceServer) -> None:
    missing = call(server, "POST", "/api/v3/userDataStream")
    assert missing.status == 404
    assert missing.headers["Content-Type"] == "text/html" and b"<html>" in missing.body
    wrong = call(server, "GET", STREAM)
    assert wrong.status == 405 and b"<html>" in wrong.body
    assert call(server, "PUT", TOKEN).status == 405
    assert len(server.requests) == 3


def test_urllib_sees_binance_error_json(server: BinanceServer) -> None:
    request = urllib.request.Request(
        server.url + STREAM + "?listenKey=nope", method="PUT", headers={"X-MBX-APIKEY": KEY}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400
    assert json.loads(caught.value.read())["code"] == -1125


# Faults


def test_status_fault_defaults_and_headers(server: BinanceServer) -> None:
    server.add_fault("status", status=503)
    server.add_fault("status", 2, status=429, headers={"Retry-After": "2"})
    server.add_fault("status", status=418)
    server.add_fault("status", status=400, body='{"code":-1100,"msg":"custom"}')
    unavailable = call(server, "POST", STREAM)
    assert unavailable.status == 503
    assert unavailable.json() == {
        "code": -1001,
        "msg": "Internal error; unable to process your request. Please try again.",
    }
    for _ in range(2):
        limited = call(server, "POST", STREAM)
        assert limited.status == 429 and limited.headers["Retry-After"] == "2"
        assert limited.json() == {
            "code": -1003,
            "msg": "Too many requests; current limit is 6000 request weight per 1 MINUTE.",
        }
    banned = call(server, "POST", STREAM)
    assert (banned.status, banned.json()) == (418, {"code": -1003, "msg": "Way too many requests; IP banned."})
    custom = call(server, "POST", STREAM)
    assert (custom.status, custom.body) == (400, b'{"code":-1100,"msg":"custom"}')
    assert call(server, "POST", STREAM).status == 200  # the queue is empty again
    assert len(server.requests) == 6
    assert server.listen_keys and len(server.listen_keys) == 1


def test_faults_match_path_and_method_in_fifo_order(server: BinanceServer) -> None:
    server.add_fault("status", status=500, path=RISK)
    server.add_fault("status", status=502, method="put")
    server.add_fault("status", status=503)
    assert call(server, "POST", STREAM).status == 503  # first fault that applies
    assert call(server, "PUT", STREAM, "listenKey=x").status == 502
    assert call(server, "POST", RISK).status == 500
    assert call(server, "POST", RISK).status == 200


def test_faults_scoped_to_an_api_key_meet_only_its_requests(server: BinanceServer) -> None:
    server.add_fault("status", 2, status=503, path=STREAM, api_key="other-key")
    assert call(server, "POST", STREAM).status == 200  # KEY's request: not this fault's
    assert call(server, "POST", STREAM, api_key=None).status != 503  # no key at all neither
    assert call(server, "POST", STREAM, api_key="other-key").status == 503


def test_clear_faults_forgets_those_not_used_up(server: BinanceServer) -> None:
    server.add_fault("status", 5, status=503, path=STREAM, api_key="other-key")
    server.add_fault("status", 5, status=500, path=STREAM)
    assert server.clear_faults("other-key") == 1  # only that key's
    assert call(server, "POST", STREAM, api_key="other-key").status == 500
    assert server.clear_faults() == 1  # the rest, whoever they were for
    assert call(server, "POST", STREAM).status == 200
    assert server.clear_faults() == 0


def test_unknown_fault_kind_is_rejected(server: BinanceServer) -> None:
    with pytest.raises(ValueError):
        server.add_fault("explode")
    with pytest.raises(ValueError):
        server.add_fault("status")  # needs status=
    with pytest.raises(ValueError):
        server.add_fault("close", times=0)


def test_html_fault(server: BinanceServer) -> None:
    server.add_fault("html")
    server.add_fault("html", status=403, headers={"X-Waf": "1"})
    gone = call(server, "POST", RISK)
    assert gone.status == 410 and gone.headers["Content-Type"] == "text/html"
    assert b"<html>" in gone.body
    waf = call(server, "POST", RISK)
    assert waf.status == 403 and waf.headers["X-Waf"] == "1" and b"403" in waf.body


def test_close_fault_drops_the_connection(server: BinanceServer) -> None:
    server.add_fault("close")
    with pytest.raises(http.client.RemoteDisconnected):
        call(server, "POST", STREAM)
    assert len(server.requests) == 1
    assert call(server, "POST", STREAM).status == 200


def test_reset_fault_breaks_the_body(server: BinanceServer) -> None:
    server.add_fault("reset")
    conn = connect(server)
    try:
        conn.request("POST", STREAM, headers={"X-MBX-APIKEY": KEY})
        response = conn.getresponse()
        assert response.status == 200 and response.headers["Content-Length"] == "1000"
        with pytest.raises((http.client.IncompleteRead, ConnectionResetError)):
            response.read()
    finally:
        conn.close()
    assert call(server, "POST", STREAM).status == 200


@pytest.mark.parametrize(("kind", "body"), [("invalid_json", b'{"listenKey": "abc'), ("empty", b"")])
def test_bad_body_faults(server: BinanceServer, kind: str, body: bytes) -> None:
    server.add_fault(kind)
    response = call(server, "POST", STREAM)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["Content-Length"] == str(len(body))
    assert response.body == body


def test_oversized_fault(server: BinanceServer) -> None:
    server.add_fault("oversized")
    server.add_fault("oversized", size=40)
    big = call(server, "POST", STREAM)
    assert big.status == 200 and len(big.body) == 2 * 1024 * 1024
    assert big.headers["Content-Length"] == str(2 * 1024 * 1024)
    assert isinstance(big.json(), dict)
    small = call(server, "POST", STREAM)
    assert len(small.body) == 40 and isinstance(small.json(), dict)


def test_trickle_fault_sends_slowly(server: BinanceServer) -> None:
    server.add_fault("trickle", size=10, delay=0.03)
    started = time.monotonic()
    response = call(server, "POST", STREAM)
    elapsed = time.monotonic() - started
    assert response.status == 200 and len(response.body) == 10
    assert isinstance(response.json(), dict)
    assert 0.25 <= elapsed < 2


def test_hang_fault_with_delay_closes_without_answer(server: BinanceServer) -> None:
    server.add_fault("hang", delay=0.2)
    started = time.monotonic()
    with pytest.raises(http.client.RemoteDisconnected):
        call(server, "POST", STREAM)
    assert 0.15 <= time.monotonic() - started < 2


def test_hang_fault_times_out_the_client(server: BinanceServer) -> None:
    server.add_fault("hang")
    conn = connect(server, timeout=0.2)
    try:
        conn.request("POST", STREAM, headers={"X-MBX-APIKEY": KEY})
        with pytest.raises(socket.timeout):
            conn.getresponse()
    finally:
        conn.close()


def test_delay_before_a_status_fault(server: BinanceServer) -> None:
    server.add_fault("status", status=500, delay=0.2)
    started = time.monotonic()
    assert call(server, "POST", STREAM).status == 500
    assert time.monotonic() - started >= 0.15


@pytest.mark.parametrize("kind", ["hang", "trickle"])
def test_stop_is_prompt_with_a_fault_in_flight(clock: ManualClock, kind: str) -> None:
    server = BinanceServer(clock=clock).start()
    server.add_fault(kind, size=1000, delay=0.5)
    outcome: list[Exception] = []

    def client() -> None:
        try:
            call(server, "POST", STREAM)
        except Exception as error:  # the test inspects whatever the client saw
            outcome.append(error)

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    deadline = time.monotonic() + 2
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.requests, "the request never arrived"
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2
    thread.join(2)
    assert not thread.is_alive(), "the client was left hanging"
    assert outcome and isinstance(outcome[0], (http.client.HTTPException, OSError))
    server.stop()  # idempotent


def test_stop_closes_idle_keep_alive_connections(clock: ManualClock) -> None:
    server = BinanceServer(clock=clock).start()
    conn = connect(server)
    try:
        assert call(server, "POST", STREAM, conn=conn).status == 200
        assert conn.sock is not None
        conn.sock.settimeout(2)
        server.stop()
        assert conn.sock.recv(1) == b""  # end of stream, not a timeout
    finally:
        conn.close()


def test_start_and_stop_are_idempotent(clock: ManualClock) -> None:
    server = BinanceServer(clock=clock)
    with pytest.raises(RuntimeError):
        _ = server.url
    assert server.start() is server.start()
    url = server.url
    assert url.startswith("http://127.0.0.1:")
    server.stop()
    server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(url + STREAM, timeout=2)


def test_servers_share_no_state(clock: ManualClock) -> None:
    with BinanceServer(clock=clock) as one, BinanceServer(clock=clock) as two:
        one.add_fault("status", status=503)
        one.stream_lifetime = 5
        key = create(two)  # the fault is one's
        assert key in two.listen_keys and one.listen_keys == {}
        assert call(one, "POST", STREAM).status == 503
        assert [len(one.requests), len(two.requests)] == [1, 1]
        assert two.stream_lifetime == 24 * 3600


def test_a_restarted_server_keeps_its_state(clock: ManualClock) -> None:
    server = BinanceServer(clock=clock)
    with server:
        key = create(server)
        server.stream_lifetime = 5
    with server:
        assert key in server.listen_keys
        assert [r.method for r in server.requests] == ["POST"]
        assert server.stream_lifetime == 5 and server.connections_opened == 1


def test_the_stream_timer_runs_only_while_websockets_are_open(
    server: BinanceServer, wait_for: Callable[..., None]
) -> None:
    from websockets.sync.client import connect as open_websocket

    def timers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "BinanceServer-streams"]

    wait_for(lambda: timers() == [])  # a REST-only server has none
    assert create(server)
    assert timers() == []
    with open_websocket(server.url.replace("http://", "ws://", 1) + "/ws-api/v3") as ws:
        ws.send(json.dumps({"id": 1, "method": "session.subscriptions"}))
        assert json.loads(ws.recv(5)) == {"id": 1, "status": 200, "result": []}
        assert len(timers()) == 1
    wait_for(lambda: timers() == [])
    with open_websocket(server.url.replace("http://", "ws://", 1) + "/ws-api/v3") as ws:
        ws.send(json.dumps({"id": 2, "method": "session.subscriptions"}))
        assert json.loads(ws.recv(5))["id"] == 2
        server.stop()
        assert timers() == []  # stop() ends it before returning, even with a client connected


# Listen tokens


def test_token_default_validity_is_24_hours(server: BinanceServer, clock: ManualClock) -> None:
    response = call(server, "POST", TOKEN)
    assert response.status == 200 and response.headers["Content-Type"] == JSON_TYPE
    assert "X-SAPI-USED-UID-WEIGHT-1M" in response.headers
    payload = response.json()
    assert isinstance(payload, dict)
    token, expiration = payload["token"], payload["expirationTime"]
    assert isinstance(token, str) and token
    assert expiration == int(clock() * 1000) + 86_400_000
    assert server.tokens == {token: expiration}
    assert server.token_valid(token)
    clock.advance(86_399)
    assert server.token_valid(token)
    clock.advance(1)
    assert not server.token_valid(token)
    assert not server.token_valid("never-issued")
    assert token in server.tokens  # issued tokens are kept


def test_token_validity_is_checked(server: BinanceServer, clock: ManualClock) -> None:
    ok = call(server, "POST", TOKEN, "validity=60000")
    assert ok.json()["expirationTime"] == int(clock() * 1000) + 60_000  # type: ignore[index]
    assert call(server, "POST", TOKEN, "validity=86400000").status == 200
    for bad in ["86400001", "999", "56", "0", "-5", "abc", "1.5", ""]:
        response = call(server, "POST", TOKEN, f"validity={bad}")
        assert response.status == 400, bad
        assert response.json() == {"code": -1130, "msg": "Invalid data sent for a parameter."}
    assert len(server.tokens) == 2
    with BinanceServer(min_token_validity_ms=1) as short:  # one that plays tokens of a few ms
        assert call(short, "POST", TOKEN, "validity=1").status == 200
    with pytest.raises(ValueError, match="min_token_validity_ms"):
        BinanceServer(min_token_validity_ms=0)


def test_isolated_token_needs_a_symbol(server: BinanceServer) -> None:
    response = call(server, "POST", TOKEN, "isIsolated=true")
    assert response.status == 400
    assert response.json() == {
        "code": -1102,
        "msg": "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    }
    assert call(server, "POST", TOKEN, "isIsolated=true&symbol=BTCUSDT").status == 200
    assert call(server, "POST", TOKEN, "isIsolated=false").status == 200
    assert call(server, "POST", TOKEN, "isIsolated=maybe").error_code() == -1130
    assert call(server, "POST", TOKEN, api_key=None).error_code() == -2014


# Risk listen key


def test_risk_listen_key_lifecycle(server: BinanceServer, clock: ManualClock) -> None:
    key = create(server, RISK)
    assert create(server, RISK) == key
    assert server.risk_listen_keys == {key: clock() + 3600}
    assert server.listen_keys == {}  # its own namespace
    assert call(server, "PUT", STREAM, f"listenKey={key}").error_code() == -1125
    clock.advance(3000)
    assert call(server, "PUT", RISK, f"listenKey={key}").json() == {}
    assert server.risk_listen_keys == {key: clock() + 3600}
    assert call(server, "PUT", RISK).error_code() == -1102
    assert call(server, "DELETE", RISK, f"listenKey={key}").json() == {}
    assert call(server, "PUT", RISK, f"listenKey={key}").error_code() == -1125
    other = create(server, RISK)
    clock.advance(3601)
    assert call(server, "PUT", RISK, f"listenKey={other}").error_code() == -1125


# Signing


SECRET = "s3cr3t"


def signed(query: str, secret: str = SECRET, body: str = "") -> str:
    signature = hmac.new(secret.encode(), (query + body).encode(), hashlib.sha256).hexdigest()
    return f"{query}&signature={signature}"


@pytest.fixture
def signing(clock: ManualClock) -> Iterator[BinanceServer]:
    with BinanceServer(clock=clock, secret_keys={KEY: SECRET}) as running:
        yield running


def test_good_signature_is_accepted(signing: BinanceServer, clock: ManualClock) -> None:
    now_ms = int(clock() * 1000)
    query = urlencode({"symbol": "BTC USDT", "isIsolated": "true", "timestamp": now_ms})
    assert "BTC+USDT" in query  # the percent-encoded form is what gets signed
    assert call(signing, "POST", TOKEN, signed(query)).status == 200
    in_body = urlencode({"timestamp": now_ms - 4000})
    form = signed(in_body, body="").encode()
    response = call(signing, "POST", TOKEN, "validity=1000", body=form)
    assert response.error_code() == -1022  # the query is part of the signed payload ...
    query_part = "validity=1000"
    signature = hmac.new(SECRET.encode(), (query_part + in_body).encode(), hashlib.sha256).hexdigest()
    body = f"{in_body}&signature={signature}".encode()
    assert call(signing, "POST", TOKEN, query_part, body=body).status == 200  # ... then the body
    assert call(signing, "POST", TOKEN).status == 200  # unsigned is fine: USER_STREAM


def test_bad_signature_is_1022(signing: BinanceServer, clock: ManualClock) -> None:
    query = f"timestamp={int(clock() * 1000)}"
    response = call(signing, "POST", STREAM, signed(query, secret="wrong"))
    assert response.status == 400
    assert response.json() == {"code": -1022, "msg": "Signature for this request is not valid."}
    no_secret = call(signing, "POST", STREAM, signed(query), api_key="keyless")
    assert no_secret.error_code() == -1022
    assert signing.listen_keys == {}


@pytest.mark.parametrize(("offset_ms", "extra"), [(-5001, ""), (1001, ""), (-20_000, "&recvWindow=10000")])
def test_stale_timestamp_is_1021(signing: BinanceServer, clock: ManualClock, offset_ms: int, extra: str) -> None:
    query = f"timestamp={int(clock() * 1000) + offset_ms}{extra}"
    response = call(signing, "POST", STREAM, signed(query))
    assert response.status == 400
    assert response.json() == {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}


def test_timestamp_window_edges_pass(signing: BinanceServer, clock: ManualClock) -> None:
    now_ms = int(clock() * 1000)
    assert call(signing, "POST", STREAM, signed(f"timestamp={now_ms - 5000}")).status == 200
    assert call(signing, "POST", STREAM, signed(f"timestamp={now_ms + 1000}")).status == 200
    query = f"timestamp={now_ms - 59_000}&recvWindow=60000"
    assert call(signing, "POST", STREAM, signed(query)).status == 200
