"""Many accounts on the local server's WebSocket API: each subscription has its owner, and every
push reaches exactly that account's live subscriptions, on whatever connections they are.

Clients here are plain WebSocket connections driven from the test (``websockets``' sync client):
the SDK's stream is not used, so what is pinned is what the server does on the wire.
"""

import json
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from binance_spot.testing import BinanceServer, ManualClock

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
