"""The public streams: margin user data (listen token) and margin risk (listen key), each
on the blocking driver (``_sync``) and on the asyncio one (``_async``).

Each kind's options are written once, as explicit keyword parameters (so editors complete
them and a typo names the valid ones), in a mixin that both drivers' classes share.
"""

from typing import Any

from binance_spot.stream._async import AsyncStream
from binance_spot.stream._core import MAX_CONNECTION_AGE
from binance_spot.stream._sources import (
    BACKOFF,
    OPEN_TIMEOUT,
    RENEW_BEFORE,
    TOKEN_VALIDITY,
    RiskKeySource,
    Settings,
    TokenSource,
)
from binance_spot.stream._sync import SyncStream

__all__ = ["AsyncMarginRiskStream", "AsyncMarginUserDataStream", "MarginRiskStream", "MarginUserDataStream"]


class _UserDataOptions:
    def __init__(
        self,
        api_client: Any,
        symbol: str | None = None,
        *,
        token_validity: float = TOKEN_VALIDITY,
        renew_before: float = RENEW_BEFORE,
        max_queue: int = 10_000,
        backoff: tuple[float, float] = BACKOFF,
        max_connection_age: float = MAX_CONNECTION_AGE,
        open_timeout: float = OPEN_TIMEOUT,
        ws_url: str | None = None,
    ) -> None:
        settings = Settings(
            api_client,
            max_queue=max_queue,
            backoff=backoff,
            max_connection_age=max_connection_age,
            open_timeout=open_timeout,
            ws_url=ws_url,
        )
        source = TokenSource(api_client, symbol, token_validity, renew_before)
        super().__init__(settings, source)  # type: ignore[call-arg]  # the driver's, next in the MRO


class _RiskOptions:
    def __init__(
        self,
        api_client: Any,
        *,
        keepalive_interval: float = 1800.0,
        max_queue: int = 10_000,
        backoff: tuple[float, float] = BACKOFF,
        max_connection_age: float = MAX_CONNECTION_AGE,
        open_timeout: float = OPEN_TIMEOUT,
        risk_url: str | None = None,
    ) -> None:
        settings = Settings(
            api_client,
            max_queue=max_queue,
            backoff=backoff,
            max_connection_age=max_connection_age,
            open_timeout=open_timeout,
            risk_url=risk_url,
            risk=True,
        )
        super().__init__(settings, RiskKeySource(api_client, keepalive_interval))  # type: ignore[call-arg]


class MarginUserDataStream(_UserDataOptions, SyncStream):
    """The margin account's orders and balances, kept flowing for as long as it is open.

    ``with MarginUserDataStream(api_client) as stream: for event in stream: ...`` (cross
    margin; ``symbol="BNBUSDT"`` for an isolated account). It creates a listen token over
    REST, subscribes on the WebSocket API, subscribes again with a new token
    ``renew_before`` seconds before each expires (``token_validity``), and replaces the
    connection after a drop, ``eventStreamTerminated``, -2042 or a minute of silence, always
    with a new token, putting a ``Gap`` in the stream. On ``serverShutdown`` and at
    ``max_connection_age`` it subscribes on the new connection before leaving the old one:
    each event once, no ``Gap``.

    At most ``max_queue`` events wait for the consumer; when full, the stream stops
    reading, lets the consumer drain to half, reconnects and delivers
    ``Gap(reason="overflow")``: nothing is dropped without a marker. ``backoff`` is
    ``(first, cap)`` seconds between reconnects (with jitter, under a hard attempt cap).
    ``ws_url`` overrides the URL derived from the client's host, as ``$BINANCE_WS_URL``
    does when it is not given (docs/Streams.md).
    """


class MarginRiskStream(_RiskOptions, SyncStream):
    """Margin calls and liability changes of the cross margin account (the risk stream).

    Same shape and rules as ``MarginUserDataStream``; the credential is a risk listen key,
    kept alive every ``keepalive_interval`` seconds by a ``ListenKeyManager`` and closed
    with the stream, and the URL is ``<risk_url>/ws/<key>`` (``risk_url`` defaults to
    ``$BINANCE_RISK_URL``, else is derived from the client's host).
    """


class AsyncMarginUserDataStream(_UserDataOptions, AsyncStream):
    """``MarginUserDataStream`` for asyncio: ``async with ... as stream: async for event in stream``."""


class AsyncMarginRiskStream(_RiskOptions, AsyncStream):
    """``MarginRiskStream`` for asyncio."""
