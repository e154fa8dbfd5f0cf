"""Fixtures shared by the tests: a local Binance server and a client pointed at it."""

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import binance_spot
from binance_spot.testing import BinanceServer, ManualClock

API_KEY = "test-api-key_0123456789"


@pytest.fixture(autouse=True)
def _no_default_configuration() -> Iterator[None]:
    """``Configuration.set_default`` is process-wide: never let it leak between tests."""
    yield
    binance_spot.Configuration.set_default(None)


def _wait_for(condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail the test when ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.002)


@pytest.fixture
def wait_for() -> Callable[..., None]:
    """``wait_for(condition, timeout=5.0)``: await a condition instead of sleeping."""
    return _wait_for


@pytest.fixture
def api_key() -> str:
    """The API key the ``config`` fixture sends."""
    return API_KEY


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_780_000_000.0)


@pytest.fixture
def server_options() -> dict[str, Any]:
    """Keyword arguments for the ``server`` fixture's BinanceServer: a test module overrides this, not ``server``."""
    return {}


@pytest.fixture
def server(clock: ManualClock, server_options: dict[str, Any]) -> Iterator[BinanceServer]:
    with BinanceServer(**{"clock": clock, **server_options}) as running:
        yield running


@pytest.fixture
def config(server: BinanceServer) -> binance_spot.Configuration:
    """A configuration for the local server, with short timeouts and fast retries."""
    configuration = binance_spot.Configuration(host=server.url)
    configuration.api_key["X-MBX-APIKEY"] = API_KEY
    configuration.request_timeout = (2.0, 2.0)
    return configuration


@pytest.fixture
def client(config: binance_spot.Configuration) -> Iterator[binance_spot.ApiClient]:
    with binance_spot.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture
def api(client: binance_spot.ApiClient) -> binance_spot.MarginStreamApi:
    return binance_spot.MarginStreamApi(client)


# Hypothesis profiles: the default keeps the suite fast; CI sets HYPOTHESIS_PROFILE=ci.
def _hypothesis_profiles() -> None:
    import os

    from hypothesis import settings

    settings.register_profile("default", max_examples=150, deadline=None)
    settings.register_profile("ci", max_examples=1000, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


_hypothesis_profiles()
