"""``python -m binance_spot.testing`` as a newcomer meets it: export lines, signed requests, one-line errors."""

import os
import random
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import binance_spot

ROOT = Path(__file__).resolve().parents[1]
WaitFor = Callable[..., None]
EXPORT = re.compile(r"export (BINANCE_[A-Z_]+)(?:=(\S+)|  # from your environment)")


class Shell:
    """The server running as a shell would run it, with the export lines it printed."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")}
        base["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "binance_spot.testing", *args],
            cwd=ROOT,
            env={**base, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.exports: dict[str, str | None] = {}
        self.lines: list[str] = []

    def read_exports(self) -> dict[str, str | None]:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 8)
        assert ready, "no export lines printed"
        while len(self.exports) < 3:  # printed in one write: the rest follows the first
            line = self.process.stdout.readline().rstrip("\n")
            self.lines.append(line)
            match = EXPORT.fullmatch(line)
            assert match, line
            self.exports[match.group(1)] = match.group(2)
        return self.exports

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        self.process.send_signal(signum)
        _, err = self.process.communicate(timeout=5)
        return self.process.returncode, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


@pytest.fixture
def shells() -> Iterator[list[Shell]]:
    started: list[Shell] = []
    yield started
    for shell in started:
        shell.kill()


def token_request(host: str, api_key: str, secret: str | None) -> binance_spot.MarginListenToken:
    config = binance_spot.Configuration(host=host, api_key={"X-MBX-APIKEY": api_key})
    config.secret_key = secret
    config.request_timeout = (2.0, 2.0)
    with binance_spot.ApiClient(config) as client:
        return binance_spot.MarginListenTokenApi(client).sapi_v1_user_listen_token_post()


def test_prints_exports_that_make_signed_requests_verify_and_logs_each_request(shells: list[Shell]) -> None:
    shell = Shell("--port", "0")
    shells.append(shell)
    exports = shell.read_exports()
    assert list(exports) == ["BINANCE_HOST", "BINANCE_API_KEY", "BINANCE_SECRET_KEY"]
    host, api_key, secret = exports["BINANCE_HOST"], exports["BINANCE_API_KEY"], exports["BINANCE_SECRET_KEY"]
    assert host and host.startswith("http://127.0.0.1:") and api_key and secret
    assert token_request(host, api_key, secret).token  # signed: timestamp, recvWindow, signature
    with pytest.raises(binance_spot.ApiException) as wrong:
        token_request(host, api_key, "not-the-secret")
    assert wrong.value.code == -1022
    code, err = shell.stop()
    assert code == 0
    log = [line for line in err.splitlines() if "/sapi/v1/userListenToken" in line]
    assert len(log) == 2 and log[0].endswith(" 200") and log[1].endswith(" 400")
    assert all("signature=***" in line and secret not in line for line in log)
    assert "Traceback" not in err


def test_secret_and_key_from_the_environment_are_used_not_printed(shells: list[Shell]) -> None:
    env = {"BINANCE_SECRET_KEY": "env-secret-123", "BINANCE_API_KEY": "envkey"}
    shell = Shell("--quiet", env=env)
    shells.append(shell)
    exports = shell.read_exports()
    assert exports["BINANCE_API_KEY"] is None and exports["BINANCE_SECRET_KEY"] is None
    assert not any("env-secret-123" in line or "envkey" in line for line in shell.lines)
    host = exports["BINANCE_HOST"]
    assert host and token_request(host, "envkey", "env-secret-123").token
    code, err = shell.stop(signal.SIGINT)
    assert code == 0
    assert "userListenToken" not in err  # --quiet


def test_a_secret_given_as_an_option_verifies(shells: list[Shell]) -> None:
    shell = Shell("--api-key", "k1", "--secret-key", "opt-secret")
    shells.append(shell)
    exports = shell.read_exports()
    assert (exports["BINANCE_API_KEY"], exports["BINANCE_SECRET_KEY"]) == ("k1", "opt-secret")
    host = exports["BINANCE_HOST"]
    assert host and token_request(host, "k1", "opt-secret").token


def test_a_busy_port_is_one_line_and_exit_1(shells: list[Shell]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        shell = Shell("--port", str(busy.getsockname()[1]))
        shells.append(shell)
        out, err = shell.process.communicate(timeout=10)
    assert shell.process.returncode == 1
    assert out == ""
    assert len(err.splitlines()) == 1 and "cannot listen on 127.0.0.1:" in err


def handlers_installed(pid: int) -> bool:
    """Whether the process catches SIGTERM yet: Python catches SIGINT from its start, SIGTERM only once main() runs."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        caught = next(line for line in status if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


@pytest.mark.parametrize("point", ["handlers", "random-1", "random-2", "random-3", "serving"])
def test_ctrl_c_during_start_up_prints_no_traceback(shells: list[Shell], point: str, wait_for: WaitFor) -> None:
    """From the moment main() installs its handlers (before the server binds), Ctrl-C ends it
    promptly and quietly: right then, at a random moment of the start-up (parsing, importing
    the server, binding, starting its thread), or once it serves."""
    shell = Shell("--port", "0")
    shells.append(shell)
    wait_for(lambda: handlers_installed(shell.process.pid), timeout=10)
    delay = random.uniform(0.0, 0.15) if point.startswith("random") else 0.0
    time.sleep(delay)  # the point itself, not a wait for a condition
    if point == "serving":
        shell.read_exports()
    code, err = shell.stop(signal.SIGINT)  # within 5 s, or TimeoutExpired fails the test
    assert code == 0, (delay, err)
    assert "Traceback" not in err


def test_a_closed_stdout_is_one_line_and_141(shells: list[Shell]) -> None:
    shell = Shell("--port", "0")
    shells.append(shell)
    assert shell.process.stdout is not None
    shell.process.stdout.close()  # the reader of the exports went away before they came
    _, err = shell.process.communicate(timeout=10)
    assert shell.process.returncode == 141
    assert err.splitlines() == ["python -m binance_spot.testing: stdout closed before the export lines were written"]


RUNNER = """
import re, sys, traceback
from pathlib import Path
failed = 0
for name in sys.argv[1:]:
    text = Path(name).read_text(encoding="utf-8")
    for number, code in enumerate(re.findall(r"^```python\\n(.*?)^```", text, re.S | re.M), 1):
        try:
            exec(compile(code, f"{name}#{number}", "exec"), {"__name__": "__example__"})
        except BaseException:
            failed += 1
            print(f"FAILED {name}#{number}", file=sys.stderr)
            traceback.print_exc()
sys.exit(failed)
"""


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "test/seed/MarginStreamApi.md"]
WITH_EXAMPLES = [path for path in DOCUMENTS if "```python\n" in path.read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def newcomers_server() -> Iterator[dict[str, str]]:
    """One server per test process, started as a shell would start it: the exports it printed.
    It must stop cleanly once every document has run against it."""
    shell = Shell("--port", "0", "--quiet")
    try:
        yield {name: value for name, value in shell.read_exports().items() if value}
        code, err = shell.stop()
        assert "Traceback" not in err
        assert code == 0
    finally:
        shell.kill()


#: Three processes run the documents side by side; one per document would cost more to start
#: (each imports the package afresh) than it saves.
GROUPS = [WITH_EXAMPLES[start::3] for start in range(3)]


@pytest.mark.parametrize("documents", GROUPS, ids=[",".join(path.stem for path in group) for group in GROUPS])
def test_every_example_runs_as_written_after_the_export_lines(
    newcomers_server: dict[str, str], documents: list[Path]
) -> None:
    """The newcomer's path: start the server, paste its export lines, run any example unchanged."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")}
    env.update(newcomers_server, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *map(str, documents)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Exception when calling MarginStreamApi->sapi_v1_user_data_stream_post" not in done.stdout


def test_the_documents_have_examples_to_run() -> None:
    assert {path.name for path in WITH_EXAMPLES} >= {"README.md", "Testing.md", "Account.md", "Streams.md", "CLI.md"}
    assert sorted(path for group in GROUPS for path in group) == sorted(WITH_EXAMPLES)
