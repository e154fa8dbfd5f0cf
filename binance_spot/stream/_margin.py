"""The public streams: margin user data (listen token) and margin risk (listen key), each
on the blocking driver (``_sync``) and on the asyncio one (``_async``)."""

from typing import Any

from binance_spot.stream._async import AsyncStream
from binance_spot.stream._sources import risk_parts, user_data_parts
from binance_spot.stream._sync import SyncStream

__all__ = ["AsyncMarginRiskStream", "AsyncMarginUserDataStream", "MarginRiskStream", "MarginUserDataStream"]


class MarginUserDataStream(SyncStream):
    """The margin account's orders and balances, kept flowing for as long as it is open.

    ``with MarginUserDataStream(api_client) as stream: for event in stream: ...`` (cross
    margin; ``symbol="BNBUSDT"`` for an isolated account). It creates a listen token over
    REST, subscribes on the WebSocket API, subscribes again with a new token
    ``renew_before`` seconds before each expires (``token_validity``), and replaces the
    connection after a drop, ``serverShutdown``, ``eventStreamTerminated``, -2042 or
    ``max_connection_age``, always with a new token, putting a ``Gap`` in the stream.

    At most ``max_queue`` events wait for the consumer; when full, the stream stops
    reading, lets the consumer drain to half, reconnects and delivers
    ``Gap(reason="overflow")``: nothing is dropped without a marker. ``backoff`` is
    ``(first, cap)`` seconds between reconnects (with jitter, under a hard attempt cap).
    ``ws_url`` overrides the URL derived from the client's host (docs/Streams.md).
    """

    def __init__(self, api_client: Any, symbol: str | None = None, **options: Any) -> None:
        super().__init__(*user_data_parts(api_client, symbol, **options))


class MarginRiskStream(SyncStream):
    """Margin calls and liability changes of the cross margin account (the risk stream).

    Same shape and rules as ``MarginUserDataStream``; the credential is a risk listen key,
    kept alive every ``keepalive_interval`` seconds by a ``ListenKeyManager`` and closed
    with the stream, and the URL is ``<risk_url>/ws/<key>``.
    """

    def __init__(self, api_client: Any, **options: Any) -> None:
        super().__init__(*risk_parts(api_client, **options))


class AsyncMarginUserDataStream(AsyncStream):
    """``MarginUserDataStream`` for asyncio: ``async with ... as stream: async for event in stream``."""

    def __init__(self, api_client: Any, symbol: str | None = None, **options: Any) -> None:
        super().__init__(*user_data_parts(api_client, symbol, **options))


class AsyncMarginRiskStream(AsyncStream):
    """``MarginRiskStream`` for asyncio."""

    def __init__(self, api_client: Any, **options: Any) -> None:
        super().__init__(*risk_parts(api_client, **options))
