"""The sans-I/O stream core: envelopes, routing, renewal deadlines, reconnect decisions, gaps.

No sockets, threads or clocks: every time is passed in, so these run in milliseconds.
"""

import itertools
import json
import math
from decimal import Decimal
from typing import Any

import pytest

from binance_spot.models import BalanceUpdate, ExecutionReport, ListenKeyExpired, OutboundAccountPosition
from binance_spot.stream import Gap, InvalidListenToken, UnknownEvent, parse_event
from binance_spot.stream._core import PRODUCTION_API, PRODUCTION_RISK, Supervisor, websocket_urls
from binance_spot.stream._protocol import Credential, RiskSession, UserDataSession, token_lifetime
from binance_spot.stream._reconnect import (
    ATTEMPT_WINDOW,
    MAX_ATTEMPTS,
    MIN_ATTEMPT_SPACING,
    RENEWAL_BURST,
    Reconnector,
    RenewalBudget,
)
from binance_spot.stream.event import EventFieldError

# Binance's documented example of an executionReport.
EXECUTION_REPORT = {"e": "executionReport", "E": 1499405658658, "s": "ETHBTC", "c": "mUvoqJxFIILMdfAW5iGSOW",
    "S": "BUY", "o": "LIMIT", "f": "GTC", "q": "1.00000000", "p": "0.10264410", "P": "0.00000000",
    "F": "0.00000000", "g": -1, "C": "", "x": "NEW", "X": "NEW", "r": "NONE", "i": 4293153, "l": "0.00000000",
    "z": "0.00000000", "L": "0.00000000", "n": "0", "N": None, "T": 1499405658657, "t": -1, "I": 8641984,
    "w": True, "m": False, "M": False, "O": 1499405658657, "Z": "0.00000000", "Y": "0.00000000",
    "Q": "0.00000000", "W": 1499405658657, "V": "NONE"}  # fmt: skip
TOKEN = Credential("tok-secret-0123456789", 100.0)


def reply(ident: str, result: Any = None, *, error: Any = None, status: int = 200) -> str:
    if error is not None:
        return json.dumps({"id": ident, "status": status, "error": error})
    return json.dumps({"id": ident, "status": 200, "result": result})


def event(payload: dict[str, Any], sid: Any = 0) -> str:
    return json.dumps({"subscriptionId": sid, "event": payload} if sid is not None else {"event": payload})


def live_session(lifetime: float = 100.0, now: float = 0.0) -> UserDataSession:
    session = UserDataSession(renew_before=10.0)
    (frame,) = session.open(Credential("t", lifetime), now)
    request = json.loads(frame)
    assert request["method"] == "userDataStream.subscribe.listenToken" and request["params"] == {"listenToken": "t"}
    session.receive(reply(request["id"], {"subscriptionId": 0, "expirationTime": 1}), now, 0.0)
    assert session.live and session.subscription_ids == {0}
    return session


# --- envelopes and routing ------------------------------------------------------------


def test_events_are_routed_by_subscription_id_and_typed() -> None:
    session = live_session()
    got = session.receive(event({"e": "balanceUpdate", "E": 5, "a": "BTC", "d": "0.00100000", "T": 6}), 1, 0)
    other = session.receive(event({"e": "balanceUpdate", "E": 5}, sid=7), 1, 0)
    assert other == []
    (update,) = got
    assert isinstance(update, BalanceUpdate) and update.subscription_id == 0
    assert update.balance_delta == Decimal("0.00100000") and str(update.balance_delta) == "0.00100000"
    assert update.raw["d"] == "0.00100000" and update.asset == "BTC" and update.event_time == 5


def test_unknown_event_types_pass_through() -> None:
    (unknown,) = live_session().receive(event({"e": "brandNew", "E": 1, "x": [1]}), 1, 0)
    assert type(unknown) is UnknownEvent and unknown.event_type == "brandNew" and unknown.raw["x"] == [1]
    assert parse_event({"no": "type"}).event_type is None


def test_nested_parts_and_exact_decimals() -> None:
    raw = {"e": "outboundAccountPosition", "E": 1, "u": 2, "B": [{"a": "BNB", "f": "1.10000000", "l": "0.1"}]}
    position = parse_event(raw)
    assert isinstance(position, OutboundAccountPosition)
    (balance,) = position.balances
    assert balance.free == Decimal("1.10000000") and balance.locked + balance.free == Decimal("1.2")
    assert position.to_dict()["balances"] == [{"asset": "BNB", "free": Decimal("1.1"), "locked": Decimal("0.1")}]
    report = ExecutionReport(EXECUTION_REPORT).to_dict()
    assert report["price"] == Decimal("0.10264410") and report["prevented_match_id"] is None
    assert report["is_maker"] is False and report["commission_asset"] is None
    assert not any(isinstance(value, float) for value in report.values())


def test_a_malformed_field_fails_when_read_not_on_arrival() -> None:
    bad = parse_event({"e": "balanceUpdate", "E": 1, "a": 5, "d": "not a number", "T": 1})
    with pytest.raises(EventFieldError):
        bad.asset  # noqa: B018
    with pytest.raises(EventFieldError):
        bad.balance_delta  # noqa: B018


def test_secrets_in_events_are_masked() -> None:
    expired = parse_event({"e": "listenKeyExpired", "E": 1, "listenKey": "KEY-SECRET"})
    assert isinstance(expired, ListenKeyExpired) and expired.listen_key == "KEY-SECRET"
    assert "KEY-SECRET" not in repr(expired) and "KEY-SECRET" not in repr(TOKEN)


def test_non_json_and_foreign_responses_are_ignored() -> None:
    session = live_session()
    assert session.receive("not json", 1, 0) == [] and session.receive("[1]", 1, 0) == []
    assert session.receive(reply("999", {}), 1, 0) == [] and session.interrupted is None


# --- control messages -------------------------------------------------------------------


def test_server_shutdown_interrupts() -> None:
    session = live_session()
    assert session.receive(event({"e": "serverShutdown", "E": 1}, sid=None), 1, 0) == []
    assert session.interrupted is not None and session.interrupted.reason == "server_shutdown"


def test_event_stream_terminated_interrupts_unless_closing() -> None:
    session = live_session()
    session.receive(event({"e": "eventStreamTerminated", "E": 1}), 1, 0)
    assert session.interrupted is not None and session.interrupted.reason == "subscription_terminated"
    closing = live_session()
    (frame,) = closing.close(2)
    assert json.loads(frame)["method"] == "userDataStream.unsubscribe" and not closing.finished
    closing.receive(event({"e": "eventStreamTerminated", "E": 1}), 2, 0)
    assert closing.finished and closing.interrupted is None


def test_invalid_token_raises_and_ids_exhausted_interrupts() -> None:
    session = UserDataSession(renew_before=10.0)
    request = json.loads(session.open(TOKEN, 0)[0])
    with pytest.raises(InvalidListenToken) as raised:
        session.receive(reply(request["id"], error={"code": -1209, "msg": "Invalid listenToken."}, status=400), 0, 0)
    assert raised.value.code == -1209 and "-1209" in str(raised.value)
    exhausted = UserDataSession(renew_before=10.0)
    request = json.loads(exhausted.open(TOKEN, 0)[0])
    exhausted.receive(reply(request["id"], error={"code": -2042, "msg": "Maximum"}, status=400), 0, 0)
    assert exhausted.interrupted is not None and exhausted.interrupted.reason == "subscription_ids_exhausted"


def test_rate_limited_answer_carries_retry_after() -> None:
    session = UserDataSession(renew_before=10.0)
    request = json.loads(session.open(TOKEN, 0)[0])
    error = {"code": -1003, "msg": "Too many", "data": {"retryAfter": 1_800_000_030_000}}
    session.receive(reply(request["id"], error=error, status=429), 0, 1_800_000_000.0)
    assert session.interrupted is not None
    assert session.interrupted[:2] == ("request_failed", pytest.approx(30.0))
    assert session.interrupted.error is not None and session.interrupted.error.code == -1003


def test_unanswered_request_interrupts_after_the_response_timeout() -> None:
    session = UserDataSession(renew_before=10.0)
    session.open(TOKEN, 0)
    session.check(9.9)
    assert session.interrupted is None and session.deadline() == 10.0
    session.check(10.0)
    assert session.interrupted is not None and session.interrupted.reason == "no_response"


# --- renewal deadlines --------------------------------------------------------------------


def test_renewal_is_due_before_expiry_and_not_while_one_is_in_flight() -> None:
    session = live_session(lifetime=100.0)
    assert session.renew_at() == 90.0  # renew_before=10 s
    (frame,) = session.renew(Credential("t2", 100.0), 90.0)
    assert session.renew_at() == math.inf
    session.receive(reply(json.loads(frame)["id"], {"subscriptionId": 0, "expirationTime": 1}), 90.5, 0)
    assert session.renew_at() == 180.0


def test_a_short_token_is_renewed_within_its_life_and_never_in_a_tight_loop() -> None:
    session = live_session(lifetime=0.001)
    assert session.renew_at() >= 0.01  # MIN_RENEW_SPACING, whatever the lifetime says
    session = live_session(lifetime=1.0)
    assert session.renew_at() == pytest.approx(0.1)  # never later than 90 % of the lifetime
    session.renew_failed(0.2)
    assert session.renew_at() >= 0.2 + 0.01


def test_token_lifetime_against_lying_clocks() -> None:
    assert token_lifetime(1_000_060_000, 60.0, 1_000_000.0) == pytest.approx(60.0)
    assert token_lifetime(1_000_060_000_000, 60.0, 1_000_000.0) == pytest.approx(60.0)  # microseconds
    assert token_lifetime(5, 60.0, 1_000_000.0) == 60.0  # in the past by our clock: trust the request
    assert token_lifetime(10**15, 60.0, 0.0) == 60.0 and token_lifetime(float("nan"), 60.0, 0.0) == 60.0


# --- reconnect decisions -------------------------------------------------------------------


def test_backoff_grows_with_jitter_and_caps() -> None:
    reconnector = Reconnector((0.5, 4.0), random=lambda: 0.0)
    delays = [reconnector.lost(float(i), "connection_lost") for i in range(6)]
    assert delays == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
    assert Reconnector((0.5, 4.0), random=lambda: 0.999).lost(0, "connection_lost") == pytest.approx(0.5, 0.01)


def test_planned_losses_do_not_grow_the_backoff_and_a_stable_connection_resets_it() -> None:
    reconnector = Reconnector((1.0, 30.0), random=lambda: 0.0)
    for _ in range(5):
        assert reconnector.lost(0, "server_shutdown") == 0.5
    reconnector.lost(0, "connection_lost")
    reconnector.lost(0, "connection_lost")
    assert reconnector.failures == 2
    reconnector.live(10)
    reconnector.lost(100, "connection_lost")
    assert reconnector.failures == 1


@pytest.mark.parametrize("junk", [float("nan"), -5.0, 1e9])
def test_the_attempt_cap_holds_whatever_the_clock_and_random_say(junk: float) -> None:
    reconnector = Reconnector((0.001, 0.001), random=lambda: junk)
    now, attempts = 0.0, []
    while now < ATTEMPT_WINDOW:
        now = reconnector.next_attempt_at(now)
        reconnector.attempting(now)
        attempts.append(now)
        reconnector.lost(now - 1000.0, "server_shutdown")  # a clock stepping back changes nothing
    assert len([t for t in attempts if t < ATTEMPT_WINDOW]) <= MAX_ATTEMPTS
    assert min(b - a for a, b in itertools.pairwise(attempts)) >= MIN_ATTEMPT_SPACING - 1e-9
    with pytest.raises(ValueError):
        reconnector.next_attempt_at(float("nan"))


@pytest.mark.parametrize("backoff", [(0, 1), (2, 1), (float("nan"), 1), (1, float("inf")), (-1, 5)])
def test_bad_backoff_is_refused(backoff: tuple[float, float]) -> None:
    with pytest.raises(ValueError, match="backoff"):
        Reconnector(backoff, random=lambda: 0.5)


# --- the gap rule ---------------------------------------------------------------------------------


def supervisor(max_age: float = 1000.0) -> Supervisor:
    sup = Supervisor(lambda: UserDataSession(10.0), Reconnector((0.1, 1.0), random=lambda: 0.0), max_age)
    sup.ping_interval = sup.silence = math.inf  # the keepalive has tests of its own
    return sup


def connect(sup: Supervisor, now: float, wall: float) -> list[Any]:
    sup.connecting(now)
    (frame,), events = sup.opened(TOKEN, now, wall)
    assert events == []
    return sup.receive(reply(json.loads(frame)["id"], {"subscriptionId": 3}), now, wall)


def test_no_gap_on_the_first_subscription_one_after_every_loss() -> None:
    sup = supervisor()
    assert connect(sup, 0, 1000.0) == []
    assert sup.lost(5, 1005.0, "connection_lost") > 0
    with pytest.raises(RuntimeError):
        sup.deadline(5)
    sup.connecting(6)
    sup.lost(6, 1006.0, "connect_failed")  # a failed attempt keeps the first loss time
    (gap,) = connect(sup, 7, 1007.5)
    assert isinstance(gap, Gap) and gap.reason == "connection_lost"
    assert (gap.lost_at, gap.resumed_at) == (1_005_000, 1_007_500)
    assert connect(sup, 8, 1008.0) == []


def test_the_connection_is_replaced_before_its_maximum_age() -> None:
    sup = supervisor(max_age=50.0)
    connect(sup, 0, 0)
    assert sup.deadline(0) == 50.0  # the token renews at 90, later
    assert not sup.due(49.9)
    sup.due(50.0)
    assert sup.session is not None and sup.session.interrupted == ("connection_age", 0.0, None)
    with pytest.raises(ValueError):
        supervisor(max_age=90_000.0)


def test_risk_session_is_live_on_open_and_reconnects_on_key_expiry() -> None:
    session = RiskSession()
    assert session.url("ws://h:1", Credential("KEY", math.inf)) == "ws://h:1/ws/KEY"
    assert session.open(Credential("KEY", math.inf), 0) == [] and session.live
    (change,) = session.receive('{"e":"USER_LIABILITY_CHANGE","E":1,"a":"BTC","t":"BORROW","p":"0.1","i":"0"}', 0, 0)
    assert change.principal == Decimal("0.1")  # type: ignore[attr-defined]
    assert session.receive('{"e":"listenKeyExpired","E":2,"listenKey":"KEY"}', 0, 0) == []
    assert session.interrupted is not None and session.interrupted.reason == "listen_key_expired"


def test_websocket_urls() -> None:
    assert websocket_urls("https://api.binance.com") == (PRODUCTION_API, PRODUCTION_RISK)
    assert websocket_urls("https://api3.binance.com/") == (PRODUCTION_API, PRODUCTION_RISK)
    assert websocket_urls("http://127.0.0.1:8080") == ("ws://127.0.0.1:8080/ws-api/v3", "ws://127.0.0.1:8080")
    assert websocket_urls("https://proxy.example:9") == ("wss://proxy.example:9/ws-api/v3", "wss://proxy.example:9")
    with pytest.raises(ValueError, match="ws_url"):
        websocket_urls("ftp://x")


def test_renewals_of_a_stream_share_a_budget_across_connections() -> None:
    budget = RenewalBudget()
    now, sent = 0.0, []
    for connection in range(2):  # a new session per connection, the same budget
        session = UserDataSession(renew_before=10.0, budget=budget)
        session.open(Credential("t", 0.001), now)
        session.receive(reply("1", {"subscriptionId": 0}), now, 0.0)
        for _ in range(RENEWAL_BURST if connection == 0 else 1):
            now = max(now, session.renew_at())
            sent.append(now)
            (frame,) = session.renew(Credential("t", 0.001), now)
            session.receive(reply(json.loads(frame)["id"], {"subscriptionId": 0}), now, 0.0)
    assert sent[RENEWAL_BURST - 1] < 0.2  # the burst, 10 ms apart
    assert sent[RENEWAL_BURST] >= 0.9  # then the refill: one per second
    assert session.renew_at() >= sent[RENEWAL_BURST] + 0.99
