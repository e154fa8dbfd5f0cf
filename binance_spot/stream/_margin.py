"""The public streams: margin user data (listen token) and margin risk (listen key), sync."""

from typing import Any

from binance_spot.stream._sources import RiskKeySource, Settings, TokenSource
from binance_spot.stream._sync import SyncStream

__all__ = ["MarginRiskStream", "MarginUserDataStream", "risk_parts", "user_data_parts"]


def user_data_parts(
    api_client: Any,
    symbol: str | None = None,
    *,
    token_validity: float = 86400.0,
    renew_before: float = 600.0,
    **options: Any,
) -> tuple[Settings, TokenSource, str]:
    """The pieces of a user-data stream; ``options`` are ``Settings``' (an unknown one is a TypeError)."""
    settings = Settings(api_client, **options)
    return settings, TokenSource(api_client, symbol, token_validity, renew_before), settings.ws_url


def risk_parts(
    api_client: Any, *, keepalive_interval: float = 1800.0, **options: Any
) -> tuple[Settings, RiskKeySource, str]:
    """The pieces of a risk stream; ``options`` are ``Settings``'."""
    settings = Settings(api_client, **options)
    return settings, RiskKeySource(api_client, keepalive_interval), settings.risk_url


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
