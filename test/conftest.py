"""Fixtures shared by the tests: a local Binance server and a client pointed at it."""

import io
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
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
def binance_api_key() -> str:
    """The plugin's ``binance_config`` sends our key."""
    return API_KEY


@pytest.fixture
def api_key(binance_api_key: str) -> str:
    """The API key the ``config`` fixture sends."""
    return binance_api_key


@pytest.fixture
def binance_clock() -> ManualClock:
    return ManualClock(start=1_780_000_000.0)


@pytest.fixture
def clock(binance_clock: ManualClock) -> ManualClock:
    return binance_clock


@pytest.fixture
def server_options() -> dict[str, Any]:
    """Keyword arguments for the ``server`` fixture's BinanceServer: a test module overrides this, not ``server``."""
    return {}


@pytest.fixture
def binance_server_options(server_options: dict[str, Any]) -> dict[str, Any]:
    return server_options


# The suite runs on the fixtures binance_spot ships (binance_spot/testing/pytest_plugin.py), by shorter names.


@pytest.fixture
def server(binance_server: BinanceServer) -> BinanceServer:
    return binance_server


@pytest.fixture
def config(binance_config: binance_spot.Configuration) -> binance_spot.Configuration:
    """A configuration for the local server, with short timeouts and fast retries."""
    return binance_config


@pytest.fixture
def client(binance_client: binance_spot.ApiClient) -> binance_spot.ApiClient:
    return binance_client


@pytest.fixture
def api(client: binance_spot.ApiClient) -> binance_spot.MarginStreamApi:
    return binance_spot.MarginStreamApi(client)


@dataclass
class Done:
    """What ``binance-spot`` ended with: its exit code and what it wrote (as ``subprocess.run`` reports it)."""

    returncode: int
    stdout: str
    stderr: str


RunCli = Callable[..., Done]


@pytest.fixture
def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Done]:
    """``run_main(main, *argv, env={...})``: a command's ``main(argv)`` in this process, as a shell
    without a terminal would run it: with the ``BINANCE_*`` variables of ``env`` only (the others
    removed), stdin empty, stdout and stderr captured. Its HTTP/WebSocket calls are the same as in
    a subprocess; signals, a closed stdout and the console script need a subprocess."""

    def run(main: Callable[[list[str]], int], *argv: str, env: Mapping[str, str] = {}) -> Done:
        package = logging.getLogger("binance_spot")
        handlers, level = list(package.handlers), package.level
        capsys.readouterr()  # what the test printed before is not the command's
        with monkeypatch.context() as patch:
            for name in [name for name in os.environ if name.startswith("BINANCE_")]:
                patch.delenv(name)
            for name, value in env.items():
                patch.setenv(name, value)
            patch.setenv("COLUMNS", "80")  # argparse's width: what a pipe gets, not the terminal pytest runs in
            patch.setattr("sys.stdin", io.StringIO(""))
            try:
                code = main(list(argv))
            finally:  # a command sets up the package's logging as a process would, once: not for the next test
                package.handlers[:] = handlers
                package.setLevel(level)
        out, err = capsys.readouterr()
        return Done(code, out, err)

    return run


@pytest.fixture
def run_cli(run_main: Callable[..., Done]) -> RunCli:
    """``run_cli(*argv, env={...})``: ``binance-spot`` in this process (see ``run_main``)."""
    from binance_spot.cli import main

    return lambda *argv, env={}: run_main(main, *argv, env=env)


def _ctrl_c_reaches_the_children() -> None:
    """A shell that starts the suite in the background (``pytest & pytest; wait``) makes it ignore
    SIGINT, and an ignored signal stays ignored in every process it starts: the CLI tests' Ctrl-C
    would then be lost. The suite's processes take Ctrl-C as from a terminal, whoever started it."""
    import signal

    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


_ctrl_c_reaches_the_children()


# Hypothesis profiles: the default keeps the suite fast; CI sets HYPOTHESIS_PROFILE=ci.
def _hypothesis_profiles() -> None:
    import os

    from hypothesis import settings

    settings.register_profile("default", max_examples=150, deadline=None)
    settings.register_profile("ci", max_examples=1000, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


_hypothesis_profiles()
