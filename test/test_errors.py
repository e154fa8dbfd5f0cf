"""Errors say what happened: Binance's code first, a subclass per kind, never a JSONDecodeError."""

import json
import socket
import time

import pytest
import urllib3

import binance_spot
from binance_spot import exceptions
from binance_spot._urllib3 import read_body
from binance_spot.testing import BinanceServer

RETIRED_SECTION = "Binance retired these endpoints on 2026-02-20"


@pytest.fixture
def once(config: binance_spot.Configuration) -> binance_spot.Configuration:
    """No retries: each fault is the answer the caller gets."""
    config.retries = 0
    return config


def test_binance_error_fields_and_str(
    once: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    server.add_fault("status", status=429, headers={"Retry-After": "17"})
    with pytest.raises(binance_spot.RateLimitedException) as caught:
        api.sapi_v1_user_data_stream_post()
    error = caught.value
    assert isinstance(error, binance_spot.ApiException)
    assert (error.status, error.reason) == (429, "Too Many Requests")
    assert (error.code, error.retry_after) == (-1003, 17.0)
    assert error.msg is not None and error.msg.startswith("Too many requests;")
    assert json.loads(error.body) == {"code": error.code, "msg": error.msg}
    assert error.headers is not None
    assert error.headers["Retry-After"] == "17"
    assert error.headers["content-type"].startswith("application/json")  # case-insensitive, as HTTP
    assert str(error).splitlines()[0] == f"Binance error -1003: {error.msg}"


def test_str_of_a_400_leads_with_the_code(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    with pytest.raises(binance_spot.BadRequestException) as caught:
        api.sapi_v1_user_data_stream_delete("gone")
    assert str(caught.value).startswith("Binance error -1125: This listenKey does not exist.")
    assert caught.value.retry_after is None
    assert caught.value.hint is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, binance_spot.BadRequestException),
        (401, binance_spot.UnauthorizedException),
        (403, binance_spot.ForbiddenException),
        (404, binance_spot.NotFoundException),
        (410, binance_spot.EndpointRetiredException),
        (418, binance_spot.IpBannedException),
        (429, binance_spot.RateLimitedException),
        (500, binance_spot.ServiceException),
        (503, binance_spot.ServiceException),
        (409, binance_spot.ApiStatusException),
        (302, binance_spot.RedirectException),
        (307, binance_spot.RedirectException),
    ],
)
def test_a_subclass_per_kind(
    once: binance_spot.Configuration,
    api: binance_spot.MarginStreamApi,
    server: BinanceServer,
    status: int,
    kind: type,
) -> None:
    server.add_fault("status", status=status)
    with pytest.raises(binance_spot.ApiException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert type(caught.value) is kind
    assert caught.value.status == status
    assert caught.value.code is not None
    assert len(server.requests) == 1


def test_retired_endpoint_explains_itself(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    server.retired = True
    with pytest.raises(binance_spot.EndpointRetiredException) as caught:
        api.sapi_v1_user_data_stream_post()
    error = caught.value
    assert (error.status, error.code, error.msg) == (410, None, None)
    assert "<html>" in error.body and b"<html>" in error.raw_body  # text, as the classic client gives it
    text = str(error)
    assert "2026-02-20" in text
    assert RETIRED_SECTION in text
    assert len(server.requests) == 1  # a 410 is not retried


def test_readme_has_the_section_the_hint_points_to() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"## {RETIRED_SECTION}" in readme


def test_404_html_also_explains_the_retirement(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    server.add_fault("html", status=404)
    with pytest.raises(binance_spot.NotFoundException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert type(caught.value) is binance_spot.NotFoundException
    assert caught.value.code is None
    assert "2026-02-20" in str(caught.value)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("status", "kind"), [(502, binance_spot.ServiceException), (403, binance_spot.ForbiddenException)]
)
def test_html_error_pages(
    once: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, status: int, kind: type
) -> None:
    server.add_fault("html", status=status)
    with pytest.raises(kind) as caught:
        api.sapi_v1_user_data_stream_post()
    error = caught.value
    assert (error.status, error.code, error.msg) == (status, None, None)
    assert error.headers["Content-Type"] == "text/html"
    first, second = str(error).splitlines()[:2]
    assert (first, second) == (f"HTTP {status} {error.reason}", f"({status})")
    assert len(server.requests) == 1


def test_empty_200_on_post(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    server.add_fault("empty")
    with pytest.raises(binance_spot.InvalidResponseException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert not isinstance(caught.value, json.JSONDecodeError)
    assert caught.value.status == 200
    assert "empty" in str(caught.value)
    assert len(server.requests) == 1


def test_invalid_json(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    server.add_fault("invalid_json")
    with pytest.raises(binance_spot.InvalidResponseException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert not isinstance(caught.value, json.JSONDecodeError)
    assert caught.value.__cause__ is None or not isinstance(caught.value.__cause__, json.JSONDecodeError)
    assert "JSON" in str(caught.value)
    assert len(server.requests) == 1


def test_html_200_is_an_invalid_response(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    server.add_fault("status", status=200, body="<html><body>maintenance</body></html>")
    with pytest.raises(binance_spot.InvalidResponseException):
        api.sapi_v1_user_data_stream_post()


def test_oversized_body_is_refused(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    server.add_fault("oversized", size=4 * 1024 * 1024)
    with pytest.raises(binance_spot.ResponseTooLargeException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert caught.value.status == 200
    assert "1048576" in str(caught.value)
    assert len(server.requests) == 1  # too large is final, not retried


def test_oversized_body_is_refused_before_reading_it(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    # Content-Length announces 4 MiB, then one byte every 50 ms: a client that read the body
    # before judging its size would run into its timeout instead of refusing at once.
    server.add_fault("trickle", size=4 * 1024 * 1024, delay=0.05)
    started = time.monotonic()
    with pytest.raises(binance_spot.ResponseTooLargeException):
        api.sapi_v1_user_data_stream_post()
    assert time.monotonic() - started < 0.5
    assert len(server.requests) == 1


def test_body_just_under_the_limit_is_read(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    server.add_fault("oversized", size=1024 * 1024)
    assert len(api.sapi_v1_user_data_stream_post().listen_key) == 1024 * 1024 - 16


class _Endless:
    """A response without Content-Length and with a 16 MiB body: counts what is read."""

    status = 200
    headers: dict[str, str] = {}  # noqa: RUF012

    def __init__(self) -> None:
        self.consumed = 0

    def read(self, amount: int | None = None) -> bytes:
        if self.consumed >= 16 * 1024 * 1024:
            return b""  # ends after all, so a reader without a limit fails the test instead of hanging it
        chunk = b"x" * (amount or 1024)
        self.consumed += len(chunk)
        return chunk


def test_body_without_length_stops_reading_at_the_limit() -> None:
    response = _Endless()
    with pytest.raises(binance_spot.ResponseTooLargeException):
        read_body(response, 1024 * 1024)
    assert response.consumed <= 1024 * 1024 + 64 * 1024


def test_connection_refused(config: binance_spot.Configuration) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config.host = f"http://127.0.0.1:{port}"
    config.retries = 0
    with binance_spot.ApiClient(config) as client:
        with pytest.raises(binance_spot.ApiConnectionError) as caught:
            binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    error = caught.value
    assert error.status is None and not isinstance(error, binance_spot.ApiTimeoutError)
    assert isinstance(error.__cause__, Exception)
    assert str(error).startswith("POST /sapi/v1/userDataStream: no answer (NewConnectionError")


@pytest.mark.parametrize("kind", ["reset", "close", "hang"])
def test_network_failures_keep_their_cause(
    once: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, kind: str
) -> None:
    server.add_fault(kind)
    with pytest.raises(binance_spot.ApiConnectionError) as caught:
        api.sapi_v1_user_data_stream_post(_request_timeout=0.3)
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, Exception)
    assert not isinstance(caught.value.__cause__, exceptions.OpenApiException)
    assert len(server.requests) == 1


def test_used_weight_matches_the_server_headers(
    client: binance_spot.ApiClient, api: binance_spot.MarginStreamApi
) -> None:
    assert client.used_weight == (None, None)
    for expected in (1, 2, 3):
        _, status, headers = api.sapi_v1_user_data_stream_post_with_http_info()
        assert status == 200
        assert client.used_weight.uid == int(headers["X-SAPI-USED-UID-WEIGHT-1M"]) == expected
        assert client.used_weight.ip == int(headers["X-SAPI-USED-IP-WEIGHT-1M"]) == 0  # read: not None; UID only


def test_used_weight_after_an_error(client: binance_spot.ApiClient, api: binance_spot.MarginStreamApi) -> None:
    api.sapi_v1_user_data_stream_post()
    with pytest.raises(binance_spot.BadRequestException) as caught:
        api.sapi_v1_user_data_stream_put("gone")
    assert caught.value.headers is not None
    assert caught.value.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "2"


def test_tls_failure_is_a_connection_error_and_not_retried(
    config: binance_spot.Configuration, server: BinanceServer
) -> None:
    config.host = server.url.replace("http://", "https://")  # TLS to a plain-http server
    config.retries = urllib3.util.Retry(3, backoff_factor=0.01)
    with binance_spot.ApiClient(config) as client:
        with pytest.raises(binance_spot.ApiConnectionError) as caught:
            binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    assert isinstance(caught.value.__cause__, urllib3.exceptions.SSLError)
    assert server.connections_opened == 1  # a TLS failure will not heal by retrying
    assert server.requests == []


def test_every_exception_of_the_package_hangs_under_one_root() -> None:
    import inspect

    import binance_spot.exceptions as exceptions
    import binance_spot.stream as stream

    classes = [c for m in (exceptions, stream) for _, c in inspect.getmembers(m, inspect.isclass)]
    errors = [c for c in classes if issubclass(c, BaseException)]
    assert len(errors) >= 25
    assert all(issubclass(c, exceptions.OpenApiException) for c in errors), [
        c for c in errors if not issubclass(c, exceptions.OpenApiException)
    ]
    assert issubclass(stream.EventFieldError, ValueError)  # an `except ValueError` keeps catching it
