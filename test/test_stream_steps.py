"""The steps the sans-I/O Supervisor hands the drivers: what to read until, when to renew, which
end-of-connection cause wins, when backpressure stops reading. Manual times, no sockets."""

import json
import math
from collections import deque
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from binance_spot.stream._core import (
    COLLECT,
    DRAIN_POLL,
    END,
    PING,
    POLL,
    READ,
    RENEW,
    RENEW_POLL,
    UNSUBSCRIBE,
    UNSUBSCRIBE_TIMEOUT,
    Step,
    Supervisor,
)
from binance_spot.stream._protocol import Credential, UserDataSession
from binance_spot.stream._reconnect import Reconnector

TOKEN = Credential("tok-secret-0123456789", 100.0)  # renewed at 90 (renew_before 10)
SHUTDOWN = json.dumps({"event": {"e": "serverShutdown", "E": 1}})


def event(seq: int) -> str:
    return json.dumps({"subscriptionId": 3, "event": {"e": "balanceUpdate", "E": seq, "a": "BNB", "d": "1", "T": 1}})


def live(
    max_queue: int = 10, max_age: float = 1000.0, keepalive: tuple[float, float] = (math.inf, math.inf)
) -> Supervisor:
    sup = Supervisor(lambda: UserDataSession(10.0), Reconnector((0.1, 1.0), random=lambda: 0.0), max_age, max_queue)
    sup.ping_interval, sup.silence = keepalive  # the keepalive has tests of its own (below)
    sup.connecting(0)
    (frame,), _ = sup.opened(TOKEN, 0, 0)
    sup.receive(json.dumps({"id": json.loads(frame)["id"], "status": 200, "result": {"subscriptionId": 3}}), 0, 0)
    return sup


def test_a_quiet_connection_reads_and_is_looked_at_again_only_when_the_read_ends() -> None:
    sup = live()
    assert sup.step(0) == Step(READ, POLL)
    assert sup.step(0.01) == Step(READ, POLL)  # nothing to decide before then: one comparison
    assert len(sup.receive(event(1), 0.02, 0)) == 1
    assert sup.step(0.02) == Step(READ, POLL)  # an event changes no deadline
    assert sup.step(POLL) == Step(READ, 2 * POLL)


def test_a_control_message_is_looked_at_at_once() -> None:
    sup = live()
    sup.step(0)
    assert sup.receive(SHUTDOWN, 0.01, 0) == []
    assert sup.step(0.01) == Step(END, reason="server_shutdown")


@pytest.mark.parametrize("causes", [4, 3, 2, 1])
def test_the_end_of_connection_causes_win_in_one_order(causes: int) -> None:
    sup = live(max_queue=2)
    assert sup.receive(SHUTDOWN, 0, 0) == []  # interrupted
    if causes >= 2:
        sup.key_changed()
    if causes >= 3:
        sup.receive(event(1), 0, 0, queued=1)  # the queue is full: overflow
    if causes >= 4:
        sup.close()
    expected = {
        4: Step(UNSUBSCRIBE),
        3: Step(END, reason="overflow"),
        2: Step(END, reason="new_listen_key"),
        1: Step(END, reason="server_shutdown"),
    }
    assert sup.step(1) == expected[causes]
    assert sup.dropped() == (Step(END) if causes == 4 else expected[causes])


def test_a_connection_that_drops_for_no_known_cause_is_lost() -> None:
    assert live().dropped() == Step(END, reason="connection_lost")


def test_backpressure_stops_reading_and_waits_for_the_consumer_to_drain_to_half() -> None:
    sup = live(max_queue=10)
    for queued in range(9):
        assert len(sup.receive(event(queued), 1, 0, queued)) == 1
        assert sup.step(1).action == READ
    sup.receive(event(9), 1, 0, queued=9)
    assert sup.step(1) == Step(END, reason="overflow")
    sup.lost(1, 1, "overflow")
    assert sup.connect_at(2, queued=6) == 2 + DRAIN_POLL
    assert sup.connect_at(2, queued=5) == 2  # half: the planned backoff has passed too
    sup.connecting(2)
    assert sup.step(2) == Step(READ, 2 + POLL)  # a new connection starts without the overflow


def test_a_due_renewal_is_started_collected_and_sent() -> None:
    sup = live()
    assert sup.step(89.9).action == READ
    assert sup.step(90) == Step(RENEW)
    assert sup.step(90.001) == Step(READ, 90 + RENEW_POLL)
    assert sup.step(90 + RENEW_POLL) == Step(COLLECT)  # the driver looks whether the call returned
    assert sup.step(90 + 2 * RENEW_POLL) == Step(COLLECT)  # not yet: again
    (frame,) = sup.renewed(Credential("next-token-0123456789", 100.0), 90.01)
    assert json.loads(frame)["params"] == {"listenToken": "next-token-0123456789"}
    assert sup.step(90.01).action == READ  # the subscribe is on its way: no second renewal


def test_a_failed_renewal_backs_off() -> None:
    sup = live()
    sup.step(90)
    sup.renew_failed(90.01, retry_after=2.0)
    assert sup.step(90.01).action == READ
    assert sup.step(91.9).action == READ  # the server's wait holds
    assert sup.step(92.02) == Step(RENEW)


def test_close_unsubscribes_then_ends_once_confirmed() -> None:
    sup = live()
    sup.close()
    assert sup.step(1) == Step(UNSUBSCRIBE)
    (frame,) = sup.unsubscribe(1)
    assert json.loads(frame)["method"] == "userDataStream.unsubscribe"
    assert sup.step(1.1) == Step(READ, 1 + UNSUBSCRIBE_TIMEOUT)
    assert sup.receive(event(1), 1.2, 0) == []  # closing: no more events
    assert sup.step(1.2).action == READ
    sup.receive(json.dumps({"id": json.loads(frame)["id"], "status": 200, "result": {}}), 1.3, 0)
    assert sup.step(1.3) == Step(END)


def test_close_ends_after_the_timeout_without_a_confirmation() -> None:
    sup = live()
    sup.close()
    sup.step(1)
    sup.unsubscribe(1)
    assert sup.step(1 + UNSUBSCRIBE_TIMEOUT) == Step(END)


def test_an_unanswered_request_and_the_age_end_the_connection() -> None:
    sup = live()
    sup.step(90)  # RENEW
    sup.renewed(TOKEN, 90)
    assert sup.step(99.9).action == READ
    assert sup.step(100) == Step(END, reason="no_response")
    old = live(max_age=50.0)
    assert old.step(49.99) == Step(READ, 50.0)  # the read ends at the deadline
    assert old.step(50) == Step(END, reason="connection_age")


def test_renewal_retries_back_off_on_the_one_policy_within_the_token_life() -> None:
    session = UserDataSession(10.0, random=lambda: 0.0)  # the jitter's lowest point: half
    (frame,) = session.open(TOKEN, 0)
    session.receive(json.dumps({"id": json.loads(frame)["id"], "status": 200, "result": {"subscriptionId": 3}}), 0, 0)
    waits = []
    for _ in range(8):
        session.renew_failed(90.0)
        waits.append(round(session.renew_at() - 90.0, 6))
    assert waits == [0.1, 0.1, 0.2, 0.4, 0.8, 1.25, 1.25, 1.25]  # the floor, doubling, a quarter of the 10 s left


def test_the_stream_pings_on_its_own_and_a_minute_of_silence_ends_the_connection() -> None:
    sup = live(keepalive=(20.0, 60.0))  # the defaults, whatever the websockets version
    assert sup.step(0).until <= POLL
    assert sup.step(20.0) == Step(PING)
    assert sup.step(20.0).action == READ  # one ping per interval, however often it asks
    sup.heard(25.0)  # its pong
    assert sup.step(40.0) == Step(PING)
    assert sup.step(84.9).action == PING  # nothing heard since 25
    assert sup.step(85.0) == Step(END, reason="silent")


def test_any_message_counts_as_a_sign_of_life() -> None:
    sup = live(keepalive=(20.0, 60.0))
    sup.receive(event(1), 50.0, 0)
    assert sup.step(100.0).action == PING and sup.step(109.9).action != END
    assert sup.step(110.0) == Step(END, reason="silent")


# the batch entry: a whole read's messages in one call ----------------------------------------


def test_a_read_of_events_is_taken_in_one_call_in_order() -> None:
    sup = live(max_queue=100)
    messages = deque(event(seq) for seq in range(1, 31))
    assert sup.step(0) == Step(READ, POLL)
    assert [e.event_time for e in sup.receive_all(messages, 0.01, 0)] == list(range(1, 31))
    assert not messages


def test_the_message_that_calls_for_a_decision_is_the_last_taken() -> None:
    sup = live(max_queue=100)
    messages = deque([event(1), SHUTDOWN, event(2)])
    assert sup.step(0) == Step(READ, POLL)
    assert [e.event_time for e in sup.receive_all(messages, 0.01, 0)] == [1]
    assert list(messages) == [event(2)]  # left for after the next step
    assert sup.step(0.01) == Step(END, reason="server_shutdown")


def test_a_batch_stops_at_the_event_that_fills_the_queue() -> None:
    sup = live(max_queue=10)
    messages = deque(event(seq) for seq in range(8))
    assert sup.step(0) == Step(READ, POLL)
    assert len(sup.receive_all(messages, 0.01, 0, queued=5)) == 5  # 5 + 5 = max_queue
    assert len(messages) == 3 and sup.step(0.01) == Step(END, reason="overflow")


def test_a_batch_read_after_a_deadline_takes_one_message_then_the_step_decides() -> None:
    sup = live(keepalive=(0.5, math.inf))
    assert sup.step(0.1) == Step(READ, 0.1 + POLL)
    messages = deque([event(1), event(2)])
    assert len(sup.receive_all(messages, 0.6, 0)) == 1  # the read ended past its deadline
    assert sup.step(0.6) == Step(PING)


def test_while_closing_a_batch_takes_the_replies_one_at_a_time() -> None:
    sup = live()
    sup.close()
    assert sup.step(0) == Step(UNSUBSCRIBE)
    sup.unsubscribe(0)
    messages = deque([event(1), event(2)])
    assert sup.receive_all(messages, 0.01, 0) == [] and len(messages) == 1


READS = st.lists(
    st.lists(
        st.sampled_from(["ours", "ours", "ours", "other", "garbage", "shutdown", "reply"]), min_size=1, max_size=6
    ),
    min_size=1,
    max_size=8,
)


def message(kind: str, seq: int, sid: int) -> str:
    if kind == "ours":
        return json.dumps(
            {"subscriptionId": sid, "event": {"e": "balanceUpdate", "E": seq, "a": "B", "d": "1", "T": 1}}
        )
    if kind == "other":
        return json.dumps({"subscriptionId": sid + 1, "event": {"e": "balanceUpdate", "E": seq, "a": "B", "d": "1"}})
    if kind == "shutdown":
        return SHUTDOWN
    if kind == "reply":  # the answer to the connection's first request (its subscribe)
        return json.dumps({"id": "1", "status": 200, "result": {"subscriptionId": sid}})
    return "not json"


def started(overlap: bool, old_events: int, max_queue: int) -> Supervisor:
    """Live on subscription 3, or (``overlap``) in a planned reconnect: the old connection
    (subscription 1) delivered events 0..old_events-1, the new one (7) not subscribed yet."""
    if not overlap:
        return live(max_queue=max_queue)
    sup = Supervisor(lambda: UserDataSession(10.0), Reconnector((0.1, 1.0), random=lambda: 0.0), 1000.0, max_queue)
    sup.ping_interval, sup.silence = math.inf, math.inf
    sup.connecting(0)
    (frame,), _ = sup.opened(TOKEN, 0, 0)
    sup.receive(json.dumps({"id": json.loads(frame)["id"], "status": 200, "result": {"subscriptionId": 1}}), 0, 0)
    sup.receive(SHUTDOWN, 0.1, 0.1)
    assert sup.step(0.1).reason == "server_shutdown"
    sup.lost(0.1, 0.1, "server_shutdown")
    for seq in range(old_events):
        sup.receive_old(message("ours", seq, 1), 0.1, 0.1)
    sup.connecting(0.2)
    sup.opened(TOKEN, 0.2, 0.2)
    return sup


def drive(sup: Supervisor, reads: list[list[str]], batch: bool) -> tuple[list[tuple[str, Any]], Step]:
    """Run ``reads`` (one list of messages per socket read, 10 ms apart) as a driver does: a step
    before each call, ``receive_all`` per call or ``receive`` per message; stop at a step that
    is not READ."""
    delivered: list[Any] = []
    now = 0.3
    for read in reads:
        now += 0.01
        waiting = deque(read)
        while waiting:
            step = sup.step(now)
            if step.action is not READ:
                return [(type(e).__name__, getattr(e, "event_time", None)) for e in delivered], step
            if batch:
                delivered += sup.receive_all(waiting, now, now, len(delivered))
            else:
                delivered += sup.receive(waiting.popleft(), now, now, len(delivered))
    return [(type(e).__name__, getattr(e, "event_time", None)) for e in delivered], sup.step(now)


@settings(max_examples=300, deadline=None)
@given(kinds=READS, overlap=st.booleans(), old_events=st.integers(0, 6), max_queue=st.integers(2, 30))
def test_the_batch_entry_decides_as_one_message_at_a_time_does(
    kinds: list[list[str]], overlap: bool, old_events: int, max_queue: int
) -> None:
    """Ordering, the overlap's dedupe, backpressure, the order of the end causes: the batch
    entry and the per-message one deliver the same events and end with the same step."""
    sid = 7 if overlap else 3
    seqs = iter(range(1000))  # the new connection repeats some of the old one's events
    reads = [[message(kind, next(seqs) % 8, sid) for kind in read] for read in kinds]
    one_by_one = drive(started(overlap, old_events, max_queue), reads, batch=False)
    assert drive(started(overlap, old_events, max_queue), reads, batch=True) == one_by_one
