"""The local server's transport: a serve loop that stops at once, and limits no client can break.

``socketserver.serve_forever`` notices ``shutdown()`` only at its next poll, so every stop
waited up to ``poll_interval``; here a wake-up socket ends the loop immediately. A careless
or hostile client (thousands of idle connections, a 10**15-byte Content-Length, endless
headers) meets the limits a real front end has instead of exhausting threads or memory.
"""

import http.client
import io
import selectors
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: Bytes of a request line plus its headers before the server answers 431 (414 for the line alone).
MAX_HEAD_BYTES = 16 * 1024
#: Bytes of a request body before the server answers 413 without reading it.
MAX_BODY_BYTES = 1024 * 1024
#: Connections served at once (one thread each); more are answered 503 and closed.
MAX_CONNECTIONS = 64
#: Seconds a connection may stay silent (idle between requests, or mid-request) before it is
#: closed; also the bound on the whole wait for a request's line and headers.
CONNECTION_TIMEOUT = 10.0

_BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class _TimedSocket(io.RawIOBase):
    """A socket's reading side whose reads share one deadline while a request head (or body)
    arrives, so a client that trickles a byte at a time cannot restart the timeout with every byte."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self._sock = sock
        self._timeout = timeout
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request head took too long")
            self._sock.settimeout(min(left, self._timeout))
        return self._sock.recv_into(buffer)

    def unbound(self) -> None:
        if self.deadline is not None:
            self.deadline = None
            self._sock.settimeout(self._timeout)


class HeadLimit:
    """Wraps a handler's ``rfile`` so one request's line and headers stay under ``limit`` bytes
    and arrive within ``timeout`` seconds of the wait for them.

    ``http.server`` bounds each line (64 KiB) and the header count (100), not their total;
    exceeding the total raises ``LineTooLong``, which ``http.server`` answers with 431.
    """

    def __init__(self, sock: socket.socket, limit: int, timeout: float) -> None:
        self._timed = _TimedSocket(sock, timeout)
        self._raw = io.BufferedReader(self._timed)
        self._limit = limit
        self._left = limit
        self._timeout = timeout

    def start(self) -> None:
        """A new request begins: its head gets the whole budget again."""
        self._left = self._limit
        self.bound()

    def bound(self) -> None:
        """From now until ``unbound()``, all reads together get the connection's timeout."""
        self._timed.deadline = time.monotonic() + self._timeout

    def unbound(self) -> None:
        """Reads are bounded by the connection's timeout each again."""
        self._timed.unbound()

    def readline(self, size: int = -1) -> bytes:
        cap = self._left + 1 if size < 0 else min(size, self._left + 1)
        line = self._raw.readline(cap)
        self._left -= len(line)
        if self._left < 0:
            raise http.client.LineTooLong("request head")
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class BoundedHandler(BaseHTTPRequestHandler):
    """A request handler with a socket timeout and a bounded request head."""

    def setup(self) -> None:
        timeout = getattr(self.server, "connection_timeout", CONNECTION_TIMEOUT)
        self.request.settimeout(timeout)
        super().setup()
        self.rfile.close()  # read through HeadLimit's own reader instead
        self.rfile = HeadLimit(self.request, MAX_HEAD_BYTES, timeout)  # type: ignore[assignment]

    def handle_one_request(self) -> None:
        self.rfile.start()  # type: ignore[attr-defined]
        try:
            super().handle_one_request()
        except http.client.LineTooLong:  # the request line itself ate the budget
            self.requestline, self.request_version, self.command = "", "", ""
            self.send_error(414)
            self.close_connection = True

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        self.rfile.unbound()  # type: ignore[attr-defined]
        return parsed


class BoundedServer(ThreadingHTTPServer):
    """One thread per connection, at most ``max_connections`` of them; ``wake()`` stops ``serve()``."""

    daemon_threads = True
    block_on_close = False
    # socketserver's default backlog of 5 drops the SYNs of a burst of clients, which then wait
    # a second or more to retry: a burst of connections must reach the 503 below instead.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        *,
        max_connections: int = MAX_CONNECTIONS,
        connection_timeout: float = CONNECTION_TIMEOUT,
    ) -> None:
        self.connection_timeout = connection_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        self._waker, self._wakee = socket.socketpair()
        try:
            super().__init__(address, handler)
        except BaseException:
            self._close_waker()
            raise

    def serve(self) -> None:
        """Accept connections until ``wake()``; replaces ``serve_forever`` and its polling."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wakee, selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if self._wakee in ready:
                    return
                try:
                    request, client_address = self.get_request()
                except OSError:
                    continue
                self.process_request(request, client_address)

    def wake(self) -> None:
        """End ``serve()`` now (from any thread)."""
        try:
            self._waker.send(b"\0")
        except OSError:
            pass

    def server_close(self) -> None:
        super().server_close()
        self._close_waker()

    def _close_waker(self) -> None:
        self._waker.close()
        self._wakee.close()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(_BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()
