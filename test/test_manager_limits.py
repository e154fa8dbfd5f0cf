"""ListenKeyManager under attack: nonsense settings, lying clocks, dead keys, hanging servers, racing threads.

Each test bounds its own runtime with short client timeouts and short ``stop()`` timeouts.
"""

import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from binance_spot import (
    ApiClient,
    Configuration,
    InvalidResponseException,
    ListenKeyManager,
    MarginListenTokenApi,
    MarginStreamApi,
)
from binance_spot.manager import MIN_REQUEST_GAP, ListenTokenFunctions
from binance_spot.testing import BinanceServer, ManualClock

STREAM = "/sapi/v1/userDataStream"
TOKEN = "/sapi/v1/userListenToken"
WaitFor = Callable[..., None]


@pytest.fixture
def api(config: Configuration) -> Iterator[MarginStreamApi]:
    config.retries = 0  # the manager's own behaviour is under test
    config.request_timeout = (1.0, 0.25)
    with ApiClient(config) as client:
        yield MarginStreamApi(client)


def manager_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("ListenKeyManager")]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("interval", math.nan),
        ("interval", math.inf),
        ("interval", 1e-9),
        ("interval", 0),
        ("interval", -5),
        ("interval", True),
        ("interval", "30"),
        ("interval", 4000),  # longer than the key lives
        ("expiry", math.nan),
        ("expiry", 0),
        ("token_margin", -1),
        ("token_margin", math.nan),
        ("retry_backoff", (math.nan, 60)),
        ("retry_backoff", (0, 60)),
        ("retry_backoff", (5, 1)),
        ("retry_backoff", (1, math.inf)),
        ("retry_backoff", (1,)),
    ],
)
def test_nonsense_settings_are_refused_by_name(api: MarginStreamApi, setting: str, value: Any) -> None:
    with pytest.raises(ValueError, match=setting):
        ListenKeyManager(api, **{setting: value})


@pytest.mark.parametrize("timeout", [math.nan, -1, math.inf])
def test_a_nonsense_stop_timeout_is_refused(api: MarginStreamApi, timeout: float) -> None:
    manager = ListenKeyManager(api)
    with pytest.raises(ValueError, match="timeout"):
        manager.stop(timeout=timeout)


def test_uses_tokens_names_what_the_old_tokens_flag_meant(api: MarginStreamApi) -> None:
    keys = ListenKeyManager(api)
    tokens = ListenKeyManager(ListenTokenFunctions(lambda: None))
    assert (keys.uses_tokens, tokens.uses_tokens) == (False, True)
    assert (keys.tokens, tokens.tokens) == (False, True)  # the documented former name still works


def test_no_clock_can_make_renewals_faster_than_the_floor(server: BinanceServer, api: MarginStreamApi) -> None:
    """A clock that jumps a day per reading and a sleep that does not sleep: every renewal is due at once."""
    jumps = iter(range(10**9))
    manager = ListenKeyManager(api, clock=lambda: next(jumps) * 86_400.0, sleep=lambda seconds: None)
    with manager:
        time.sleep(0.3)
    sent = len(server.requests)  # POST, PUTs, DELETE
    assert 3 <= sent <= 0.3 / MIN_REQUEST_GAP + 3


def test_a_server_that_forgets_every_key_at_once_is_not_flooded(server: BinanceServer, api: MarginStreamApi) -> None:
    server.add_fault("status", times=10_000, status=400, method="PUT", body='{"code":-1125,"msg":"gone"}')
    manager = ListenKeyManager(api, interval=MIN_REQUEST_GAP)
    with manager:
        time.sleep(0.3)
    assert 3 <= len(server.requests) <= 0.3 / MIN_REQUEST_GAP + 3


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(lambda token, expiration: {"token": token, "expirationTime": expiration // 1000}, id="seconds"),
        pytest.param(lambda token, expiration: {"token": token, "expirationTime": expiration - 3_600_000}, id="past"),
    ],
)
def test_a_token_dead_on_arrival_backs_off_instead_of_flooding(
    server: BinanceServer,
    config: Configuration,
    clock: ManualClock,
    answer: Callable[[str, int], Any],
    wait_for: WaitFor,
) -> None:
    errors: list[BaseException] = []
    with ApiClient(config) as client:
        tokens = MarginListenTokenApi(client)
        calls = iter(range(10**9))

        def create() -> Any:
            token = tokens.sapi_v1_user_listen_token_post(validity=3_600_000)
            if next(calls) == 0:
                return token  # start() gets a good one
            return answer(token.token, token.expiration_time)

        ops = ListenTokenFunctions(create, now=clock)
        jumps = iter(range(10**9))
        manager = ListenKeyManager(
            ops, on_error=errors.append, clock=lambda: next(jumps) * 86_400.0, retry_backoff=(0.1, 0.2)
        )
        with manager:
            wait_for(lambda: errors)
            time.sleep(0.3)
    assert all(isinstance(e, InvalidResponseException) for e in errors), errors
    assert "expirationTime" in str(errors[0])
    assert 2 <= len(server.requests) <= 5  # 0.1 s, then 0.1 to 0.2 s (jittered) between attempts


def test_token_lifetime_comes_from_the_servers_date_not_the_local_clock(
    config: Configuration, clock: ManualClock, server: BinanceServer
) -> None:
    """The server's clock is a year behind this machine's: the Date header still gives the right lifetime."""
    assert abs(clock() - time.time()) > 86_400
    with ApiClient(config) as client:
        tokens = MarginListenTokenApi(client)
        ops = ListenTokenFunctions(lambda: tokens.sapi_v1_user_listen_token_post_with_http_info(validity=600_000))
        with ListenKeyManager(ops, token_margin=60) as manager:
            assert manager.listen_key in server.tokens
            assert manager.expires_at is not None and manager.last_renewed is not None
            assert 598 <= manager.expires_at - manager.last_renewed <= 600


@pytest.mark.parametrize("expiration", [20, math.nan, math.inf, True, "1780000000000", 10**20])
def test_a_token_answer_with_a_nonsense_expiration_is_refused(expiration: object) -> None:
    ops = ListenTokenFunctions(lambda: {"token": "t", "expirationTime": expiration}, now=lambda: 1_780_000_000.0)
    with pytest.raises(InvalidResponseException, match="expirationTime"):
        ops.create()


def test_a_token_answer_without_a_date_falls_back_to_the_local_clock() -> None:
    ops = ListenTokenFunctions(lambda: ({"token": "t", "expirationTime": 1_000_000}, 200, {}), now=lambda: 900.0)
    assert ops.create() == ("t", 100.0)


def methods(server: BinanceServer) -> list[str]:
    return [r.method for r in server.requests]


def test_stop_returns_within_its_timeout_while_a_keepalive_hangs(
    server: BinanceServer, api: MarginStreamApi, config: Configuration, wait_for: WaitFor
) -> None:
    config.request_timeout = (1.0, 60.0)  # the renewal hangs until the server stops, not 0.25 s
    server.add_fault("hang", method="PUT")
    manager = ListenKeyManager(api, interval=MIN_REQUEST_GAP).start()
    wait_for(lambda: "PUT" in methods(server))
    manager.stop(timeout=0.1)
    # stop() came back with the renewal still in flight: it kept to its timeout, whatever the
    # load (a stop() that waited for the request would wait for the pytest timeout)
    assert manager_threads() != []
    server.stop()  # the hang ends: the renewal fails and the thread ends
    wait_for(lambda: manager_threads() == [])
    assert methods(server) == ["POST", "PUT"]  # nothing after stop() gave up


def test_stop_returns_within_its_timeout_while_the_delete_hangs(
    server: BinanceServer, api: MarginStreamApi, wait_for: WaitFor
) -> None:
    server.add_fault("hang", method="DELETE")
    manager = ListenKeyManager(api).start()
    started = time.monotonic()
    manager.stop(timeout=0.2)
    assert time.monotonic() - started < 0.4
    assert methods(server) == ["POST", "DELETE"]
    wait_for(lambda: manager_threads() == [])


def test_start_during_stop_never_leaves_two_threads(
    server: BinanceServer, api: MarginStreamApi, wait_for: WaitFor
) -> None:
    """The issue's race: start() from another thread while stop() waits for a slow keepalive."""
    server.add_fault("hang", method="PUT", delay=0.3)
    manager = ListenKeyManager(api, interval=MIN_REQUEST_GAP).start()
    wait_for(lambda: "PUT" in methods(server))
    most: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            most.append(len(manager_threads()))
            time.sleep(0.002)

    watcher = threading.Thread(target=watch)
    watcher.start()
    stopper = threading.Thread(target=manager.stop)
    stopper.start()
    wait_for(lambda: not manager.running)  # stop() is now waiting for the keepalive
    manager.start()
    stopper.join(5)
    assert manager.running
    manager.stop()
    done.set()
    watcher.join()
    assert max(most) == 1
    assert manager_threads() == []


def test_start_and_stop_from_many_threads_in_any_order(server: BinanceServer, api: MarginStreamApi) -> None:
    manager = ListenKeyManager(api, interval=MIN_REQUEST_GAP)
    most: list[int] = []

    def churn(index: int) -> None:
        for step in range(4):
            try:
                manager.start() if (index + step) % 2 else manager.stop(timeout=1)
            except RuntimeError:  # already running: the one thread stays the one thread
                pass
            most.append(len(manager_threads()))

    workers = [threading.Thread(target=churn, args=(i,)) for i in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    manager.stop()
    assert max(most) <= 1
    assert manager_threads() == []
    assert server.listen_keys == {}  # every key created was closed


def test_valid_for_needs_no_narrowing() -> None:
    from binance_spot.manager import ListenKeyFunctions

    manager = ListenKeyManager(ListenKeyFunctions(lambda: "k", lambda key: None, lambda key: None))
    assert manager.valid_for == 0.0 and manager.expires_at is None
