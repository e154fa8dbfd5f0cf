"""A local stand-in for Binance's listen-key endpoints, for tests and offline demos.

The real endpoints cannot be exercised safely (production retired them, the testnet never had
``/sapi``), so this server imitates their rules, records what clients send and injects the
transport failures a robust client must survive. Standard library only.

``BinanceServer`` is a facade over parts that each do one job: the ``Exchange`` (accounts,
keys, tokens, weights, signatures), the REST endpoints, the fault queue, the WebSocket hub,
the request log, and an ``HttpServer`` per run that parses and routes.
"""

import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any, TextIO

from binance_spot.testing.accounts import MAX_TOKEN_VALIDITY_MS
from binance_spot.testing.admin import Admin
from binance_spot.testing.endpoints import MIN_TOKEN_VALIDITY_MS, RestApi
from binance_spot.testing.exchange import Exchange
from binance_spot.testing.faults import Fault, Faults
from binance_spot.testing.handler import HttpServer, Site
from binance_spot.testing.records import LOG_BYTES, REQUEST_LOG_SIZE, AccessLog, Recorded, RequestLog
from binance_spot.testing.streams import StreamHub, StreamMessage
from binance_spot.testing.trading import ExchangeAccount, Trading

__all__ = ["MAX_NEW_ACCOUNTS", "BinanceServer"]

#: Accounts one ``new_accounts`` call makes at most.
MAX_NEW_ACCOUNTS = 100_000


class BinanceServer:
    """Binance's listen-key and listen-token endpoints on localhost, with faults on demand.

    ``POST /_admin/<action>`` (loopback clients only) drives it from another process: see
    ``binance_spot.testing.admin``.

    Use it as a context manager; ``url`` is where clients should point. State is kept in
    memory and time comes from ``clock`` (e.g. a ``ManualClock``), so expiry is testable.
    ``requests`` keeps the last ``request_log_size`` requests and ``stream_messages`` the last
    100,000 messages, each within ``log_bytes``. A connection silent for ``connection_timeout``
    seconds, or whose request head (or body) takes longer in all, is closed. ``access_log``
    (e.g. ``sys.stderr``) gets one line per request, secrets masked. ``pairs`` (symbol ->
    (base, quote)) are the margin pairs the accounts trade (default ``DEFAULT_PAIRS``);
    ``ip_weight_limit`` is the request weight an IP may use per minute before 429 (default: no
    limit).
    A listen token of less than ``min_token_validity_ms`` (default 1 s) is refused with -1130.
    One WebSocket connection carries many accounts' subscriptions within Binance's limits
    (``stream_subscription_limit``, ``subscription_id_limit``, ``stream_connection_attempt_limit``,
    the connect and subscribe weight in ``ip_weight_limit``): docs/Testing.md "Many accounts".
    """

    def __init__(
        self,
        api_keys: Iterable[str] | None = None,
        clock: Callable[[], float] | None = None,
        secret_keys: Mapping[str, str] | None = None,
        retired: bool = False,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        request_log_size: int = REQUEST_LOG_SIZE,
        log_bytes: int = LOG_BYTES,
        connection_timeout: float = 10.0,
        access_log: TextIO | None = None,
        pairs: Mapping[str, tuple[str, str]] | None = None,
        ip_weight_limit: int | None = None,
        min_token_validity_ms: int = MIN_TOKEN_VALIDITY_MS,
    ) -> None:
        if not (isinstance(request_log_size, int) and request_log_size > 0):
            raise ValueError(f"request_log_size must be a positive int, got {request_log_size!r}")
        if not (isinstance(log_bytes, int) and log_bytes > 0):
            raise ValueError(f"log_bytes must be a positive int, got {log_bytes!r}")
        if not 0 < connection_timeout < float("inf"):
            raise ValueError(f"connection_timeout must be a positive number of seconds, got {connection_timeout!r}")
        self._exchange = Exchange(api_keys, clock or time.time, secret_keys, pairs)
        self.ip_weight_limit = ip_weight_limit
        if not (isinstance(min_token_validity_ms, int) and 1 <= min_token_validity_ms <= MAX_TOKEN_VALIDITY_MS):
            raise ValueError(
                f"min_token_validity_ms must be 1 to {MAX_TOKEN_VALIDITY_MS}, got {min_token_validity_ms!r}"
            )
        self._rest = RestApi(self._exchange, retired, min_token_validity_ms)
        self._faults = Faults()
        self._streams = StreamHub(self._exchange, log_bytes)
        self._trading = Trading(self._exchange, self._streams)
        self._log = RequestLog(request_log_size, log_bytes)
        access = AccessLog(access_log)
        admin = Admin(self, getattr(clock, "advance", None))  # a ManualClock or an OffsetClock can be moved
        self._site = Site(self._rest, self._faults, self._streams, self._log, access, self._exchange.clock, admin)
        self._address = (host, port)
        self._connection_timeout = float(connection_timeout)
        self._lock = threading.Lock()  # start() and stop()
        self._httpd: HttpServer | None = None

    def __enter__(self) -> "BinanceServer":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> "BinanceServer":
        """Bind and serve in a background thread; does nothing if already running."""
        with self._lock:
            if self._httpd is None:
                self._httpd = HttpServer(self._address, self._site, self._connection_timeout)
                self._streams.start()
                self._httpd.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop every client connection, even ones stuck in a fault."""
        with self._lock:  # a start() from another thread waits: the next run begins clean
            httpd, self._httpd = self._httpd, None
            if httpd is not None:
                httpd.close()
                self._streams.stop()

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
        return self._rest.retired

    @retired.setter
    def retired(self, value: bool) -> None:
        self._rest.retired = value

    @property
    def api_key_restrictions(self) -> dict[str, object]:
        """What ``GET /sapi/v1/account/apiRestrictions`` answers (Binance's fields); change it in place
        to play a key without margin, without reading or without an IP restriction."""
        return self._rest.restrictions

    # The request log.

    @property
    def requests(self) -> list[Recorded]:
        """A copy of the requests received (the last ``request_log_size``), in arrival order."""
        return self._log.records()

    def clear(self) -> None:
        """Forget the recorded requests."""
        self._log.clear()

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted so far, to check that a client reuses its connections."""
        return self._log.connections

    # Faults.

    def add_fault(
        self,
        kind: str,
        times: int = 1,
        *,
        status: int | None = None,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        path: str | None = None,
        method: str | None = None,
        size: int | None = None,
        delay: float | None = None,
        api_key: str | None = None,
    ) -> None:
        """Queue a failure for the next ``times`` requests matching ``path``, ``method`` and
        ``api_key`` (the ``X-MBX-APIKEY`` they send: one account's requests only)."""
        fault = Fault.checked(kind, times, status=status, body=body, headers=headers, path=path, method=method,
                              size=size, delay=delay, api_key=api_key)  # fmt: skip
        self._faults.add(fault)

    def clear_faults(self, api_key: str | None = None) -> int:
        """Forget the faults not yet used up (only those added with ``api_key`` when given), so
        that none outlives the test that added it; how many were forgotten."""
        return self._faults.clear(api_key)

    # The exchange's state.

    @property
    def listen_keys(self) -> dict[str, float]:
        """Active margin listen keys (cross and isolated) -> expiry time on the clock."""
        return self._exchange.listen_keys()

    @property
    def risk_listen_keys(self) -> dict[str, float]:
        """Active margin risk-stream listen keys -> expiry time on the clock."""
        return self._exchange.risk_keys()

    @property
    def tokens(self) -> dict[str, int]:
        """Every listen token issued -> its ``expirationTime`` in milliseconds."""
        return self._exchange.tokens()

    def token_valid(self, token: str) -> bool:
        """Whether ``token`` was issued here and has not expired on the clock."""
        expiration = self._exchange.token_expiry(token)
        return expiration is not None and self._exchange.clock() * 1000 < expiration

    def new_accounts(self, count: int, prefix: str = "account") -> dict[str, str]:
        """``count`` new accounts: API key -> secret, accepted and checked in signatures at once
        (no request each), for tests and benchmarks that follow many accounts. Keys are
        ``<prefix>-<n>-<random>``; the secrets are random and only here."""
        if not (isinstance(count, int) and 0 < count <= MAX_NEW_ACCOUNTS):
            raise ValueError(f"count must be 1 to {MAX_NEW_ACCOUNTS}, got {count!r}")
        made = {f"{prefix}-{n}-{secrets.token_hex(4)}": secrets.token_hex(32) for n in range(count)}
        self._exchange.register(made)
        return made

    def listen_token(self, api_key: str, isolated: str | None = None, validity_ms: int = MAX_TOKEN_VALIDITY_MS) -> str:
        """A listen token of ``api_key``'s cross account (or its ``isolated`` symbol's), as
        ``POST /sapi/v1/userListenToken`` issues it but without a request: a test subscribes a
        thousand accounts without a thousand round trips. A key the server refuses, an unknown
        symbol or a validity out of range raise ``ValueError``."""
        if not (isinstance(validity_ms, int) and 1 <= validity_ms <= MAX_TOKEN_VALIDITY_MS):
            raise ValueError(f"validity_ms must be 1 to {MAX_TOKEN_VALIDITY_MS}, got {validity_ms!r}")
        return self._exchange.issue_token(api_key, isolated, validity_ms)

    def expire(self, listen_key: str) -> None:
        """Make one listen key (margin or risk) expire now, as if its hour had passed."""
        if not self._exchange.expire(listen_key):
            raise KeyError(listen_key)

    def expire_all(self) -> None:
        """Make every listen key (margin and risk) expire now."""
        self._exchange.expire_all()

    # Margin accounts (docs/Testing.md "Accounts").

    def account(self, api_key: str, isolated: str | None = None) -> ExchangeAccount:
        """The cross margin account of ``api_key`` (or its isolated account of the symbol
        ``isolated``): place, fill and cancel orders, transfer, borrow and repay, each change
        answered by the REST endpoints and pushed to that account's live subscriptions."""
        return ExchangeAccount(self._trading, api_key, isolated)

    @property
    def pairs(self) -> dict[str, tuple[str, str]]:
        """The margin pairs: symbol -> (base, quote), what ``allPairs`` answers."""
        return dict(self._exchange.pairs)

    @property
    def ip_weight_limit(self) -> int | None:
        """Request weight an IP may use per clock minute; past it, 429 with ``Retry-After`` (None: no limit)."""
        return self._exchange.ip_weight_limit

    @ip_weight_limit.setter
    def ip_weight_limit(self, limit: int | None) -> None:
        if limit is not None and not (isinstance(limit, int) and limit > 0):
            raise ValueError(f"ip_weight_limit must be a positive int or None, got {limit!r}")
        self._exchange.ip_weight_limit = limit

    # The WebSocket side.

    def push_event(self, event: dict[str, Any], api_key: str | None = None, isolated: str | None = None) -> int:
        """Send a user-data event (``{"e": ..., "E": ..., ...}``) to every live listen-token
        subscription (or only to those of ``api_key``'s cross account, or of its ``isolated``
        symbol), wrapped as Binance does; returns how many subscriptions it reached. A key the
        server refuses or a symbol it does not trade raise ``ValueError``."""
        if api_key is None:
            if isolated is not None:
                raise ValueError("isolated= names an account of an api_key: pass api_key= too")
            return self._streams.push(event)
        return self._trading.send(self._exchange.checked_owner(api_key, isolated), [event])

    def push_risk_event(self, event: dict[str, Any], listen_key: str | None = None) -> int:
        """Send a risk-stream event to the connections of ``listen_key`` (default: all)."""
        return self._streams.push_risk(event, listen_key)

    def shutdown_streams(self) -> int:
        """Announce ``serverShutdown`` on every WebSocket API connection (they stay open)."""
        return self._streams.shutdown()

    def drop_streams(self, connection: int | None = None) -> int:
        """Cut every WebSocket connection without a close frame, as a network failure would, or
        only number ``connection`` (a key of ``stream_subscriptions``): one of a client's
        several. ``ValueError`` if that one is not open."""
        return self._streams.drop(connection)

    @property
    def stream_lifetime(self) -> float:
        """Seconds a WebSocket connection may live before the server ends it (Binance: 24 h)."""
        return self._streams.lifetime

    @stream_lifetime.setter
    def stream_lifetime(self, seconds: float) -> None:
        self._streams.lifetime = _positive("stream_lifetime", seconds)

    @property
    def stream_ping_interval(self) -> float:
        """Seconds between the server's pings on each WebSocket (Binance: 20 s)."""
        return self._streams.ping_interval

    @stream_ping_interval.setter
    def stream_ping_interval(self, seconds: float) -> None:
        self._streams.ping_interval = _positive("stream_ping_interval", seconds)

    @property
    def stream_pong_timeout(self) -> float:
        """Seconds a WebSocket may leave a ping unanswered before it is dropped (Binance: 60 s)."""
        return self._streams.pong_timeout

    @stream_pong_timeout.setter
    def stream_pong_timeout(self, seconds: float) -> None:
        self._streams.pong_timeout = _positive("stream_pong_timeout", seconds)

    @property
    def subscription_id_limit(self) -> int:
        """Subscription ids a connection may use before -2042 (Binance: 65,535)."""
        return self._streams.quota.ids

    @subscription_id_limit.setter
    def subscription_id_limit(self, limit: int) -> None:
        self._streams.quota = replace(self._streams.quota, ids=int(limit))

    @property
    def stream_subscription_limit(self) -> int:
        """Subscriptions a connection may hold at once before -1034 (Binance: 1,000); tests set it lower."""
        return self._streams.quota.active

    @stream_subscription_limit.setter
    def stream_subscription_limit(self, limit: int) -> None:
        if not (isinstance(limit, int) and limit >= 0):
            raise ValueError(f"stream_subscription_limit must be an int >= 0, got {limit!r}")
        self._streams.quota = replace(self._streams.quota, active=limit)

    @property
    def stream_connection_attempt_limit(self) -> int | None:
        """WebSocket API connection attempts an IP may make per 5 clock minutes before a 429
        handshake (Binance: 300; None: no limit)."""
        return self._streams.limits.attempt_limit

    @stream_connection_attempt_limit.setter
    def stream_connection_attempt_limit(self, limit: int | None) -> None:
        if limit is not None and not (isinstance(limit, int) and limit >= 0):
            raise ValueError(f"stream_connection_attempt_limit must be an int >= 0 or None, got {limit!r}")
        self._streams.limits.attempt_limit = limit

    @property
    def stream_weights(self) -> dict[int, dict[str, int]]:
        """WebSocket API weight spent per clock minute (its start in epoch seconds -> ``{"connect": W,
        "subscribe": W}``; renewals are subscribes), counted in ``ip_weight_limit``'s budget too."""
        return self._streams.limits.weights()

    @property
    def stream_connection_attempts(self) -> dict[int, int]:
        """WebSocket API handshakes per 5-minute clock window (its start in epoch seconds), refused ones too."""
        return self._streams.limits.attempts()

    @property
    def stream_messages(self) -> list[StreamMessage]:
        """Every message clients sent over WebSockets (the last 100,000, within ``log_bytes``), in arrival order."""
        return self._streams.received()

    @property
    def stream_connections_opened(self) -> int:
        """WebSocket connections accepted so far."""
        return self._streams.connections_opened()

    @property
    def stream_subscriptions(self) -> dict[int, list[int]]:
        """Active listen-token subscription ids by connection number."""
        return self._streams.subscriptions()

    @property
    def stream_subscribers(self) -> dict[int, dict[int, tuple[str, str | None]]]:
        """Whose each active subscription is, by connection number and subscription id: the
        (API key, isolated symbol or None) of the token it was opened with."""
        return self._streams.subscribers()


def _positive(name: str, seconds: float) -> float:
    if not 0 < seconds < float("inf"):
        raise ValueError(f"{name} must be a positive number of seconds")
    return float(seconds)
