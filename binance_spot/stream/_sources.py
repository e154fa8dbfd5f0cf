"""Where credentials and settings come from, shared by the sync and asyncio streams.

The REST calls (a new listen token, a risk listen key) are blocking; the asyncio stream
runs them in a worker thread.
"""

import inspect
import logging
import math
import os
import random
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from binance_spot import _backoff
from binance_spot._logging import RedactingFilter
from binance_spot._redact import redact_text
from binance_spot._validate import check_symbol, check_websocket_url
from binance_spot.exceptions import ApiException, InvalidResponseException, OpenApiException, StreamConnectionError
from binance_spot.manager import ListenKeyFunctions, ListenKeyManager
from binance_spot.settings import seconds
from binance_spot.stream._background import Call
from binance_spot.stream._core import Supervisor, websocket_urls
from binance_spot.stream._protocol import Credential, RiskSession, UserDataSession, token_lifetime
from binance_spot.stream._reconnect import Reconnector, RenewalBudget

__all__ = [
    "BACKOFF",
    "CLOSE_TIMEOUT",
    "MIN_CONNECTION_AGE",
    "OPEN_TIMEOUT",
    "RENEW_BEFORE",
    "RiskKeySource",
    "Settings",
    "Source",
    "TOKEN_VALIDITY",
    "TokenSource",
    "WEBSOCKETS_LOGGER",
    "check_connection_options",
    "check_token_times",
    "connect_failed",
    "connect_options",
    "describe",
    "endpoint",
    "fatal",
    "renew_failed",
    "renewal_frames",
    "retry_after",
]

logger = logging.getLogger("binance_spot.stream")

#: Seconds to wait for the first subscription before ``start()`` gives up.
OPEN_TIMEOUT = 10.0
#: Seconds the closing handshake may take: a peer that does not answer is not waited for.
CLOSE_TIMEOUT = 0.2
#: The largest ``max_queue``: 10 million events are already gigabytes.
MAX_QUEUE = 10_000_000
#: The defaults of every user-data stream: a token as long as Binance allows, renewed 10 minutes
#: before it ends; reconnects backing off from 0.5 s to 30 s.
TOKEN_VALIDITY = 86400.0
RENEW_BEFORE = 600.0
BACKOFF = (0.5, 30.0)


def check_connection_options(
    max_queue: int, backoff: tuple[float, float], max_connection_age: float, open_timeout: float
) -> tuple[int, tuple[float, float], float, float]:
    """The knobs every stream shares, checked before any byte is sent: (max_queue, backoff,
    max_connection_age, open_timeout) as floats."""
    if type(max_queue) is not int or not 2 <= max_queue <= MAX_QUEUE:
        raise ValueError(f"max_queue must be an integer in [2, {MAX_QUEUE}], got {max_queue!r}")
    if not isinstance(backoff, (tuple, list)) or len(backoff) != 2:
        raise ValueError(f"backoff must be (first, cap) seconds, got {backoff!r}")
    checked = (seconds("backoff first", backoff[0]), seconds("backoff cap", backoff[1]))
    Reconnector(checked, random.random)  # validates first <= cap <= 3600
    age = seconds("max_connection_age", max_connection_age, least=MIN_CONNECTION_AGE, most=24 * 3600.0)
    return max_queue, checked, age, seconds("open_timeout", open_timeout, most=3600.0)


def check_token_times(validity: float, renew_before: float) -> tuple[float, float]:
    """A listen token's lifetime (Binance: at most 24 h) and how long before its end to renew it."""
    return seconds("token_validity", validity, least=0.001, most=86400.0), seconds("renew_before", renew_before)


#: The logger handed to websockets: its records (frames, the request line) are masked by the
#: package's one rule.
WEBSOCKETS_LOGGER = logging.getLogger("binance_spot.stream.websockets")
WEBSOCKETS_LOGGER.addFilter(RedactingFilter())


def fatal(exc: BaseException) -> bool:
    """Errors retrying cannot fix: refused credentials, bad parameters, a retired endpoint."""
    status = getattr(exc, "status", None)
    return isinstance(exc, ApiException) and isinstance(status, int) and status in (400, 401, 403, 404, 405, 410)


def retry_after(exc: BaseException) -> float:
    """The wait a REST error carries (``Retry-After`` of a 429/418), read by the one policy."""
    return _backoff.server_wait(getattr(exc, "retry_after", None))


def describe(exc: BaseException) -> str:
    """What went wrong, without a URL (a risk stream's holds its key) or anything token-like."""
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    text = redact_text(_URL.sub("<url>", text))
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


_URL = re.compile(r"\w+://\S*")


def endpoint(url: str) -> tuple[str, int]:
    """The host and port a ``ws://`` or ``wss://`` URL (checked when the stream was made) names."""
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "wss" else 80)


def connect_options(connect: Callable[..., Any], open_timeout: float) -> dict[str, Any]:
    """websockets' asyncio ``connect`` options: its keepalive off (the ``Supervisor`` pings),
    our masking logger, a short close."""
    options: dict[str, Any] = {"open_timeout": open_timeout, "close_timeout": CLOSE_TIMEOUT}
    options["logger"] = WEBSOCKETS_LOGGER
    if "ping_interval" in inspect.signature(connect).parameters:
        options["ping_interval"] = None
    return options


def connect_failed(exc: Exception, supervisor: Supervisor) -> None:
    """A connection attempt (or its token) failed: raise if retrying cannot help (a failure of
    the connection itself as ``StreamConnectionError``), else back off."""
    if fatal(exc) or not supervisor.live_once:
        if isinstance(exc, OpenApiException):
            raise exc
        raise StreamConnectionError(f"could not connect to the WebSocket server: {describe(exc)}") from exc
    logger.warning("connecting failed, will retry: %s", describe(exc))
    supervisor.lost(time.monotonic(), time.time(), "connect_failed", retry_after(exc))


def renew_failed(exc: Exception, supervisor: Supervisor) -> None:
    """Creating the next token failed: raise if retrying cannot help, else try again soon
    (after the ``Retry-After`` of a 429/418, as a reconnect would)."""
    if fatal(exc):
        raise exc
    logger.warning("creating the next listen token failed, will retry: %s: %s", type(exc).__name__, exc)
    supervisor.renew_failed(time.monotonic(), retry_after(exc))


def renewal_frames(call: Call[Credential] | None, supervisor: Supervisor) -> list[str] | None:
    """None while the next token's call runs; once it returned, the frames to send: the
    renewal, or none after a failure that retrying can fix (a fatal one is raised)."""
    if call is None or not call.done.is_set():
        return None
    try:
        credential = call.result()
    except Exception as exc:
        renew_failed(exc, supervisor)
        return []
    return supervisor.renewed(credential, time.monotonic())


#: Where the library (and the command line) look for the URLs when none is passed.
WS_URL_ENVIRONMENT = "BINANCE_WS_URL"
RISK_URL_ENVIRONMENT = "BINANCE_RISK_URL"
#: The shortest ``max_connection_age``: a planned reconnect a minute, far below the attempt cap.
MIN_CONNECTION_AGE = 60.0


def websocket_url(setting: str, url: str | None, environment: str, derived: Callable[[], str]) -> str:
    """``url`` when given, else ``$environment`` when set, else ``derived()``; checked by the
    one URL rule (``_validate``), whose messages never repeat the URL."""
    if url is None and os.environ.get(environment):
        return check_websocket_url(environment, os.environ[environment])
    return check_websocket_url(setting, derived() if url is None else url)


class Settings:
    """The validated knobs of a stream (see ``MarginUserDataStream`` for their meaning); ``url``
    is the stream's own (``ws_url`` or ``risk_url``), resolved and checked here."""

    def __init__(
        self,
        api_client: Any,
        *,
        max_queue: int,
        backoff: tuple[float, float],
        max_connection_age: float,
        open_timeout: float,
        ws_url: str | None = None,
        risk_url: str | None = None,
        risk: bool = False,
    ) -> None:
        self.api_client = api_client
        self.max_queue, self.backoff, self.max_connection_age, self.open_timeout = check_connection_options(
            max_queue, backoff, max_connection_age, open_timeout
        )

        def derived() -> str:
            return websocket_urls(api_client.configuration.host)[1 if risk else 0]

        if risk:
            self.url = websocket_url("risk_url", risk_url, RISK_URL_ENVIRONMENT, derived)
        else:
            self.url = websocket_url("ws_url", ws_url, WS_URL_ENVIRONMENT, derived)

    def supervisor(self, new_session: Callable[[], Any]) -> Supervisor:
        reconnector = Reconnector(self.backoff, random.random)
        return Supervisor(new_session, reconnector, self.max_connection_age, self.max_queue)


class TokenSource:
    """A new listen token from ``POST /sapi/v1/userListenToken`` for every (re)subscription."""

    def __init__(self, api_client: Any, symbol: str | None, validity: float, renew_before: float) -> None:
        if symbol is not None:
            check_symbol(symbol)
        validity, renew_before = check_token_times(validity, renew_before)
        from binance_spot.api.margin_listen_token_api import MarginListenTokenApi

        self.api = MarginListenTokenApi(api_client)
        self.symbol, self.validity, self.renew_before = symbol, float(validity), float(renew_before)
        self.budget = RenewalBudget()
        self.on_new_key: Callable[[], None] | None = None

    def new_session(self) -> UserDataSession:
        return UserDataSession(self.renew_before, self.budget, random.random)

    def start(self) -> None:
        """Nothing to keep alive: each token is replaced, never extended."""

    def __call__(self) -> Credential:
        isolated = True if self.symbol else None
        made = self.api.sapi_v1_user_listen_token_post(
            symbol=self.symbol, is_isolated=isolated, validity=max(1, int(self.validity * 1000))
        )
        if not made.token:
            raise InvalidResponseException(reason="the token call returned no token")
        lifetime = token_lifetime(made.expiration_time, self.validity, time.time())
        return Credential(made.token, lifetime, time.monotonic() + lifetime)

    def close(self) -> None:
        """Tokens cannot be closed; the unsubscribe ends the stream."""


class RiskKeySource:
    """The risk stream's listen key: created on every connection (Binance returns the active
    key, extended, or a new one) and kept alive meanwhile by a ``ListenKeyManager``."""

    def __init__(self, api_client: Any, keepalive_interval: float) -> None:
        from binance_spot.api.margin_risk_stream_api import MarginRiskStreamApi

        api = MarginRiskStreamApi(api_client)
        self.ops = ListenKeyFunctions(
            api.sapi_v1_margin_listen_key_post,
            lambda key: api.sapi_v1_margin_listen_key_put(listen_key=key),
            lambda key: api.sapi_v1_margin_listen_key_delete(listen_key=key),
        )
        self.manager = ListenKeyManager(
            self.ops, interval=keepalive_interval, on_new_key=self._changed, name="MarginRiskStream"
        )
        self.current: str | None = None
        self.on_new_key: Callable[[], None] | None = None
        self._closed = False
        self._lock = threading.Lock()  # close() and a key request that outlived it

    def new_session(self) -> RiskSession:
        return RiskSession()

    def start(self) -> None:
        self.manager.start()
        if self._closed:  # close() ran while the first key was being made
            self.close()

    def _changed(self, old: str | None, new: str) -> None:
        if new != self.current and self.on_new_key is not None:
            self.on_new_key()

    def __call__(self) -> Credential:
        # The first connection uses the key the manager has just created; later ones ask
        # again (Binance answers with the active key, extended, or a new one).
        fresh = self.manager.listen_key if self.current is None else None
        key = fresh or self.ops.create()
        with self._lock:
            self.current = key
            closed = self._closed
        if closed:  # close() ran while the key was being made: it must not stay active
            self.close()
            raise RuntimeError("the stream was closed")
        return Credential(key, math.inf)

    def close(self) -> None:
        """Stop the keepalives and close the key, also one made after the manager's expired
        or while closing (then by whichever call comes last). Safe twice."""
        self.manager.stop()
        with self._lock:
            self._closed = True
            key, self.current = self.current, None
        if key is not None and key != self.manager.listen_key:
            try:
                self.ops.close(key)
            except Exception as exc:  # it expires on its own; closing is a courtesy
                logger.debug("closing the risk listen key failed: %s", exc)


#: Where a stream's credentials come from.
Source = TokenSource | RiskKeySource
