"""The API key and listen keys never leak: not in logs, reprs, exceptions, stdout or reports."""

import http.client
import logging
import traceback
from collections.abc import Iterator

import certifi
import pytest
import urllib3

import binance_spot
from binance_spot.testing import BinanceServer


@pytest.fixture
def debug(config: binance_spot.Configuration) -> Iterator[binance_spot.Configuration]:
    """``debug=True`` for one test; the package logger is process-wide, so restore it after."""
    package_logger = logging.getLogger("binance_spot")
    level = package_logger.level
    config.debug = True
    yield config
    config.debug = False
    package_logger.setLevel(level)  # debug=False leaves WARNING, which would hide INFO from later tests


def leaks(text: str, *secrets: str) -> list[str]:
    return [secret for secret in secrets if secret in text]


def test_debug_logs_nothing_secret(
    debug: binance_spot.Configuration,
    api: binance_spot.MarginStreamApi,
    server: BinanceServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    api_key: str,
) -> None:
    caplog.set_level(logging.DEBUG)  # the root: urllib3 and every other logger too
    caplog.set_level(logging.DEBUG, logger="urllib3")
    key = api.sapi_v1_user_data_stream_post().listen_key
    api.sapi_v1_user_data_stream_put(key)
    server.add_fault("status", status=503, method="DELETE")
    api.sapi_v1_user_data_stream_delete(key)
    with pytest.raises(binance_spot.BadRequestException):
        api.sapi_v1_user_data_stream_put(key)
    assert [r.param("listenKey") for r in server.requests] == [None, key, key, key, key]

    ours = [r for r in caplog.records if r.name == "binance_spot" and r.levelno == logging.DEBUG]
    assert ours, "debug=True must log the requests and responses"
    assert any(r.name.startswith("urllib3") for r in caplog.records)
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert "listenKey=***" in logged
    assert leaks(logged, api_key, key) == []
    out, err = capsys.readouterr()
    assert out == ""
    assert leaks(err, api_key, key) == []


def test_debug_never_touches_http_client(
    debug: binance_spot.Configuration, api: binance_spot.MarginStreamApi, capsys: pytest.CaptureFixture[str]
) -> None:
    assert http.client.HTTPConnection.debuglevel == 0
    assert urllib3.connection.HTTPConnection.debuglevel == 0
    api.sapi_v1_user_data_stream_post()
    assert http.client.HTTPConnection.debuglevel == 0
    assert urllib3.connection.HTTPConnection.debuglevel == 0
    assert capsys.readouterr().out == ""


def test_logger_file_is_redacted(
    config: binance_spot.Configuration,
    api: binance_spot.MarginStreamApi,
    tmp_path: "pytest.TempPathFactory",
    api_key: str,
) -> None:
    path = str(tmp_path / "client.log")  # type: ignore[operator]
    config.logger_file = path
    config.debug = True
    try:
        key = api.sapi_v1_user_data_stream_post().listen_key
        api.sapi_v1_user_data_stream_put(key)
    finally:
        config.debug = False
        config.logger_file = None
        logging.getLogger("binance_spot").setLevel(logging.NOTSET)
    text = open(path, encoding="utf-8").read()
    assert "/sapi/v1/userDataStream" in text
    assert leaks(text, api_key, key) == []


def test_repr_and_str_show_no_secret(
    config: binance_spot.Configuration, client: binance_spot.ApiClient, api: binance_spot.MarginStreamApi, api_key: str
) -> None:
    config.secret_key = "secret-key-abcdef"
    model = api.sapi_v1_user_data_stream_post()
    key = model.listen_key
    assert key
    texts = [
        repr(config), str(config), config.to_debug_report(),
        repr(client), str(client),
        repr(model), str(model), model.to_str(),
    ]  # fmt: skip
    for text in texts:
        assert leaks(text, api_key, key, "secret-key-abcdef") == [], text
    assert "X-MBX-APIKEY" in config.to_debug_report()  # which keys are set, not their values


def test_exceptions_show_no_secret(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, api_key: str
) -> None:
    config.retries = 0
    key = api.sapi_v1_user_data_stream_post().listen_key
    caught: list[BaseException] = []
    # an error whose body echoes the key, a timeout and a dropped connection on a keyed URL
    server.add_fault("status", status=500, body=f'{{"code":-1000,"msg":"x","listenKey":"{key}"}}', method="PUT")
    server.add_fault("hang", method="DELETE")
    server.add_fault("reset", method="PUT")
    for call in (
        lambda: api.sapi_v1_user_data_stream_put(key),
        lambda: api.sapi_v1_user_data_stream_delete(key, _request_timeout=0.3),
        lambda: api.sapi_v1_user_data_stream_put(key),
    ):
        with pytest.raises(binance_spot.ApiException) as error:
            call()
        caught.append(error.value)
    assert [r.param("listenKey") for r in server.requests[1:]] == [key, key, key]
    for error in caught:
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        assert leaks(str(error) + repr(error) + text, api_key, key) == [], text


# CR/LF would inject headers, C1 controls would reach the wire, non-Latin-1 breaks inside http.client.
@pytest.mark.parametrize(
    "bad", ["\r\nX-Injected: yes", "\n", "\r", "\x00", "\x7f", "\t", "\x85", "\x9b", "\u65e5\u672c", "\u2028"]
)
def test_api_keys_http_cannot_carry_are_refused_unsent(
    config: binance_spot.Configuration, server: BinanceServer, bad: str
) -> None:
    config.api_key["X-MBX-APIKEY"] = f"abcdef{bad}ghijkl"
    with binance_spot.ApiClient(config) as client:
        with pytest.raises(binance_spot.ApiValueError) as caught:
            binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    assert leaks(str(caught.value), "abcdef", "ghijkl", "Injected") == []
    assert server.requests == []
    assert server.connections_opened == 0


@pytest.mark.parametrize("bad", ["\r\nX-Injected: yes", "\n", "\r", "\x00", "\x1b", "\x7f"])
@pytest.mark.parametrize("method", ["put", "delete"])
def test_control_characters_in_a_listen_key_are_refused_unsent(
    api: binance_spot.MarginStreamApi, server: BinanceServer, bad: str, method: str
) -> None:
    call = getattr(api, f"sapi_v1_user_data_stream_{method}")
    with pytest.raises(binance_spot.ApiValueError) as caught:
        call(f"abcdef{bad}ghijkl")
    assert leaks(str(caught.value), "abcdef", "ghijkl", "Injected") == []
    assert server.requests == []
    assert server.connections_opened == 0


def test_control_characters_in_extra_headers_are_refused_unsent(
    api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    with pytest.raises(binance_spot.ApiValueError):
        api.sapi_v1_user_data_stream_post(_headers={"X-Trace": "a\r\nX-MBX-APIKEY: stolen"})
    assert server.requests == []


def plain_http_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.WARNING and "plain http" in r.getMessage()]


def test_api_key_over_plain_http_to_a_remote_host_warns(
    config: binance_spot.Configuration, caplog: pytest.LogCaptureFixture, api_key: str
) -> None:
    caplog.set_level(logging.WARNING)
    config.host = "http://192.0.2.1"  # TEST-NET-1: never answers
    config.retries = 0
    with binance_spot.ApiClient(config) as client:
        with pytest.raises(binance_spot.ApiConnectionError):
            binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post(_request_timeout=0.05)
    (warning,) = plain_http_warnings(caplog)
    assert "192.0.2.1" in warning.getMessage()
    assert api_key not in caplog.text


@pytest.mark.parametrize("loopback", ["127.0.0.1", "localhost"])
def test_plain_http_to_loopback_does_not_warn(
    config: binance_spot.Configuration, server: BinanceServer, caplog: pytest.LogCaptureFixture, loopback: str
) -> None:
    caplog.set_level(logging.WARNING)
    config.host = server.url.replace("127.0.0.1", loopback)
    with binance_spot.ApiClient(config) as client:
        assert binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post().listen_key
    assert plain_http_warnings(caplog) == []
    assert len(server.requests) == 1


def test_tls_is_verified_with_certifi_by_default() -> None:
    with binance_spot.ApiClient(binance_spot.Configuration()) as client:
        settings = client.transport.pool_manager.connection_pool_kw
        assert client.configuration.host.startswith("https://")
    assert settings["cert_reqs"] == "CERT_REQUIRED"
    assert settings["ca_certs"] == certifi.where()


def test_plain_http_warning_comes_with_the_first_keyed_request(
    config: binance_spot.Configuration, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    config.host = "http://192.0.2.1"
    config.retries = 0
    key = config.api_key.pop("X-MBX-APIKEY")
    with binance_spot.ApiClient(config) as client:
        api = binance_spot.MarginStreamApi(client)
        with pytest.raises(binance_spot.ApiConnectionError):
            api.sapi_v1_user_data_stream_post(_request_timeout=0.05)
        assert plain_http_warnings(caplog) == []  # no key, nothing to warn about
        config.api_key["X-MBX-APIKEY"] = key
        for _ in range(2):
            with pytest.raises(binance_spot.ApiConnectionError):
                api.sapi_v1_user_data_stream_post(_request_timeout=0.05)
    assert len(plain_http_warnings(caplog)) == 1  # once per host, not on every call


@pytest.mark.parametrize(
    "text",
    [
        '{"listenKey":"SEC\\"RET"}',  # an escaped quote inside the value
        '{"listenKey": "SECRET", "other": 1}',
        "PUT /sapi/v1/userDataStream?listenKey=SEC%2BRET&x=1",
        '{"token":"SECRET","expirationTime":1}',
    ],
)
def test_redaction_masks_the_whole_value(text: str) -> None:
    from binance_spot._redact import redact_text

    masked = redact_text(text)
    assert "SEC" not in masked
    assert "RET" not in masked
    assert "***" in masked


def test_classic_request_refuses_header_injection_unsent(client: binance_spot.ApiClient, server: BinanceServer) -> None:
    with pytest.raises(binance_spot.ApiValueError) as caught:
        client.request("POST", f"{server.url}/sapi/v1/userDataStream", headers={"X-MBX-APIKEY": "abc\r\nX-Evil: 1"})
    assert "Evil" not in str(caught.value)
    assert server.connections_opened == 0


def test_stream_urls_and_subscribe_requests_are_masked() -> None:
    from binance_spot._redact import redact_text

    key = "6gfdEFq6sRfS2EazEYuuarg0MizWCAd4gkgmBCNCH8hZwxl0qAbiDTOWDbGB"
    assert redact_text(f"'GET /ws/{key} HTTP/1.1' 101") == "'GET /ws/*** HTTP/1.1' 101"
    assert redact_text(f"wss://margin-stream.binance.com/stream?streams={key}") == (
        "wss://margin-stream.binance.com/stream?streams=***"
    )
    subscribe = f'{{"id":"1","method":"userDataStream.subscribe.listenToken","params":{{"listenToken":"{key}"}}}}'
    assert key not in redact_text(subscribe) and "userDataStream.subscribe.listenToken" in redact_text(subscribe)


def test_the_local_servers_access_log_masks_stream_keys() -> None:
    import io
    import socket
    from urllib.parse import urlsplit

    log = io.StringIO()
    with BinanceServer(access_log=log) as server:
        port = urlsplit(server.url).port or 80
        with socket.create_connection(("127.0.0.1", port), 2) as sock:
            sock.sendall(b"GET /ws/SeCrEtRiSkKeY0123456789 HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.recv(4096)
    assert "/ws/***" in log.getvalue() and "SeCrEtRiSkKeY0123456789" not in log.getvalue()
