"""The server side of RFC 6455 on a socket ``http.server`` already accepted: standard library only.

Enough WebSocket for the local Binance: the opening handshake, text/binary messages (also
fragmented), ping/pong and close, no extensions (a client offering compression gets none).
Kept apart from Binance's rules (``streams.py``), which only see whole messages.
"""

import base64
import hashlib
import socket
import struct
import threading
from io import BufferedIOBase

__all__ = ["MAX_MESSAGE", "WebSocketClosed", "WebSocketConnection", "accept_key"]

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#: Larger messages close the connection with 1009 (message too big).
MAX_MESSAGE = 1 << 20
_CONT, _TEXT, _BINARY, _CLOSE, _PING, _PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class WebSocketClosed(Exception):
    """The peer closed the connection, cleanly or not."""


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a client's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + _GUID).digest()).decode("ascii")


def _unmask(payload: bytes, mask: bytes) -> bytes:
    if not payload:
        return payload
    size = len(payload)
    key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")


def _frame(opcode: int, payload: bytes) -> bytes:
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return head + payload


class WebSocketConnection:
    """One server-side WebSocket: ``receive()`` on the handler's thread, ``send()`` from any."""

    def __init__(self, sock: socket.socket, rfile: BufferedIOBase) -> None:
        self.sock = sock
        self._rfile = rfile
        self._write_lock = threading.Lock()
        self.closed = False

    def _read(self, size: int) -> bytes:
        data = self._rfile.read(size)
        if data is None or len(data) < size:
            raise WebSocketClosed("connection closed mid-frame")
        return data

    def _read_frame(self) -> tuple[bool, int, bytes]:
        first, second = self._read(2)
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", self._read(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", self._read(8))
        if size > MAX_MESSAGE:
            self.close(1009, "message too big")
            raise WebSocketClosed("message too big")
        mask = self._read(4) if second & 0x80 else b""
        payload = self._read(size)
        return bool(first & 0x80), first & 0x0F, _unmask(payload, mask) if mask else payload

    def receive(self) -> str | bytes:
        """The next whole message; answers pings and close frames on the way."""
        parts: list[bytes] = []
        kind: int | None = None
        while True:
            try:
                fin, opcode, payload = self._read_frame()
            except (OSError, ValueError) as exc:
                raise WebSocketClosed(str(exc)) from exc
            if opcode == _PING:
                self._send_frame(_PONG, payload)
                continue
            if opcode == _PONG:
                continue
            if opcode == _CLOSE:
                self.close(1000, "")
                raise WebSocketClosed("closed by the client")
            if opcode != _CONT:
                kind, parts = opcode, []
            parts.append(payload)
            if sum(map(len, parts)) > MAX_MESSAGE:
                self.close(1009, "message too big")
                raise WebSocketClosed("message too big")
            if fin:
                data = b"".join(parts)
                return data.decode("utf-8", "replace") if kind == _TEXT else data

    def _write(self, data: bytes) -> None:
        with self._write_lock:
            if self.closed:
                raise WebSocketClosed("already closed")
            try:
                self.sock.sendall(data)
            except OSError as exc:
                self.closed = True
                raise WebSocketClosed(str(exc)) from exc

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        self._write(_frame(opcode, payload))

    def send(self, text: str) -> None:
        self._send_frame(_TEXT, text.encode("utf-8"))

    def send_many(self, texts: list[str]) -> None:
        """Several text messages in one write (the benchmark pushes bursts)."""
        self._write(b"".join(_frame(_TEXT, text.encode("utf-8")) for text in texts))

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Send a close frame (once) and shut the socket down."""
        try:
            self._send_frame(_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")[:120])
        except WebSocketClosed:
            pass
        self.drop()

    def drop(self) -> None:
        """Cut the TCP connection without a close frame, as a network failure would."""
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
