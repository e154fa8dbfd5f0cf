"""The local server's WebSocket API rules against models, on any sequence of requests: one
connection's subscriptions (subscribes, renewals, unsubscribes, expiries), and an IP's weight
budget and connection attempts on a moving clock. Both are sans-I/O: no socket needed."""

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from binance_spot.testing import ManualClock
from binance_spot.testing.exchange import Exchange
from binance_spot.testing.sessions import SUBSCRIBE, Quota, Session
from binance_spot.testing.stream_limits import StreamLimits

OWNERS = [("key-a", None), ("key-a", "BTCUSDT"), ("key-b", None), ("key-c", None)]

# (kind, owner index, token age or step): "subscribe" with a new token or the one held, "unsubscribe", "advance".
operation = st.one_of(
    st.tuples(st.just("subscribe"), st.integers(0, len(OWNERS) - 1), st.booleans()),
    st.tuples(st.just("unsubscribe"), st.integers(-1, 5), st.just(False)),
    st.tuples(st.just("advance"), st.integers(1, 40), st.just(False)),
)


def request(method: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"id": 1, "method": method, "params": params}


@given(st.lists(operation, max_size=60), st.integers(1, 4), st.integers(1, 8))
def test_a_connection_holds_one_subscription_per_account_within_its_quota(
    operations: list[tuple[str, int, bool]], active: int, ids: int
) -> None:
    quota = Quota(active=active, ids=ids)
    session = Session(1, None, "/ws-api/v3", 0.0)  # type: ignore[arg-type]  # no I/O in the rules
    grants: dict[str, tuple[tuple[str, str | None], int]] = {}
    now = 1_000_000
    model: dict[tuple[str, str | None], tuple[int, str]] = {}  # owner -> (sid, token)
    expiry: dict[int, int] = {}
    issued = 0
    next_sid = 0
    for kind, number, fresh in operations:
        if kind == "advance":
            now += number
            ended = session.expire(now)
            gone = sorted(sid for sid, at in expiry.items() if at <= now)
            assert sorted(ended) == gone
            model = {o: held for o, held in model.items() if held[0] not in gone}
            expiry = {sid: at for sid, at in expiry.items() if sid not in gone}
        elif kind == "unsubscribe":
            params: dict[str, Any] = {} if number < 0 else {"subscriptionId": number}
            reply, ended = session.answer(request("userDataStream.unsubscribe", params), grants.get, now, quota)
            assert reply["status"] == 200
            gone = sorted(expiry) if number < 0 else [number] if number in expiry else []
            assert sorted(ended) == gone
            model = {o: held for o, held in model.items() if held[0] not in gone}
            expiry = {sid: at for sid, at in expiry.items() if sid not in gone}
        else:
            owner = OWNERS[number]
            held = model.get(owner)
            if fresh or held is None:
                issued += 1
                token = f"token-{issued}"
                grants[token] = (owner, now + 30 + issued % 7)
            else:
                token = held[1]
            reply, _ = session.answer(request(SUBSCRIBE, {"listenToken": token}), grants.get, now, quota)
            if held is not None and held[1] == token:
                assert reply["error"]["code"] == -2035
            elif held is not None:  # a renewal: the same id, the new token's expiry
                assert reply["result"]["subscriptionId"] == held[0]
                model[owner], expiry[held[0]] = (held[0], token), grants[token][1]
            elif len(model) >= active:
                assert reply["error"]["code"] == -1034
            elif next_sid >= ids:
                assert reply["error"]["code"] == -2042
            else:
                assert reply["result"]["subscriptionId"] == next_sid  # ids are never reused
                model[owner], expiry[next_sid] = (next_sid, token), grants[token][1]
                next_sid += 1
        assert session.by_owner == {o: sid for o, (sid, _) in model.items()}
        assert {sid: s.owner for sid, s in session.subscriptions.items()} == {sid: o for o, (sid, _) in model.items()}
        for owner in OWNERS:
            assert session.sids_of(owner) == ([model[owner][0]] if owner in model else [])
        assert sorted(session.sids_of(None)) == sorted(expiry)


def seconds_to(end: float, now: float) -> str:
    """A ``Retry-After``: whole seconds to the window's end, at least 1."""
    return str(max(1, math.ceil(end - now)))


# (seconds to move the clock, what the IP does): a WebSocket handshake, a subscribe, a REST request of weight 1.
request_kind = st.sampled_from(["connect", "subscribe", "rest"])


@given(st.lists(st.tuples(st.floats(0, 90), request_kind), max_size=80), st.integers(1, 12), st.integers(1, 6))
def test_weight_and_attempts_are_refused_exactly_past_their_budgets(
    steps: list[tuple[float, str]], budget: int, attempt_limit: int
) -> None:
    clock = ManualClock(start=1_780_000_000.0)
    exchange = Exchange(None, clock, None)
    exchange.ip_weight_limit = budget
    limits = StreamLimits(exchange)
    limits.attempt_limit = attempt_limit
    used: dict[int, int] = {}  # minute -> the IP's weight, REST and WebSocket API together
    spent: dict[int, dict[str, int]] = {}  # minute -> the WebSocket API's weight by kind
    attempts: dict[int, int] = {}  # 5-minute window -> handshakes
    for seconds, kind in steps:
        now = clock.advance(seconds)
        minute, window = int(now // 60 * 60), int(now // 300 * 300)
        if kind == "rest":
            used[minute] = used.get(minute, 0) + 1
            assert exchange.weigh("10.0.0.1", 1) == (used[minute], minute + 60 if used[minute] > budget else None)
            continue
        if kind == "connect":
            attempts[window] = attempts.get(window, 0) + 1
            refusal = limits.connect("10.0.0.1")
            if attempts[window] > attempt_limit:  # refused before it weighs anything
                assert refusal is not None and refusal.headers["Retry-After"] == str(
                    max(1, math.ceil(window + 300 - now))
                )
                continue
        used[minute] = used.get(minute, 0) + 2
        spent.setdefault(minute, {"connect": 0, "subscribe": 0})[kind] += 2
        over = used[minute] > budget
        if kind == "connect":
            assert (refusal is not None) == over
            if refusal is not None:
                assert refusal.status == 429 and refusal.headers["Retry-After"] == str(
                    max(1, math.ceil(minute + 60 - now))
                )
        else:
            refused, rate_limits = limits.subscribe("10.0.0.1", 7)
            assert (refused is not None) == over and rate_limits[0]["count"] == used[minute]
            if refused is not None:
                assert refused["status"] == 429 and refused["error"]["data"]["retryAfter"] == (minute + 60) * 1000
    assert limits.weights() == spent
    assert limits.attempts() == attempts
