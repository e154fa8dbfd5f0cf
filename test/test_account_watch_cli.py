"""``binance-spot account --watch`` / ``--demo`` as a user runs them, real sockets: in a process where
a signal or a closed stdout ends them, in this process (``main(argv)``) where they end by themselves."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import RunCli

from binance_spot.testing import BinanceServer

ROOT = Path(__file__).resolve().parents[1]
KEY, SECRET = "cli-account-key", "cli-account-secret"


@pytest.fixture
def server() -> Iterator[BinanceServer]:
    with BinanceServer(api_keys=[KEY], secret_keys={KEY: SECRET}, clock=time.time) as running:
        running.account(KEY).set_balance("USDT", free="100")
        yield running


def run(*args: str) -> "subprocess.Popen[str]":
    env = {**os.environ, "BINANCE_API_KEY": KEY, "BINANCE_SECRET_KEY": SECRET, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "binance_spot", "account", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_demo_shows_the_fill_found_by_the_resync(run_cli: RunCli) -> None:
    done = run_cli("account", "--demo", env={"BINANCE_API_KEY": KEY, "BINANCE_SECRET_KEY": SECRET})
    assert done.returncode == 0, done.stderr
    assert "found: fill BTCUSDT #1 trade 1: 0.01 at 50000 (resync)" in done.stdout
    assert "the resync found trade 1: True" in done.stdout


def test_watch_prints_changes_and_the_resync_then_closes_on_sigterm(
    server: BinanceServer, wait_for: Callable[..., None]
) -> None:
    process = run("--watch", "--json", "--host", server.url, "--symbols", "BTCUSDT")
    assert process.stdout is not None
    try:
        assert json.loads(process.stdout.readline())["type"] == "Live"
        server.account(KEY).transfer("USDT", "5")
        change = json.loads(process.stdout.readline())
        assert change["type"] in ("BalanceChange", "Resync")  # live, or a retake when close to the snapshot
        server.drop_streams()
        while (change := json.loads(process.stdout.readline()))["type"] != "Resync" or change["lost_at"] is None:
            pass
        assert change["reason"] == "connection_lost" and change["weight"] >= 20
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 128 + signal.SIGTERM
    finally:
        process.kill()
    wait_for(lambda: server.stream_subscriptions == {}, timeout=10.0)


def test_watch_without_a_secret_says_so_and_sends_nothing(server: BinanceServer, run_cli: RunCli) -> None:
    done = run_cli("account", "--watch", "--host", server.url, env={"BINANCE_API_KEY": KEY})
    assert done.returncode != 0 and "BINANCE_SECRET_KEY" in done.stderr and done.stdout == ""
    assert server.requests == []


def test_watch_ends_quietly_when_its_reader_goes(server: BinanceServer) -> None:
    process = run("--watch", "--host", server.url)
    assert process.stdout is not None
    try:
        assert "live:" in process.stdout.readline()
        process.stdout.close()  # as `| head -1` does
        server.account(KEY).transfer("USDT", "1")
        assert process.wait(10) == 141
    finally:
        process.kill()
