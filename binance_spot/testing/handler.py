"""The local server's HTTP side: parse a request, record it, route it; nothing of Binance's rules.

``HttpServer`` is one run of the server (its thread, its open sockets, its ``stopping``
event); ``Handler`` turns each request into a ``Recorded`` and sends it on to a queued fault,
the WebSocket hub or the REST endpoints of the ``Site`` it serves.
"""

import email.utils
import socket
import struct
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from socketserver import TCPServer
from typing import Any, cast
from urllib.parse import parse_qsl

from binance_spot.testing._serve import MAX_BODY_BYTES, BoundedHandler, BoundedServer
from binance_spot.testing.admin import ADMIN_PREFIX, Admin
from binance_spot.testing.endpoints import RestApi
from binance_spot.testing.faults import Faults, play
from binance_spot.testing.params import is_form
from binance_spot.testing.records import AccessLog, Recorded, RequestLog
from binance_spot.testing.replies import Reply, html_reply
from binance_spot.testing.streams import StreamHub

__all__ = ["HttpServer", "Site"]


@dataclass(frozen=True)
class Site:
    """What the handler serves and reports to; it outlives each run of the server."""

    rest: RestApi
    faults: Faults
    streams: StreamHub
    log: RequestLog
    access: AccessLog
    clock: Callable[[], float]
    admin: Admin


class HttpServer(BoundedServer):
    """One run: ``start()`` serves on a thread, ``close()`` ends it and drops every connection."""

    def __init__(self, address: tuple[str, int], site: Site, connection_timeout: float) -> None:
        self.site = site
        self.stopping = threading.Event()  # ends the waits of faults in flight
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._thread = threading.Thread(target=self.serve, name="BinanceServer", daemon=True)
        super().__init__(address, Handler, connection_timeout=connection_timeout)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse-DNS lookup, which can stall start-up offline."""
        TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop serving and drop every client connection, even ones stuck in a fault."""
        self.stopping.set()
        self.wake()
        self._thread.join()
        self.server_close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes handler threads blocked on this socket
            except OSError:
                pass
            sock.close()

    def process_request(self, request: Any, client_address: Any) -> None:
        self.site.log.connected()
        with self._lock:
            self._sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients that went away and sockets closed by ``close()``."""
        if not isinstance(sys.exc_info()[1], OSError) and not self.stopping.is_set():
            super().handle_error(request, client_address)


class Handler(BoundedHandler):
    """Turns HTTP into ``Recorded`` requests and writes the replies; it is also the faults' ``Wire``."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, each answer waits
    # for the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True

    @property
    def _http(self) -> HttpServer:
        return cast(HttpServer, self.server)

    def version_string(self) -> str:
        return "binance-spot-testing"

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header from the server's clock, which clients may trust over their own."""
        return email.utils.formatdate(self._http.site.clock() if timestamp is None else timestamp, usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing here: the access log (off by default) is written by ``log_request``."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self._log(code if isinstance(code, str) else str(int(code)))

    def _log(self, outcome: str) -> None:
        self._http.site.access.write(self.client_address[0], self.requestline, outcome)

    def _handle(self) -> None:
        site = self._http.site
        if self.headers.get("Upgrade", "").lower() == "websocket":
            return site.streams.serve(self)
        body = self._read_body()
        if body is None:
            return
        path, _, query = self.path.partition("?")
        form = body.decode("utf-8", "replace") if is_form(self.headers.get("Content-Type")) else ""
        params = parse_qsl(query, keep_blank_values=True) + parse_qsl(form, keep_blank_values=True)
        host, port = self.client_address[:2]
        record = Recorded(self.command, path, query, params, dict(self.headers.items()), body, (str(host), int(port)))
        if path.startswith(ADMIN_PREFIX):  # not Binance's: neither recorded nor faulted
            self.send(site.admin.answer(record))
            return
        site.log.add(record)
        fault = site.faults.take(record)
        if fault is None:
            self.send(site.rest.answer(record))
            return
        outcome = play(fault, self, self._http.stopping)
        if outcome is not None:
            self._log(outcome)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

    def _read_body(self) -> bytes | None:
        """The body; None when it was refused (answered 400 or 413 and the connection closed)."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # chunked bodies are not read, so the stream is unusable
        raw = (self.headers.get("Content-Length") or "0").strip()
        status = 400 if not (raw.isascii() and raw.isdigit()) else 413 if int(raw) > MAX_BODY_BYTES else 0
        if status:
            self.close_connection = True
            self.send(html_reply(status, {"Connection": "close"}))
            return None
        if not int(raw):
            return b""
        self.rfile.bound()  # type: ignore[attr-defined]  # the whole body within the timeout too
        try:
            return self.rfile.read(int(raw))
        finally:
            self.rfile.unbound()  # type: ignore[attr-defined]

    # The faults' Wire.

    def send(self, reply: Reply) -> None:
        self.send_head(reply.status, reply.headers, len(reply.body))
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def send_head(self, status: int, headers: Mapping[str, str], length: int) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def write(self, data: bytes) -> None:
        self.wfile.write(data)

    def hang_up(self) -> None:
        self.close_connection = True

    def reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # the file holds a reference that would postpone the real close
        self.connection.close()
        self.close_connection = True
