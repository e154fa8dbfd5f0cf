"""What is retried, how often, how long the client waits, and what it logs.

Every test counts the requests the server received: N failures then success must be N+1
requests, and what must never be retried must be exactly one.
"""

import logging
import time
from email.utils import formatdate

import pytest
import urllib3

import binance_spot
from binance_spot._backoff import exponential, retry_after_header
from binance_spot.settings import RetryPolicy
from binance_spot.testing import BinanceServer

SLACK = 1.0


@pytest.fixture
def quick(config: binance_spot.Configuration) -> binance_spot.Configuration:
    """Three retries with a backoff of about 10 ms."""
    config.retries = urllib3.util.Retry(3, backoff_factor=0.01)
    return config


def methods(server: BinanceServer) -> list[str]:
    return [record.method for record in server.requests]


@pytest.mark.parametrize("failures", [1, 3])
def test_503_n_times_then_ok_is_n_plus_one_requests(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, failures: int
) -> None:
    server.add_fault("status", times=failures, status=503)
    key = api.sapi_v1_user_data_stream_post().listen_key
    assert key in server.listen_keys
    assert methods(server) == ["POST"] * (failures + 1)


@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_are_retried(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, status: int
) -> None:
    key = api.sapi_v1_user_data_stream_post().listen_key
    server.clear()
    server.add_fault("status", status=status, method="PUT")
    assert api.sapi_v1_user_data_stream_put(key) == {}
    assert [(r.method, r.param("listenKey")) for r in server.requests] == [("PUT", key), ("PUT", key)]


def test_retries_are_bounded_in_attempts(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    server.add_fault("status", times=10, status=503)
    with pytest.raises(binance_spot.ServiceException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert caught.value.status == 503
    assert methods(server) == ["POST"] * 4


def test_429_retry_after_seconds_is_honoured(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    server.add_fault("status", status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    key = api.sapi_v1_user_data_stream_post().listen_key
    elapsed = time.monotonic() - started
    assert elapsed >= 1.0
    assert elapsed < 1.0 + SLACK
    assert key in server.listen_keys
    assert methods(server) == ["POST", "POST"]


def test_retry_after_as_an_http_date_is_understood(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    # An hour away: beyond max_retry_wait, so the client must raise at once, which it can only
    # know by parsing the date (an unparsed header would be retried after a short backoff).
    when = formatdate(time.time() + 3600, usegmt=True)
    server.add_fault("status", times=5, status=429, headers={"Retry-After": when})
    started = time.monotonic()
    with pytest.raises(binance_spot.RateLimitedException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert time.monotonic() - started < SLACK
    assert caught.value.retry_after is not None
    assert 3590 <= caught.value.retry_after <= 3600
    assert methods(server) == ["POST"]


def test_parse_retry_after() -> None:
    now = 1_780_000_000.0
    assert retry_after_header("7") == 7.0
    assert retry_after_header(formatdate(now + 42, usegmt=True), now=now) == 42.0
    assert retry_after_header(formatdate(now - 42, usegmt=True), now=now) == 0.0
    assert retry_after_header("soon") is None
    assert retry_after_header("") is None
    assert retry_after_header(None) is None


def test_a_date_in_the_past_retries_at_once(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    server.add_fault("status", status=503, headers={"Retry-After": formatdate(time.time() - 60, usegmt=True)})
    assert api.sapi_v1_user_data_stream_post().listen_key
    assert methods(server) == ["POST", "POST"]


def test_retry_after_above_max_retry_wait_raises_at_once(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    quick.max_retry_wait = 5
    server.add_fault("status", times=5, status=429, headers={"Retry-After": "10"})
    started = time.monotonic()
    with pytest.raises(binance_spot.RateLimitedException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert time.monotonic() - started < SLACK
    assert caught.value.retry_after == 10
    assert caught.value.code == -1003
    assert methods(server) == ["POST"]


def test_418_is_never_retried(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    server.add_fault("status", times=5, status=418, headers={"Retry-After": "0"})
    with pytest.raises(binance_spot.IpBannedException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert isinstance(caught.value, binance_spot.ApiException)
    assert caught.value.status == 418
    assert caught.value.retry_after == 0
    assert methods(server) == ["POST"]


def test_400_is_never_retried(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    with pytest.raises(binance_spot.BadRequestException) as caught:
        api.sapi_v1_user_data_stream_put("no-such-key")
    assert caught.value.code == -1125
    assert methods(server) == ["PUT"]


def test_401_is_never_retried(quick: binance_spot.Configuration, server: BinanceServer) -> None:
    quick.api_key["X-MBX-APIKEY"] = "not a valid key!"
    with binance_spot.ApiClient(quick) as client:
        with pytest.raises(binance_spot.UnauthorizedException) as caught:
            binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    assert caught.value.code == -2014
    assert methods(server) == ["POST"]


@pytest.mark.parametrize("status", [403, 404, 405, 409])
def test_other_4xx_are_never_retried(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, status: int
) -> None:
    server.add_fault("status", times=5, status=status)
    with pytest.raises(binance_spot.ApiException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert caught.value.status == status
    assert methods(server) == ["POST"]


@pytest.mark.parametrize("off", [0, urllib3.util.Retry(0), urllib3.util.Retry(total=False)])
def test_retries_off_is_one_request(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, off: object
) -> None:
    config.retries = off
    server.add_fault("status", times=3, status=503)
    with pytest.raises(binance_spot.ServiceException):
        api.sapi_v1_user_data_stream_post()
    assert methods(server) == ["POST"]


def test_an_int_sets_the_number_of_retries(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    config.retries = 1
    server.add_fault("status", times=3, status=503, headers={"Retry-After": "0"})
    with pytest.raises(binance_spot.ServiceException):
        api.sapi_v1_user_data_stream_post()
    assert methods(server) == ["POST", "POST"]


def test_a_urllib3_retry_is_honoured(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    config.retries = urllib3.util.Retry(total=5, backoff_factor=0.01)
    server.add_fault("status", times=5, status=503)
    started = time.monotonic()
    assert api.sapi_v1_user_data_stream_post().listen_key
    # backoff_factor 0.01 caps the waits at 0.01+0.02+0.04+0.08+0.16 s (the default would be seconds)
    assert time.monotonic() - started < 0.31 + SLACK
    assert methods(server) == ["POST"] * 6


def test_retry_policy_from_a_urllib3_retry() -> None:
    policy = RetryPolicy.coerce(urllib3.util.Retry(7, backoff_factor=0.25))
    assert (policy.total, policy.backoff, policy.backoff_max) == (7, 0.25, urllib3.util.Retry.DEFAULT_BACKOFF_MAX)
    # backoff_factor=0 means "do not wait" in urllib3, not "use some default"
    policy = RetryPolicy.coerce(urllib3.util.Retry(2, backoff_factor=0))
    assert exponential(policy.backoff, policy.backoff_max, 3) == 0


def test_negative_retries_are_refused(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    with pytest.raises(binance_spot.ApiValueError, match="retries must be a whole number from 0 to 100, got -1"):
        config.retries = -1
    assert config.retries == RetryPolicy()


@pytest.mark.parametrize("kind", ["close", "reset"])
def test_dropped_connections_are_retried(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, kind: str
) -> None:
    server.add_fault(kind, times=2)
    key = api.sapi_v1_user_data_stream_post().listen_key
    assert key in server.listen_keys
    assert methods(server) == ["POST"] * 3


@pytest.mark.parametrize("kind", ["close", "reset"])
def test_dropped_connections_give_up_after_the_retries(
    quick: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, kind: str
) -> None:
    server.add_fault(kind, times=10)
    with pytest.raises(binance_spot.ApiConnectionError) as caught:
        api.sapi_v1_user_data_stream_post()
    assert caught.value.__cause__ is not None
    assert methods(server) == ["POST"] * 4


def test_total_waiting_is_bounded_by_max_retry_time(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    config.retries = 10
    config.max_retry_time = 1.5
    server.add_fault("status", times=10, status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    with pytest.raises(binance_spot.RateLimitedException):
        api.sapi_v1_user_data_stream_post()
    elapsed = time.monotonic() - started
    # waits 1 s once; a second wait would make 2 s > 1.5 s, so it raises instead
    assert 1.0 <= elapsed < 1.0 + SLACK
    assert methods(server) == ["POST", "POST"]


def test_each_retry_is_logged_at_info_without_secrets(
    quick: binance_spot.Configuration,
    api: binance_spot.MarginStreamApi,
    server: BinanceServer,
    caplog: pytest.LogCaptureFixture,
    api_key: str,
) -> None:
    key = api.sapi_v1_user_data_stream_post().listen_key
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="binance_spot")
    server.add_fault("status", times=2, status=503, method="PUT")
    api.sapi_v1_user_data_stream_put(key)
    retries = [r for r in caplog.records if r.name == "binance_spot" and r.levelno == logging.INFO]
    assert len(retries) == 2
    assert all("503" in r.getMessage() and "/sapi/v1/userDataStream" in r.getMessage() for r in retries)
    everything = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert key not in everything
    assert api_key not in everything
