"""ListenKeyManager against the local Binance: schedules, recreation, faults, shutdown.

Time is injected: the manager's ``sleep`` moves its clock forward, so a 30-minute renewal
interval costs a few milliseconds, and the assertions look at what the server received.
"""

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from binance_spot import (
    ApiClient,
    Configuration,
    EndpointRetiredException,
    ListenKeyManager,
    MarginListenTokenApi,
    MarginRiskStreamApi,
    MarginStreamApi,
    RetryPolicy,
    UnauthorizedException,
)
from binance_spot.manager import ListenKeyFunctions, ListenTokenFunctions
from binance_spot.testing import BinanceServer, ManualClock, Recorded

KEY = "manager-test-key"
STREAM = "/sapi/v1/userDataStream"
RISK = "/sapi/v1/margin/listen-key"
TOKEN = "/sapi/v1/userListenToken"


class FakeTime:
    """The manager's clock, moved forward by the manager's own sleeps."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        time.sleep(0.002)  # let the test thread look in between renewals


def sent(server: BinanceServer, method: str, path: str = STREAM) -> list[Recorded]:
    return [r for r in server.requests if r.method == method and r.path == path]


def manager_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("ListenKeyManager")]


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    yield
    assert manager_threads() == []


@pytest.fixture
def server_options() -> dict[str, Any]:
    """conftest's ``server`` accepts only ``KEY`` (a revoked key must fail) and keeps the real clock."""
    return {"api_keys": [KEY], "clock": None}


@pytest.fixture
def client(server: BinanceServer) -> Iterator[ApiClient]:
    config = Configuration(host=server.url, api_key={"X-MBX-APIKEY": KEY})
    config.retries = 0  # the manager's own retrying is under test
    config.request_timeout = (2, 2)
    with ApiClient(config) as api_client:
        yield api_client


@pytest.fixture
def api(client: ApiClient) -> MarginStreamApi:
    return MarginStreamApi(client)


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def test_start_creates_the_key_before_returning(server: BinanceServer, api: MarginStreamApi) -> None:
    manager = ListenKeyManager(api).start()
    try:
        assert manager.running
        assert manager.listen_key in server.listen_keys
        [post] = sent(server, "POST")
        assert post.header("X-MBX-APIKEY") == KEY
    finally:
        manager.stop()


def test_renews_every_interval(
    server: BinanceServer, api: MarginStreamApi, fake: FakeTime, wait_for: Callable[..., None]
) -> None:
    renewed_at: list[float] = []
    manager = ListenKeyManager(
        api, interval=1800, clock=fake.clock, sleep=fake.sleep, on_renewed=lambda key: renewed_at.append(fake.now)
    )
    start = fake.now
    manager.start()
    wait_for(lambda: len(renewed_at) >= 3)
    manager.stop(close=False)
    key = manager.listen_key
    puts = sent(server, "PUT")
    assert len(puts) == len(renewed_at)
    assert {p.param("listenKey") for p in puts} == {key}
    assert renewed_at[:3] == [start + 1800, start + 3600, start + 5400]
    assert len(sent(server, "POST")) == 1
    assert manager.expires_at == manager.last_renewed + 3600  # type: ignore[operator]


def test_recreates_a_key_that_is_gone_and_reports_it_once(
    server: BinanceServer, api: MarginStreamApi, fake: FakeTime, wait_for: Callable[..., None]
) -> None:
    changes: list[tuple[str | None, str]] = []
    errors: list[BaseException] = []
    gate = threading.Event()

    def slow_sleep(seconds: float) -> None:
        gate.wait(5)
        fake.sleep(seconds)

    manager = ListenKeyManager(
        api, on_new_key=lambda o, n: changes.append((o, n)), on_error=errors.append, clock=fake.clock, sleep=slow_sleep
    )
    manager.start()
    old = manager.listen_key
    assert old is not None
    server.expire(old)
    gate.set()
    wait_for(lambda: changes and len(sent(server, "PUT")) >= 4)
    manager.stop()
    new = manager.listen_key
    assert changes == [(old, new)]
    assert new != old and errors == []
    assert [p.param("listenKey") for p in sent(server, "PUT")][1:] == [new] * (len(sent(server, "PUT")) - 1)
    assert len(sent(server, "POST")) == 2
    assert [d.param("listenKey") for d in sent(server, "DELETE")] == [new]


def test_rides_out_429_and_503_with_backoff(
    server: BinanceServer, api: MarginStreamApi, fake: FakeTime, wait_for: Callable[..., None]
) -> None:
    errors: list[BaseException] = []
    server.add_fault("status", times=2, status=429, headers={"Retry-After": "7"}, method="PUT")
    server.add_fault("status", times=4, status=503, method="PUT")
    manager = ListenKeyManager(api, on_error=errors.append, clock=fake.clock, sleep=fake.sleep)
    manager.start()
    key = manager.listen_key
    wait_for(lambda: len(sent(server, "PUT")) >= 8)
    manager.stop(close=False)
    assert [getattr(e, "status", None) for e in errors] == [429, 429, 503, 503, 503, 503]
    # Retry-After (7 s) wins over the first backoffs (at most 1 and 2 s), then the backoff doubles;
    # the one jitter rule of _backoff keeps each wait within [half, all] of 4, 8, 16, 32 s.
    assert fake.sleeps[1:3] == [7, 7]
    for wait, full in zip(fake.sleeps[3:7], [4, 8, 16, 32], strict=True):
        assert full / 2 <= wait <= full
    assert sum(fake.sleeps[:7]) < 3600
    assert manager.listen_key == key and key in server.listen_keys
    assert len(sent(server, "POST")) == 1
    assert manager.last_error is None


def test_transport_retries_absorb_short_bursts(
    server: BinanceServer, fake: FakeTime, wait_for: Callable[..., None]
) -> None:
    errors: list[BaseException] = []
    config = Configuration(host=server.url, api_key={"X-MBX-APIKEY": KEY})
    config.retries = RetryPolicy(backoff=0.01)  # the default's 0.5 s doubling slept ~2.8 s here
    server.add_fault("status", times=3, status=503, headers={"Retry-After": "0"}, method="PUT")
    with ApiClient(config) as api_client:
        manager = ListenKeyManager(
            MarginStreamApi(api_client), on_error=errors.append, clock=fake.clock, sleep=fake.sleep
        )
        with manager:
            wait_for(lambda: len(sent(server, "PUT")) >= 5)
    assert errors == []
    assert len(sent(server, "POST")) == 1


def test_reports_other_errors_and_keeps_going(
    server: BinanceServer, client: ApiClient, fake: FakeTime, wait_for: Callable[..., None]
) -> None:
    errors: list[BaseException] = []

    def on_error(exc: BaseException) -> None:
        errors.append(exc)
        raise RuntimeError("a careless callback")

    manager = ListenKeyManager(MarginStreamApi(client), on_error=on_error, clock=fake.clock, sleep=fake.sleep)
    manager.start()
    key = manager.listen_key
    client.configuration.api_key = {"X-MBX-APIKEY": "revoked-key"}
    wait_for(lambda: len(errors) >= 3)
    assert manager.running
    assert isinstance(manager.last_error, UnauthorizedException)
    assert all(isinstance(e, UnauthorizedException) and e.code == -2015 for e in errors)
    client.configuration.api_key = {"X-MBX-APIKEY": KEY}
    wait_for(lambda: manager.last_error is None)
    manager.stop()
    assert manager.listen_key == key
    assert sent(server, "PUT")[-1].header("X-MBX-APIKEY") == KEY
    assert [d.param("listenKey") for d in sent(server, "DELETE")] == [key]


def test_failures_are_logged_without_on_error(
    server: BinanceServer,
    api: MarginStreamApi,
    fake: FakeTime,
    caplog: pytest.LogCaptureFixture,
    wait_for: Callable[..., None],
) -> None:
    server.add_fault("status", times=1, status=500, method="PUT")
    with caplog.at_level(logging.WARNING, logger="binance_spot.manager"):
        with ListenKeyManager(api, clock=fake.clock, sleep=fake.sleep) as manager:
            wait_for(lambda: len(sent(server, "PUT")) >= 2)
            key = manager.listen_key
    assert "renewal failed" in caplog.text
    assert key is not None and key not in caplog.text


def test_stop_is_prompt_closes_the_key_and_is_idempotent(server: BinanceServer, api: MarginStreamApi) -> None:
    manager = ListenKeyManager(api, interval=3500).start()
    key = manager.listen_key
    time.sleep(0.05)
    started = time.monotonic()
    manager.stop()
    assert time.monotonic() - started < 1.0
    assert not manager.running
    assert manager_threads() == []
    assert [d.param("listenKey") for d in sent(server, "DELETE")] == [key]
    assert key not in server.listen_keys
    manager.stop()
    assert len(sent(server, "DELETE")) == 1


def test_stop_without_close_leaves_the_key(server: BinanceServer, api: MarginStreamApi) -> None:
    manager = ListenKeyManager(api).start()
    manager.stop(close=False)
    assert sent(server, "DELETE") == []
    assert manager.listen_key in server.listen_keys


def test_context_manager_closes_on_exit(server: BinanceServer, api: MarginStreamApi) -> None:
    with ListenKeyManager(api) as manager:
        key = manager.listen_key
        assert key in server.listen_keys
    assert not manager.running
    assert [d.param("listenKey") for d in sent(server, "DELETE")] == [key]


def test_stop_waits_for_a_renewal_in_flight(server: BinanceServer, api: MarginStreamApi, fake: FakeTime) -> None:
    inside = threading.Event()

    def slow_keepalive(key: str) -> None:
        inside.set()
        time.sleep(0.2)
        api.sapi_v1_user_data_stream_put(listen_key=key)

    ops = ListenKeyFunctions(
        lambda: api.sapi_v1_user_data_stream_post(),
        slow_keepalive,
        lambda key: api.sapi_v1_user_data_stream_delete(listen_key=key),
    )
    manager = ListenKeyManager(ops, clock=fake.clock, sleep=fake.sleep).start()
    assert inside.wait(5)
    manager.stop()
    methods = [r.method for r in server.requests]
    assert methods == ["POST", "PUT", "DELETE"]
    assert server.listen_keys == {}


def test_stop_racing_renewals_and_recreations_never_leaks_a_key(server: BinanceServer, api: MarginStreamApi) -> None:
    rng = random.Random(4)
    for _ in range(15):
        fake = FakeTime()
        manager = ListenKeyManager(api, clock=fake.clock, sleep=fake.sleep).start()
        time.sleep(rng.uniform(0, 0.01))
        expired_from = None
        if rng.random() < 0.5:
            expired_from = len(server.requests)
            server.expire_all()
        time.sleep(rng.uniform(0, 0.01))
        manager.stop()
        # The last request about the manager's key closes it (the server is shared within the
        # worker: a request of another test's lingering thread may land after it), and no key
        # is left open, so nothing was created after the close either. One exception: a renewal
        # after expire_all() heard -1125 and stop() came before the new key, so there is
        # nothing to close (the manager sends no DELETE for a key Binance forgot).
        mine = [r for r in server.requests if r.param("listenKey") == manager.listen_key]
        assert mine
        forgotten = expired_from is not None and any(r is mine[-1] for r in server.requests[expired_from:])
        assert mine[-1].method == "DELETE" or (forgotten and mine[-1].method == "PUT")
        assert server.listen_keys == {}
        assert manager_threads() == []


def test_start_raises_when_the_first_create_fails(server: BinanceServer, api: MarginStreamApi) -> None:
    server.retired = True
    manager = ListenKeyManager(api)
    with pytest.raises(EndpointRetiredException):
        manager.start()
    assert not manager.running
    assert manager.listen_key is None
    manager.stop()
    assert [r.method for r in server.requests] == ["POST"]


def test_repr_masks_the_key(api: MarginStreamApi) -> None:
    with ListenKeyManager(api) as manager:
        key = manager.listen_key
        assert key is not None
        assert key not in repr(manager)
        assert "***" in repr(manager)


def test_risk_stream_plugs_in_through_callables(
    server: BinanceServer, client: ApiClient, fake: FakeTime, wait_for: Callable[..., None]
) -> None:
    risk = MarginRiskStreamApi(client)
    ops = ListenKeyFunctions(
        risk.sapi_v1_margin_listen_key_post,
        risk.sapi_v1_margin_listen_key_put,
        risk.sapi_v1_margin_listen_key_delete,
    )
    with ListenKeyManager(ops, clock=fake.clock, sleep=fake.sleep) as manager:
        key = manager.listen_key
        assert key in server.risk_listen_keys
        wait_for(lambda: len(sent(server, "PUT", RISK)) >= 2)
    assert {p.param("listenKey") for p in sent(server, "PUT", RISK)} == {key}
    assert [d.param("listenKey") for d in sent(server, "DELETE", RISK)] == [key]
    assert server.risk_listen_keys == {}


def test_tokens_are_replaced_before_they_expire(client: ApiClient, wait_for: Callable[..., None]) -> None:
    clock = ManualClock()
    seen: list[tuple[str | None, str, bool, bool]] = []
    with BinanceServer(api_keys=[KEY], clock=clock) as server:
        client.configuration.host = server.url

        def create_token() -> Any:
            return MarginListenTokenApi(client).sapi_v1_user_listen_token_post(validity=600_000)

        def on_new_key(old: str | None, new: str) -> None:
            assert old is not None
            seen.append((old, new, server.token_valid(old), server.token_valid(new)))

        def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            clock.advance(seconds)
            time.sleep(0.002)

        sleeps: list[float] = []
        ops = ListenTokenFunctions(create_token, now=clock)
        manager = ListenKeyManager(ops, on_new_key=on_new_key, clock=clock, sleep=sleep, token_margin=60)
        manager.start()
        first = manager.listen_key
        assert manager.expires_at == pytest.approx(clock() + 600)
        wait_for(lambda: len(seen) >= 2)
        manager.stop()
        posts = sent(server, "POST", TOKEN)
    assert seen[0][0] == first
    assert seen[1][0] == seen[0][1]
    assert all(old_valid and new_valid for _, _, old_valid, new_valid in seen)
    assert sleeps[:2] == [pytest.approx(540), pytest.approx(540)]
    assert {p.param("validity") for p in posts} == {"600000"}
    assert [r.method for r in server.requests] == ["POST"] * len(posts)  # tokens are never closed


def test_rejects_nonsense_settings(api: MarginStreamApi) -> None:
    with pytest.raises(ValueError):
        ListenKeyManager(api, interval=4000)
    with pytest.raises(ValueError):
        ListenKeyManager(api, retry_backoff=(0, 1))
    with pytest.raises(TypeError):
        ListenKeyManager(object())
