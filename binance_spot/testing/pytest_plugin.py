"""Fixtures for testing code that uses binance_spot, loaded by pytest through the ``pytest11`` entry point.

Every name starts with ``binance_`` so that none clashes with a project's own fixtures. A
test asks for ``binance_client`` (or ``binance_config``) to talk to a fresh local server,
``binance_server`` to see what it received, ``binance_clock`` to move its time and
``binance_faults`` to make it fail. This is the one module of the package that imports pytest.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported by the fixtures that need them: loading the plugin costs every pytest run nothing
    from binance_spot.api_client import ApiClient
    from binance_spot.configuration import Configuration
    from binance_spot.testing.clock import ManualClock
    from binance_spot.testing.server import BinanceServer
    from binance_spot.testing.trading import ExchangeAccount

__all__ = [
    "API_KEY",
    "BinanceFaults",
    "binance_account",
    "binance_api_key",
    "binance_client",
    "binance_clock",
    "binance_config",
    "binance_faults",
    "binance_server",
    "binance_server_options",
]

#: The API key ``binance_config`` sends (override the ``binance_api_key`` fixture to change it).
API_KEY = "pytest-api-key"


class BinanceFaults:
    """Shortcuts to ``BinanceServer.add_fault`` and the stream controls, for one test's server."""

    def __init__(self, server: "BinanceServer") -> None:
        self.server = server

    def status(
        self, status: int, times: int = 1, *, path: str | None = None, method: str | None = None, retry_after: int = 0
    ) -> None:
        """The next ``times`` matching requests get ``status`` with Binance's JSON error and ``Retry-After``."""
        headers = {"Retry-After": str(retry_after)}
        self.server.add_fault("status", times, status=status, headers=headers, path=path, method=method)

    def hang(self, times: int = 1, *, path: str | None = None, method: str | None = None) -> None:
        """The next ``times`` matching requests get no answer until the server stops."""
        self.server.add_fault("hang", times, path=path, method=method)

    def disconnect(self, times: int = 1, *, path: str | None = None, method: str | None = None) -> None:
        """The next ``times`` matching requests see the connection closed without an answer."""
        self.server.add_fault("close", times, path=path, method=method)

    def clear(self) -> int:
        """Forget the faults not yet used up; how many."""
        return self.server.clear_faults()

    def retire(self) -> None:
        """From now on the retired ``/sapi/v1/userDataStream`` paths answer 410, as production does."""
        self.server.retired = True

    def drop_streams(self, connection: int | None = None) -> int:
        """Cut every WebSocket connection (or only number ``connection``), as a network failure
        would; how many were cut."""
        return self.server.drop_streams(connection)

    def shutdown_streams(self) -> int:
        """Announce ``serverShutdown`` on every WebSocket API connection; how many heard it."""
        return self.server.shutdown_streams()


@pytest.fixture
def binance_clock() -> "ManualClock":
    """The server's time: it moves only with ``binance_clock.advance(seconds)``."""
    from binance_spot.testing.clock import ManualClock

    return ManualClock()


@pytest.fixture
def binance_server_options() -> dict[str, Any]:
    """Keyword arguments for ``binance_server``'s ``BinanceServer`` (override it: ``{"retired": True}``)."""
    return {}


@pytest.fixture
def binance_server(binance_clock: "ManualClock", binance_server_options: dict[str, Any]) -> Iterator["BinanceServer"]:
    """A local Binance started for the test and stopped after it, on ``binance_clock``."""
    from binance_spot.testing.server import BinanceServer

    with BinanceServer(**{"clock": binance_clock, **binance_server_options}) as server:
        yield server


@pytest.fixture
def binance_api_key() -> str:
    """The API key ``binance_config`` sends."""
    return API_KEY


@pytest.fixture
def binance_config(binance_server: "BinanceServer", binance_api_key: str) -> "Configuration":
    """A ``Configuration`` for ``binance_server``, with 2 s timeouts so that a fault fails fast."""
    from binance_spot.configuration import Configuration

    config = Configuration(host=binance_server.url, api_key={"X-MBX-APIKEY": binance_api_key})
    config.request_timeout = (2.0, 2.0)
    return config


@pytest.fixture
def binance_client(binance_config: "Configuration") -> Iterator["ApiClient"]:
    """An ``ApiClient`` on ``binance_config``, closed after the test."""
    from binance_spot.api_client import ApiClient

    with ApiClient(binance_config) as client:
        yield client


@pytest.fixture
def binance_faults(binance_server: "BinanceServer") -> BinanceFaults:
    """Failures on demand for ``binance_server``: HTTP errors, hangs, disconnects, dropped streams."""
    return BinanceFaults(binance_server)


@pytest.fixture
def binance_account(binance_server: "BinanceServer", binance_api_key: str) -> "ExchangeAccount":
    """The cross margin account of ``binance_api_key`` on ``binance_server``: place, fill and cancel
    orders, transfer, borrow, repay; each change answered over REST and pushed to its streams."""
    return binance_server.account(binance_api_key)
