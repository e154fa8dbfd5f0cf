"""A local stand-in for Binance's listen-key endpoints, for tests and offline demos.

The real endpoints cannot be exercised safely (production retired them, the testnet never had
``/sapi``), so this server imitates their rules, records what clients send and injects the
transport failures a robust client must survive. Standard library only.
"""

import email.utils
import hashlib
import hmac
import json
import re
import secrets
import socket
import string
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from socketserver import TCPServer
from typing import Any, NamedTuple, Optional, TextIO, Union, cast
from urllib.parse import parse_qsl

from binance_spot._redact import redact_text
from binance_spot.testing._serve import MAX_BODY_BYTES, BoundedHandler, BoundedServer
from binance_spot.testing.streams import StreamsMixin

__all__ = [
    "FAULT_KINDS",
    "LISTEN_KEY_VALIDITY",
    "MAX_TOKEN_VALIDITY_MS",
    "REQUEST_LOG_SIZE",
    "BinanceServer",
    "Recorded",
]

#: Seconds a listen key lives after its creation or last keepalive.
LISTEN_KEY_VALIDITY = 3600.0
#: Default and maximum ``validity`` of a listen token, in milliseconds (24 hours).
MAX_TOKEN_VALIDITY_MS = 86_400_000
#: What ``BinanceServer.add_fault`` accepts as ``kind``.
FAULT_KINDS = frozenset({"status", "html", "hang", "close", "reset", "invalid_json", "empty", "oversized", "trickle"})
#: Requests ``BinanceServer.requests`` keeps by default: the oldest are dropped beyond it.
REQUEST_LOG_SIZE = 10_000

_JSON = "application/json;charset=UTF-8"
_HTML = "text/html"
_API_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
_INTEGER = re.compile(r"-?[0-9]+")
_ALNUM = string.ascii_letters + string.digits
_TOKEN_PATH = "/sapi/v1/userListenToken"
_RISK_PATH = "/sapi/v1/margin/listen-key"
_RETIRED_PATHS = ("/sapi/v1/userDataStream", "/sapi/v1/userDataStream/isolated")
_STREAM_METHODS = ("POST", "PUT", "DELETE")
_ROUTES = {
    _RETIRED_PATHS[0]: _STREAM_METHODS,
    _RETIRED_PATHS[1]: _STREAM_METHODS,
    _RISK_PATH: _STREAM_METHODS,
    _TOKEN_PATH: ("POST",),
}
_TIMEOUT_MSG = "Timeout waiting for response from backend server. Send status unknown; execution status unknown."
_DEFAULT_ERRORS = {
    418: (-1003, "Way too many requests; IP banned."),
    429: (-1003, "Too many requests; current limit is 6000 request weight per 1 MINUTE."),
    500: (-1001, "Internal error; unable to process your request. Please try again."),
    502: (-1001, "Internal error; unable to process your request. Please try again."),
    503: (-1001, "Internal error; unable to process your request. Please try again."),
    504: (-1007, _TIMEOUT_MSG),
}
_UNKNOWN_ERROR = (-1000, "An unknown error occurred while processing the request.")


@dataclass(frozen=True)
class Recorded:
    """One request exactly as the server saw it, so tests can assert on what a client sent."""

    method: str
    path: str
    query: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    client: tuple[str, int]

    def header(self, name: str) -> Optional[str]:
        """Look a header up case-insensitively, as HTTP intends."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    def param(self, name: str) -> Optional[str]:
        """The first value of a decoded parameter, or None."""
        return _get(self.params, name)


class _Reply(NamedTuple):
    status: int
    body: bytes
    headers: dict[str, str]


class _ApiError(Exception):
    """A Binance JSON error, raised where it is found and rendered once at the top."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg

    def reply(self, headers: Optional[Mapping[str, str]] = None) -> _Reply:
        return _json_reply(self.status, {"code": self.code, "msg": self.msg}, headers)


def _mandatory(name: str) -> _ApiError:
    return _ApiError(400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def _invalid() -> _ApiError:
    return _ApiError(400, -1130, "Invalid data sent for a parameter.")


def _get(params: Iterable[tuple[str, str]], name: str) -> Optional[str]:
    return next((value for key, value in params if key == name), None)


def _require(params: Iterable[tuple[str, str]], name: str) -> str:
    value = _get(params, name)
    if not value:
        raise _mandatory(name)
    return value


def _integer(params: Iterable[tuple[str, str]], name: str, default: int) -> int:
    raw = _get(params, name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise _invalid()
    return int(raw)


def _random_string(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def _is_form(content_type: Optional[str]) -> bool:
    return (content_type or "").lower().startswith("application/x-www-form-urlencoded")


def _unsigned(raw: bytes) -> bytes:
    """``raw`` without its ``signature=`` pair: the bytes the client had to sign."""
    return b"&".join(part for part in raw.split(b"&") if not part.startswith(b"signature="))


def _json_reply(status: int, payload: object, headers: Optional[Mapping[str, str]] = None) -> _Reply:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return _Reply(status, body, {"Content-Type": _JSON, **(headers or {})})


def _html_page(status: int) -> bytes:
    try:
        title = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        title = str(status)
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n".encode()


def _html_reply(status: int, headers: Optional[Mapping[str, str]] = None) -> _Reply:
    return _Reply(status, _html_page(status), {"Content-Type": _HTML, **(headers or {})})


def _padded_json(size: int) -> bytes:
    """A valid JSON document of exactly ``size`` (>= 2) bytes."""
    if size < 16:
        return b"{}" + b" " * (size - 2)
    return b'{"listenKey":"' + b"x" * (size - 16) + b'"}'


class _ListenKeys:
    """One namespace of listen keys; each owner has at most one active key, as on Binance."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[tuple[str, Optional[str]], float]] = {}

    def create(self, owner: tuple[str, Optional[str]], now: float) -> str:
        """Return the owner's active key, extended, or a new one."""
        for key, (who, expiry) in list(self._keys.items()):
            if who == owner:
                del self._keys[key]
                if expiry > now:
                    self._keys[key] = (owner, now + LISTEN_KEY_VALIDITY)
                    return key
        key = _random_string(60)
        self._keys[key] = (owner, now + LISTEN_KEY_VALIDITY)
        return key

    def touch(self, key: str, owner: tuple[str, Optional[str]], now: float, *, close: bool) -> bool:
        """Extend (or close) the owner's active ``key``; False if there is no such key."""
        entry = self._keys.get(key)
        if entry is None or entry[0] != owner or entry[1] <= now:
            return False
        if close:
            del self._keys[key]
        else:
            self._keys[key] = (owner, now + LISTEN_KEY_VALIDITY)
        return True

    def active(self, now: float) -> dict[str, float]:
        return {key: expiry for key, (_, expiry) in self._keys.items() if expiry > now}

    def expire(self, key: str) -> bool:
        return self._keys.pop(key, None) is not None

    def expire_all(self) -> None:
        self._keys.clear()


class _Exchange:
    """Binance's rules and account state, kept apart from HTTP so both stay short."""

    def __init__(
        self,
        api_keys: Optional[Iterable[str]],
        clock: Callable[[], float],
        secret_keys: Optional[Mapping[str, str]],
        retired: bool,
    ) -> None:
        self.api_keys = None if api_keys is None else frozenset(api_keys)
        self.clock = clock
        self.secret_keys = dict(secret_keys or {})
        self.retired = retired
        self.lock = threading.Lock()
        self.margin = _ListenKeys()
        self.risk = _ListenKeys()
        self.tokens: dict[str, int] = {}
        self._weights: dict[tuple[str, str], tuple[int, int]] = {}

    def answer(self, req: Recorded) -> _Reply:
        methods = _ROUTES.get(req.path)
        if methods is None:
            return _html_reply(404)
        if self.retired and req.path in _RETIRED_PATHS:
            return _html_reply(410)
        if req.method not in methods:
            return _html_reply(405, {"Allow": ", ".join(methods)})
        api_key = req.header("X-MBX-APIKEY") or ""
        if not _API_KEY.fullmatch(api_key):
            return _ApiError(401, -2014, "API-key format invalid.").reply()
        if self.api_keys is not None and api_key not in self.api_keys:
            return _ApiError(401, -2015, "Invalid API-key, IP, or permissions for action.").reply()
        with self.lock:
            now = self.clock()
            weights = {
                "X-SAPI-USED-UID-WEIGHT-1M": self._weigh("uid", api_key, now),
                "X-SAPI-USED-IP-WEIGHT-1M": self._weigh("ip", req.client[0], now),
            }
            try:
                self._verify_signature(req, api_key, now)
                return _json_reply(200, self._call(req, api_key, now), weights)
            except _ApiError as error:
                return error.reply(weights)

    def _weigh(self, scope: str, who: str, now: float) -> str:
        """Count one request of weight 1 in the current clock minute; return the running total."""
        minute = int(now // 60)
        last, count = self._weights.get((scope, who), (minute, 0))
        count = count + 1 if last == minute else 1
        self._weights[(scope, who)] = (minute, count)
        return str(count)

    def _verify_signature(self, req: Recorded, api_key: str, now: float) -> None:
        """Check a signed request like Binance does; unsigned ones pass (USER_STREAM)."""
        signature = req.param("signature")
        if signature is None:
            return
        _require(req.params, "timestamp")
        timestamp = _integer(req.params, "timestamp", 0)
        window = _integer(req.params, "recvWindow", 5000)
        if not 0 < window <= 60_000:
            raise _invalid()
        now_ms = int(now * 1000)
        if timestamp > now_ms + 1000 or now_ms - timestamp > window:
            raise _ApiError(400, -1021, "Timestamp for this request is outside of the recvWindow.")
        # http.server decodes the request line as Latin-1, so this restores the bytes sent.
        payload = _unsigned(req.query.encode("latin-1"))
        if _is_form(req.header("Content-Type")):
            payload += _unsigned(req.body)
        secret = self.secret_keys.get(api_key)
        expected = "" if secret is None else hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
        if not expected or not hmac.compare_digest(expected.encode(), signature.lower().encode()):
            raise _ApiError(400, -1022, "Signature for this request is not valid.")

    def _call(self, req: Recorded, api_key: str, now: float) -> dict[str, object]:
        if req.path == _TOKEN_PATH:
            return self._issue_token(req, now)
        store = self.risk if req.path == _RISK_PATH else self.margin
        symbol = _require(req.params, "symbol") if req.path.endswith("/isolated") else None
        owner = (api_key, symbol)
        if req.method == "POST":
            return {"listenKey": store.create(owner, now)}
        key = _require(req.params, "listenKey")
        if not store.touch(key, owner, now, close=req.method == "DELETE"):
            raise _ApiError(400, -1125, "This listenKey does not exist.")
        return {}

    def _issue_token(self, req: Recorded, now: float) -> dict[str, object]:
        isolated = (req.param("isIsolated") or "false").lower()
        if isolated not in ("true", "false"):
            raise _invalid()
        if isolated == "true":
            _require(req.params, "symbol")
        validity = _integer(req.params, "validity", MAX_TOKEN_VALIDITY_MS)
        if not 1 <= validity <= MAX_TOKEN_VALIDITY_MS:
            raise _invalid()
        token = _random_string(64)
        self.tokens[token] = expiration = int(now * 1000) + validity
        return {"token": token, "expirationTime": expiration}


@dataclass
class _Fault:
    kind: str
    times: int
    status: Optional[int]
    body: Optional[bytes]
    headers: dict[str, str]
    path: Optional[str]
    method: Optional[str]
    size: Optional[int]
    delay: Optional[float]

    def matches(self, req: Recorded) -> bool:
        return self.path in (None, req.path) and self.method in (None, req.method)

    def reply(self) -> _Reply:
        """The canned answer of the kinds that do answer with a whole response."""
        if self.kind == "status":
            status = cast(int, self.status)
            code, msg = _DEFAULT_ERRORS.get(status, _UNKNOWN_ERROR)
            reply = _json_reply(status, {"code": code, "msg": msg})
            return self._merged(reply if self.body is None else reply._replace(body=self.body))
        if self.kind == "html":
            status = self.status or 410
            page = self.body if self.body is not None else _html_page(status)
            return self._merged(_Reply(status, page, {"Content-Type": _HTML}))
        if self.kind == "invalid_json":
            return _Reply(200, b'{"listenKey": "abc', {"Content-Type": _JSON})
        if self.kind == "empty":
            return _Reply(200, b"", {"Content-Type": _JSON})
        return _Reply(200, _padded_json(self.size or 2 * 1024 * 1024), {"Content-Type": _JSON})

    def _merged(self, reply: _Reply) -> _Reply:
        overridden = {name.lower() for name in self.headers}
        kept = {k: v for k, v in reply.headers.items() if k.lower() not in overridden}
        return reply._replace(headers={**kept, **self.headers})


class _HTTPServer(BoundedServer):
    def __init__(self, address: tuple[str, int], app: "BinanceServer", connection_timeout: float) -> None:
        self.app = app
        super().__init__(address, _Handler, connection_timeout=connection_timeout)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse-DNS lookup, which can stall start-up offline."""
        TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        self.app._opened(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.app._closed(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients that went away and sockets closed by ``stop()``."""
        if not isinstance(sys.exc_info()[1], OSError) and not self.app._stopping.is_set():
            super().handle_error(request, client_address)


class _Handler(BoundedHandler):
    """Turns HTTP into ``Recorded`` requests and replies; the rules live in ``_Exchange``."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, each answer waits
    # for the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return "binance-spot-testing"

    def date_time_string(self, timestamp: Optional[float] = None) -> str:
        """The ``Date`` header from the server's clock, which clients may trust over their own."""
        now = cast(_HTTPServer, self.server).app._exchange.clock() if timestamp is None else timestamp
        return email.utils.formatdate(now, usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing here: the access log (off by default) is written by ``log_request``."""

    def log_request(self, code: Union[int, str] = "-", size: Union[int, str] = "-") -> None:
        outcome = code if isinstance(code, str) else str(int(code))
        cast(_HTTPServer, self.server).app._log(self.client_address[0], self.requestline, outcome)

    def _handle(self) -> None:
        app = cast(_HTTPServer, self.server).app
        if self.headers.get("Upgrade", "").lower() == "websocket":
            return app._serve_websocket(self)  # the WebSocket API and risk stream: testing/streams.py
        body = self._read_body()
        if body is None:
            return
        path, _, query = self.path.partition("?")
        form = body.decode("utf-8", "replace") if _is_form(self.headers.get("Content-Type")) else ""
        params = parse_qsl(query, keep_blank_values=True) + parse_qsl(form, keep_blank_values=True)
        host, port = self.client_address[:2]
        record = Recorded(self.command, path, query, params, dict(self.headers.items()), body, (str(host), int(port)))
        fault = app._arrive(record)
        if fault is None:
            self._send(app._exchange.answer(record))
        else:
            self._play(fault, app)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

    def _read_body(self) -> Optional[bytes]:
        """The body; None when it was refused (answered 400 or 413 and the connection closed)."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # chunked bodies are not read, so the stream is unusable
        raw = (self.headers.get("Content-Length") or "0").strip()
        status = 400 if not (raw.isascii() and raw.isdigit()) else 413 if int(raw) > MAX_BODY_BYTES else 0
        if status:
            self.close_connection = True
            self._send(_html_reply(status, {"Connection": "close"}))
            return None
        return self.rfile.read(int(raw)) if int(raw) else b""

    def _send(self, reply: _Reply) -> None:
        self._send_head(reply.status, reply.headers, len(reply.body))
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _send_head(self, status: int, headers: Mapping[str, str], length: int) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _play(self, fault: _Fault, app: "BinanceServer") -> None:
        if fault.kind == "hang":
            app._stopping.wait(fault.delay)
            self.close_connection = True
            app._log(self.client_address[0], self.requestline, "- (fault hang)")
        elif fault.kind == "trickle":
            self._trickle(fault, app)
        elif (fault.delay and app._stopping.wait(fault.delay)) or fault.kind == "close":
            self.close_connection = True  # "close" answers nothing; a delay cut short by stop() neither
            app._log(self.client_address[0], self.requestline, f"- (fault {fault.kind})")
        elif fault.kind == "reset":
            self._reset(app)
        else:
            self._send(fault.reply())

    def _trickle(self, fault: _Fault, app: "BinanceServer") -> None:
        body = _padded_json(fault.size or 100)
        delay = 0.2 if fault.delay is None else fault.delay
        self._send_head(200, {"Content-Type": _JSON}, len(body))
        for index in range(len(body)):
            if app._stopping.wait(delay):
                self.close_connection = True
                return
            self.wfile.write(body[index : index + 1])

    def _reset(self, app: "BinanceServer") -> None:
        self._send_head(200, {"Content-Type": _JSON}, 1000)
        self.wfile.write(b'{"listenKe')
        app._stopping.wait(0.05)  # let the client read what was sent before the RST discards it
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # the file holds a reference that would postpone the real close
        self.connection.close()
        self.close_connection = True


class BinanceServer(StreamsMixin):
    """Binance's listen-key and listen-token endpoints on localhost, with faults on demand.

    Use it as a context manager; ``url`` is where clients should point. State is kept in
    memory and time comes from ``clock`` (e.g. a ``ManualClock``), so expiry is testable.
    ``requests`` keeps the last ``request_log_size`` requests. A connection silent for
    ``connection_timeout`` seconds is closed. ``access_log`` (e.g. ``sys.stderr``) gets one
    line per request, secrets masked.
    """

    def __init__(
        self,
        api_keys: Optional[Iterable[str]] = None,
        clock: Optional[Callable[[], float]] = None,
        secret_keys: Optional[Mapping[str, str]] = None,
        retired: bool = False,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        request_log_size: int = REQUEST_LOG_SIZE,
        connection_timeout: float = 10.0,
        access_log: Optional[TextIO] = None,
    ) -> None:
        if not (isinstance(request_log_size, int) and request_log_size > 0):
            raise ValueError(f"request_log_size must be a positive int, got {request_log_size!r}")
        if not 0 < connection_timeout < float("inf"):
            raise ValueError(f"connection_timeout must be a positive number of seconds, got {connection_timeout!r}")
        self._exchange = _Exchange(api_keys, clock or time.time, secret_keys, retired)
        self._address = (host, port)
        self._connection_timeout = float(connection_timeout)
        self._access_log = access_log
        self._lock = threading.Lock()
        self._records: deque[Recorded] = deque(maxlen=request_log_size)
        self._faults: list[_Fault] = []
        self._sockets: set[socket.socket] = set()
        self._connections = 0
        self._stopping = threading.Event()
        self._httpd: Optional[_HTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    def __enter__(self) -> "BinanceServer":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> "BinanceServer":
        """Bind and serve in a background thread; does nothing if already running."""
        with self._lock:
            if self._httpd is None:
                self._stopping.clear()
                self._httpd = _HTTPServer(self._address, self, self._connection_timeout)
                self._thread = threading.Thread(
                    target=self._httpd.serve,
                    name="BinanceServer",
                    daemon=True,
                )
                self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop every client connection, even ones stuck in a fault."""
        with self._lock:
            httpd, thread = self._httpd, self._thread
            self._httpd = self._thread = None
        if httpd is None:
            return
        self._stopping.set()
        httpd.wake()
        if thread is not None:
            thread.join()
        httpd.server_close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes handler threads blocked on this socket
            except OSError:
                pass
            sock.close()

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        httpd = self._httpd
        if httpd is None:
            raise RuntimeError("the server is not running; call start() first")
        return f"http://{self._address[0]}:{httpd.server_port}"

    @property
    def retired(self) -> bool:
        """When True the old ``/sapi/v1/userDataStream`` paths answer 410 HTML, as production does."""
        return self._exchange.retired

    @retired.setter
    def retired(self, value: bool) -> None:
        self._exchange.retired = value

    @property
    def requests(self) -> list[Recorded]:
        """A copy of the requests received (the last ``request_log_size``), in arrival order."""
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self._records.clear()

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted so far, to check that a client reuses its connections."""
        with self._lock:
            return self._connections

    def add_fault(
        self,
        kind: str,
        times: int = 1,
        *,
        status: Optional[int] = None,
        body: Union[bytes, str, None] = None,
        headers: Optional[Mapping[str, str]] = None,
        path: Optional[str] = None,
        method: Optional[str] = None,
        size: Optional[int] = None,
        delay: Optional[float] = None,
    ) -> None:
        """Queue a failure for the next ``times`` requests matching ``path`` and ``method``."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if times < 1:
            raise ValueError("times must be at least 1")
        if kind == "status" and status is None:
            raise ValueError("a 'status' fault needs status=")
        if size is not None and size < 2:
            raise ValueError("size must be at least 2 bytes")
        if delay is not None and delay < 0:
            raise ValueError("delay cannot be negative")
        fault = _Fault(
            kind,
            times,
            status,
            body.encode() if isinstance(body, str) else body,
            dict(headers or {}),
            path,
            method.upper() if method else None,
            size,
            delay,
        )
        with self._lock:
            self._faults.append(fault)

    @property
    def listen_keys(self) -> dict[str, float]:
        """Active margin listen keys (cross and isolated) -> expiry time on the clock."""
        with self._exchange.lock:
            return self._exchange.margin.active(self._exchange.clock())

    @property
    def risk_listen_keys(self) -> dict[str, float]:
        """Active margin risk-stream listen keys -> expiry time on the clock."""
        with self._exchange.lock:
            return self._exchange.risk.active(self._exchange.clock())

    @property
    def tokens(self) -> dict[str, int]:
        """Every listen token issued -> its ``expirationTime`` in milliseconds."""
        with self._exchange.lock:
            return dict(self._exchange.tokens)

    def token_valid(self, token: str) -> bool:
        """Whether ``token`` was issued here and has not expired on the clock."""
        with self._exchange.lock:
            expiration = self._exchange.tokens.get(token)
            return expiration is not None and self._exchange.clock() * 1000 < expiration

    def expire(self, listen_key: str) -> None:
        """Make one listen key (margin or risk) expire now, as if its hour had passed."""
        with self._exchange.lock:
            if not (self._exchange.margin.expire(listen_key) or self._exchange.risk.expire(listen_key)):
                raise KeyError(listen_key)

    def expire_all(self) -> None:
        """Make every listen key (margin and risk) expire now."""
        with self._exchange.lock:
            self._exchange.margin.expire_all()
            self._exchange.risk.expire_all()

    # Called by the HTTP layer.

    def _arrive(self, record: Recorded) -> Optional[_Fault]:
        """Record a request and take the first queued fault that applies to it."""
        with self._lock:
            self._records.append(record)
            for fault in self._faults:
                if fault.matches(record):
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _log(self, client: str, request_line: str, outcome: str) -> None:
        """One access-log line: who, what (secrets masked), and the status or fault."""
        if self._access_log is not None:
            stamp = time.strftime("%H:%M:%S")
            line = request_line.encode("ascii", "backslashreplace").decode("ascii")
            print(f"{stamp} {client} {redact_text(line)!r} {outcome}", file=self._access_log, flush=True)

    def _opened(self, sock: socket.socket) -> None:
        with self._lock:
            self._connections += 1
            self._sockets.add(sock)

    def _closed(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
