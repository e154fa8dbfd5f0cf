# ruff: noqa: F811
"""Issue 18 point 3: a planned reconnect (``serverShutdown``, the connection-age limit) opens
and subscribes the new connection before it leaves the old one, delivers each event of the
overlap once and puts no ``Gap`` in the stream; an unplanned loss still does. The rules
without sockets first, then both drivers against the local Binance over real sockets."""

import asyncio
import json
import threading
from typing import Any

# The fixtures shared_server, server, client and driver are test_stream's (imported: pytest finds them here).
from test_stream import Driver, balance, client, driver, run, server, shared_server, subscribed_tokens  # noqa: F401

from binance_spot.stream import Gap
from binance_spot.stream._core import POLL, Supervisor
from binance_spot.stream._protocol import Credential, UserDataSession
from binance_spot.stream._reconnect import Reconnector
from binance_spot.testing import BinanceServer

TOKEN = Credential("tok-secret-0123456789", 1000.0)
SHUTDOWN = json.dumps({"event": {"e": "serverShutdown", "E": 1}})


def event(seq: int, sid: int) -> str:
    return json.dumps({"subscriptionId": sid, "event": {"e": "balanceUpdate", "E": seq, "a": "B", "d": "1", "T": seq}})


def subscribe(sup: Supervisor, now: float, sid: int) -> list[Any]:
    sup.connecting(now)
    (frame,), _ = sup.opened(TOKEN, now, now)
    return sup.receive(
        json.dumps({"id": json.loads(frame)["id"], "status": 200, "result": {"subscriptionId": sid}}), now, now
    )


def test_the_overlap_delivers_each_event_once_and_owes_no_gap() -> None:
    sup = Supervisor(lambda: UserDataSession(10.0), Reconnector((0.1, 1.0), random=lambda: 0.0))
    subscribe(sup, 0, sid=1)
    sup.receive(SHUTDOWN, 1, 1)
    assert sup.step(1).reason == "server_shutdown"
    sup.lost(1, 1, "server_shutdown")
    assert sup.overlap is not None and sup.old_wait(1.0) == POLL  # read the old one meanwhile
    seen = sup.receive_old(event(1, 1), 1.1, 1.1)
    assert subscribe(sup, 1.2, sid=7) == []  # live again: no Gap
    seen += sup.receive(event(1, 7), 1.3, 1.3)  # on both: once
    seen += sup.receive(event(2, 7), 1.3, 1.3)
    seen += sup.receive_old(event(2, 1), 1.4, 1.4)
    seen += sup.receive_old(event(3, 1), 1.4, 1.4)  # the old one first, then the new one
    seen += sup.receive(event(3, 7), 1.5, 1.5)
    assert [e.event_time for e in seen] == [1, 2, 3]
    assert sup.old_wait(2.1) == POLL and sup.old_wait(2.2) == 0.0  # 1 s more, then only what is there
    assert sup.old_wait(3.2) is None  # then it is closed, however much a peer sends
    assert [e.event_time for e in sup.receive_old(event(5, 1), 2.2, 2.2)] == [5]  # drained last
    sup.old_ended(2.2, 2.2)
    assert sup.receive(event(5, 7), 3.0, 3.0) == []  # its late copy on the new one is still matched
    seen = sup.receive(event(4, 7), 5.0, 5.0)
    assert [e.event_time for e in seen] == [4] and sup.overlap is None


def test_the_old_connection_ending_first_is_a_real_gap() -> None:
    sup = Supervisor(lambda: UserDataSession(10.0), Reconnector((0.1, 1.0), random=lambda: 0.0))
    subscribe(sup, 0, sid=1)
    sup.receive(SHUTDOWN, 1, 1)
    sup.lost(1, 1, "server_shutdown")
    sup.old_ended(1.1, 1.1)  # before the new subscription is live: events may be missed
    (gap,) = subscribe(sup, 1.5, sid=2)
    assert isinstance(gap, Gap) and gap.reason == "server_shutdown" and gap.lost_at == 1100


def test_an_unplanned_loss_is_no_overlap() -> None:
    sup = Supervisor(lambda: UserDataSession(10.0), Reconnector((0.1, 1.0), random=lambda: 0.0))
    subscribe(sup, 0, sid=1)
    sup.lost(1, 1, "connection_lost")
    assert sup.overlap is None
    (gap,) = subscribe(sup, 1.5, sid=2)
    assert isinstance(gap, Gap) and gap.reason == "connection_lost"


def subscriptions(server: BinanceServer) -> int:
    return sum(map(len, server.stream_subscriptions.values()))


def test_a_server_shutdown_hands_over_with_events_flowing_and_no_gap(
    driver: Driver, server: BinanceServer, client: Any
) -> None:
    pushed: list[int] = []
    stop = threading.Event()

    def producer() -> None:  # events all along, so some arrive on both connections
        while not stop.is_set():
            if server.push_event(balance(len(pushed))):
                pushed.append(len(pushed))
            stop.wait(0.002)

    async def scenario() -> None:
        await driver.open(client)
        thread = threading.Thread(target=producer)
        thread.start()
        try:
            while len(pushed) < 20:
                await asyncio.sleep(0.01)
            assert server.shutdown_streams() == 1  # the old connection stays open, as on Binance for a while
            while subscriptions(server) < 2:
                await asyncio.sleep(0.005)  # the overlap: both connections subscribed
            while subscriptions(server) != 1:
                await asyncio.sleep(0.005)  # then the old one left
            while len(pushed) < 200:
                await asyncio.sleep(0.005)
        finally:
            stop.set()
            thread.join()
        seen = [await driver.get() for _ in pushed]
        assert [e for e in seen if isinstance(e, Gap)] == []
        assert sorted(e.event_time for e in seen) == pushed  # each once, none lost
        await driver.close()

    run(scenario())
    assert server.stream_connections_opened == 2
    first, second = subscribed_tokens(server)
    assert first != second  # a new token for the new connection


def test_a_full_queue_lets_the_old_connection_go() -> None:
    sup = Supervisor(lambda: UserDataSession(10.0), Reconnector((0.1, 1.0), random=lambda: 0.0), max_queue=4)
    subscribe(sup, 0, sid=1)
    sup.receive(SHUTDOWN, 1, 1)
    sup.lost(1, 1, "server_shutdown")
    assert sup.old_wait(1.0) == POLL
    sup.receive_old(event(1, 1), 1.1, 1.1, queued=3)  # the consumer fell behind: memory stays bounded
    assert sup.old_wait(1.1) is None
    sup.old_ended(1.1, 1.1)
    (gap,) = subscribe(sup, 1.5, sid=2)
    assert isinstance(gap, Gap)


def test_a_second_shutdown_once_the_old_connection_is_gone_hands_over_too(
    driver: Driver, server: BinanceServer, client: Any
) -> None:
    """The old connection counts as ended before it is closed: once the server sees it gone, a
    planned end right away overlaps again (it used to find the last overlap not over: a Gap)."""

    async def handed_over() -> None:
        before = set(server.stream_subscriptions)
        assert server.shutdown_streams() == 1
        while not (set(server.stream_subscriptions).isdisjoint(before) and subscriptions(server) == 1):
            await asyncio.sleep(0.002)

    async def scenario() -> None:
        await driver.open(client)
        for _ in range(3):
            await handed_over()  # the next shutdown comes at once
        assert server.push_event(balance(1)) == 1
        assert (await driver.get()).event_time == 1  # the first item: no Gap before it
        await driver.close()

    run(scenario())
    assert server.stream_connections_opened == 4
