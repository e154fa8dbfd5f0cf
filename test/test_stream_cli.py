"""``binance-spot stream`` as a user runs it against the local server: in a process where a signal or
a closed stdout ends it, in this process (``main(argv)``) where it ends by itself."""

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import RunCli

from binance_spot.stream.errors import INSTALL_HINT
from binance_spot.testing import BinanceServer

ROOT = Path(__file__).resolve().parents[1]
UNSUBSCRIBE = "userDataStream.unsubscribe"


@pytest.fixture
def server() -> Iterator[BinanceServer]:
    with BinanceServer() as running:
        yield running


def start(server: BinanceServer, *args: str) -> "subprocess.Popen[str]":
    env = {**os.environ, "BINANCE_API_KEY": "cli-key", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "binance_spot", "stream", "--host", server.url, *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


WaitFor = Callable[..., None]


def push_until_delivered(wait_for: WaitFor, push: Any, event: dict[str, Any]) -> None:
    wait_for(lambda: push(event), timeout=10.0)  # delivered once the process has subscribed


def test_json_lines_then_a_clean_close_on_sigterm_and_sigint(server: BinanceServer, wait_for: WaitFor) -> None:
    processes = {signal.SIGTERM: start(server, "--json"), signal.SIGINT: start(server, "--json")}  # side by side
    event = {"e": "balanceUpdate", "E": 7, "a": "BTC", "d": "0.10000000", "T": 1}
    try:
        wait_for(lambda: sum(map(len, server.stream_subscriptions.values())) == 2, timeout=10.0)
        assert server.push_event(event) == 2
        for signum, process in processes.items():
            assert process.stdout is not None
            assert json.loads(process.stdout.readline()) == {
                "type": "BalanceUpdate",
                "fields": {"event_type": "balanceUpdate", "event_time": 7, "asset": "BTC",
                           "balance_delta": "0.10000000", "clear_time": 1},
                "event": event,
            }  # fmt: skip
            process.send_signal(signum)
        assert [process.wait(5) for process in processes.values()] == [143, 130]
    finally:
        for process in processes.values():
            process.kill()
    assert [m.message.get("method") for m in server.stream_messages].count(UNSUBSCRIBE) == 2
    wait_for(lambda: server.stream_subscriptions == {}, timeout=10.0)


def test_isolated_and_a_closed_stdout_end_quietly(server: BinanceServer, wait_for: WaitFor) -> None:
    process = start(server, "--isolated", "BNBUSDT")
    try:
        push_until_delivered(wait_for, server.push_event, {"e": "balanceUpdate", "E": 1, "a": "BNB", "d": "1", "T": 1})
        assert process.stdout is not None
        assert process.stdout.readline().endswith("  balance BNB +1\n")
        process.stdout.close()  # the reader (e.g. `| head -1`) went away
        wait_for(
            lambda: server.push_event({"e": "balanceUpdate", "E": 2}) == 0 or process.poll() is not None, timeout=10.0
        )
        assert process.wait(5) == 141  # EXIT_STDOUT_CLOSED
        assert process.stderr is not None and "Traceback" not in process.stderr.read()
    finally:
        process.kill()
    (token_request,) = [r for r in server.requests if r.path == "/sapi/v1/userListenToken"]
    assert token_request.param("symbol") == "BNBUSDT"
    assert UNSUBSCRIBE in [m.message.get("method") for m in server.stream_messages]


def test_risk_stream_closes_its_key(server: BinanceServer, wait_for: WaitFor) -> None:
    process = start(server, "--risk", "--json")
    try:
        event = {"e": "MARGIN_LEVEL_STATUS_CHANGE", "E": 3, "l": "1.1", "s": "MARGIN_CALL"}
        push_until_delivered(wait_for, server.push_risk_event, event)
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["type"] == "MarginLevelStatusChange"
        process.send_signal(signal.SIGTERM)
        assert process.wait(5) == 143
    finally:
        process.kill()
    assert server.risk_listen_keys == {}


def test_demo_shows_renewals_a_drop_and_the_gap(run_cli: RunCli) -> None:
    result = run_cli("stream", "--demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "none lost, none twice: True" in out and "GAP (connection_lost): events may be missing" in out
    assert "reconnected with a new token" in out and "gap markers: 1" in out
    # It ended on events after the reconnect, not at its 3 s limit (a condition, not a timing).
    after_the_gap = out.split("GAP (connection_lost)", 1)[1].splitlines()[1:-1]
    assert len(after_the_gap) >= 5 and all(line.endswith("balance BTC +0.001") for line in after_the_gap)


@pytest.mark.parametrize("args", [["stream"], ["stream", "--demo"]])
def test_stream_without_the_extra_is_one_line_and_exit_2(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setitem(sys.modules, "websockets", None)  # as if not installed: importing it fails
    done = run_cli(*args, env={"BINANCE_API_KEY": "k", "BINANCE_HOST": "http://127.0.0.1:9"})
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # no demo header before the error
    assert done.stderr.strip().splitlines() == [
        f"binance-spot: error: the streams need the websockets package: {INSTALL_HINT}"
    ]


def test_the_demo_refuses_a_host_it_would_ignore(capsys: pytest.CaptureFixture[str]) -> None:
    from binance_spot.cli import main

    assert main(["stream", "--demo", "--host", "http://127.0.0.1:1"]) == 2
    assert capsys.readouterr().err.startswith("binance-spot: error: --demo runs on its own local server and takes no")


def test_ws_url_and_its_environment_variable_point_the_stream_elsewhere(
    server: BinanceServer, wait_for: WaitFor
) -> None:
    other = BinanceServer()  # REST on --host, the WebSocket API on this one
    with other:
        ws_url = other.url.replace("http://", "ws://") + "/ws-api/v3"
        processes = [start(server, "--ws-url", ws_url)]
        os.environ["BINANCE_WS_URL"] = ws_url
        try:
            processes.append(start(server))  # the variable, read by the library
        finally:
            del os.environ["BINANCE_WS_URL"]
        try:
            wait_for(lambda: other.stream_connections_opened == 2, timeout=10.0)
            assert server.stream_connections_opened == 0
        finally:
            for process in processes:
                process.kill()


@pytest.mark.parametrize("flag", ["--ws-url", "--risk-url"])
def test_a_bad_ws_url_is_one_line_without_the_url(server: BinanceServer, run_cli: RunCli, flag: str) -> None:
    done = run_cli("stream", "--host", server.url, flag, "ws://127.0.0.1:1/x?listenKey=SECRETKEY",
                   env={"BINANCE_API_KEY": "cli-key"})  # fmt: skip
    assert done.returncode == 2 and "SECRETKEY" not in done.stderr and len(done.stderr.strip().splitlines()) <= 3
    assert server.requests == []
