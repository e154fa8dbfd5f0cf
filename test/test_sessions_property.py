"""The local server's subscription rules for one connection, against a model, on any sequence of
subscribes, renewals, unsubscribes and expiries (the ``Session`` is sans-I/O: no socket needed)."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from binance_spot.testing.sessions import SUBSCRIBE, Quota, Session

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
