"""A WebSocket client connection read by whoever calls ``recv()``: ``websockets``' sans-I/O
``ClientProtocol`` on a socket, with no thread of its own.

``websockets``' sync client reads in a background thread and hands every message to
``recv()`` through a lock and a queue. A stream's consumer already waits in ``get()`` on a
thread of its own, so that thread reads the socket here instead: one ``recv`` system call
for as many frames as have arrived, parsed by ``websockets``, and no hand-over per message.

One thread at a time (the sync driver's lock decides which); another thread may only shut
the socket down (``SyncStream.close()``), which ends a read or a write in progress.
"""

import errno
import os
import selectors
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from logging import Logger
from random import getrandbits
from typing import Any

__all__ = ["MAX_SIZE", "Closed", "Connection", "dial"]

#: The largest message (``websockets``' default): a frame announcing more fails the connection.
MAX_SIZE = 2**20
#: Bytes asked of the socket per read: a burst of events arrives in a few reads.
CHUNK = 65536
#: What a non-blocking plain or TLS socket raises when it has nothing to give or no room.
WOULD_BLOCK = (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError)
#: ``connect_ex`` on a non-blocking socket: the connection is on its way.
PENDING = (errno.EINPROGRESS, errno.EAGAIN, errno.EALREADY)
#: How often a connection attempt looks at ``closing``.
POLL = 0.05


class Closed(Exception):
    """The connection is closed: by either side, lost, or given up (an over-size frame)."""


def dial(
    address: tuple[str, int], timeout: float, closing: threading.Event, keep: Callable[[socket.socket], bool]
) -> socket.socket | None:
    """A TCP connection to ``address`` within ``timeout``, given up within ``POLL`` once
    ``closing`` is set (None). ``keep(sock)`` hands each socket to whoever may cut it before it
    is returned; False means closing (the socket is closed here)."""
    deadline = time.monotonic() + timeout
    error: OSError = OSError("no address")
    for family, kind, proto, _, target in socket.getaddrinfo(*address, type=socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        code = sock.connect_ex(target)
        with selectors.DefaultSelector() as writable:  # not select(): any descriptor number
            writable.register(sock, selectors.EVENT_WRITE)
            while code in PENDING:
                if closing.is_set() or time.monotonic() >= deadline:
                    break
                if writable.select(POLL):
                    code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code == 0 and keep(sock):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # a pong or a close goes out at once
            return sock
        sock.close()
        if closing.is_set():
            return None
        error = TimeoutError("timed out connecting") if code in PENDING else OSError(code, os.strerror(code))
    raise error


class Connection:
    """A client connection on the connected TCP socket ``sock`` to ``url`` (TLS for ``wss://``
    with the system's CAs and the host name checked, as ``websockets``' own client does).

    Making one does no I/O: the caller can register ``socket`` (a TLS socket replaces the TCP
    one) to shut it down before ``handshake()`` starts. ``open_timeout`` bounds the handshake
    and any write that finds no room; ``close_timeout`` the closing handshake.
    """

    def __init__(self, sock: socket.socket, url: str, *, open_timeout: float, close_timeout: float, logger: Logger):
        from websockets.client import ClientProtocol
        from websockets.extensions.permessage_deflate import enable_client_permessage_deflate
        from websockets.frames import Frame, Opcode
        from websockets.protocol import State
        from websockets.uri import parse_uri

        try:
            uri = parse_uri(url)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, True)
            sock.setblocking(False)
            if uri.secure:
                context = ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=uri.host, do_handshake_on_connect=False)
            self._selector = selectors.DefaultSelector()  # not select(): any descriptor number
            self._selector.register(sock, selectors.EVENT_READ)
        except BaseException:
            sock.close()
            raise
        self.socket = sock
        # The same offer as websockets' own client (compression, if the server wants it).
        extensions = enable_client_permessage_deflate(None)
        self.protocol = ClientProtocol(uri, extensions=extensions, max_size=MAX_SIZE, logger=logger)
        self._open_timeout, self._close_timeout = open_timeout, close_timeout
        #: Messages read and not yet taken: ``recv()`` returns them without a system call.
        self.messages: deque[str | bytes] = deque()
        self._fragments: list[Any] = []  # the frames of a message still arriving
        self._pings: dict[bytes, threading.Event] = {}  # unanswered, oldest first
        self._done = False  # the socket is closed
        self._ops, self._frame_type = (Opcode.TEXT, Opcode.BINARY, Opcode.CONT, Opcode.PONG), Frame
        self._states = State.CONNECTING, State.OPEN

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def handshake(self) -> None:
        """TLS (for ``wss://``) and the opening handshake, within ``open_timeout``; on failure
        the socket is closed and the reason raised (never with the URL)."""
        from websockets.http11 import USER_AGENT

        deadline = time.monotonic() + self._open_timeout
        try:
            if isinstance(self.socket, ssl.SSLSocket):
                self._tls(deadline)
            request = self.protocol.connect()
            request.headers["User-Agent"] = USER_AGENT
            self.protocol.send_request(request)
            self._flush()
            while self.protocol.state is self._states[0] and self.protocol.handshake_exc is None:
                if self._done:
                    raise Closed("the connection closed during the opening handshake")
                if not self._read(deadline):
                    raise TimeoutError("timed out during the opening handshake")
            if self.protocol.handshake_exc is not None:
                raise self.protocol.handshake_exc
        except BaseException:
            self._shut()
            raise

    def _tls(self, deadline: float) -> None:
        sock: Any = self.socket
        while True:
            try:
                sock.do_handshake()
                return
            except ssl.SSLWantReadError:
                ready = self._wait(selectors.EVENT_READ, deadline)
            except ssl.SSLWantWriteError:
                ready = self._wait(selectors.EVENT_WRITE, deadline)
            if not ready:
                raise TimeoutError("timed out during the TLS handshake")

    def recv(self, timeout: float) -> str | bytes:
        """The next message (``str`` for text); ``TimeoutError`` when none came within
        ``timeout`` s, ``Closed`` once the connection ended and every message was taken."""
        return self.received(timeout).popleft()

    def received(self, timeout: float) -> "deque[str | bytes]":
        """``messages`` once it holds one at least (waiting as ``recv`` does): the caller takes
        as many as it wants from the left, the rest are the next call's."""
        messages = self.messages
        if messages:
            return messages
        deadline = time.monotonic() + timeout
        while not messages:
            if self._done:
                raise Closed("the connection is closed")
            if not self._read(deadline):
                raise TimeoutError(f"no message within {timeout} s")
        return messages

    def send(self, text: str) -> None:
        """Send a text message."""
        if self._done or self.protocol.state is not self._states[1]:
            raise Closed("the connection is closed")
        self.protocol.send_text(text.encode())
        self._flush()

    def ping(self) -> threading.Event:
        """Send a ping; the event is set once it (or a later one) is answered."""
        if self._done or self.protocol.state is not self._states[1]:
            raise Closed("the connection is closed")
        data = getrandbits(32).to_bytes(4, "big")
        answered = self._pings[data] = threading.Event()
        self.protocol.send_ping(data)
        self._flush()
        return answered

    def close(self) -> None:
        """The closing handshake, waiting at most ``close_timeout`` for the peer's answer, then
        the socket is closed (at once when the connection already ended)."""
        try:
            if not self._done and self.protocol.state is self._states[1]:
                self.protocol.send_close(1000)
                self._flush()
                deadline = time.monotonic() + self._close_timeout
                while not self._done and self._read(deadline):
                    pass
        except (OSError, Closed):  # lost meanwhile: nothing to wait for
            pass
        finally:
            self._shut()

    def _read(self, deadline: float) -> bool:
        """Read what has arrived (waiting for it until ``deadline``) and parse it: messages are
        queued, pings and closes answered; False if nothing came in time."""
        while True:
            try:
                data = self.socket.recv(CHUNK)
                break
            except WOULD_BLOCK:
                if not self._wait(selectors.EVENT_READ, deadline):
                    return False
            except OSError:  # reset, or shut down under us
                data = b""
                break
        protocol = self.protocol
        if data:
            protocol.receive_data(data)
        else:
            protocol.receive_eof()
        frame_type, text = self._frame_type, self._ops[0]
        for event in protocol.events_received():
            if type(event) is not frame_type:  # the handshake's response
                continue
            if event.opcode is text and event.fin and not self._fragments:  # the common case, inline
                try:
                    self.messages.append(str(event.data, "utf-8"))
                    continue
                except UnicodeDecodeError:
                    pass  # _frame fails the connection
            self._frame(event)
        self._flush()
        if not data or protocol.state not in self._states:  # closed by the peer, or failed by us
            self._shut()
        return True

    def _frame(self, frame: Any) -> None:
        text, binary, cont, pong = self._ops
        opcode = frame.opcode
        if opcode is text or opcode is binary or opcode is cont:
            if not frame.fin:
                self._fragments.append(frame)
                return
            if self._fragments:
                first, data = self._fragments[0], b"".join([*(f.data for f in self._fragments), frame.data])
                opcode, self._fragments = first.opcode, []
            else:
                data = frame.data
            if opcode is binary:
                self.messages.append(bytes(data))
                return
            try:
                self.messages.append(str(data, "utf-8"))
            except UnicodeDecodeError:
                self.protocol.fail(1007, "invalid UTF-8")  # websockets' rule: the connection fails
        elif opcode is pong:
            self._answered(bytes(frame.data))

    def _answered(self, data: bytes) -> None:
        if data in self._pings:  # a pong answers its ping and every earlier one
            for key in list(self._pings):
                self._pings.pop(key).set()
                if key == data:
                    break

    def _flush(self) -> None:
        """Write what the protocol has to send (a pong, a close, a message)."""
        for data in self.protocol.data_to_send():
            if data:
                self._write(data)
            else:  # the protocol's end of stream: the socket closes next anyway
                try:
                    self.socket.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        deadline = time.monotonic() + self._open_timeout
        while view:
            try:
                view = view[self.socket.send(view) :]
            except WOULD_BLOCK:
                if not self._wait(selectors.EVENT_WRITE, deadline):
                    raise Closed("the peer reads nothing: a write found no room") from None
            except OSError as exc:
                raise Closed("the connection was lost while sending") from exc

    def _wait(self, events: int, deadline: float) -> bool:
        """Wait until the socket is readable or writable; False at ``deadline``."""
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if events == selectors.EVENT_READ:
            return bool(self._selector.select(left))
        with selectors.DefaultSelector() as writable:
            writable.register(self.socket, events)
            return bool(writable.select(left))

    def _shut(self) -> None:
        if not self._done:
            self._done = True
            self._selector.close()
            self.socket.close()
