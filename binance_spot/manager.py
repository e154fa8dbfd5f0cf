"""Keep a listen key (or a listen token) valid for as long as a stream needs it.

A listen key dies 60 minutes after its creation or last keepalive, and Binance forgets it
sooner at times (-1125). ``ListenKeyManager`` renews it on one daemon thread, recreates it
when it is gone, reports every failure and never stops trying until told to; listen tokens,
which cannot be kept alive, are replaced before they expire. No setting, clock or server
answer makes it send faster than once per ``MIN_REQUEST_GAP``: a ban costs more than a delay.
"""

import logging
import math
import threading
import time
from typing import Any, Callable, Optional

from binance_spot._listen_ops import (
    KEY_GONE,
    ListenKeyFunctions,
    ListenKeyOps,
    ListenKeySource,
    ListenToken,
    ListenTokenFunctions,
    ListenTokenOps,
    MarginStreamOps,
    _as_ops,
)
from binance_spot.exceptions import ApiException, ApiValueError
from binance_spot.settings import seconds

__all__ = [
    "KEY_GONE",
    "MIN_REQUEST_GAP",
    "STOP_TIMEOUT",
    "ListenKeyFunctions",
    "ListenKeyManager",
    "ListenKeyOps",
    "ListenToken",
    "ListenTokenFunctions",
    "ListenTokenOps",
    "MarginStreamOps",
]

logger = logging.getLogger(__name__)

#: Seconds of real time (``time.monotonic``) between the starts of two requests of one manager, at least.
MIN_REQUEST_GAP = 0.05
#: What ``stop()`` waits at most by default, in seconds.
STOP_TIMEOUT = 10.0
#: Bounds of the settings: keys live an hour on Binance, a day at most anywhere.
_DAY = 86_400.0


class _Stopped(Exception):
    """The manager is stopping: the request was not sent."""


class ListenKeyManager:
    """Creates a listen key, keeps it alive on a daemon thread, recreates it when it is gone.

    ``api`` is a ``MarginStreamApi``, a ``ListenKeyOps`` (e.g. ``ListenKeyFunctions`` for the
    margin risk stream) or a ``ListenTokenOps`` (``ListenTokenFunctions``). Keys are renewed
    every ``interval`` seconds; tokens are replaced ``token_margin`` seconds (at most half
    their lifetime) before they expire, and ``interval`` does not apply to them.

    Callbacks run on the manager's thread: ``on_new_key(old, new)`` when the key changed (reconnect
    or subscribe again), ``on_error(exc)`` for every failure (retried after a backoff that honours
    ``retry_after``), ``on_renewed(key)`` after each renewal; one that raises is logged, never fatal.
    ``clock`` and ``sleep`` (which must return promptly) exist for tests; neither can shorten
    ``MIN_REQUEST_GAP``, which is kept on the real monotonic clock.
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
        expiry = seconds("expiry", expiry, zero=True, least=1.0, most=_DAY)
        interval = seconds("interval", interval, zero=True, least=MIN_REQUEST_GAP, most=_DAY)
        if interval >= expiry:
            raise ApiValueError(f"interval ({interval:g} s) must be shorter than the key's expiry ({expiry:g} s)")
        token_margin = seconds("token_margin", token_margin, zero=True, least=MIN_REQUEST_GAP, most=_DAY)
        if not (isinstance(retry_backoff, tuple) and len(retry_backoff) == 2):
            raise ApiValueError(f"retry_backoff must be (first, maximum) seconds, got {retry_backoff!r}")
        first = seconds("retry_backoff[0]", retry_backoff[0], zero=True, least=MIN_REQUEST_GAP, most=3600.0)
        cap = seconds("retry_backoff[1]", retry_backoff[1], zero=True, least=first, most=3600.0)
        self._ops = _as_ops(api)
        self.interval = interval
        self.on_new_key, self.on_error, self.on_renewed = on_new_key, on_error, on_renewed
        self.name = name
        self._clock, self._sleep = clock, sleep
        self._backoff = (first, cap)
        self._expiry, self._token_margin = expiry, token_margin
        self._lock = threading.Lock()  # the state below
        self._lifecycle = threading.Lock()  # start() and stop() one at a time
        self._gate = threading.Lock()  # a request starts only while the manager is not stopping
        self._stopping = threading.Event()
        self._close_on_exit = False
        self._last_sent = -math.inf
        self._thread: Optional[threading.Thread] = None
        self._key: Optional[str] = None
        self._key_gone = False
        self._last_renewed: Optional[float] = None
        self._expires_at: Optional[float] = None
        self._last_error: Optional[BaseException] = None
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

    @property
    def uses_tokens(self) -> bool:
        """True when managing listen tokens (replaced before expiry) rather than keys (kept alive)."""
        return not callable(getattr(self._ops, "keepalive", None))

    @property
    def tokens(self) -> bool:
        """The former name of ``uses_tokens``, kept for code written against it."""
        return self.uses_tokens

    @property
    def running(self) -> bool:
        """The renewal thread is alive and not stopping."""
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

    @property
    def valid_for(self) -> float:
        """Seconds the key was valid for when last created or renewed; 0.0 before ``start()``."""
        with self._lock:
            return (
                0.0 if self._expires_at is None or self._last_renewed is None else self._expires_at - self._last_renewed
            )

    def start(self) -> "ListenKeyManager":
        """Create the key now (raising if that fails), then keep it valid in the background.

        ``RuntimeError`` while a renewal thread is alive (even one a timed-out ``stop()`` left).
        """
        with self._lifecycle:
            if self._thread is not None and self._thread.is_alive():
                raise RuntimeError("this ListenKeyManager is already running (or still finishing a request)")
            with self._gate:
                self._stopping.clear()
                self._close_on_exit = False
            self._replace_key()
            thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread = thread
            thread.start()
        return self

    def stop(self, close: bool = True, timeout: Optional[float] = STOP_TIMEOUT) -> None:
        """Stop renewing and close the key (unless ``close`` is False) within ``timeout`` seconds.

        The thread finishes a request in flight, sends the DELETE and ends; ``stop()`` waits for
        that at most ``timeout`` (None: as long as the client's timeouts allow). After that the
        thread sends nothing more and the key expires. Safe twice, from any thread or a callback.
        """
        if timeout is not None:
            timeout = seconds("timeout", timeout, zero=True, least=0.0, most=_DAY)
        deadline = None if timeout is None else time.monotonic() + timeout
        thread = self._thread
        if thread is threading.current_thread():  # from a callback: the thread ends after it
            self._request_stop(close)
            return
        with self._lifecycle:
            thread = self._thread
            if thread is None or (self._stopping.is_set() and not thread.is_alive()):
                return
            self._request_stop(close)
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                with self._gate:
                    self._close_on_exit = False  # too late: the thread must send nothing more
                logger.warning("%s: stop() timed out after %s s; a request is still in flight", self.name, timeout)

    def _request_stop(self, close: bool) -> None:
        with self._gate:
            if not self._stopping.is_set():
                self._close_on_exit = close and not self.uses_tokens
            self._stopping.set()

    def _run(self) -> None:
        while not self._wait(self._next_delay()):
            try:
                self._renew()
            except _Stopped:
                break
            except Exception as exc:
                self._failed(exc)
        self._close()

    def _close(self) -> None:
        """The thread's last act: close the key if ``stop()`` asked for it and is still waiting."""
        with self._lock:
            key, gone = self._key, self._key_gone
        if key is None or gone or self.uses_tokens:
            return
        try:
            self._send(self._ops.close, key, closing=True)  # type: ignore[union-attr]
        except _Stopped:
            pass
        except Exception as exc:
            if not (isinstance(exc, ApiException) and exc.code == KEY_GONE):
                self._failed(exc)

    def _send(self, operation: Callable[..., Any], *args: Any, closing: bool = False) -> Any:
        """Call ``operation`` unless stopping, never sooner than ``MIN_REQUEST_GAP`` after the last one."""
        gap = self._last_sent + MIN_REQUEST_GAP - time.monotonic()
        if gap > 0 and not closing and self._stopping.wait(gap):
            raise _Stopped
        if gap > 0 and closing:
            time.sleep(gap)
        with self._gate:
            if self._stopping.is_set() != closing or (closing and not self._close_on_exit):
                raise _Stopped
            self._last_sent = time.monotonic()
        return operation(*args)

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
            delay = min(self._backoff[1], self._backoff[0] * 2.0 ** min(failures - 1, 32))
            retry_after = getattr(error, "retry_after", None)
            if not (isinstance(retry_after, (int, float)) and math.isfinite(retry_after)):
                return delay
            return max(delay, min(float(retry_after), _DAY))
        assert renewed is not None and expires is not None
        if self.uses_tokens:
            lifetime = expires - renewed
            due = expires - min(self._token_margin, lifetime / 2)
        else:
            due = renewed + self.interval
        return due - self._clock()

    def _renew(self) -> None:
        if self.uses_tokens or self._key_gone:
            self._replace_key()
            return
        key = self.listen_key
        assert key is not None
        try:
            self._send(self._ops.keepalive, key)  # type: ignore[union-attr]
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
        created = self._send(self._ops.create)
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
