# ruff: noqa: F811
"""The sync stream's own transport (``stream/_connection.py``: websockets' sans-I/O protocol on
a socket read by the caller) against raw TCP peers on 127.0.0.1 that play the server frame by
frame and record what the client sent, and a TLS relay in front of the local Binance. CI runs
this file on websockets 13.0 and on the newest allowed version.
"""

import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_server_attacks import recv_exact
from test_stream import FAST, balance
from test_stream_attacks import client, server  # noqa: F401
from test_stream_hardening import handshake, raw_peer, text_frame

from binance_spot.stream import MarginUserDataStream, StreamConnectionError
from binance_spot.stream._connection import Closed, Connection, dial
from binance_spot.stream._sources import WEBSOCKETS_LOGGER
from binance_spot.testing import BinanceServer

SECRET = "Zq7LISTENKEYvalue0123456789abcdefghijklmnopqrstuvwx"


def frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    assert len(payload) < 126
    return bytes([(0x80 if fin else 0) | opcode, len(payload)]) + payload


def read_frame(conn: socket.socket) -> tuple[int, bytes]:
    """One masked client frame (opcode, payload); (-1, b"") at the end of the stream."""

    try:
        first, second = recv_exact(conn, 2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", recv_exact(conn, 2))[0]
        mask, payload = recv_exact(conn, 4), recv_exact(conn, size)
    except (EOFError, OSError):
        return -1, b""
    return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class Peer:
    """A raw server whose connection ``play`` scripts; ``frames`` is what the client sent after
    the handshake, until it closed its end (``ended``)."""

    def __init__(self, play: Callable[[socket.socket], None], answer: bool = True) -> None:
        self.frames: list[tuple[int, bytes]] = []
        self.first = threading.Event()  # a frame came
        self.ended = threading.Event()

        def serve(conn: socket.socket) -> None:
            if answer:
                handshake(conn)
            else:
                conn.recv(4096)
            threading.Thread(target=play, args=(conn,), daemon=True).start()
            while (received := read_frame(conn))[0] != -1:
                self.frames.append(received)
                self.first.set()
            self.ended.set()

        self.port, self.sockets = raw_peer(serve)

    def connect(self, path: str = "/ws-api/v3", **options: Any) -> Connection:
        url = f"ws://127.0.0.1:{self.port}{path}"
        sock = dial(("127.0.0.1", self.port), 5.0, threading.Event(), lambda sock: True)
        assert sock is not None
        settings = {"open_timeout": 5.0, "close_timeout": 0.2, "logger": WEBSOCKETS_LOGGER, **options}
        ws = Connection(sock, url, **settings)
        ws.handshake()
        return ws


def close_code(payload: bytes) -> int:
    return int(struct.unpack("!H", payload[:2])[0])


def test_fragments_are_joined_pings_answered_and_messages_before_the_peers_close_delivered() -> None:
    def play(conn: socket.socket) -> None:
        conn.sendall(frame(0x1, b'{"a":', fin=False) + frame(0x9, b"live") + frame(0x0, b"1", fin=False))
        conn.sendall(frame(0x0, b"}") + text_frame(b"second") + frame(0x2, b"\x00\x01") + frame(0x8, b"\x03\xe8"))

    peer = Peer(play)
    with peer.connect() as ws:
        assert [ws.recv(5.0), ws.recv(5.0), ws.recv(5.0)] == ['{"a":1}', "second", b"\x00\x01"]
        with pytest.raises(Closed):
            ws.recv(5.0)
    assert peer.ended.wait(5.0)
    assert peer.frames == [(0xA, b"live"), (0x8, b"\x03\xe8")]  # the pong, the close echoed


def test_a_ping_is_answered_by_the_peers_pong_and_its_event_set() -> None:
    def play(conn: socket.socket) -> None:
        assert peer.first.wait(5.0)
        conn.sendall(frame(0xA, b"not ours") + frame(0xA, peer.frames[0][1]) + text_frame(b"after"))

    peer = Peer(play)
    with peer.connect() as ws:
        answered = ws.ping()
        assert not answered.is_set()
        assert ws.recv(5.0) == "after" and answered.is_set()
    assert peer.frames[0][0] == 0x9 and len(peer.frames[0][1]) == 4


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        (frame(0x1, b"\xff\xfe"), 1007),  # text that is not UTF-8
        (bytes([0x81, 127]) + (2**20 + 1).to_bytes(8, "big"), 1009),  # over-size: before its payload
    ],
)
def test_a_bad_frame_fails_the_connection_at_once_with_its_close_code(sent: bytes, code: int) -> None:
    peer = Peer(lambda conn: conn.sendall(sent))
    ws = peer.connect()
    with pytest.raises(Closed):
        ws.recv(5.0)
    assert peer.ended.wait(5.0)
    assert [(opcode, close_code(payload)) for opcode, payload in peer.frames] == [(0x8, code)]


def test_close_waits_for_a_silent_peer_no_longer_than_the_close_timeout() -> None:
    peer = Peer(lambda conn: None)  # reads, never answers the close
    ws = peer.connect(close_timeout=0.3)
    ws.send("last")
    started = time.monotonic()
    ws.close()
    assert 0.25 < time.monotonic() - started < 2.0
    assert peer.ended.wait(5.0)
    assert [(opcode, payload[:4]) for opcode, payload in peer.frames] == [(0x1, b"last"), (0x8, b"\x03\xe8")]
    with pytest.raises(Closed):
        ws.send("after close")


def test_an_unanswered_handshake_times_out_and_closes_the_socket() -> None:
    peer = Peer(lambda conn: None, answer=False)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        peer.connect(open_timeout=0.3)
    assert time.monotonic() - started < 2.0
    assert peer.ended.wait(5.0)


def test_a_refused_handshake_raises_without_the_listen_key() -> None:
    def refuse(conn: socket.socket) -> None:
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    port, _ = raw_peer(refuse)
    sock = dial(("127.0.0.1", port), 5.0, threading.Event(), lambda sock: True)
    assert sock is not None
    ws = Connection(sock, f"ws://127.0.0.1:{port}/ws/{SECRET}", open_timeout=5.0, close_timeout=0.2,
                    logger=WEBSOCKETS_LOGGER)  # fmt: skip
    with pytest.raises(Exception, match="403") as raised:
        ws.handshake()
    assert SECRET not in repr(raised.value) and SECRET not in str(raised.value)
    assert sock.fileno() == -1 and ws.socket.fileno() == -1


def test_frames_leave_without_waiting_for_acks() -> None:
    port, _ = raw_peer(lambda conn: conn.recv(1))
    sock = dial(("127.0.0.1", port), 5.0, threading.Event(), lambda sock: True)
    assert sock is not None
    with sock:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)  # no Nagle delay, as websockets' client


# TLS: a relay that speaks TLS with a certificate of its own, in front of the local Binance ---------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate for 127.0.0.1 (key and certificate in one file)."""
    folder = tmp_path_factory.mktemp("tls")
    pem = folder / "server.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    pem.write_text((folder / "key.pem").read_text() + (folder / "cert.pem").read_text())
    return pem


@pytest.fixture
def tls_relay(server: BinanceServer, certificate: Path) -> Iterator[int]:
    """A port that accepts TLS and relays the plain bytes to ``server``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate)
    target = ("127.0.0.1", int(server.url.rsplit(":", 1)[1]))

    def pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for each in (source, sink):
            each.close()

    def serve(conn: socket.socket) -> None:
        try:
            near = context.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):  # a client that does not trust us
            return
        far = socket.create_connection(target)
        threading.Thread(target=pump, args=(far, near), daemon=True).start()
        pump(near, far)

    port, accepted = raw_peer(serve)
    yield port
    for each in accepted:
        each.close()


def test_wss_reads_events_through_tls_with_the_trusted_certificate(
    server: BinanceServer, client: Any, tls_relay: int, certificate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.parent / "cert.pem"))  # the system's store, made ours
    with MarginUserDataStream(client, ws_url=f"wss://127.0.0.1:{tls_relay}/ws-api/v3", **FAST) as stream:
        server.push_event(balance(7))
        assert stream.get(timeout=5.0).event_time == 7


def test_wss_refuses_a_certificate_it_does_not_trust(client: Any, tls_relay: int) -> None:
    stream = MarginUserDataStream(client, ws_url=f"wss://127.0.0.1:{tls_relay}/ws-api/v3", **FAST)
    with pytest.raises(StreamConnectionError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        stream.start()
    stream.close()
