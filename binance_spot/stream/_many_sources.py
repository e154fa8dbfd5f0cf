"""What the sync and asyncio many-accounts streams share: their validated settings, the pool
they drive, and each account's token calls (``TokenSource``, the single stream's)."""

import contextlib
import logging
import os
import time
from collections.abc import Hashable
from contextlib import AbstractContextManager
from typing import Any

from binance_spot.stream._core import PRODUCTION_API, websocket_urls
from binance_spot.stream._pool import Pool
from binance_spot.stream._pool_state import AccountFailed
from binance_spot.stream._protocol import Credential
from binance_spot.stream._sources import (
    WS_URL_ENVIRONMENT,
    TokenSource,
    check_connection_options,
    check_token_times,
    describe,
    fatal,
    retry_after,
    websocket_url,
)
from binance_spot.stream._weights import DEFAULT_WEIGHT_PER_MINUTE, WeightBudget
from binance_spot.stream.errors import StreamError, require_websockets

__all__ = ["Accounts", "Drivers", "ManySettings"]

logger = logging.getLogger("binance_spot.stream")

#: Token calls running at once (each is one REST request); the weight budget paces them anyway.
TOKEN_WORKERS = 8


class ManySettings:
    """The knobs of a many-accounts stream (see ``MarginAccountsStream``), checked before any byte is sent."""

    def __init__(
        self,
        ws_url: str | None,
        per_connection: int,
        weight_per_minute: int,
        budget: WeightBudget | None,
        token_validity: float,
        renew_before: float,
        max_queue: int,
        backoff: tuple[float, float],
        max_connection_age: float,
        open_timeout: float,
    ) -> None:
        self.max_queue, self.backoff, age, self.open_timeout = check_connection_options(
            max_queue, backoff, max_connection_age, open_timeout
        )
        self.token_validity, self.renew_before = check_token_times(token_validity, renew_before)
        self.url: str | None = None  # derived from the first account's host unless given
        if ws_url is not None or os.environ.get(WS_URL_ENVIRONMENT):
            self.url = websocket_url("ws_url", ws_url, WS_URL_ENVIRONMENT, lambda: PRODUCTION_API)
        if budget is not None and (type(budget) is not WeightBudget or weight_per_minute != DEFAULT_WEIGHT_PER_MINUTE):
            raise ValueError("budget must be a WeightBudget, given instead of weight_per_minute (its limit)")
        self.pool = Pool(
            per_connection=per_connection,
            budget=budget or WeightBudget(weight_per_minute),
            max_age=age,
            renew_before=self.renew_before,
            backoff=self.backoff,
        )


class Accounts:
    """The accounts' token sources beside the pool; callers hold their driver's lock."""

    def __init__(self, settings: ManySettings) -> None:
        self.settings, self.pool = settings, settings.pool
        self.sources: dict[Hashable, TokenSource] = {}

    def add(self, account: Hashable, api_client: Any, symbol: str | None) -> None:
        if account in self.sources:
            raise ValueError(f"account {account!r:.60} is already followed")
        configuration: Any = getattr(api_client, "configuration", None)
        if not getattr(configuration, "api_key", {}).get("X-MBX-APIKEY"):  # its token call needs it
            raise ValueError("api_client must be an ApiClient with this account's API key")
        settings = self.settings
        if settings.url is None:  # the single stream's rule, for the first account's client
            host = api_client.configuration.host
            settings.url = websocket_url("ws_url", None, WS_URL_ENVIRONMENT, lambda: websocket_urls(host)[0])
        source = TokenSource(api_client, symbol, settings.token_validity, settings.renew_before)
        self.pool.add(account, time.monotonic())
        self.sources[account] = source

    def remove(self, account: Hashable) -> None:
        self.pool.remove(account, time.monotonic())
        del self.sources[account]

    def token(self, account: Hashable) -> tuple[Hashable, Credential | BaseException]:
        """Make ``account``'s next token (on a worker, without the lock): its result or error."""
        source = self.sources.get(account)
        if source is None:
            return account, KeyError(account)
        try:
            return account, source()
        except Exception as exc:
            return account, exc

    def settle(self, account: Hashable, result: Credential | BaseException) -> None:
        """Hand a token call's outcome to the pool (with the lock held)."""
        now = time.monotonic()
        if account not in self.sources:  # removed meanwhile: the pool only counts the call back
            self.pool.token_failed(account, KeyError(account), False, 0.0, now)
            return
        if isinstance(result, Credential):
            self.pool.token_ready(account, result, now)
            return
        if not fatal(result):
            logger.warning("account %r: creating a listen token failed, will retry: %s", account, describe(result))
        self.pool.token_failed(account, result, fatal(result), retry_after(result), now)

    def take(self) -> list[Any]:
        """The pool's items for the consumer; a failed account's source is dropped with it."""
        items, self.pool.items = self.pool.items, []
        for item in items:
            if type(item) is AccountFailed:
                self.sources.pop(item.account, None)
        return items


class Drivers:
    """What the sync and asyncio drivers share: the accounts beside their pool, the open
    sockets, adding and removing (under ``_guard()``, the sync driver's lock)."""

    _wake: Any  # a threading.Event or an asyncio.Event: set() makes the control loop look now

    def __init__(self, settings: ManySettings) -> None:
        require_websockets()
        self._settings = settings
        self._accounts = Accounts(settings)
        self._pool = settings.pool
        self._sockets: dict[int, Any] = {}
        from websockets.exceptions import ConnectionClosed

        self._closed = ConnectionClosed

    def _guard(self) -> AbstractContextManager[Any]:
        return contextlib.nullcontext()

    def add(self, account: Hashable, api_client: Any, symbol: str | None = None) -> None:
        """Follow ``account`` (any hashable id of yours) with its own client and credentials."""
        with self._guard():
            self._accounts.add(account, api_client, symbol)
        self._wake.set()

    def remove(self, account: Hashable) -> None:
        """Stop following ``account``: nothing more is delivered for it (``KeyError`` if unknown)."""
        with self._guard():
            self._accounts.remove(account)
        self._wake.set()

    @property
    def accounts(self) -> list[Hashable]:
        """The accounts followed now."""
        with self._guard():
            return list(self._accounts.sources)

    @property
    def connections(self) -> int:
        """Connections open now."""
        return len(self._sockets)

    def _url(self) -> str:
        if self._settings.url is None:
            raise StreamError("add an account first: the URL comes from its client's host")
        return self._settings.url
