"""No call waits without bound: a default timeout, overridable per client and per call.

Each test puts the local server into a fault that never finishes an answer and checks that
the call gives up within the bound, with ``ApiConnectionError``, after the expected number
of requests.
"""

import time
from pathlib import Path
from typing import Any

import pytest
import urllib3

import binance_spot
from binance_spot.settings import Timeout
from binance_spot.testing import BinanceServer

README = Path(__file__).resolve().parent.parent / "README.md"
#: Slack for a loaded machine on top of a bound; still far below a default read timeout.
SLACK = 1.0


@pytest.fixture
def fast(config: binance_spot.Configuration) -> binance_spot.Configuration:
    """No retries, so one fault is one request."""
    config.retries = 0
    return config


@pytest.fixture
def urlopen_timeouts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every ``timeout`` urllib3 is asked to honour, as passed to ``urlopen``."""
    seen: list[Any] = []
    original = urllib3.connectionpool.HTTPConnectionPool.urlopen

    def spy(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("timeout"))
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(urllib3.connectionpool.HTTPConnectionPool, "urlopen", spy)
    return seen


def test_default_timeout_is_documented_and_finite() -> None:
    config = binance_spot.Configuration()
    assert config.request_timeout == Timeout(5.0, 15.0) == Timeout(connect=5.0, read=15.0, total=20.0)
    assert "`(5.0, 15.0)`" in README.read_text(encoding="utf-8")


def test_default_timeout_reaches_urllib3(server: BinanceServer, urlopen_timeouts: list[Any]) -> None:
    config = binance_spot.Configuration(host=server.url)
    config.api_key["X-MBX-APIKEY"] = "k"
    with binance_spot.ApiClient(config) as client:
        binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    (timeout,) = urlopen_timeouts
    assert isinstance(timeout, urllib3.Timeout)
    assert (timeout.connect_timeout, timeout.read_timeout) == (5.0, 15.0)


@pytest.mark.parametrize(
    ("per_call", "expected"),
    [(0.7, (0.7, 0.7)), ((0.4, 0.9), (0.4, 0.9)), (3, (3.0, 3.0))],
)
def test_per_call_timeout_reaches_urllib3(
    api: binance_spot.MarginStreamApi, urlopen_timeouts: list[Any], per_call: Any, expected: tuple[float, float]
) -> None:
    api.sapi_v1_user_data_stream_post(_request_timeout=per_call)
    api.sapi_v1_user_data_stream_post()
    first, second = urlopen_timeouts
    assert (first.connect_timeout, first.read_timeout) == expected
    # the configured (2, 2) of the fixture is back for the next call
    assert (second.connect_timeout, second.read_timeout) == (2.0, 2.0)


def test_hang_ends_within_a_per_call_number(
    fast: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    server.add_fault("hang")
    started = time.monotonic()
    with pytest.raises(binance_spot.ApiConnectionError) as caught:
        api.sapi_v1_user_data_stream_post(_request_timeout=0.3)
    elapsed = time.monotonic() - started
    assert elapsed < 0.3 + SLACK
    assert caught.value.status is None
    assert caught.value.__cause__ is not None
    assert [r.method for r in server.requests] == ["POST"]


def test_hang_ends_within_a_per_call_pair(
    fast: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    server.add_fault("hang", method="PUT")
    started = time.monotonic()
    with pytest.raises(binance_spot.ApiConnectionError):
        api.sapi_v1_user_data_stream_put("some-key", _request_timeout=(0.5, 0.3))
    assert time.monotonic() - started < 0.8 + SLACK
    assert [(r.method, r.param("listenKey")) for r in server.requests] == [("PUT", "some-key")]


def test_hang_ends_within_the_configured_timeout(
    fast: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    fast.request_timeout = (0.5, 0.3)
    server.add_fault("hang")
    started = time.monotonic()
    with pytest.raises(binance_spot.ApiConnectionError):
        api.sapi_v1_user_data_stream_delete("some-key")
    assert time.monotonic() - started < 0.8 + SLACK
    assert len(server.requests) == 1


def test_trickling_body_ends_within_the_bound(
    fast: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    # one byte every 0.1 s: no single read ever waits 0.3 s, yet the body would take 20 s
    server.add_fault("trickle", size=200, delay=0.1)
    started = time.monotonic()
    with pytest.raises(binance_spot.ApiConnectionError) as caught:
        api.sapi_v1_user_data_stream_post(_request_timeout=(0.3, 0.3))
    assert time.monotonic() - started < 0.6 + SLACK
    assert caught.value.__cause__ is not None
    assert len(server.requests) == 1


def test_hang_then_answer_is_retried_within_the_bound(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    config.retries = urllib3.util.Retry(3, backoff_factor=0.01)
    server.add_fault("hang", times=2)
    started = time.monotonic()
    key = api.sapi_v1_user_data_stream_post(_request_timeout=0.3).listen_key
    assert time.monotonic() - started < 3 * 0.3 + SLACK
    assert key in server.listen_keys
    assert len(server.requests) == 3


@pytest.mark.parametrize("bad", [0, -1, (1.0, 0), "5", (1, 2, 3)])
def test_malformed_per_call_timeouts_are_refused(
    api: binance_spot.MarginStreamApi, server: BinanceServer, bad: Any
) -> None:
    with pytest.raises(binance_spot.ApiValueError):
        api.sapi_v1_user_data_stream_post(_request_timeout=bad)
    assert server.requests == []


def test_no_timeout_at_all_is_refused(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    with pytest.raises(binance_spot.ApiValueError, match="request_timeout must be a number"):
        config.request_timeout = None  # type: ignore[assignment]
    api.sapi_v1_user_data_stream_post()
    assert config.request_timeout == Timeout(2.0, 2.0)


def test_a_response_cut_short_by_ctrl_c_is_finalised_quietly() -> None:
    """A KeyboardInterrupt inside the response's ``__init__`` leaves it half made; its finalizer
    must not print "Exception ignored ... no attribute 'fp'" over the CLI's one-line error
    (Python 3.13's finalizer reads ``fp``; CI runs this on 3.13)."""
    import gc
    import sys

    from binance_spot._deadline import _DeadlineResponse

    seen: list[object] = []
    hook, sys.unraisablehook = sys.unraisablehook, seen.append
    try:
        half = _DeadlineResponse.__new__(_DeadlineResponse)
        del half
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert seen == []
