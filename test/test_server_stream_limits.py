"""Binance's limits on the local server's WebSocket API, at their edges, over raw sockets.

Subscriptions per connection (1,000; lowered here for speed, and once at the real figure), one
per account (-2035 for the token that holds it already), ids per connection (-2042), connect and
subscribe weight in the IP's minute budget shared with REST (429 with ``data.retryAfter``), and
connection attempts per 5 minutes (a 429 handshake with ``Retry-After``). The server runs on a
``ManualClock``: a test crosses a window by moving it, never by waiting.
"""

import http.client
import json
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from test_server_attacks import address, frame, handshake, read_frame, read_head

from binance_spot.testing import MAX_STREAM_CONNECTIONS, BinanceServer, ManualClock
from binance_spot.testing.accounts import MAX_IPS, Windows

SUBSCRIBE = "userDataStream.subscribe.listenToken"


class Raw:
    """A WebSocket API connection spoken in frames built by the test."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.ids = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None) -> int:
        self.ids += 1
        message = {"id": self.ids, "method": method, "params": params or {}}
        self.sock.sendall(frame(0x1, json.dumps(message).encode()))
        return self.ids

    def receive(self) -> dict[str, Any]:
        while True:
            opcode, payload = read_frame(self.sock)
            if opcode == 0x1:
                return dict(json.loads(payload))
            assert opcode in (0x9, 0xA), f"unexpected frame {opcode}"  # pings may come

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """The answer to one request; events on the way (``eventStreamTerminated``...) go to ``events``."""
        ident = self.send(method, params)
        while True:
            answer = self.receive()
            if answer.get("id") == ident:
                return answer
            assert "event" in answer, answer
            self.events.append(answer)

    def subscribe(self, token: str, **params: Any) -> dict[str, Any]:
        return self.call(SUBSCRIBE, {"listenToken": token, **params})


@pytest.fixture
def open_raw(server: BinanceServer) -> Iterator[Any]:
    opened: list[socket.socket] = []

    def open_one() -> Raw:
        sock = handshake(server, "/ws-api/v3")
        opened.append(sock)
        head = read_head(sock)
        assert head.startswith(b"HTTP/1.1 101"), head
        return Raw(sock)

    yield open_one
    for sock in opened:
        sock.close()


def code(answer: dict[str, Any]) -> int:
    return int(answer["error"]["code"]) if "error" in answer else 0


def head_of(server: BinanceServer) -> tuple[int, dict[str, str], dict[str, Any]]:
    """A handshake's answer when it is not 101: status, headers, JSON body."""
    with handshake(server, "/ws-api/v3") as sock:
        head = read_head(sock)
        lines = head.decode().split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        status = int(lines[0].split()[1])
        if status == 101:
            return status, headers, {}
        body = b""
        while len(body) < int(headers["Content-Length"]):
            body += sock.recv(4096)
        return status, headers, json.loads(body)


def at_window_start(clock: ManualClock, length: float) -> None:
    clock.advance(length - clock() % length)


# -- subscriptions per connection --------------------------------------------------------


def test_past_the_active_limit_a_new_account_is_refused_and_a_renewal_is_not(
    server: BinanceServer, open_raw: Any
) -> None:
    server.stream_subscription_limit = 3
    ws = open_raw()
    sids = [ws.subscribe(server.listen_token(f"acct-{n}"))["result"]["subscriptionId"] for n in range(3)]
    refused = ws.subscribe(server.listen_token("acct-3"))
    assert refused["status"] == 400 and code(refused) == -1034 and "3" in refused["error"]["msg"]
    assert ws.subscribe(server.listen_token("acct-0"))["result"]["subscriptionId"] == sids[0]  # a renewal
    assert [len(s) for s in server.stream_subscriptions.values()] == [3]
    assert ws.call("userDataStream.unsubscribe", {"subscriptionId": sids[1]})["status"] == 200
    assert ws.subscribe(server.listen_token("acct-3"))["status"] == 200  # room again
    other = open_raw()  # the limit is per connection
    assert other.subscribe(server.listen_token("acct-4"))["status"] == 200


def test_drop_streams_of_one_connection_cuts_that_one_only(
    server: BinanceServer, open_raw: Any, wait_for: Callable[..., None]
) -> None:
    kept, cut = open_raw(), open_raw()
    assert kept.subscribe(server.listen_token("acct-0"))["status"] == 200
    assert cut.subscribe(server.listen_token("acct-1"))["status"] == 200
    kept_n, cut_n = sorted(server.stream_subscriptions)  # numbered in the order they opened
    assert server.drop_streams(cut_n) == 1
    cut.sock.settimeout(5)
    assert cut.sock.recv(1) == b""  # cut without a close frame
    wait_for(lambda: list(server.stream_subscriptions) == [kept_n])  # its thread unregisters it
    assert kept.call("session.subscriptions")["status"] == 200  # the other one is served
    with pytest.raises(ValueError, match=f"number {cut_n}"):
        server.drop_streams(cut_n)


def test_a_thousand_accounts_on_one_connection_and_the_1001st_refused(server: BinanceServer, open_raw: Any) -> None:
    assert server.stream_subscription_limit == 1000  # Binance's figure, the default
    ws = open_raw()
    keys = [f"bulk-{n:04d}" for n in range(1001)]
    tokens = [server.listen_token(key) for key in keys]
    ws.sock.sendall(
        b"".join(
            frame(0x1, json.dumps({"id": n, "method": SUBSCRIBE, "params": {"listenToken": t}}).encode())
            for n, t in enumerate(tokens)
        )
    )
    answers = {answer["id"]: answer for answer in (ws.receive() for _ in tokens)}
    assert code(answers[1000]) == -1034
    sid_of = {keys[n]: answers[n]["result"]["subscriptionId"] for n in range(1000)}
    assert len(set(sid_of.values())) == 1000
    (subscribers,) = server.stream_subscribers.values()
    assert subscribers == {sid: (key, None) for key, sid in sid_of.items()}
    for key in keys:  # each push reaches exactly its account (the 1001st has no subscription)
        assert server.push_event({"e": "balanceUpdate", "E": 1, "a": key}, api_key=key) == (key != keys[-1])
    for _ in range(1000):
        event = ws.receive()
        assert event["subscriptionId"] == sid_of[event["event"]["a"]]


def test_the_token_that_holds_a_subscription_is_refused_another_renews(server: BinanceServer, open_raw: Any) -> None:
    ws = open_raw()
    token = server.listen_token("acct-a")
    sid = ws.subscribe(token)["result"]["subscriptionId"]
    again = ws.subscribe(token)
    assert again["status"] == 400 and code(again) == -2035
    assert ws.subscribe(server.listen_token("acct-a"))["result"]["subscriptionId"] == sid
    assert open_raw().subscribe(token)["status"] == 200  # one subscription per account per connection
    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key="acct-a") == 2


def test_subscription_ids_run_out_for_new_accounts_only(server: BinanceServer, open_raw: Any) -> None:
    server.subscription_id_limit = 2
    ws = open_raw()
    first = ws.subscribe(server.listen_token("acct-a"))["result"]["subscriptionId"]
    ws.call("userDataStream.unsubscribe", {"subscriptionId": first})
    second = ws.subscribe(server.listen_token("acct-b"))["result"]["subscriptionId"]
    assert code(ws.subscribe(server.listen_token("acct-a"))) == -2042
    assert ws.subscribe(server.listen_token("acct-b"))["result"]["subscriptionId"] == second  # renewal: no new id


# -- weight: connect 2, subscribe 2, in the IP's minute shared with REST ------------------


def rest_call(server: BinanceServer) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(*address(server), timeout=5)
    connection.request("GET", "/sapi/v1/margin/allPairs", headers={"X-MBX-APIKEY": "acct-rest"})  # IP weight 1
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_subscribe_weight_breaks_the_minute_budget_with_429_and_retry_after(
    server: BinanceServer, clock: ManualClock, open_raw: Any
) -> None:
    at_window_start(clock, 60)
    minute = int(clock())
    server.ip_weight_limit = 12
    ws = open_raw()  # 2
    answers = [ws.subscribe(server.listen_token(f"acct-{n}")) for n in range(4)]  # 2 + 8 = 10
    assert [a["status"] for a in answers] == [200] * 4
    assert answers[-1]["rateLimits"] == [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 12, "count": 10}
    ]
    at_edge = ws.subscribe(server.listen_token("acct-0"), returnRateLimits=False)  # a renewal: 12, the edge
    assert at_edge["status"] == 200 and "rateLimits" not in at_edge
    clock.advance(59.5)
    refused = ws.subscribe(server.listen_token("acct-9"))
    assert refused["status"] == 429 and code(refused) == -1003
    assert refused["error"]["data"] == {"serverTime": int(clock() * 1000), "retryAfter": (minute + 60) * 1000}
    assert server.stream_subscribers[next(iter(server.stream_subscribers))].get(4) is None  # not subscribed
    response = rest_call(server)  # one counter for REST and the WebSocket API
    assert response.status == 429 and response.getheader("Retry-After") == "1"
    assert server.stream_weights == {minute: {"connect": 2, "subscribe": 12}}  # the refused one too
    clock.advance(0.5)  # the next minute: the budget is whole again
    assert ws.subscribe(server.listen_token("acct-9"))["status"] == 200
    assert server.stream_weights[minute + 60] == {"connect": 0, "subscribe": 2}


def test_rest_weight_counts_against_the_subscribe_and_a_handshake_over_it_is_429(
    server: BinanceServer, clock: ManualClock, open_raw: Any
) -> None:
    at_window_start(clock, 60)
    server.ip_weight_limit = 5
    ws = open_raw()  # 2
    assert [rest_call(server).status for _ in range(3)] == [200, 200, 200]  # 5: at the edge
    assert ws.subscribe(server.listen_token("acct-a"))["status"] == 429  # 7
    clock.advance(20)
    status, headers, body = head_of(server)  # 9: a connection is weight too
    assert (status, headers["Retry-After"], body["code"]) == (429, "40", -1003)
    clock.advance(40)
    assert head_of(server)[0] == 101


# -- connection attempts: 300 per 5 minutes per IP ---------------------------------------


def test_connection_attempts_past_the_limit_are_refused_until_the_window_ends(
    server: BinanceServer, clock: ManualClock
) -> None:
    at_window_start(clock, 300)
    window = int(clock())
    server.stream_connection_attempt_limit = 3
    assert [head_of(server)[0] for _ in range(3)] == [101] * 3
    clock.advance(299)
    status, headers, body = head_of(server)
    assert (status, headers["Retry-After"], body["code"]) == (429, "1", -1003)
    assert "3 per 5 MINUTE" in body["msg"]
    assert server.stream_connection_attempts == {window: 4}  # the refused attempt counts too
    clock.advance(1)
    assert head_of(server)[0] == 101
    assert server.stream_connection_attempts == {window: 4, window + 300: 1}


def test_the_real_limit_is_300_attempts(server: BinanceServer, clock: ManualClock) -> None:
    at_window_start(clock, 300)
    assert server.stream_connection_attempt_limit == 300
    assert {head_of(server)[0] for _ in range(300)} == {101}
    assert head_of(server)[0] == 429
    assert server.stream_connections_opened == 300


# -- no client exhausts the server -------------------------------------------------------


def test_a_client_holding_many_connections_is_refused_and_others_are_served(
    server: BinanceServer, open_raw: Any
) -> None:
    first = open_raw()
    sid = first.subscribe(server.listen_token("acct-a"))["result"]["subscriptionId"]
    before = threading.active_count()
    hog = [open_raw() for _ in range(MAX_STREAM_CONNECTIONS - 1)]
    status, headers, body = head_of(server)
    assert (status, headers["Retry-After"], body["code"]) == (503, "1", -1008)
    assert rest_call(server).status == 200  # REST still has threads
    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key="acct-a") == 1
    assert first.receive()["subscriptionId"] == sid
    assert threading.active_count() - before <= 2 * len(hog) + 4  # a reader and a sender each
    hog.pop().sock.close()
    server_side = server.stream_connections_opened
    while head_of(server)[0] != 101:  # the closed one's place is free once the server saw it go
        pass
    assert server.stream_connections_opened == server_side + 1


def test_a_subscribe_flood_is_answered_and_bounded(server: BinanceServer, open_raw: Any) -> None:
    server.stream_subscription_limit = 50
    flood, other = open_raw(), open_raw()
    sid = other.subscribe(server.listen_token("quiet-account"))["result"]["subscriptionId"]
    count = 3000
    tokens = [server.listen_token(f"flood-{n % 100}") for n in range(count)]
    flood.sock.sendall(
        b"".join(
            frame(0x1, json.dumps({"id": n, "method": SUBSCRIBE, "params": {"listenToken": t}}).encode())
            for n, t in enumerate(tokens)
        )
    )
    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key="quiet-account") == 1
    assert other.receive()["subscriptionId"] == sid  # served while the flood is worked through
    answers = [flood.receive() for _ in range(count)]
    assert [a["id"] for a in answers] == list(range(count))  # every request answered, in order
    refused = [a["id"] % 100 for a in answers if a["status"] != 200]
    assert {code(a) for a in answers if a["status"] != 200} == {-1034}
    assert sorted(set(refused)) == list(range(50, 100)) and len(refused) == count // 2  # renewals still pass
    assert sorted(len(s) for s in server.stream_subscriptions.values()) == [1, 50]


def test_counts_kept_per_address_stay_bounded() -> None:
    windows = Windows()
    for n in range(MAX_IPS):  # a client from many IPv6 addresses
        assert windows.add(f"2001:db8::{n:x}", 1, 0.0) == (1, 60.0)
    assert windows.add("2001:db8::ffff:1", 2, 30.0) == (2, 60.0)  # all still in their minute: kept
    assert len(windows) == MAX_IPS + 1
    assert windows.add("2001:db8::ffff:2", 1, 61.0) == (1, 120.0)  # the idle ones are forgotten
    assert len(windows) == 1


def test_listen_token_calls_weigh_on_the_account_not_the_ip(server: BinanceServer, clock: ManualClock) -> None:
    at_window_start(clock, 60)
    server.ip_weight_limit = 1
    assert rest_call(server).status == 200  # the IP's whole budget
    assert rest_call(server).status == 429
    connection = http.client.HTTPConnection(*address(server), timeout=5)
    connection.request("POST", "/sapi/v1/userListenToken", headers={"X-MBX-APIKEY": "acct-token"})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 200  # USER_STREAM: UID weight only, as on Binance
    assert response.getheader("X-SAPI-USED-UID-WEIGHT-1M") == "1"
    assert response.getheader("X-SAPI-USED-IP-WEIGHT-1M") == "2"  # the IP's count, not raised by this call
