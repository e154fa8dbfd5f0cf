"""Keep a listen key (or a listen token) valid for as long as a stream needs it.

A listen key dies 60 minutes after its creation or last keepalive, and Binance forgets it
sooner at times (-1125). ``ListenKeyManager`` renews it on one daemon thread, recreates it
when it is gone, reports every failure and never stops trying until told to. It works on
the three-operation shape (create / keepalive / close) so any API with that shape plugs in,
and on listen tokens, which cannot be kept alive and are replaced before they expire.
"""

import logging
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Optional, Protocol, Union

from binance_spot.exceptions import ApiException, InvalidResponseException

if TYPE_CHECKING:
    from binance_spot.api.margin_stream_api import MarginStreamApi

__all__ = [
    "KEY_GONE",
    "ListenKeyFunctions",
    "ListenKeyManager",
    "ListenKeyOps",
    "ListenToken",
    "ListenTokenFunctions",
    "ListenTokenOps",
    "MarginStreamOps",
]

logger = logging.getLogger(__name__)

#: Binance's code for "This listenKey does not exist.": create a new key.
KEY_GONE = -1125


class ListenKeyOps(Protocol):
    """A listen key that lives while it is kept alive: the margin key, the margin risk key."""

    def create(self) -> str:
        """Create a key (or get the active one) and return it."""
        ...

    def keepalive(self, key: str) -> None:
        """Extend ``key``; raise ``ApiException`` with code -1125 when it no longer exists."""
        ...

    def close(self, key: str) -> None:
        """Invalidate ``key``."""
        ...


class ListenToken(NamedTuple):
    """A listen token and the seconds it stays valid from now."""

    token: str
    lifetime: float


class ListenTokenOps(Protocol):
    """A listen token: no keepalive and no close; a new one replaces it before it expires."""

    def create(self) -> ListenToken: ...


Ops = Union[ListenKeyOps, ListenTokenOps]
#: What ``ListenKeyManager`` accepts.
ListenKeySource = Union["MarginStreamApi", ListenKeyOps, ListenTokenOps]


def _field(result: Any, attribute: str, wire_name: str) -> Any:
    """A field of a generated model or of the decoded JSON dict, whichever came back."""
    if isinstance(result, Mapping):
        return result.get(wire_name)
    return getattr(result, attribute, None)


def _listen_key_of(result: Any) -> str:
    """The key in what a create call returned: a str, a model, or ``{"listenKey": ...}``."""
    key = result if isinstance(result, str) else _field(result, "listen_key", "listenKey")
    if not isinstance(key, str) or not key:
        raise InvalidResponseException(reason="the answer to a create call holds no listen key")
    return key


class MarginStreamOps:
    """``ListenKeyOps`` over the generated ``MarginStreamApi`` (``/sapi/v1/userDataStream``)."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def create(self) -> str:
        return _listen_key_of(self.api.sapi_v1_user_data_stream_post())

    def keepalive(self, key: str) -> None:
        self.api.sapi_v1_user_data_stream_put(listen_key=key)

    def close(self, key: str) -> None:
        self.api.sapi_v1_user_data_stream_delete(listen_key=key)


class ListenKeyFunctions:
    """``ListenKeyOps`` from three callables, for APIs of the same shape (the margin risk stream).

    ``create()`` may return the key, a model with ``listen_key`` or a ``{"listenKey": ...}``
    dict; ``keepalive`` and ``close`` are called with the key as their only argument.
    """

    def __init__(
        self,
        create: Callable[[], Any],
        keepalive: Callable[[str], Any],
        close: Callable[[str], Any],
    ) -> None:
        self._create, self._keepalive, self._close = create, keepalive, close

    def create(self) -> str:
        return _listen_key_of(self._create())

    def keepalive(self, key: str) -> None:
        self._keepalive(key)

    def close(self, key: str) -> None:
        self._close(key)


class ListenTokenFunctions:
    """``ListenTokenOps`` from the callable that creates a token (``POST /sapi/v1/userListenToken``).

    ``create()`` may return a model with ``token`` and ``expiration_time`` or the
    ``{"token": ..., "expirationTime": ...}`` dict. ``now`` is the wall clock the
    ``expirationTime`` (milliseconds) is compared with; pass the server's clock in tests.
    """

    def __init__(self, create: Callable[[], Any], *, now: Callable[[], float] = time.time) -> None:
        self._create = create
        self._now = now

    def create(self) -> ListenToken:
        result = self._create()
        token = _field(result, "token", "token")
        expiration = _field(result, "expiration_time", "expirationTime")
        if not isinstance(token, str) or not token or not isinstance(expiration, (int, float)):
            raise InvalidResponseException(reason="the answer to a token call holds no token and expirationTime")
        return ListenToken(token, expiration / 1000.0 - self._now())


def _as_ops(api: ListenKeySource) -> Ops:
    """What the manager drives: a ``MarginStreamApi`` is wrapped, ops objects are used as they are."""
    if hasattr(api, "sapi_v1_user_data_stream_post"):
        return MarginStreamOps(api)
    if callable(getattr(api, "create", None)):
        return api
    raise TypeError(f"expected a MarginStreamApi, a ListenKeyOps or a ListenTokenOps, got {type(api).__name__}")


class ListenKeyManager:
    """Creates a listen key, keeps it alive on a daemon thread, recreates it when it is gone.

    ``api`` is a ``MarginStreamApi``, a ``ListenKeyOps`` (e.g. ``ListenKeyFunctions`` for the
    margin risk stream) or a ``ListenTokenOps`` (``ListenTokenFunctions``). Keys are renewed
    every ``interval`` seconds; tokens are replaced ``token_margin`` seconds (at most half
    their lifetime) before they expire, and ``interval`` does not apply to them.

    Callbacks run on the manager's thread: ``on_new_key(old, new)`` when the key changed (the
    consumer must reconnect or subscribe again), ``on_error(exc)`` for every failure (the
    manager retries after a backoff that honours ``retry_after``), ``on_renewed(key)`` after
    each successful renewal. An exception raised by a callback is logged, never fatal.

    ``clock`` and ``sleep`` exist for tests: ``sleep(seconds)`` replaces the default wait,
    which ``stop()`` interrupts; an injected one must return promptly.
    """

    def __init__(
        self,
        api: ListenKeySource,
        interval: float = 1800.0,
        on_new_key: Optional[Callable[[Optional[str], str], Any]] = None,
        on_error: Optional[Callable[[BaseException], Any]] = None,
        *,
        on_renewed: Optional[Callable[[str], Any]] = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Optional[Callable[[float], Any]] = None,
        retry_backoff: tuple[float, float] = (1.0, 60.0),
        expiry: float = 3600.0,
        token_margin: float = 300.0,
        name: str = "ListenKeyManager",
    ) -> None:
        if interval <= 0 or expiry <= 0:
            raise ValueError("interval and expiry must be positive")
        if interval >= expiry:
            raise ValueError(f"interval ({interval} s) must be shorter than the key's expiry ({expiry} s)")
        first, cap = retry_backoff
        if not 0 < first <= cap:
            raise ValueError("retry_backoff must be (first, maximum) seconds with 0 < first <= maximum")
        self._ops = _as_ops(api)
        self.interval = float(interval)
        self.on_new_key = on_new_key
        self.on_error = on_error
        self.on_renewed = on_renewed
        self.name = name
        self._clock = clock
        self._sleep = sleep
        self._backoff = (float(first), float(cap))
        self._expiry = float(expiry)
        self._token_margin = float(token_margin)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._key: Optional[str] = None
        self._key_gone = False
        self._last_renewed: Optional[float] = None
        self._last_error: Optional[BaseException] = None
        self._expires_at: Optional[float] = None
        self._failures = 0

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        key = "None" if self.listen_key is None else "'***'"  # a listen key is a bearer secret
        return f"<ListenKeyManager {self.name!r} {state} key={key}>"

    def __enter__(self) -> "ListenKeyManager":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # state -------------------------------------------------------------------

    @property
    def tokens(self) -> bool:
        """True when managing listen tokens (replaced before expiry) rather than keys."""
        return not callable(getattr(self._ops, "keepalive", None))

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive() and not self._stopping.is_set()

    @property
    def listen_key(self) -> Optional[str]:
        """The current key (or token); None before ``start()``."""
        with self._lock:
            return self._key

    @property
    def last_renewed(self) -> Optional[float]:
        """When (on ``clock``) the key was last created or kept alive."""
        with self._lock:
            return self._last_renewed

    @property
    def last_error(self) -> Optional[BaseException]:
        """The latest failure, cleared by the next success."""
        with self._lock:
            return self._last_error

    @property
    def expires_at(self) -> Optional[float]:
        """When (on ``clock``) the key expires if it is not renewed: an estimate for keys."""
        with self._lock:
            return self._expires_at

    # lifecycle ---------------------------------------------------------------

    def start(self) -> "ListenKeyManager":
        """Create the key now (raising if that fails), then keep it valid in the background."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("this ListenKeyManager is already running")
        self._stopping.clear()
        self._replace_key()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self, close: bool = True) -> None:
        """Stop renewing, wait for an in-flight request, then close the key unless ``close`` is False.

        Safe to call twice, from any thread (a callback included). A failure to close
        goes to ``on_error``; the key then simply expires.
        """
        self._stopping.set()
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        if thread is not threading.current_thread():
            thread.join()
        with self._lock:
            key = self._key
            closable = close and key is not None and not self._key_gone and not self.tokens
        if closable:
            assert key is not None
            self._close(key)

    def _close(self, key: str) -> None:
        try:
            self._ops.close(key)  # type: ignore[union-attr]
        except ApiException as exc:
            if exc.code != KEY_GONE:
                self._failed(exc)
        except Exception as exc:
            self._failed(exc)

    # the renewal thread -------------------------------------------------------

    def _run(self) -> None:
        while not self._wait(self._next_delay()):
            try:
                self._renew()
            except Exception as exc:
                self._failed(exc)

    def _wait(self, seconds: float) -> bool:
        """Wait ``seconds``; True when the manager is stopping."""
        if self._sleep is None:
            return self._stopping.wait(max(0.0, seconds))
        if not self._stopping.is_set():
            self._sleep(max(0.0, seconds))
        return self._stopping.is_set()

    def _next_delay(self) -> float:
        with self._lock:
            failures, error = self._failures, self._last_error
            renewed, expires = self._last_renewed, self._expires_at
        if failures:
            first, cap = self._backoff
            delay = min(cap, first * 2.0 ** min(failures - 1, 32))
            retry_after = getattr(error, "retry_after", None)
            return max(delay, float(retry_after)) if isinstance(retry_after, (int, float)) else delay
        assert renewed is not None and expires is not None
        if self.tokens:
            lifetime = expires - renewed
            due = expires - min(self._token_margin, lifetime / 2)
        else:
            due = renewed + self.interval
        return due - self._clock()

    def _renew(self) -> None:
        if self.tokens or self._key_gone:
            self._replace_key()
            return
        key = self.listen_key
        assert key is not None
        try:
            self._ops.keepalive(key)  # type: ignore[union-attr]
        except ApiException as exc:
            if exc.code != KEY_GONE:
                raise
            with self._lock:
                self._key_gone = True
            logger.info("the listen key no longer exists; creating a new one")
            self._replace_key()
            return
        self._succeeded(key, self._expiry)
        self._notify(self.on_renewed, key)

    def _replace_key(self) -> None:
        """Create a key (or token) and report it when it differs from the previous one."""
        created = self._ops.create()
        key, lifetime = ListenToken(*created) if isinstance(created, tuple) else (created, self._expiry)
        with self._lock:
            old, self._key, self._key_gone = self._key, key, False
        self._succeeded(key, lifetime)
        if old is not None and old != key:
            self._notify(self.on_new_key, old, key)
        elif old is not None:
            self._notify(self.on_renewed, key)

    def _succeeded(self, key: str, lifetime: float) -> None:
        now = self._clock()
        with self._lock:
            self._last_renewed, self._expires_at = now, now + lifetime
            self._last_error, self._failures = None, 0

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            self._last_error = exc
            self._failures += 1
        if self.on_error is None:
            logger.warning("%s: listen key renewal failed, will retry: %s", self.name, exc)
        else:
            self._notify(self.on_error, exc)

    def _notify(self, callback: Optional[Callable[..., Any]], *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            logger.exception("%s: a callback raised; the manager keeps running", self.name)
