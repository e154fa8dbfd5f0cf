"""``binance-spot stream --accounts FILE`` and ``--accounts-demo``: many accounts from a file of
keys (never the command line), each event printed with its account."""

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
SECRET = "s3cr3t-never-printed"


@pytest.fixture
def server() -> Iterator[BinanceServer]:
    with BinanceServer(secret_keys={"key-a": SECRET, "key-b": SECRET}) as running:  # it checks signatures
        yield running


def accounts_file(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "accounts.txt"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_each_event_is_printed_with_its_account(
    server: BinanceServer, tmp_path: Path, wait_for: Callable[..., None]
) -> None:
    path = accounts_file(tmp_path, f"# label key secret [symbol]\nalice key-a {SECRET}\nbob key-b {SECRET} BTCUSDT\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "binance_spot", "stream", "--json", "--host", server.url, "--accounts", str(path)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: sum(map(len, server.stream_subscribers.values())) == 2, timeout=10.0)
        assert len(server.stream_subscribers) == 1  # both on one connection
        server.push_event(
            {"e": "balanceUpdate", "E": 2, "a": "BTC", "d": "1", "T": 1}, api_key="key-b", isolated="BTCUSDT"
        )
        server.push_event({"e": "balanceUpdate", "E": 1, "a": "BTC", "d": "1", "T": 1}, api_key="key-a")
        assert process.stdout is not None
        lines = [json.loads(process.stdout.readline()) for _ in range(2)]
        assert [(line["account"], line["event"]["E"]) for line in lines] == [("bob", 2), ("alice", 1)]
        process.send_signal(signal.SIGTERM)
        assert process.wait(5) == 143
    finally:
        process.kill()
        _, err = process.communicate()
    assert SECRET not in err


@pytest.mark.parametrize(
    ("text", "mode", "message"),
    [
        (f"alice key {SECRET}\n", 0o644, "other users may read it"),
        (f"alice key {SECRET} extra more\n", 0o600, "line 1: expected LABEL KEY SECRET [SYMBOL]"),
        (f"a k {SECRET}\na k2 {SECRET}\n", 0o600, "line 2: the label 'a' is used twice"),
        ("# nothing\n", 0o600, "no accounts in it"),
        (f"alice key {SECRET} btc-usdt\n", 0o600, "line 1:"),
    ],
)
def test_a_bad_accounts_file_is_one_line_without_its_secrets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, mode: int, message: str
) -> None:
    from binance_spot.cli import main

    path = accounts_file(tmp_path, text, mode)
    assert main(["stream", "--host", "http://127.0.0.1:9", "--accounts", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and SECRET not in err and len(err.strip().splitlines()) == 1


def test_the_accounts_demo_shows_100_accounts_on_one_connection() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "binance_spot", "stream", "--accounts-demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "100 subscriptions on 1 connection(s)" in result.stdout
    assert "100 events, each to its own account exactly once: True" in result.stdout
    assert result.stdout.count("balance BTC +0.001") == 100
