"""Promises under attack: a trickling server, malformed headers, redirects, lying numbers.

The faults that the local Binance server cannot produce (a status line sent a byte at a
time, a header line urllib3 cannot parse) come from ``RawServer``, a socket server on
127.0.0.1 that runs a function per connection.
"""

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

import binance_spot
from binance_spot.testing import BinanceServer

SECRET_KEY = "SeCrEtLiStEnKeY0123456789"
#: What a loaded machine adds to a bound.
SLACK = 1.0
#: The total bound of one attempt in these tests; reads come faster than its read timeout.
ATTEMPT = 0.5


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each to ``handle``; closes them all at once."""

    def __init__(self, handle: Callable[[socket.socket, threading.Event], None]) -> None:
        self.handle = handle
        self.stopped = threading.Event()
        self.connections = 0
        self.requests: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._open: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        self.requests.append(head)
        try:
            self.handle(conn, self.stopped)
        except OSError:
            pass  # the client gave up: what the tests expect

    def close(self) -> None:
        self.stopped.set()
        self._listener.close()
        for conn in self._open:
            conn.close()


@pytest.fixture
def raw() -> Iterator[Callable[[Callable[[socket.socket, threading.Event], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(handle: Callable[[socket.socket, threading.Event], None]) -> RawServer:
        servers.append(RawServer(handle))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def trickle(prefix: bytes, then: bytes) -> Callable[[socket.socket, threading.Event], None]:
    """Send ``prefix`` at once, then ``then`` a byte every 20 ms, for at most 8 s."""

    def handle(conn: socket.socket, stopped: threading.Event) -> None:
        conn.sendall(prefix)
        deadline = time.monotonic() + 8
        for byte in then * 1000:
            if stopped.wait(0.02) or time.monotonic() > deadline:
                return
            conn.sendall(bytes([byte]))

    return handle


def client_for(url: str, retries: int = 0) -> binance_spot.MarginStreamApi:
    config = binance_spot.Configuration(host=url, api_key={"X-MBX-APIKEY": "k"})
    config.retries = retries
    config.request_timeout = binance_spot.Timeout(connect=0.5, read=0.25, total=ATTEMPT)
    return binance_spot.MarginStreamApi(binance_spot.ApiClient(config))


CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(
    ("where", "prefix", "then"),
    [
        ("status line", b"", b"HTTP/1.1 200 OK\r\n"),
        ("headers", b"HTTP/1.1 200 OK\r\n", b"X-Pad: " + b"a" * 60),
        ("chunk sizes", CHUNKED, b"000000000000"),
        ("body", b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", b"{"),
    ],
)
def test_a_trickle_anywhere_ends_at_the_attempt_deadline(
    raw: Callable[..., RawServer], where: str, prefix: bytes, then: bytes
) -> None:
    server = raw(trickle(prefix, then))
    api = client_for(server.url)
    started = time.monotonic()
    with pytest.raises(binance_spot.ApiTimeoutError) as caught:
        api.sapi_v1_user_data_stream_post()
    elapsed = time.monotonic() - started
    assert ATTEMPT - 0.05 <= elapsed < ATTEMPT + SLACK, where
    assert server.connections == 1
    assert str(caught.value).count("\n") == 0  # no HTTP answer: one line


def test_the_whole_call_is_bounded_across_retries(raw: Callable[..., RawServer]) -> None:
    server = raw(trickle(b"", b"HTTP/1.1 200 OK\r\n"))
    api = client_for(server.url, retries=2)
    api.api_client.configuration.retries = binance_spot.RetryPolicy(total=2, backoff=0.01, backoff_max=0.01)
    started = time.monotonic()
    with pytest.raises(binance_spot.ApiTimeoutError):
        api.sapi_v1_user_data_stream_post()
    assert time.monotonic() - started < 3 * ATTEMPT + SLACK
    assert server.connections == 3


def test_close_aborts_a_request_in_flight(raw: Callable[..., RawServer], wait_for: Callable[..., None]) -> None:
    server = raw(trickle(b"HTTP/1.1 200 OK\r\n", b"X-Pad: " + b"a" * 60))
    api = client_for(server.url)
    api.api_client.configuration.request_timeout = binance_spot.Timeout(connect=1.0, read=5.0, total=30.0)
    failures: list[BaseException] = []

    def call() -> None:
        try:
            api.sapi_v1_user_data_stream_post()
        except binance_spot.ApiException as exc:
            failures.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    wait_for(lambda: server.requests, timeout=5.0)
    started = time.monotonic()
    api.api_client.close()
    caller.join(5)
    assert not caller.is_alive() and time.monotonic() - started < SLACK
    assert isinstance(failures[0], binance_spot.ApiConnectionError)


def test_no_secret_reaches_any_logger_on_a_malformed_header(
    raw: Callable[..., RawServer], caplog: pytest.LogCaptureFixture
) -> None:
    def malformed(conn: socket.socket, stopped: threading.Event) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nno colon here\r\nContent-Length: 2\r\n\r\n{}"
        )

    server = raw(malformed)
    api = client_for(server.url)
    api.api_client.configuration.secret_key = "s3cr3t-signing-key"
    with caplog.at_level(logging.DEBUG):
        try:
            api.sapi_v1_user_data_stream_put(SECRET_KEY)
        except binance_spot.ApiException:
            pass  # urllib3 versions differ on whether the answer is usable; the log is under test
    messages = [record.getMessage() for record in caplog.records]
    assert any(SECRET_KEY[:6] in request.decode() for request in server.requests)  # it was sent...
    assert any("Failed to parse headers" in m or "listenKey=***" in m for m in messages), messages
    assert not [m for m in messages if SECRET_KEY in m]  # ...and never logged


def test_headers_in_exception_text_are_masked(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    echoed = f"/sapi/v1/userDataStream?listenKey={SECRET_KEY}"
    server.add_fault("status", status=400, headers={"X-Echo": echoed, "Set-Cookie": "session=abc"})
    with pytest.raises(binance_spot.BadRequestException) as caught:
        api.sapi_v1_user_data_stream_put(SECRET_KEY)
    text = str(caught.value)
    assert "X-Echo" in text and "listenKey=***" in text
    assert SECRET_KEY not in text and "session=abc" not in text


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_an_error_and_never_followed(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer, status: int
) -> None:
    config.retries = 3
    server.add_fault("status", status=status, headers={"Location": "http://127.0.0.2:1/steal"})
    with pytest.raises(binance_spot.RedirectException) as caught:
        api.sapi_v1_user_data_stream_put("some-key")
    assert caught.value.status == status
    assert len(server.requests) == 1


def test_a_redirect_with_a_listen_key_body_is_not_a_key(
    api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    server.add_fault("status", status=307, body='{"listenKey": "X"}')
    with pytest.raises(binance_spot.RedirectException):
        api.sapi_v1_user_data_stream_post()


@pytest.mark.parametrize("operation", ["put", "delete"])
def test_an_empty_success_body_is_invalid_for_every_operation(
    api: binance_spot.MarginStreamApi, server: BinanceServer, operation: str
) -> None:
    key = api.sapi_v1_user_data_stream_post().listen_key
    server.add_fault("empty")
    with pytest.raises(binance_spot.InvalidResponseException, match="empty response body"):
        getattr(api, f"sapi_v1_user_data_stream_{operation}")(key)


@pytest.mark.parametrize("value", ["²", "¹²", "12x", "-1", " ", "99999999999999999999999"])
def test_numeric_headers_are_ascii_or_absent(
    config: binance_spot.Configuration,
    api: binance_spot.MarginStreamApi,
    client: binance_spot.ApiClient,
    server: BinanceServer,
    value: str,
) -> None:
    config.retries = 0
    server.add_fault("status", status=429, headers={"Retry-After": value, "X-SAPI-USED-UID-WEIGHT-1M": value})
    with pytest.raises(binance_spot.RateLimitedException) as caught:
        api.sapi_v1_user_data_stream_post()
    assert caught.value.retry_after is None
    server.add_fault("status", status=400, headers={"X-SAPI-USED-UID-WEIGHT-1M": value})
    with pytest.raises(binance_spot.BadRequestException) as bad:
        api.sapi_v1_user_data_stream_delete("gone")
    assert bad.value.code is not None
    api.sapi_v1_user_data_stream_post()
    assert client.used_weight.uid is not None
    server.add_fault("status", status=200, body='{"listenKey": "k"}', headers={"X-SAPI-USED-UID-WEIGHT-1M": value})
    api.sapi_v1_user_data_stream_post()
    assert client.used_weight.uid is None


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("request_timeout", float("nan"), "request_timeout must be > 0"),
        ("request_timeout", float("inf"), "request_timeout must be > 0"),
        ("request_timeout", (5, float("inf")), "request_timeout[1] must be > 0"),
        ("request_timeout", (1, float("nan")), "request_timeout[1] must be > 0"),
        ("request_timeout", True, "request_timeout must be a number"),
        ("request_timeout", 10**400, "request_timeout must be at most 3600 seconds"),
        ("recv_window", True, "recv_window must be a whole number"),
        ("recv_window", 0, "recv_window must be a whole number"),
        ("retries", "3", "retries must be a whole number, a RetryPolicy or a urllib3 Retry, got str"),
        ("retries", 3.0, "retries must be a whole number"),
        ("max_retry_wait", float("nan"), "max_retry_wait must be >= 0"),
        ("max_retry_time", -1, "max_retry_time must be >= 0"),
        ("max_body_size", 0, "max_body_size must be a whole number"),
        ("host", "http://127.0.0.1:8080 /x", "host is not a valid URL"),
        ("host", "http://127.0.0.1/a b", "host must be a plain URL"),
        ("host", "http://127.0.0.1:99999", "host is not a valid URL"),
        ("host", "http://[::1", "host is not a valid URL"),
        ("host", "127.0.0.1:8080", "host must be an http:// or https:// URL"),
        ("host", "ftp://x", "host must be an http:// or https:// URL"),
        ("host", "file:///etc/passwd", "host must be an http:// or https:// URL"),
        ("host", "http://user:SECRETPW@127.0.0.1:1", "host must not contain user info"),
    ],
)
def test_settings_are_checked_when_set(setting: str, value: object, words: str) -> None:
    config = binance_spot.Configuration()
    before = getattr(config, setting)
    with pytest.raises(binance_spot.ApiValueError) as caught:
        setattr(config, setting, value)
    assert str(caught.value).startswith(words)
    assert "SECRETPW" not in str(caught.value)
    assert getattr(config, setting) == before


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({"X-Bad\r\nInjected": "v"}, "header name 'X-Bad\\r\\nInjected' is not an HTTP token"),
        ({"X-Ok": "a\r\nInjected: 1"}, "header X-Ok contains a control"),
        ({"X-Ok": b"bytes"}, "header X-Ok must be a str, got bytes"),
        ({"": "v"}, "header name '' is not an HTTP token"),
        ({"Content-Length": "99"}, "header Content-Length is set by the transport"),
        ({"X-Ok": "1", "host": "evil.example"}, "header host is set by the transport"),
        ({"Transfer-Encoding": "chunked"}, "header Transfer-Encoding is set by the transport"),
    ],
)
def test_bad_extra_headers_are_refused_before_sending(
    api: binance_spot.MarginStreamApi, server: BinanceServer, headers: dict[str, object], words: str
) -> None:
    with pytest.raises(binance_spot.ApiValueError) as caught:
        api.sapi_v1_user_data_stream_post(_headers=headers)
    assert str(caught.value).startswith(words)
    assert server.requests == []


def test_unsupported_urllib3_retry_fields_are_named() -> None:
    import urllib3

    config = binance_spot.Configuration()
    with pytest.raises(binance_spot.ApiValueError, match="fields status_forcelist, allowed_methods are not"):
        config.retries = urllib3.Retry(2, status_forcelist=[500], allowed_methods=["GET"])
    config.retries = urllib3.Retry(2, backoff_factor=0.1)
    assert (config.retries.total, config.retries.backoff) == (2, 0.1)


def test_binance_host_is_the_default_host(monkeypatch: pytest.MonkeyPatch, server: BinanceServer) -> None:
    monkeypatch.setenv("BINANCE_HOST", server.url + "/")
    config = binance_spot.Configuration(api_key={"X-MBX-APIKEY": "k"})
    assert config.host == server.url
    with binance_spot.ApiClient(config) as client:
        assert binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post().listen_key in server.listen_keys
        assert client.rest_client.pool_manager is client.transport.pool_manager  # type: ignore[attr-defined]
    assert binance_spot.Configuration(host="https://api.binance.com").host == "https://api.binance.com"
    monkeypatch.setenv("BINANCE_HOST", "api.binance.com")
    with pytest.raises(binance_spot.ApiValueError, match="BINANCE_HOST must be an http:// or https:// URL"):
        binance_spot.Configuration()
    assert binance_spot.Configuration(host=server.url).host == server.url  # an explicit host wins, unchecked env
    monkeypatch.delenv("BINANCE_HOST")
    assert binance_spot.Configuration().host == "https://api.binance.com"


def test_headers_that_are_not_a_mapping_are_refused(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    with pytest.raises(
        binance_spot.ApiTypeError, match="_headers must be a mapping of header names to values, got str"
    ):
        api.sapi_v1_user_data_stream_post(_headers="x")
    assert server.requests == []


def test_no_answer_makes_retries_faster_than_the_floor(
    config: binance_spot.Configuration, api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    from binance_spot._backoff import MIN_DELAY

    config.retries = binance_spot.RetryPolicy(total=5, backoff=0.0)
    server.add_fault("status", times=6, status=429, headers={"Retry-After": "0"})
    started = time.monotonic()
    with pytest.raises(binance_spot.RateLimitedException):
        api.sapi_v1_user_data_stream_post()
    assert len(server.requests) == 6
    assert time.monotonic() - started >= 5 * MIN_DELAY
