"""The server side of RFC 6455 on a socket ``http.server`` already accepted: standard library only.

Enough WebSocket for the local Binance: the opening handshake, text/binary messages (also
fragmented), ping/pong and close, no extensions (a client offering compression gets none).
Kept apart from Binance's rules (``streams.py``), which only see whole messages.

Writes never block the caller: each connection has a sender thread and an outbox of at most
``MAX_OUTBOX`` bytes, so a client that stops reading is dropped instead of stalling everyone
else's pushes.
"""

import base64
import binascii
import hashlib
import socket
import struct
import threading
import time
from collections import deque
from io import BufferedIOBase

__all__ = ["MAX_FRAGMENTS", "MAX_MESSAGE", "MAX_OUTBOX", "WebSocketClosed", "WebSocketConnection", "accept_key"]

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#: Larger messages close the connection with 1009 (message too big).
MAX_MESSAGE = 1 << 20
#: Frames one message may be split into (empty ones count), then 1009 too.
MAX_FRAGMENTS = 1024
#: Bytes waiting for a client that does not read before the server drops it.
MAX_OUTBOX = 4 << 20
#: Seconds a queued close frame may wait for a client that does not read before the cut.
CLOSE_TIMEOUT = 1.0
_CONT, _TEXT, _BINARY, _CLOSE, _PING, _PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class WebSocketClosed(Exception):
    """The peer closed the connection, cleanly or not."""


def accept_key(key: str) -> str | None:
    """``Sec-WebSocket-Accept`` for a client's ``Sec-WebSocket-Key``; None unless the key is
    what RFC 6455 asks for (16 bytes in base64)."""
    if not (key.isascii() and len(key) == 24):
        return None
    try:
        if len(base64.b64decode(key, validate=True)) != 16:
            return None
    except binascii.Error:
        return None
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
    """One server-side WebSocket: ``receive()`` on the handler's thread, ``send()`` from any.

    Sends are queued until ``start_sending()`` (the handshake answer goes first) and then
    written by the connection's sender thread; ``pong_at`` is when the last pong arrived.
    """

    def __init__(self, sock: socket.socket, rfile: BufferedIOBase) -> None:
        self.sock = sock
        self._rfile = rfile
        self._ready = threading.Condition()
        self._outbox: deque[bytes] = deque()
        self._queued = 0
        self._sender: threading.Thread | None = None
        self.closed = False  # nothing more may be queued
        self._closing_at: float | None = None  # when a close frame was queued
        self.pong_at = time.monotonic()

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
            self._too_big()
        mask = self._read(4) if second & 0x80 else b""
        payload = self._read(size)
        return bool(first & 0x80), first & 0x0F, _unmask(payload, mask) if mask else payload

    def _too_big(self) -> None:
        self.close(1009, "message too big")
        raise WebSocketClosed("message too big")

    def receive(self) -> str | bytes:
        """The next whole message; answers pings and close frames on the way."""
        parts: list[bytes] = []
        size = 0
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
                self.pong_at = time.monotonic()
                continue
            if opcode == _CLOSE:
                self.close(1000, "")
                raise WebSocketClosed("closed by the client")
            if opcode != _CONT:
                kind, parts, size = opcode, [], 0
            parts.append(payload)
            size += len(payload)
            if size > MAX_MESSAGE or len(parts) > MAX_FRAGMENTS:
                self._too_big()
            if fin:
                data = b"".join(parts)
                return data.decode("utf-8", "replace") if kind == _TEXT else data

    def start_sending(self) -> None:
        """The handshake is answered: from now on the sender thread writes the outbox."""
        self._sender = threading.Thread(target=self._send_all, name="BinanceServer-ws-send", daemon=True)
        self._sender.start()

    def _write(self, data: bytes, last: bool = False) -> None:
        """Queue ``data`` (``last``: a close frame); a client with more than ``MAX_OUTBOX``
        bytes unread is dropped."""
        with self._ready:
            if self.closed:
                raise WebSocketClosed("already closed")
            if self._queued + len(data) > MAX_OUTBOX:
                self._drop_locked()
                raise WebSocketClosed("the client does not read: dropped")
            self._outbox.append(data)
            self._queued += len(data)
            if last:
                self.closed, self._closing_at = True, time.monotonic()
            self._ready.notify()

    def _send_all(self) -> None:
        """The sender thread: write the outbox in order; after a close frame, cut the connection."""
        while True:
            with self._ready:
                while not self._outbox and not self.closed:
                    self._ready.wait()
                if not self._outbox:
                    self._drop_locked()
                    return
                data = self._outbox.popleft()
                self._queued -= len(data)
            try:
                self.sock.sendall(data)
            except OSError:
                self.drop()
                return

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        self._write(_frame(opcode, payload))

    def send(self, text: str) -> None:
        self._send_frame(_TEXT, text.encode("utf-8"))

    def send_many(self, texts: list[str]) -> None:
        """Several text messages in one write (the benchmark pushes bursts)."""
        self._write(b"".join(_frame(_TEXT, text.encode("utf-8")) for text in texts))

    def ping(self, payload: bytes) -> None:
        self._send_frame(_PING, payload)

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Queue a close frame (once, after what is queued); the sender cuts the connection after it."""
        try:
            self._write(_frame(_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")[:120]), last=True)
        except WebSocketClosed:
            return
        if self._sender is None:
            self.drop()

    def overdue(self, now: float) -> bool:
        """A close frame has waited ``CLOSE_TIMEOUT`` for a client that does not read."""
        closing_at = self._closing_at
        return closing_at is not None and now - closing_at > CLOSE_TIMEOUT

    def finish(self) -> None:
        """The reader is done: let a queued close frame go out (within ``CLOSE_TIMEOUT``), then
        cut the connection and wait for the sender, so the socket is not closed under it."""
        sender = self._sender
        if sender is not None and self._closing_at is not None:
            sender.join(CLOSE_TIMEOUT)
        self.drop()
        if sender is not None and sender is not threading.current_thread():
            sender.join()

    def drop(self) -> None:
        """Cut the TCP connection without a close frame, as a network failure would."""
        with self._ready:
            self._drop_locked()

    def _drop_locked(self) -> None:
        self.closed = True
        self._outbox.clear()
        self._queued = 0
        self._ready.notify()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
