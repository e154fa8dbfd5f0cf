"""The local server's WebSocket side and request heads against hostile clients, over raw sockets.

Each test plays a client the websockets library would never be: one that stops reading,
trickles bytes, floods fragments, sends a broken handshake or never answers a ping.
"""

import base64
import http.client
import json
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from binance_spot.testing import BinanceServer

WaitFor = Callable[..., None]
KEY = "test-api-key_0123456789"


def address(server: BinanceServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def risk_key(server: BinanceServer) -> str:
    connection = http.client.HTTPConnection(*address(server), timeout=5)
    connection.request("POST", "/sapi/v1/margin/listen-key", headers={"X-MBX-APIKEY": KEY})
    key: str = json.loads(connection.getresponse().read())["listenKey"]
    connection.close()
    return key


def handshake(server: BinanceServer, path: str, key: bytes | None = None, rcvbuf: int = 0) -> socket.socket:
    """A raw socket that sent an opening handshake for ``path`` (the answer is not read)."""
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(5)
    sock.connect(address(server))
    key = key or base64.b64encode(os.urandom(16))
    sock.sendall(
        b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    return sock


def read_head(sock: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            break
        head += chunk
    return head


def connect(server: BinanceServer, path: str, rcvbuf: int = 0) -> socket.socket:
    sock = handshake(server, path, rcvbuf=rcvbuf)
    assert read_head(sock).startswith(b"HTTP/1.1 101")
    return sock


def frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    """A masked client frame."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        length = struct.pack("!B", 0x80 | size)
    elif size < 1 << 16:
        length = struct.pack("!BH", 0x80 | 126, size)
    else:
        length = struct.pack("!BQ", 0x80 | 127, size)
    key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
    masked = (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")
    return struct.pack("!B", (0x80 if fin else 0) | opcode) + length + mask + masked


def recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    first, second = recv_exact(sock, 2)
    size = second & 0x7F
    if size == 126:
        (size,) = struct.unpack("!H", recv_exact(sock, 2))
    elif size == 127:
        (size,) = struct.unpack("!Q", recv_exact(sock, 8))
    return first & 0x0F, recv_exact(sock, size)


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server ended the connection (close frame or EOF), reading what it sent."""
    try:
        while True:
            opcode, _ = read_frame(sock)
            if opcode == 0x8:
                return True
    except (EOFError, ConnectionResetError):
        return True
    except TimeoutError:
        return False


@pytest.fixture
def quiet(capfd: pytest.CaptureFixture[str]) -> Iterator[None]:
    """Whatever a test sends, the server prints nothing (no traceback)."""
    yield
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_a_client_that_never_reads_is_dropped_and_others_are_served(server: BinanceServer, quiet: None) -> None:
    key = risk_key(server)
    stuck = connect(server, f"/ws/{key}", rcvbuf=4096)  # never reads from here on
    event = {"e": "marginLevelStatusChange", "E": 1, "pad": "x" * 65536}
    done = threading.Event()

    def pushes() -> None:
        for _ in range(200):  # 13 MB: far more than the stuck client's socket buffers hold
            server.push_risk_event(event)
        done.set()

    threading.Thread(target=pushes, daemon=True).start()
    assert done.wait(5), "push_risk_event blocked on a client that does not read"
    with connect(server, f"/ws/{key}") as other:  # another client's handshake goes through
        assert server.push_risk_event({"e": "marginLevelStatusChange", "E": 2}) == 1  # the stuck one is gone
        assert json.loads(read_frame(other)[1])["E"] == 2
    stuck.close()


def test_logs_are_bounded_by_bytes(clock: object, quiet: None) -> None:
    with BinanceServer(clock=clock, log_bytes=3 << 20) as server:  # type: ignore[arg-type]
        body = b"x" * (1 << 20)
        for number in range(6):
            connection = http.client.HTTPConnection(*address(server), timeout=5)
            connection.request("POST", f"/sapi/v1/userDataStream?n={number}", body=body, headers={"X-MBX-APIKEY": KEY})
            connection.getresponse().read()
            connection.close()
        kept = server.requests
        assert 1 <= len(kept) <= 3 and kept[-1].query == "n=5"
        with connect(server, "/ws-api/v3") as sock:
            for number in range(6):
                sock.sendall(frame(0x1, json.dumps({"n": number, "pad": "y" * 900_000}).encode()))
                read_frame(sock)  # the error answer: the message was handled
            messages = server.stream_messages
        assert 1 <= len(messages) <= 3 and messages[-1].message["n"] == 5


def test_endless_fragments_are_cut_quickly(server: BinanceServer, quiet: None) -> None:
    with connect(server, "/ws-api/v3") as sock:
        started = time.monotonic()
        first = frame(0x1, b"[", fin=False)
        empty = frame(0x0, b"", fin=False)
        try:
            sock.sendall(first + empty * 40_000)  # zero-length fragments add nothing to the size
        except OSError:
            pass  # the server closed the connection before reading it all
        assert closed_by_server(sock)
        assert time.monotonic() - started < 2.0
    assert server.stream_messages == []


def test_a_fragmented_message_is_reassembled(server: BinanceServer, quiet: None) -> None:
    with connect(server, "/ws-api/v3") as sock:
        text = json.dumps({"method": "session.subscriptions", "id": 7, "pad": "z" * 100_000}).encode()
        pieces = [text[i : i + 1000] for i in range(0, len(text), 1000)]
        sock.sendall(b"".join(frame(0x0 if i else 0x1, p, fin=i == len(pieces) - 1) for i, p in enumerate(pieces)))
        assert json.loads(read_frame(sock)[1]) == {"id": 7, "status": 200, "result": []}


def test_a_non_ascii_websocket_key_is_400_and_not_registered(server: BinanceServer, quiet: None) -> None:
    key = risk_key(server)
    with handshake(server, f"/ws/{key}", key="é".encode("latin-1") * 24) as sock:
        assert read_head(sock).startswith(b"HTTP/1.1 400")
    assert server.push_risk_event({"e": "marginLevelStatusChange", "E": 1}) == 0


def test_deeply_nested_json_gets_binances_error(server: BinanceServer, quiet: None) -> None:
    with connect(server, "/ws-api/v3") as sock:
        sock.sendall(frame(0x1, b"[" * 200_000))
        answer = json.loads(read_frame(sock)[1])
        assert answer["status"] == 400 and answer["error"]["code"] == -1000


def test_a_peer_that_does_not_answer_pings_is_dropped(server: BinanceServer, wait_for: WaitFor, quiet: None) -> None:
    server.stream_ping_interval, server.stream_pong_timeout = 0.05, 0.3
    key = risk_key(server)
    with connect(server, f"/ws/{key}") as silent, connect(server, f"/ws/{key}") as alive:
        deadline = time.monotonic() + 1.0
        pings = 0
        while time.monotonic() < deadline:  # ``alive`` answers every ping for a second
            opcode, payload = read_frame(alive)
            assert opcode == 0x9
            pings += 1
            alive.sendall(frame(0xA, payload))
        assert pings >= 3
        silent.settimeout(0.5)
        assert read_frame(silent)[0] == 0x9  # pinged, never answered: then cut
        assert closed_by_server(silent)
        assert server.push_risk_event({"e": "marginLevelStatusChange", "E": 1}) == 1


TRICKLED = {
    "head": b"GET /sapi/v1/userDataStream HTTP/1.1\r\n" + b"X-Filler: " + b"y" * 200,
    "body": b"POST /sapi/v1/userDataStream HTTP/1.1\r\nContent-Length: 500\r\n\r\n" + b"z" * 500,
}


@pytest.mark.parametrize("part", TRICKLED)
def test_a_trickled_request_is_bounded_as_a_whole(clock: object, quiet: None, part: str) -> None:
    with BinanceServer(clock=clock, connection_timeout=0.5) as server:  # type: ignore[arg-type]
        with socket.create_connection(address(server), timeout=5) as sock:
            started = time.monotonic()
            head, body = TRICKLED[part].split(b"\r\n\r\n", 1) if part == "body" else (b"", TRICKLED[part])
            if head:
                sock.sendall(head + b"\r\n\r\n")
            cut = False
            for byte in body:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    cut = True
                    break
                sock.settimeout(0.1)  # a byte every 0.1 s, unless the server hangs up first
                try:
                    if sock.recv(1024) == b"":
                        cut = True
                        break
                except TimeoutError:
                    pass
                except ConnectionResetError:
                    cut = True
                    break
            assert cut
            assert time.monotonic() - started < 1.5
