"""The local server against careless and hostile clients, over raw sockets: limits, timeouts, no tracebacks."""

import io
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from binance_spot.testing import MAX_BODY_BYTES, MAX_CONNECTIONS, MAX_HEAD_BYTES, REQUEST_LOG_SIZE, BinanceServer

POST = b"POST /sapi/v1/userDataStream HTTP/1.1\r\nHost: x\r\nX-MBX-APIKEY: key\r\n"


def address(server: BinanceServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def exchange(server: BinanceServer, data: bytes, timeout: float = 2.0) -> bytes:
    """Send ``data`` on a new connection and read until the server closes it (or ``timeout``)."""
    with socket.create_connection(address(server), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:  # the server may answer and close before reading it all
            pass
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):  # socket.timeout is TimeoutError from 3.10 on
            pass
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.fixture
def quiet(capfd: pytest.CaptureFixture[str]) -> Iterator[None]:
    """Whatever a test sends, the server prints nothing (no traceback) on stderr or stdout."""
    yield
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


@pytest.mark.parametrize(
    ("length", "status"),
    [
        (b"1000000000000000", 413),
        (str(MAX_BODY_BYTES + 1).encode(), 413),
        (b"-5", 400),
        (b"12abc", 400),
        ("²".encode(), 400),
    ],
)
def test_a_body_it_will_not_read_is_refused(server: BinanceServer, quiet: None, length: bytes, status: int) -> None:
    started = time.monotonic()
    answer = exchange(server, POST + b"Content-Length: " + length + b"\r\n\r\n")
    assert status_of(answer) == status
    assert b"Connection: close" in answer
    assert time.monotonic() - started < 1.0
    assert server.requests == []  # refused before it counts as a request
    assert status_of(exchange(server, POST + b"Connection: close\r\n\r\n")) == 200  # and still serving


def test_a_body_at_the_limit_is_read(server: BinanceServer, quiet: None) -> None:
    body = b"x" * MAX_BODY_BYTES
    answer = exchange(server, POST + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    assert status_of(answer) == 200
    assert server.requests[0].body == body


def test_headers_past_the_limit_get_431(server: BinanceServer, quiet: None) -> None:
    headers = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"y" * 400) for i in range(MAX_HEAD_BYTES // 400 + 1))
    assert status_of(exchange(server, POST + headers + b"\r\n")) == 431
    assert server.requests == []


def test_a_request_line_past_the_limit_gets_414(server: BinanceServer, quiet: None) -> None:
    line = b"GET /" + b"a" * MAX_HEAD_BYTES + b" HTTP/1.1\r\n\r\n"
    assert status_of(exchange(server, line)) == 414


def test_headers_under_the_limit_pass(server: BinanceServer, quiet: None) -> None:
    headers = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"y" * 100) for i in range(20))
    assert status_of(exchange(server, POST + headers + b"Connection: close\r\n\r\n")) == 200


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\xff\xfe garbage\r\n\r\n",
        b"GET\r\n\r\n",
        b"POST /sapi/v1/userDataStream HTTP/1.1\r\nno colon here\r\n\r\n",
        b"POST /sapi/v1/userDataStream HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"PUT /sapi/v1/userDataStream?listenKey=%ff%00 HTTP/1.1\r\nX-MBX-APIKEY: \xff\r\n\r\n",
        b"POST /\xff\xfe HTTP/9.9\r\n\r\n",
        b"POST /sapi/v1/userDataStream HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 10000000000000\r\n\r\n",
    ],
)
def test_no_input_makes_a_traceback(server: BinanceServer, quiet: None, data: bytes) -> None:
    answer = exchange(server, data + b"Connection: close\r\n\r\n", timeout=1.0)
    assert b"Traceback" not in answer
    assert status_of(exchange(server, POST + b"Connection: close\r\n\r\n")) == 200


def test_a_silent_connection_is_closed_after_the_timeout() -> None:
    with BinanceServer(connection_timeout=0.2) as server:
        for opening in (b"", b"POST /sapi/v1/userDa"):  # idle, then a request cut mid-line
            started = time.monotonic()
            assert exchange(server, opening, timeout=3.0) == b""
            assert 0.15 < time.monotonic() - started < 1.5


def test_connections_past_the_limit_get_503_and_threads_stay_bounded(wait_for: Callable[..., None]) -> None:
    with BinanceServer(connection_timeout=5.0) as server:
        before = threading.active_count()  # the serve loop's thread is running already
        idle = [socket.create_connection(address(server), timeout=2) for _ in range(MAX_CONNECTIONS)]
        try:
            deadline = time.monotonic() + 10
            while server.connections_opened < MAX_CONNECTIONS and time.monotonic() < deadline:
                time.sleep(0.005)
            assert server.connections_opened == MAX_CONNECTIONS
            answers = [exchange(server, POST + b"\r\n") for _ in range(3)]
            # One thread per connection served, and none for those refused (other tests' daemon
            # threads may end meanwhile, so the count is bounded rather than exact).
            assert threading.active_count() - before <= MAX_CONNECTIONS
        finally:
            for sock in idle:
                sock.close()
        assert [status_of(a) for a in answers] == [503, 503, 503]
        # the slots come back once the server has seen the idle connections close
        wait_for(lambda: status_of(exchange(server, POST + b"Connection: close\r\n\r\n", timeout=3)) == 200)


def test_the_request_log_is_a_ring_buffer() -> None:
    assert REQUEST_LOG_SIZE == 10_000
    with BinanceServer(request_log_size=3) as server:
        for number in range(5):
            exchange(
                server, POST.replace(b"userDataStream", b"userDataStream?n=%d" % number) + b"Connection: close\r\n\r\n"
            )
        assert [r.param("n") for r in server.requests] == ["2", "3", "4"]


@pytest.mark.parametrize("settings", [{"request_log_size": 0}, {"connection_timeout": float("nan")}])
def test_nonsense_server_settings_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(settings))):
        BinanceServer(**settings)  # type: ignore[arg-type]


def test_stop_is_immediate() -> None:
    took = []
    for _ in range(5):
        server = BinanceServer().start()
        started = time.monotonic()
        server.stop()
        took.append(time.monotonic() - started)
    # socketserver's poll made each stop wait up to 50 ms (4 of 5 under 20 ms: 1 time in 11);
    # one stop delayed by a busy machine is not the poll
    assert sum(t < 0.02 for t in took) >= 4, took


def test_the_access_log_has_one_line_per_request_with_secrets_masked(server: BinanceServer) -> None:
    log = io.StringIO()
    with BinanceServer(access_log=log) as logged:
        exchange(logged, b"PUT /sapi/v1/userDataStream?listenKey=SECRETKEY HTTP/1.1\r\nConnection: close\r\n\r\n")
        logged.add_fault("close")
        exchange(logged, POST + b"\r\n")
    lines = log.getvalue().splitlines()
    assert len(lines) == 2
    assert "PUT /sapi/v1/userDataStream?listenKey=***" in lines[0] and lines[0].endswith(" 401")
    assert "SECRETKEY" not in log.getvalue()
    assert lines[1].endswith("- (fault close)")
