"""Many accounts on the local server's WebSocket API: each subscription has its owner, and every
push reaches exactly that account's live subscriptions, on whatever connections they are.

Clients here are plain WebSocket connections driven from the test (``websockets``' sync client):
the SDK's stream is not used, so what is pinned is what the server does on the wire.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from test_account_server import ACCOUNT, get

from binance_spot.testing import BinanceServer, ManualClock

ROOT = Path(__file__).resolve().parents[1]

KEYS = ("account-a", "account-b", "account-c")
MARKER = {"e": "marker", "E": 1}


class Client:
    """One WebSocket API connection: requests answered by id, events kept in arrival order."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._ids = 0

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._ids += 1
        self.ws.send(json.dumps({"id": self._ids, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self.ws.recv(5))
            if message.get("id") == self._ids:
                return dict(message)
            self.events.append(message)

    def subscribe(self, token: str) -> dict[str, Any]:
        return self.request("userDataStream.subscribe.listenToken", {"listenToken": token})

    def until_markers(self, count: int = 1) -> list[tuple[int, str]]:
        """(subscriptionId, event type) of what came before ``count`` markers (one per subscription
        a marker pushed to every subscription reaches)."""
        seen: list[tuple[int, str]] = []
        while count:
            message = self.events.pop(0) if self.events else json.loads(self.ws.recv(5))
            if message["event"]["e"] == "marker":
                count -= 1
            else:
                seen.append((message["subscriptionId"], message["event"]["e"]))
        return seen


@pytest.fixture
def clients() -> Iterator[ExitStack]:
    """Where ``connect`` keeps the connections a test opens: closed after it."""
    with ExitStack() as stack:
        yield stack


def connect(server: BinanceServer, clients: ExitStack) -> Client:
    from websockets.sync.client import connect

    return Client(clients.enter_context(connect(server.url.replace("http://", "ws://", 1) + "/ws-api/v3")))


def sid(answer: dict[str, Any]) -> int:
    assert answer["status"] == 200, answer
    return int(answer["result"]["subscriptionId"])


def test_accounts_on_one_connection_each_get_only_their_events(server: BinanceServer, clients: ExitStack) -> None:
    ws = connect(server, clients)
    a, b = sid(ws.subscribe(server.listen_token(KEYS[0]))), sid(ws.subscribe(server.listen_token(KEYS[1])))
    a_btc = sid(ws.subscribe(server.listen_token(KEYS[0], isolated="BTCUSDT")))
    assert len({a, b, a_btc}) == 3
    (conn,) = server.stream_subscribers
    assert server.stream_subscribers == {conn: {a: (KEYS[0], None), b: (KEYS[1], None), a_btc: (KEYS[0], "BTCUSDT")}}

    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key=KEYS[0]) == 1
    assert server.push_event(MARKER) == 3
    assert ws.until_markers(3) == [(a, "balanceUpdate")]

    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key=KEYS[0], isolated="BTCUSDT") == 1
    server.push_event(MARKER)
    assert ws.until_markers(3) == [(a_btc, "balanceUpdate")]

    server.account(KEYS[1]).transfer("USDT", "10")  # balanceUpdate, then the position
    server.push_event(MARKER)
    assert ws.until_markers(3) == [(b, "balanceUpdate"), (b, "outboundAccountPosition")]

    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key=KEYS[2]) == 0  # not subscribed: lost
    server.push_event({"e": "balanceUpdate", "E": 1})
    server.push_event(MARKER)
    assert sorted(ws.until_markers(3)) == sorted([(a, "balanceUpdate"), (b, "balanceUpdate"), (a_btc, "balanceUpdate")])


def test_an_account_on_two_connections_gets_its_events_on_both(server: BinanceServer, clients: ExitStack) -> None:
    first, second = connect(server, clients), connect(server, clients)
    on_first = sid(first.subscribe(server.listen_token(KEYS[0])))
    other = sid(first.subscribe(server.listen_token(KEYS[1])))
    on_second = sid(second.subscribe(server.listen_token(KEYS[0])))

    assert server.push_event({"e": "executionReport", "E": 1}, api_key=KEYS[0]) == 2
    server.push_event(MARKER)
    assert first.until_markers(2) == [(on_first, "executionReport")]
    assert second.until_markers(1) == [(on_second, "executionReport")]
    assert other not in {sid for sid, _ in first.events}


def test_a_renewal_extends_that_accounts_subscription_only(
    server: BinanceServer, clock: ManualClock, clients: ExitStack
) -> None:
    ws = connect(server, clients)
    a = sid(ws.subscribe(server.listen_token(KEYS[0], validity_ms=60_000)))
    b = sid(ws.subscribe(server.listen_token(KEYS[1], validity_ms=60_000)))
    clock.advance(30)
    renewed = ws.subscribe(server.listen_token(KEYS[0], validity_ms=60_000))
    assert sid(renewed) == a  # the same subscription, extended to the new token's expiry
    assert renewed["result"]["expirationTime"] == int((clock() + 60) * 1000) * 1000
    clock.advance(31)  # b's token has expired, a's renewal has not
    ended = json.loads(ws.ws.recv(5))
    assert ended["subscriptionId"] == b and ended["event"]["e"] == "eventStreamTerminated"
    assert server.stream_subscribers == {next(iter(server.stream_subscribers)): {a: (KEYS[0], None)}}
    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key=KEYS[1]) == 0
    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key=KEYS[0]) == 1


def test_unsubscribing_one_account_leaves_the_others(server: BinanceServer, clients: ExitStack) -> None:
    ws = connect(server, clients)
    a, b = sid(ws.subscribe(server.listen_token(KEYS[0]))), sid(ws.subscribe(server.listen_token(KEYS[1])))
    assert ws.request("userDataStream.unsubscribe", {"subscriptionId": a})["status"] == 200
    assert ws.request("session.subscriptions")["result"] == [{"subscriptionId": b}]
    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key=KEYS[0]) == 0
    again = sid(ws.subscribe(server.listen_token(KEYS[0])))
    assert again not in (a, b)  # a new subscription: ids are never reused on a connection
    assert server.push_event({"e": "balanceUpdate", "E": 1}, api_key=KEYS[0]) == 1


def test_isolated_without_an_api_key_is_refused(server: BinanceServer) -> None:
    with pytest.raises(ValueError, match="api_key"):
        server.push_event({"e": "balanceUpdate", "E": 1}, isolated="BTCUSDT")


def run_control(*args: str) -> "subprocess.CompletedProcess[str]":
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "binance_spot.testing", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=20)


def test_push_event_from_the_shell_targets_one_account(server: BinanceServer, clients: ExitStack) -> None:
    ws = connect(server, clients)
    a, b = sid(ws.subscribe(server.listen_token(KEYS[0]))), sid(ws.subscribe(server.listen_token(KEYS[1])))
    a_btc = sid(ws.subscribe(server.listen_token(KEYS[0], isolated="BTCUSDT")))
    event = json.dumps({"e": "balanceUpdate", "E": 1, "a": "BTC", "d": "1", "T": 1})
    done = run_control("push-event", "--url", server.url, "--api-key", KEYS[1], event)
    assert (done.returncode, done.stdout) == (0, "pushed to 1 subscription(s)\n"), done.stderr
    done = run_control("push-event", "--url", server.url, "--api-key", KEYS[0], "--isolated", "BTCUSDT", event)
    assert done.stdout == "pushed to 1 subscription(s)\n"
    assert run_control("push-event", "--url", server.url, event).stdout == "pushed to 3 subscription(s)\n"
    server.push_event(MARKER)
    seen = ws.until_markers(3)
    assert seen[:2] == [(b, "balanceUpdate"), (a_btc, "balanceUpdate")]  # the targeted ones, then all three
    assert sorted(seen[2:]) == sorted([(a, "balanceUpdate"), (b, "balanceUpdate"), (a_btc, "balanceUpdate")])


def test_push_event_from_the_shell_refuses_a_half_named_account(server: BinanceServer) -> None:
    event = json.dumps({"e": "balanceUpdate", "E": 1})
    done = run_control("push-event", "--url", "http://127.0.0.1:1", "--isolated", "BTCUSDT", event)
    assert done.returncode == 2 and "--api-key" in done.stderr  # before any request: port 1 is not a server
    done = run_control("push-event", "--url", server.url, "--api-key", KEYS[0], "--isolated", "NOPE", event)
    assert done.returncode == 1 and "NOPE" in done.stderr and "HTTP 400" in done.stderr


def signed_get(server: BinanceServer, clock: ManualClock, api_key: str, secret: str) -> tuple[int, Any]:
    status, _, body = get(server, ACCOUNT, {}, sign=secret, now=clock, api_key=api_key)
    return status, body


def test_a_thousand_accounts_are_made_at_once_and_each_signs_with_its_secret(clock: ManualClock) -> None:
    with BinanceServer(clock=clock, api_keys=["the-only-key"]) as server:  # a server that restricts its keys
        before = len(server.requests)
        accounts = server.new_accounts(1000, prefix="desk")
        assert len(accounts) == 1000 and len(set(accounts.values())) == 1000
        assert len(server.requests) == before  # no request each
        (key, secret), (other_key, other_secret) = list(accounts.items())[:2]
        assert key.startswith("desk-0-") and other_key.startswith("desk-1-")
        assert signed_get(server, clock, key, secret)[0] == 200
        assert signed_get(server, clock, other_key, other_secret)[0] == 200
        assert signed_get(server, clock, key, other_secret)[1]["code"] == -1022  # each its own secret
        assert signed_get(server, clock, "not-made-here", secret)[1]["code"] == -2015
        assert all(server.listen_token(made) for made in accounts)
        with pytest.raises(ValueError, match="refuses"):
            server.listen_token("not-made-here")
    for bad in ({"count": 0}, {"count": 10, "prefix": "no spaces"}):
        with pytest.raises(ValueError):
            BinanceServer().new_accounts(**bad)  # type: ignore[arg-type]
