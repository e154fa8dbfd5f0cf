"""Many accounts on few connections, over real sockets against the local server: packing,
routing of every event to its own account, gaps per connection, a revoked account alone,
the weight budget as the server received it, accounts added and removed while events flow.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import binance_spot
from binance_spot.stream import (
    AccountEvent,
    AccountFailed,
    AsyncMarginAccountsStream,
    Gap,
    MarginAccountsStream,
    WeightBudget,
)
from binance_spot.testing import BinanceServer

SUBSCRIBE = "userDataStream.subscribe.listenToken"
FAST = {"weight_per_minute": 10**6}  # the budget is tested on its own below


def key(n: int) -> str:
    return f"acct{n:05d}key"


def clients(server: BinanceServer, n: int, start: int = 0) -> list[binance_spot.ApiClient]:
    """A client per account (its own key), all on one transport: one pool of HTTP connections,
    not a thousand idle ones (as docs/Accounts-many.md advises)."""
    from binance_spot._urllib3 import Urllib3Transport

    def config(api_key: str) -> binance_spot.Configuration:
        return binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": api_key})

    shared = Urllib3Transport(config("shared"))
    return [binance_spot.ApiClient(config(key(i)), transport=shared) for i in range(start, start + n)]


def ws_url(server: BinanceServer) -> str:
    return server.url.replace("http://", "ws://", 1) + "/ws-api/v3"


@pytest.fixture
def opened() -> Iterator[list[Any]]:
    """The streams a test starts, closed after it."""
    streams: list[Any] = []
    yield streams
    for stream in streams:
        stream.close()


def follow(server: BinanceServer, opened: list[Any], n: int, **options: Any) -> MarginAccountsStream:
    stream = MarginAccountsStream(ws_url(server), **{**FAST, **options})
    opened.append(stream)
    for i, api_client in enumerate(clients(server, n)):
        stream.add(i, api_client)
    return stream.start()


def subscribed(server: BinanceServer) -> dict[int, set[str]]:
    """The accounts (API keys) with an active subscription, by connection."""
    return {c: {owner for owner, _ in subs.values()} for c, subs in server.stream_subscribers.items() if subs}


def collect(stream: MarginAccountsStream, until: Callable[[list[Any]], bool], timeout: float = 10.0) -> list[Any]:
    items: list[Any] = []
    deadline = time.monotonic() + timeout
    while not until(items):
        items.append(stream.get(timeout=max(0.01, deadline - time.monotonic())))
    return items


def test_a_thousand_accounts_on_one_connection_each_get_exactly_their_events(
    server: BinanceServer, opened: list[Any], wait_for: Callable[..., None]
) -> None:
    stream = follow(server, opened, 1000)
    wait_for(lambda: sum(map(len, subscribed(server).values())) == 1000, timeout=20)
    assert len(subscribed(server)) == 1 == server.stream_connections_opened
    for i in range(1000):
        assert server.push_event({"e": "balanceUpdate", "E": i, "a": "BTC", "d": "1", "T": i}, api_key=key(i)) == 1
    items = collect(stream, lambda got: len(got) == 1000)
    assert Counter((item.account, item.event.raw["E"]) for item in items) == Counter((i, i) for i in range(1000))
    with pytest.raises(TimeoutError):
        stream.get(timeout=0.05)  # nothing twice


def test_the_1001st_account_opens_a_second_connection(
    server: BinanceServer, opened: list[Any], wait_for: Callable[..., None]
) -> None:
    stream = follow(server, opened, 1000)
    wait_for(lambda: sum(map(len, subscribed(server).values())) == 1000, timeout=20)
    stream.add(1000, clients(server, 1, 1000)[0])
    wait_for(lambda: sorted(map(len, subscribed(server).values())) == [1, 1000])
    assert server.stream_connections_opened == 2


def test_a_drop_reports_a_gap_for_exactly_the_accounts_on_that_connection(
    server: BinanceServer, opened: list[Any], wait_for: Callable[..., None]
) -> None:
    stream = follow(server, opened, 10, per_connection=4)
    wait_for(lambda: sorted(map(len, subscribed(server).values())) == [2, 4, 4])
    on = subscribed(server)
    dropped = sorted(on)[0]
    server.drop_streams(dropped)
    items = collect(stream, lambda got: len(got) == len(on[dropped]))
    assert all(type(item) is AccountEvent and type(item.event) is Gap for item in items)
    assert {key(item.account) for item in items} == on[dropped]
    with pytest.raises(TimeoutError):
        stream.get(timeout=0.2)  # the others: nothing


@pytest.mark.parametrize("server_options", [{"api_keys": [key(i) for i in range(5)]}])
def test_one_revoked_account_fails_alone(
    server: BinanceServer, opened: list[Any], wait_for: Callable[..., None]
) -> None:
    stream = MarginAccountsStream(ws_url(server), **FAST)
    opened.append(stream)
    good = clients(server, 5)
    bad = binance_spot.ApiClient(binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": "revoked0key"}))
    for i, api_client in enumerate(good):
        stream.add(i, api_client)
    stream.add("revoked", bad)
    stream.start()
    (failed,) = collect(stream, lambda got: len(got) == 1)
    assert type(failed) is AccountFailed and failed.account == "revoked"
    wait_for(lambda: sum(map(len, subscribed(server).values())) == 5)
    assert "revoked" not in stream.accounts
    server.push_event({"e": "balanceUpdate", "E": 7, "a": "BTC", "d": "1", "T": 7}, api_key=key(3))
    (item,) = collect(stream, lambda got: len(got) == 1)
    assert item.account == 3 and item.event.event_time == 7


def test_accounts_added_and_removed_while_events_flow(
    server: BinanceServer, opened: list[Any], wait_for: Callable[..., None]
) -> None:
    stream = follow(server, opened, 20)
    wait_for(lambda: sum(map(len, subscribed(server).values())) == 20)
    for i in range(10):
        stream.remove(i)
    for i, api_client in enumerate(clients(server, 10, 20), start=20):
        stream.add(i, api_client)
    for seq in range(30):
        server.push_event({"e": "balanceUpdate", "E": seq, "a": "BTC", "d": "1", "T": seq}, api_key=key(seq))
    wait_for(lambda: set().union(*subscribed(server).values()) == {key(i) for i in range(10, 30)})
    for seq in range(30):
        server.push_event({"e": "balanceUpdate", "E": 100 + seq, "a": "BTC", "d": "1", "T": 1}, api_key=key(seq))
    items = collect(stream, lambda got: any(i.event.event_time == 129 for i in got))
    late = [(i.account, i.event.event_time) for i in items if i.event.event_time >= 100]
    assert sorted(late) == [(n, 100 + n) for n in range(10, 30)]  # removed ones: nothing
    assert all(i.account == i.event.event_time for i in items if i.event.event_time < 100)
    assert all(i.account >= 10 for i in items)


def test_the_budget_holds_in_every_window_as_the_server_received_it(server: BinanceServer, opened: list[Any]) -> None:
    stream = MarginAccountsStream(ws_url(server), budget=WeightBudget(400, window=1.0))  # the same rule, measured fast
    opened.append(stream)
    for i, api_client in enumerate(clients(server, 400)):
        stream.add(i, api_client)
    samples: list[tuple[float, int]] = []
    stream.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # what the server has received so far, sampled
        count = sum(
            1 for m in server.stream_messages if isinstance(m.message, dict) and m.message.get("method") == SUBSCRIBE
        )
        samples.append((time.monotonic(), count))
        if count >= 400:
            break
        time.sleep(0.01)
    assert samples[-1][1] == 400
    # Subscribes (2 each) received in any window a quarter second shorter than the budget's (the
    # quarter second absorbs delivery jitter on a loaded machine): never more than the budget.
    most = max(c2 - c1 for t1, c1 in samples for t2, c2 in samples if 0 < t2 - t1 <= 0.75)
    assert most <= 400 // 2
    assert samples[-1][0] - samples[0][0] >= 1.0  # 800 weight took more than one window


async def subscribe_all(server: BinanceServer, stream: AsyncMarginAccountsStream, n: int) -> None:
    """Add accounts 0..n-1 and wait (5 s at most) until the server has each subscribed."""
    for i, api_client in enumerate(clients(server, n)):
        stream.add(i, api_client)
    deadline = time.monotonic() + 5
    while sum(map(len, subscribed(server).values())) < n:
        assert time.monotonic() < deadline, "not subscribed within 5 s"
        await asyncio.sleep(0.01)


def test_the_asyncio_twin(server: BinanceServer) -> None:
    async def main() -> list[Any]:
        async with AsyncMarginAccountsStream(ws_url(server), per_connection=3, **FAST) as stream:
            await subscribe_all(server, stream, 7)
            assert sorted(map(len, subscribed(server).values())) == [1, 3, 3]
            for i in range(7):
                server.push_event({"e": "balanceUpdate", "E": i, "a": "BTC", "d": "1", "T": i}, api_key=key(i))
            return [await stream.get(timeout=5) for _ in range(7)]

    items = asyncio.run(main())
    assert sorted((i.account, i.event.event_time) for i in items) == [(i, i) for i in range(7)]


def test_a_server_shutdown_moves_every_account_without_gap_or_duplicate(
    server: BinanceServer, opened: list[Any], wait_for: Callable[..., None]
) -> None:
    stream = follow(server, opened, 30, per_connection=10)
    wait_for(lambda: sorted(map(len, subscribed(server).values())) == [10, 10, 10])
    before = set(subscribed(server))
    server.shutdown_streams()
    wait_for(lambda: sum(map(len, subscribed(server).values())) == 60)  # each on its old and its new one
    for seq in range(60):  # each event comes twice: once on each connection
        assert (
            server.push_event({"e": "balanceUpdate", "E": seq, "a": "BTC", "d": "1", "T": 1}, api_key=key(seq % 30))
            == 2
        )
    wait_for(lambda: before.isdisjoint(subscribed(server)) and sum(map(len, subscribed(server).values())) == 30)
    assert len(subscribed(server)) == 3
    for seq in range(60, 90):
        server.push_event({"e": "balanceUpdate", "E": seq, "a": "BTC", "d": "1", "T": seq}, api_key=key(seq % 30))
    items = collect(stream, lambda got: sum(1 for i in got if i.event.event_time >= 60) == 30)
    assert not [i for i in items if type(i.event) is Gap]
    assert Counter((i.account, i.event.event_time) for i in items) == Counter((s % 30, s) for s in range(90))


@pytest.mark.parametrize("server_options", [{"min_token_validity_ms": 1}])
def test_each_account_renews_on_its_connection_without_a_gap(
    server: BinanceServer, opened: list[Any], wait_for: Callable[..., None]
) -> None:
    stream = follow(server, opened, 50, token_validity=1.0, renew_before=0.6)

    def subscribes() -> int:
        return sum(
            1 for m in server.stream_messages if isinstance(m.message, dict) and m.message.get("method") == SUBSCRIBE
        )

    wait_for(lambda: subscribes() >= 100)  # each account at least once more
    assert server.stream_connections_opened == 1
    (subs,) = server.stream_subscribers.values()
    assert sorted(owner for owner, _ in subs.values()) == [key(i) for i in range(50)]
    with pytest.raises(TimeoutError):
        stream.get(timeout=0.05)  # no gap


def test_the_asyncio_twin_reports_a_gap_for_each_account_of_a_dropped_connection(server: BinanceServer) -> None:
    async def main() -> list[Any]:
        async with AsyncMarginAccountsStream(ws_url(server), per_connection=2, **FAST) as stream:
            await subscribe_all(server, stream, 4)
            on = subscribed(server)
            dropped = sorted(on)[0]
            server.drop_streams(dropped)
            items = [await stream.get(timeout=5) for _ in range(2)]
            with pytest.raises(TimeoutError):
                await stream.get(timeout=0.2)  # the other connection's accounts: nothing
            return [on[dropped], items]

    accounts, items = asyncio.run(main())
    assert all(type(i.event) is Gap and i.event.reason == "connection_lost" for i in items)
    assert {key(i.account) for i in items} == accounts


def test_a_consumer_behind_stops_the_reading_and_loses_nothing(
    server: BinanceServer, opened: list[Any], wait_for: Callable[..., None]
) -> None:
    stream = follow(server, opened, 2, max_queue=20)
    wait_for(lambda: sum(map(len, subscribed(server).values())) == 2)
    for seq in range(200):
        server.push_event({"e": "balanceUpdate", "E": seq, "a": "BTC", "d": "1", "T": 1}, api_key=key(seq % 2))
    wait_for(lambda: len(stream._mailbox) >= 20)
    assert len(stream._mailbox) < 40  # the reader waits for the consumer instead of queueing all
    items = collect(stream, lambda got: len(got) == 200)
    assert [i.event.event_time for i in items] == list(range(200))
    assert [i.account for i in items] == [seq % 2 for seq in range(200)]


def test_a_budget_is_given_instead_of_weight_per_minute_and_checked_before_any_byte(server: BinanceServer) -> None:
    with pytest.raises(ValueError, match="instead of weight_per_minute"):
        MarginAccountsStream(ws_url(server), budget=WeightBudget(400), weight_per_minute=400)
    with pytest.raises(ValueError, match="must be a WeightBudget"):
        MarginAccountsStream(ws_url(server), budget=400)  # type: ignore[arg-type]
    assert server.stream_connections_opened == 0


def subscribes_received(server: BinanceServer) -> int:
    return sum(
        1 for m in server.stream_messages if isinstance(m.message, dict) and m.message.get("method") == SUBSCRIBE
    )


def token_calls(server: BinanceServer) -> int:
    return sum(1 for r in server.requests if r.path.endswith("/userListenToken"))


def ip_weight(server: BinanceServer) -> int:
    """The IP's weight of the server's minute: token calls (1 each), connects and subscribes (2)."""
    return token_calls(server) + sum(w["connect"] + w["subscribe"] for w in server.stream_weights.values())


def test_a_server_budget_lower_than_the_pools_slows_it_down_without_a_storm(
    server: BinanceServer, clock: Any, opened: list[Any], wait_for: Callable[..., None]
) -> None:
    server.ip_weight_limit = 40  # per minute of the server's clock, which moves only when told
    # Half way through it: a token call refused meanwhile asks (Retry-After) the pool to wait 30 s.
    clock.advance((30 - clock() % 60) % 60)
    # The pool's own budget is 1,200 in any 6 s: it learns the server's lower one from the answers.
    stream = MarginAccountsStream(ws_url(server), budget=WeightBudget(1200, window=6.0))
    opened.append(stream)
    for i, api_client in enumerate(clients(server, 20)):
        stream.add(i, api_client)
    stream.start()
    wait_for(lambda: ip_weight(server) > 40)  # the server refuses (429) from here on this minute
    with pytest.raises(TimeoutError):  # the pool waits: its budget is the server's now (40, counted)
        # (or every account waits out a refused token call's Retry-After)
        stream.get(timeout=2.0)
    sent, live = subscribes_received(server), sum(map(len, subscribed(server).values()))
    assert 0 < live < 20
    tokens = token_calls(server)
    assert sent <= 20 and tokens <= 20, "no account tried again while the server's minute was spent"
    clock.advance(60)  # the server's next minute
    wait_for(lambda: sum(map(len, subscribed(server).values())) == 20, timeout=45)
    assert subscribes_received(server) == sent + (20 - live), "each refused account subscribed once more"
    assert token_calls(server) == tokens + (20 - live)
    assert server.stream_connections_opened == 1
