"""What ``binance-spot stream`` shows on stderr and under ``--json``: real processes, local server.

Without ``--verbose`` a log record with a traceback (websockets' "keepalive ping failed") is one
line, and nothing under ``--json``; ``--verbose`` masks secrets, not words; ``--json`` masks an
event's secrets.
"""

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from binance_spot.testing import BinanceServer

ROOT = Path(__file__).resolve().parents[1]
WaitFor = Callable[..., None]

#: The CLI in a process that, once subscribed, logs what websockets logs when a keepalive ping
#: fails (an error with its traceback, on the logger the stream hands websockets), then stops.
KEEPALIVE_FAILS = """
import logging, os, signal, sys, threading, time
from binance_spot.cli import main
from binance_spot.testing import BinanceServer

server = BinanceServer().start()
os.environ["BINANCE_HOST"] = server.url

def fail_a_ping():
    while not any(server.stream_subscriptions.values()):
        time.sleep(0.01)
    try:
        raise ConnectionResetError(104, "Connection reset by peer")
    except ConnectionResetError:
        logging.getLogger("binance_spot.stream.websockets").error("keepalive ping failed", exc_info=True)
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=fail_a_ping, daemon=True).start()
sys.exit(main(["stream", *sys.argv[1:]]))
"""


def env() -> dict[str, str]:
    return {**os.environ, "BINANCE_API_KEY": "cli-key", "PYTHONPATH": str(ROOT)}


@pytest.mark.parametrize("options", [[], ["--json"]])
def test_a_logged_traceback_is_one_line_or_nothing_under_json(options: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KEEPALIVE_FAILS, *options], env=env(), capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    subscribed = "binance-spot: subscribed (cross margin); waiting for events, Ctrl-C stops"
    expected = [] if options else [subscribed, "binance-spot: warning: keepalive ping failed"]
    assert sorted(done.stderr.splitlines()) == sorted(expected)  # the ping may fail before the line


@pytest.fixture
def server() -> Iterator[BinanceServer]:
    with BinanceServer() as running:
        yield running


def start(server: BinanceServer, *args: str) -> "subprocess.Popen[str]":
    command = [sys.executable, "-m", "binance_spot", "stream", "--host", server.url, *args]
    return subprocess.Popen(command, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


SECRET = "ListenKeySecret0123456789abcdefABCDEF"


def test_json_masks_an_events_listen_key_and_keeps_binances_decimals(server: BinanceServer, wait_for: WaitFor) -> None:
    process = start(server, "--json")
    try:
        wait_for(lambda: any(server.stream_subscriptions.values()), timeout=10.0)
        server.push_event({"e": "listenKeyExpired", "E": 5, "listenKey": SECRET})
        server.push_event({"e": "balanceUpdate", "E": 6, "a": "BTC", "d": "0.10000000", "T": 1})
        assert process.stdout is not None
        expired, balance = json.loads(process.stdout.readline()), json.loads(process.stdout.readline())
        process.send_signal(signal.SIGTERM)
        assert process.wait(5) == 143
    finally:
        process.kill()
    assert expired == {
        "type": "ListenKeyExpired",
        "fields": {"event_type": "listenKeyExpired", "event_time": 5, "listen_key": "***"},
        "event": {"e": "listenKeyExpired", "E": 5, "listenKey": "***"},
    }
    assert balance["event"]["d"] == "0.10000000"  # Binance's string, not a float


def test_verbose_masks_secrets_not_words(server: BinanceServer, wait_for: WaitFor) -> None:
    process = start(server, "--verbose")
    try:
        wait_for(lambda: any(server.stream_subscriptions.values()), timeout=10.0)
        server.push_event({"e": "listenKeyExpired", "E": 5, "listenKey": SECRET})
        assert process.stdout is not None
        assert "listen key expired" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        assert process.wait(5) == 143
    finally:
        process.kill()
    assert process.stderr is not None
    log = process.stderr.read()
    for secret in [SECRET, "cli-key", *server.tokens]:
        assert secret not in log
    assert "User-Agent: Python/3." in log and "websockets/1" in log  # a version is not a secret
    assert "Sec-WebSocket-Key:" in log and "Sec-WebSocket-Extensions: permessage-deflate" in log  # header names
    # websockets cuts frames to 75 characters: the words at either side of the cut stay
    assert '"method":"userDataStream.subscribe.li...' in log and '"listenToken":"***"}}' in log
    assert '"e":"eventStreamTe...ed"' in log and '"listenKey":"***"' in log
    assert "CLOSE 1000 (OK)" in log
