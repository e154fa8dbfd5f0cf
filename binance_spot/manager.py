"""Keep a listen key (or a listen token) valid for as long as a stream needs it.

A listen key dies 60 minutes after its creation or last keepalive, and Binance forgets it
sooner at times (-1125). ``ListenKeyManager`` renews it on one daemon thread, recreates it
when it is gone, reports every failure and never stops trying until told to; listen tokens,
which cannot be kept alive, are replaced before they expire. No setting, clock or server
answer makes it send faster than once per ``MIN_REQUEST_GAP``: a ban costs more than a delay.

What to do and when is decided by ``_listen_schedule.Schedule``, which has no thread and no
I/O; this module is the thread that carries its steps out and the callbacks it reports to.
"""

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from binance_spot._listen_ops import (
    KEY_GONE,
    MAX_TOKEN_LIFETIME,
    MIN_TOKEN_LIFETIME,
    ListenKeyFunctions,
    ListenKeyOps,
    ListenKeySource,
    ListenToken,
    ListenTokenFunctions,
    ListenTokenOps,
    MarginStreamOps,
    _as_ops,
)
from binance_spot._listen_schedule import DAY, MIN_REQUEST_GAP, Action, Change, Schedule
from binance_spot.exceptions import ApiException
from binance_spot.settings import seconds

__all__ = [
    "KEY_GONE",
    "MAX_TOKEN_LIFETIME",
    "MIN_REQUEST_GAP",
    "MIN_TOKEN_LIFETIME",
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

#: What ``stop()`` waits at most by default, in seconds.
STOP_TIMEOUT = 10.0


class _Stopped(Exception):
    """The manager is stopping: the request was not sent."""


class ListenKeyManager:
    """Creates a listen key, keeps it alive on a daemon thread, recreates it when it is gone.

    ``api`` is a ``MarginStreamApi``, a ``ListenKeyOps`` (e.g. ``ListenKeyFunctions`` for the
    margin risk stream) or a ``ListenTokenOps`` (``ListenTokenFunctions``). Keys are renewed
    every ``interval`` seconds; tokens are replaced ``token_margin`` seconds (at most half
    their lifetime) before they expire, and ``interval`` does not apply to them.

    Callbacks run on the manager's thread: ``on_new_key(old, new)`` when the key changed (reconnect
    or subscribe again), ``on_error(exc)`` for every failure (retried after a jittered backoff that
    honours ``retry_after``), ``on_renewed(key)`` after each renewal; one that raises is logged, never fatal.
    ``clock`` and ``sleep`` (which must return promptly) exist for tests; neither can shorten
    ``MIN_REQUEST_GAP``, which is kept on the real monotonic clock.
    """

    def __init__(
        self,
        api: ListenKeySource,
        interval: float = 1800.0,
        on_new_key: Callable[[str | None, str], Any] | None = None,
        on_error: Callable[[BaseException], Any] | None = None,
        *,
        on_renewed: Callable[[str], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] | None = None,
        retry_backoff: tuple[float, float] = (1.0, 60.0),
        expiry: float = 3600.0,
        token_margin: float = 300.0,
        name: str = "ListenKeyManager",
    ) -> None:
        self._ops = _as_ops(api)
        self._schedule = Schedule(
            uses_tokens=not callable(getattr(self._ops, "keepalive", None)),
            interval=interval,
            expiry=expiry,
            token_margin=token_margin,
            retry_backoff=retry_backoff,
        )
        self.on_new_key, self.on_error, self.on_renewed = on_new_key, on_error, on_renewed
        self.name = name
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()  # the schedule
        self._lifecycle = threading.Lock()  # start() and stop() one at a time
        self._gate = threading.Lock()  # a request starts only while the manager is not stopping
        self._stopping = threading.Event()
        self._close_on_exit = False
        self._last_sent = -math.inf
        self._thread: threading.Thread | None = None

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
    def interval(self) -> float:
        """Seconds between keepalives (not used for tokens)."""
        return self._schedule.interval

    @interval.setter
    def interval(self, value: float) -> None:
        with self._lock:
            self._schedule.interval = value

    @property
    def uses_tokens(self) -> bool:
        """True when managing listen tokens (replaced before expiry) rather than keys (kept alive)."""
        return self._schedule.uses_tokens

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
    def listen_key(self) -> str | None:
        """The current key (or token); None before ``start()``."""
        with self._lock:
            return self._schedule.key

    @property
    def last_renewed(self) -> float | None:
        """When (on ``clock``) the key was last created or kept alive."""
        with self._lock:
            return self._schedule.last_renewed

    @property
    def last_error(self) -> BaseException | None:
        """The latest failure, cleared by the next success."""
        with self._lock:
            return self._schedule.last_error

    @property
    def expires_at(self) -> float | None:
        """When (on ``clock``) the key expires if it is not renewed: an estimate for keys."""
        with self._lock:
            return self._schedule.expires_at

    @property
    def valid_for(self) -> float:
        """Seconds the key was valid for when last created or renewed; 0.0 before ``start()``."""
        with self._lock:
            renewed, expires = self._schedule.last_renewed, self._schedule.expires_at
        return 0.0 if expires is None or renewed is None else expires - renewed

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
            self._create()
            thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread = thread
            thread.start()
        return self

    def stop(self, close: bool = True, timeout: float | None = STOP_TIMEOUT) -> None:
        """Stop renewing and close the key (unless ``close`` is False) within ``timeout`` seconds.

        The thread finishes a request in flight, sends the DELETE and ends; ``stop()`` waits for
        that at most ``timeout`` (None: as long as the client's timeouts allow). After that the
        thread sends nothing more and the key expires. Safe twice, from any thread or a callback.
        """
        if timeout is not None:
            timeout = seconds("timeout", timeout, zero=True, least=0.0, most=DAY)
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
        """The thread: execute the schedule's steps until stopped, then close the key."""
        while True:
            with self._lock:
                step = self._schedule.next(self._clock())
            if self._wait(step.wait):
                break
            try:
                self._create() if step.action is Action.CREATE else self._keepalive()
            except _Stopped:
                break
            except Exception as exc:
                self._failed(exc)
        self._close()

    def _create(self) -> None:
        """Create a key (or token) and report it when it differs from the previous one."""
        created = self._send(self._ops.create)
        now = self._clock()
        with self._lock:
            old = self._schedule.key
            change = self._schedule.created(created, now)
            key = self._schedule.key
        if change is Change.REPLACED:
            self._notify(self.on_new_key, old, key)
        elif change is Change.SAME:
            self._notify(self.on_renewed, key)

    def _keepalive(self) -> None:
        key = self.listen_key
        assert key is not None
        try:
            self._send(self._ops.keepalive, key)  # type: ignore[union-attr]
        except ApiException as exc:
            if exc.code != KEY_GONE:
                raise
            with self._lock:
                self._schedule.gone()
            logger.info("the listen key no longer exists; creating a new one")
            return
        now = self._clock()
        with self._lock:
            self._schedule.renewed(now)
        self._notify(self.on_renewed, key)

    def _close(self) -> None:
        """The thread's last act: close the key if ``stop()`` asked for it and is still waiting."""
        with self._lock:
            key = self._schedule.to_close()
        if key is None:
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
        """Wait ``seconds`` (none when the step is due); True when the manager is stopping."""
        if seconds <= 0:
            return self._stopping.is_set()
        if self._sleep is None:
            return self._stopping.wait(seconds)
        if not self._stopping.is_set():
            self._sleep(seconds)
        return self._stopping.is_set()

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            self._schedule.failed(exc)
        if self.on_error is None:
            logger.warning("%s: listen key renewal failed, will retry: %s", self.name, exc)
        else:
            self._notify(self.on_error, exc)

    def _notify(self, callback: Callable[..., Any] | None, *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            logger.exception("%s: a callback raised; the manager keeps running", self.name)
