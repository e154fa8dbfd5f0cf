"""The public many-accounts streams: margin user data of many accounts on few WebSocket API
connections, on the blocking driver (``_many_sync``) and on the asyncio one (``_many_async``).

The options are written once, in a mixin both classes share (as in ``_margin``).
"""

from binance_spot.stream._core import MAX_CONNECTION_AGE
from binance_spot.stream._many_async import AsyncAccounts
from binance_spot.stream._many_sources import ManySettings
from binance_spot.stream._many_sync import SyncAccounts
from binance_spot.stream._pool_schedule import PER_CONNECTION
from binance_spot.stream._sources import BACKOFF, OPEN_TIMEOUT, RENEW_BEFORE, TOKEN_VALIDITY
from binance_spot.stream._weights import DEFAULT_WEIGHT_PER_MINUTE, WeightBudget

__all__ = ["AsyncMarginAccountsStream", "MarginAccountsStream"]


class _AccountsOptions:
    def __init__(
        self,
        ws_url: str | None = None,
        *,
        per_connection: int = PER_CONNECTION,
        weight_per_minute: int = DEFAULT_WEIGHT_PER_MINUTE,
        budget: WeightBudget | None = None,
        token_validity: float = TOKEN_VALIDITY,
        renew_before: float = RENEW_BEFORE,
        max_queue: int = 100_000,
        backoff: tuple[float, float] = BACKOFF,
        max_connection_age: float = MAX_CONNECTION_AGE,
        open_timeout: float = OPEN_TIMEOUT,
    ) -> None:
        settings = ManySettings(  # positional: the names are above, once
            ws_url, per_connection, weight_per_minute, budget, token_validity, renew_before, max_queue,
            backoff, max_connection_age, open_timeout,
        )  # fmt: skip
        super().__init__(settings)  # type: ignore[call-arg]  # the driver's, next in the MRO


class MarginAccountsStream(_AccountsOptions, SyncAccounts):
    """The margin user data of many accounts, packed on as few connections as Binance allows.

    ``with MarginAccountsStream(ws_url) as stream: stream.add("alice", alice_client); for item
    in stream: ...``. Each account has its own ``ApiClient`` (its key and secret) and is cross
    margin, or isolated with ``symbol=``; accounts are added and removed at any time. Up to
    ``per_connection`` (Binance: 1,000) share a connection; another opens only when all are
    full. Connects, subscribes and renewals together spend at most ``weight_per_minute`` in
    any 60 s (the server's ``rateLimits`` and ``retryAfter`` make it stricter); or, instead,
    ``budget=WeightBudget(limit, window)`` spends at most ``limit`` in any ``window`` seconds
    (``WeightBudget(20, 1.0)``: the same 1,200 a minute, without the first minute's burst).
    Connection attempts of the process stay within Binance's 300 per 5 minutes.

    Items are ``AccountEvent(account, event)`` (``event`` a typed ``Event`` or, after that
    account's subscription was interrupted, a ``Gap``) and ``AccountFailed(account, error)``
    (its key or token was refused: it is no longer followed). ``ws_url`` defaults to
    ``$BINANCE_WS_URL``, else the WebSocket API of the first account's host
    (docs/Accounts-many.md).
    """


class AsyncMarginAccountsStream(_AccountsOptions, AsyncAccounts):
    """``MarginAccountsStream`` for asyncio: ``async with ... as stream: async for item in stream``."""
