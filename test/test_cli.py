"""The ``binance-spot`` command line against the local Binance: in this process (``main(argv)``,
real HTTP), and as a subprocess for what needs one: the console script, ``python -m``, signals,
a closed stdout, a terminal, the environment of a process and ``--verbose`` (whose log would
mix with the server's here)."""

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from conftest import Done, RunCli

import binance_spot
from binance_spot.exceptions import RETIREMENT_HINT
from binance_spot.testing import BinanceServer

ROOT = Path(__file__).resolve().parents[1]
KEY = "cli-secret-api-key-0123"
STREAM = "/sapi/v1/userDataStream"
RISK = "/sapi/v1/margin/listen-key"
TOKEN = "/sapi/v1/userListenToken"
COMMANDS = ["create", "keepalive", "close", "keep", "token", "demo"]


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "binance_spot", *args],
        env=cli_env(BINANCE_API_KEY=KEY) if env is None else env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert KEY not in result.stdout + result.stderr
    return result


@pytest.fixture
def cli(run_cli: RunCli) -> RunCli:
    """``cli(*args, env=...)``: ``binance-spot`` in this process, with our API key unless ``env``
    gives the ``BINANCE_*`` variables; the API key is never in what it printed."""

    def cli(*args: str, env: Mapping[str, str] | None = None) -> Done:
        done = run_cli(*args, env={"BINANCE_API_KEY": KEY} if env is None else env)
        assert KEY not in done.stdout + done.stderr
        return done

    return cli


@pytest.fixture
def server() -> Iterator[BinanceServer]:
    with BinanceServer(api_keys=[KEY]) as srv:
        yield srv


def methods(server: BinanceServer, path: str = STREAM) -> list[tuple[str, str | None]]:
    return [(r.method, r.param("listenKey")) for r in server.requests if r.path == path]


def test_top_level_help_documents_the_exit_codes_once(cli: RunCli) -> None:
    result = cli("--help")
    assert result.returncode == 0
    assert "exit codes:" in result.stdout
    for code in ("130", "141", "143"):
        assert code in result.stdout
    assert all(command in result.stdout for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_argument_of_every_command_has_help(cli: RunCli, command: str) -> None:
    result = cli(command, "--help")
    assert result.returncode == 0
    assert "130" not in result.stdout  # one short pointer instead of the long epilog
    assert result.stdout.rstrip().endswith("binance-spot --help")
    options = result.stdout.split("options:", 1)[1] if "options:" in result.stdout else result.stdout
    arguments = result.stdout.split("positional arguments:", 1)[1] if "positional" in result.stdout else ""
    # argparse puts an argument without help alone on its line: every line naming one also explains it
    for line in (options + arguments).splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            assert len(line.split("  ")) > 2 or line.strip().startswith("-h"), line


@pytest.mark.parametrize("command", ["create", "keepalive", "close", "keep"])
def test_help_of_the_retired_commands_says_so(cli: RunCli, command: str) -> None:
    text = " ".join(cli(command, "--help").stdout.split())
    assert "retired" in text and "2026-02-20" in text and "410" in text
    assert "retired" not in " ".join(cli("token", "--help").stdout.split())


def test_version(cli: RunCli) -> None:
    result = cli("--version")
    assert (result.returncode, result.stdout) == (0, f"binance-spot {binance_spot.__version__}\n")


def test_console_script_and_main_module_are_the_same_program() -> None:
    script = Path(sys.executable).parent / "binance-spot"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=20)
    assert result.stdout == run("--version").stdout


def test_usage_errors_exit_2(cli: RunCli, server: BinanceServer) -> None:
    assert cli("frobnicate").returncode == 2
    assert cli("keepalive").returncode == 2
    result = cli("keep", "--validity", "5", "--host", server.url)
    assert result.returncode == 2 and "--token" in result.stderr
    assert server.requests == []


def test_missing_api_key_without_a_terminal_is_a_clear_error(cli: RunCli, server: BinanceServer) -> None:
    result = cli("create", "--host", server.url, env={})
    assert result.returncode == 2
    assert "BINANCE_API_KEY" in result.stderr
    assert server.requests == []


def test_create_prints_the_key_as_text_or_json(cli: RunCli, server: BinanceServer) -> None:
    result = cli("create", "--host", server.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("listen key: ")
    assert result.stdout.split(": ")[1].strip() in server.listen_keys
    result = cli("create", "--host", server.url, "--json")
    key = json.loads(result.stdout)["listenKey"]
    assert key in server.listen_keys
    assert [r.header("X-MBX-APIKEY") for r in server.requests] == [KEY, KEY]


def test_api_key_option_and_host_from_the_environment(server: BinanceServer) -> None:
    result = run("create", "--json", "--api-key", KEY, env=cli_env(BINANCE_HOST=server.url))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["listenKey"] in server.listen_keys


def test_keepalive_and_close(cli: RunCli, server: BinanceServer) -> None:
    key = json.loads(cli("create", "--host", server.url, "--json").stdout)["listenKey"]
    result = cli("keepalive", key, "--host", server.url)
    assert (result.returncode, result.stdout) == (0, "kept the listen key alive for 60 minutes\n")
    result = cli("close", key, "--host", server.url, "--json")
    assert (result.returncode, json.loads(result.stdout)) == (0, {})
    assert methods(server) == [("POST", None), ("PUT", key), ("DELETE", key)]
    assert server.listen_keys == {}


def test_binance_errors_exit_1_with_code_and_message(cli: RunCli, server: BinanceServer) -> None:
    result = cli("keepalive", "no-such-key", "--host", server.url)
    assert result.returncode == 1
    assert "-1125" in result.stderr and "This listenKey does not exist." in result.stderr
    result = cli("close", "no-such-key", "--host", server.url, "--json")
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert (error["status"], error["code"]) == (400, -1125)


def test_wrong_api_key_is_reported_not_echoed(cli: RunCli, server: BinanceServer) -> None:
    result = cli("create", "--host", server.url, env={"BINANCE_API_KEY": "another-secret-key"})
    assert result.returncode == 1
    assert "-2015" in result.stderr
    assert "another-secret-key" not in result.stdout + result.stderr


def test_retired_endpoint_prints_the_hint(cli: RunCli, server: BinanceServer) -> None:
    server.retired = True
    result = cli("create", "--host", server.url)
    assert result.returncode == 1
    assert "410" in result.stderr and RETIREMENT_HINT in result.stderr


def test_network_error_exits_3(cli: RunCli) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = cli("create", "--host", f"http://127.0.0.1:{port}", "--timeout", "1")
    assert result.returncode == 3
    assert "network" in result.stderr


def test_verbose_logs_requests_with_the_key_masked(server: BinanceServer) -> None:
    result = run("create", "--host", server.url, "--verbose", "--json")
    assert result.returncode == 0
    key = json.loads(result.stdout)["listenKey"]
    assert "POST /sapi/v1/userDataStream" in result.stderr
    assert key not in result.stderr  # run() already checked the API key


def test_token_prints_the_token_and_its_expiry(cli: RunCli, server: BinanceServer) -> None:
    result = cli("token", "--host", server.url, "--validity", "60000")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert server.token_valid(lines["token"])
    assert lines["expires"][:4].isdigit()
    result = cli("token", "--host", server.url, "--isolated", "BTCUSDT", "--json")
    data = json.loads(result.stdout)
    assert data["expirationTime"] == server.tokens[data["token"]]
    first, second = [r for r in server.requests if r.path == TOKEN]
    assert first.param("validity") == "60000"
    assert (second.param("symbol"), second.param("isIsolated")) == ("BTCUSDT", "true")


class Keep:
    """A ``keep`` process whose output lines can be awaited."""

    def __init__(self, server: BinanceServer, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "binance_spot", "keep", "--host", server.url, *args],
            env=cli_env(BINANCE_API_KEY=KEY),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def expect(self, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"{text!r} not printed; got {self.seen}") from None
            self.seen.append(line)
            if text in line:
                return line

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(10)
        time.sleep(0.05)  # let the reader thread drain the pipe
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        assert KEY not in "".join(self.seen)
        return code


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_keep_renews_until_signalled_then_closes(server: BinanceServer, signum: int, code: int) -> None:
    keep = Keep(server, "--interval", "0.2")
    key = keep.expect("listen key: ").split("listen key: ")[1].strip()
    assert key in server.listen_keys
    keep.expect("renewed the listen key")
    keep.expect("renewed the listen key")
    assert keep.stop(signum) == code
    assert "closed the listen key" in keep.seen[-1]
    sent = methods(server)
    assert sent[0] == ("POST", None)
    assert sent[-1] == ("DELETE", key)
    assert set(sent[1:-1]) == {("PUT", key)}
    assert server.listen_keys == {}


def test_keep_reports_a_recreated_key(server: BinanceServer) -> None:
    keep = Keep(server, "--interval", "0.2", "--json")
    created = json.loads(keep.expect('"created"'))
    server.expire(created["key"])
    new = json.loads(keep.expect('"new_key"'))["key"]
    assert new != created["key"] and new in server.listen_keys
    assert keep.stop(signal.SIGTERM) == 143
    assert methods(server)[-1] == ("DELETE", new)


def test_keep_risk_stream(server: BinanceServer) -> None:
    keep = Keep(server, "--risk", "--interval", "0.2")
    key = keep.expect("listen key: ").split("listen key: ")[1].strip()
    keep.expect("renewed")
    assert keep.stop(signal.SIGINT) == 130
    sent = methods(server, RISK)
    assert sent[0] == ("POST", None) and ("PUT", key) in sent and sent[-1] == ("DELETE", key)
    assert server.risk_listen_keys == {} and methods(server) == []


def test_keep_token_renews_before_expiry(server: BinanceServer) -> None:
    keep = Keep(server, "--token", "--validity", "2000")
    first = keep.expect("token: ").split("token: ")[1].strip()
    line = keep.expect("new token: ", timeout=5)
    second = line.split("new token: ")[1].split()[0]
    assert second != first and server.token_valid(second)
    assert keep.stop(signal.SIGTERM) == 143
    assert {r.method for r in server.requests} == {"POST"}
    assert {r.param("validity") for r in server.requests} == {"2000"}


def test_demo_shows_the_lifecycle_without_an_api_key(cli: RunCli) -> None:
    started = time.monotonic()
    result = cli("demo", env={})
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10
    out = result.stdout
    for step in ("POST", "PUT", "-1125", "DELETE", "410", "new token"):
        assert step in out
    assert "active keys on the server: 0" in out


def test_keep_fails_fast_when_the_first_create_fails(cli: RunCli, server: BinanceServer) -> None:
    server.retired = True
    result = cli("keep", "--host", server.url)
    assert result.returncode == 1
    assert RETIREMENT_HINT in result.stderr
    assert [r.method for r in server.requests] == ["POST"]


def test_demo_with_an_api_key_runs_against_the_host(cli: RunCli, server: BinanceServer) -> None:
    server.retired = True
    result = cli("demo", "--host", server.url)
    assert result.returncode == 0, result.stderr
    assert "POST 410: Binance retired /sapi/v1/userDataStream on 2026-02-20" in result.stdout
    assert [(r.method, r.path) for r in server.requests] == [
        ("POST", STREAM),
        ("POST", RISK),
        ("PUT", RISK),
        ("DELETE", RISK),
        ("POST", TOKEN),
    ]
    assert all(r.header("X-MBX-APIKEY") == KEY for r in server.requests)
    assert server.risk_listen_keys == {}


def test_missing_api_key_is_asked_for_hidden_on_a_terminal(server: BinanceServer) -> None:
    import pty

    fd, terminal = pty.openpty()  # not pty.fork(): forking a process with threads may deadlock
    process = subprocess.Popen(
        [sys.executable, "-m", "binance_spot", "create", "--host", server.url],
        env=cli_env(),
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,  # no controlling terminal: getpass turns echo off on stdin
    )
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + 20
    while b"(hidden)" not in output and time.monotonic() < deadline:
        output += os.read(fd, 1024)
    os.write(fd, KEY.encode() + b"\n")
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(10) == 0, output
    os.close(fd)
    assert KEY.encode() not in output  # not echoed while typed, not printed after
    assert b"listen key: " in output
    assert [r.header("X-MBX-APIKEY") for r in server.requests] == [KEY]


def test_secret_key_from_the_environment_signs_token_requests(cli: RunCli) -> None:
    with BinanceServer(api_keys=[KEY], secret_keys={KEY: "cli-secret"}) as server:
        result = cli("token", "--host", server.url, env={"BINANCE_API_KEY": KEY, "BINANCE_SECRET_KEY": "cli-secret"})
        assert result.returncode == 0, result.stderr
        assert "cli-secret" not in result.stdout + result.stderr
        (request,) = server.requests
        assert request.param("signature") and request.param("timestamp")
        wrong = cli("token", "--host", server.url, env={"BINANCE_API_KEY": KEY, "BINANCE_SECRET_KEY": "wrong"})
        assert wrong.returncode == 1 and "-1022" in wrong.stderr


CONTROL = "the value contains a control character (such as CR or LF); refused before sending"
NOT_HTTP = "the URL must be an http:// or https:// URL with a host name"
BAD_INPUTS = [
    (["keepalive", ""], {}, "argument KEY: is empty"),
    (["keepalive", "abc\ndef"], {}, f"argument KEY: {CONTROL}"),
    (["close", "abc\tdef"], {}, f"argument KEY: {CONTROL}"),
    (["create"], {"BINANCE_API_KEY": "api\nkey"}, f"BINANCE_API_KEY: {CONTROL}"),
    (["create"], {"BINANCE_API_KEY": KEY, "BINANCE_SECRET_KEY": "s\r\nX: y"}, f"BINANCE_SECRET_KEY: {CONTROL}"),
    (["create", "--api-key", "api\nkey"], {}, f"argument --api-key: {CONTROL}"),
    (["create", "--host", "127.0.0.1:8080"], {}, f"argument --host: {NOT_HTTP}"),
    (["create", "--host", "ftp://x"], {}, f"argument --host: {NOT_HTTP}"),
    (["create", "--host", "file:///etc/passwd"], {}, f"argument --host: {NOT_HTTP}"),
    (["create", "--host", "http://[::1"], {}, "argument --host: the URL is not a valid URL"),
    (["create", "--host", "http://127.0.0.1:99999"], {}, "argument --host: the URL is not a valid URL"),
    (["create", "--host", "http://user:pw@127.0.0.1"], {}, "argument --host: the URL must not contain user info"),
    (["create"], {"BINANCE_HOST": "ftp://x"}, "BINANCE_HOST must be an http:// or https:// URL"),
    (["create", "--timeout", "nan"], {}, "argument --timeout: must be a finite number of seconds greater than 0"),
    (["create", "--timeout", "-1"], {}, "argument --timeout: must be a finite number of seconds greater than 0"),
    (["keep", "--interval", "nan"], {}, "argument --interval: must be a finite number of seconds greater than 0"),
    (["keep", "--interval", "inf"], {}, "argument --interval: must be a finite number of seconds greater than 0"),
    (["keep", "--interval", "1e-9"], {}, "argument --interval: must be at least 0.1 s"),
    (["keep", "--interval", "3600"], {}, "argument --interval: must be at least 0.1 s and shorter than the 3600 s"),
    (["keep", "--validity", "5"], {}, "--isolated and --validity apply to --token only"),
    (["keep", "--token", "--interval", "5"], {}, "--interval applies to listen keys: a token is replaced before"),
    (["token", "--validity", "99999999999"], {}, "argument --validity: must be whole milliseconds"),
    (["token", "--isolated", "BTC\nUSDT"], {}, "argument --isolated: symbol must be upper-case letters and digits"),
    (["create"], {"BINANCE_API_KEY": ""}, "no API key: pass --api-key or set BINANCE_API_KEY"),
    (["frobnicate"], {}, "argument COMMAND: invalid choice: 'frobnicate'"),
    (["keepalive"], {}, "the following arguments are required: KEY"),
    (["create", "--apikey", "a-secret-value"], {}, "unrecognized arguments: --apikey"),
    ([], {}, "the following arguments are required: COMMAND"),
]


@pytest.mark.parametrize(("argv", "env", "message"), BAD_INPUTS, ids=[repr(a) for a, _, _ in BAD_INPUTS])
def test_bad_input_is_one_line_and_exit_2_before_anything_is_sent(
    server: BinanceServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    from binance_spot.cli import main

    for name, value in {"BINANCE_API_KEY": KEY, "BINANCE_HOST": server.url, **env}.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"binance-spot: error: {message}"), err
    assert err.count("\n") == 1 and err.endswith("\n")
    assert "a-secret-value" not in err and "pw@" not in err and KEY not in err
    assert server.requests == []

    assert main([*argv, "--json"]) == 2
    out, err = capsys.readouterr()
    assert err == ""
    [line] = out.splitlines()
    error = json.loads(line)["error"]
    assert error["kind"] == "usage" and error["message"].startswith(message)
    assert server.requests == []


def test_bad_input_from_the_shell() -> None:
    """The same, end to end: one line on stderr, exit 2, no traceback."""
    result = run("keepalive", "abc\ndef", "--host", "ftp://x")
    assert result.returncode == 2
    assert result.stderr == f"binance-spot: error: argument KEY: {CONTROL} (see binance-spot keepalive --help)\n"


def test_server_and_network_errors_are_one_line_too(cli: RunCli, server: BinanceServer) -> None:
    server.retired = True
    result = cli("create", "--host", server.url)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("binance-spot: error: HTTP 410")
    result = cli("create", "--host", server.url, "--json")
    assert (result.returncode, result.stderr) == (1, "")
    error = json.loads(result.stdout)["error"]
    assert (error["kind"], error["status"], error["hint"]) == ("api", 410, RETIREMENT_HINT)


def test_an_answer_that_cannot_be_used_exits_3(cli: RunCli, server: BinanceServer) -> None:
    server.add_fault("invalid_json", path=STREAM)
    result = cli("create", "--host", server.url, "--json")
    assert (result.returncode, result.stderr) == (3, "")
    error = json.loads(result.stdout)["error"]
    assert (error["kind"], error["status"]) == ("no_answer", 200)
    server.add_fault("empty", path=STREAM)
    result = cli("create", "--host", server.url)
    assert result.returncode == 3 and result.stderr.count("\n") == 1, result.stderr


def listening_socket() -> socket.socket:
    """A server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(20)
    return sock


@pytest.mark.parametrize("command", [["create"], ["token", "--json"], ["keep"], ["demo", "--host"]])
def test_ctrl_c_while_waiting_for_the_server_is_one_line_and_130(command: list[str]) -> None:
    with listening_socket() as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        args = [*command, url] if command[-1] == "--host" else [*command, "--host", url]
        process = subprocess.Popen(
            [sys.executable, "-m", "binance_spot", *args, "--timeout", "30"],
            env=cli_env(BINANCE_API_KEY=KEY),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        connection, _ = silent.accept()  # the request is on its way: the command waits for an answer
        with connection:
            process.send_signal(signal.SIGINT)
            # keep's first ^C waits for the key it may have created, to close it; another one ends that
            deadline = time.monotonic() + 10
            while command == ["keep"] and time.monotonic() < deadline:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(0.2)
                    break
                process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=10)
    assert process.returncode == 130
    assert "Traceback" not in err
    if "--json" in command:
        assert err == "" and json.loads(out)["error"]["kind"] == "interrupted"
    else:
        assert err == "binance-spot: error: interrupted\n"


def test_demo_stays_local_with_an_api_key_exported_and_json_is_one_object_per_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], server: BinanceServer
) -> None:
    from binance_spot.cli import main

    monkeypatch.setenv("BINANCE_API_KEY", KEY)
    monkeypatch.setenv("BINANCE_HOST", server.url)
    assert main(["demo", "--json"]) == 0
    assert server.requests == []  # neither the key nor the host took it anywhere
    events = [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()]
    assert events[:6] == ["server", "created", "renewed", "expired", "recreated", "closed"]
    assert events[-1] == "token_renewed"


def test_keep_ends_and_closes_its_key_when_stdout_is_closed(server: BinanceServer) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "binance_spot", "keep", "--host", server.url],  # default interval: 30 minutes
        env=cli_env(BINANCE_API_KEY=KEY),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    key = process.stdout.readline().decode().split("listen key: ")[1].strip()
    assert key in server.listen_keys
    started = time.monotonic()
    process.stdout.close()  # as `| head -1` does
    assert process.wait(10) == 141
    assert time.monotonic() - started < 3
    assert process.stderr.read() == b""
    process.stderr.close()
    assert methods(server)[-1] == ("DELETE", key) and server.listen_keys == {}


def test_demo_ends_quietly_when_stdout_is_closed() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "binance_spot", "demo", "--json"],
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    lines = [json.loads(process.stdout.readline()) for _ in range(3)]  # as `| head -3` does
    assert [line["event"] for line in lines] == ["server", "created", "renewed"]
    process.stdout.close()
    assert process.wait(10) == 141
    assert process.stderr.read() == b""
    process.stderr.close()


def script_example() -> str:
    text = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")
    section = text.split("## From a script", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_docs_script_example_reports_a_missing_api_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in cli_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BINANCE_API_KEY", raising=False)
    exec(compile(script_example(), "CLI.md", "exec"), {"__name__": "__docs__"})
    assert capsys.readouterr().out == "failed: no API key: pass --api-key or set BINANCE_API_KEY \n"


def test_ctrl_c_during_the_local_demo_stops_its_server_and_manager() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "binance_spot", "demo"],
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("local Binance at ")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert (process.returncode, err) == (130, "binance-spot: error: interrupted\n")


def test_a_bug_is_one_line_and_exit_70_with_the_traceback_only_when_verbose(
    server: BinanceServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from binance_spot.cli import main
    from binance_spot.cli.commands import token

    def broken(*args: object) -> None:
        raise RuntimeError("something we did not expect")

    monkeypatch.setattr(token, "create_token", broken)
    monkeypatch.setenv("BINANCE_API_KEY", KEY)
    assert main(["token", "--host", server.url]) == 70
    captured = capsys.readouterr()
    assert captured.err == "binance-spot: error: internal error: RuntimeError: something we did not expect\n"
    assert main(["token", "--host", server.url, "--verbose"]) == 70
    assert "Traceback" in capsys.readouterr().err


def test_demo_verbose_logs_its_requests_masked() -> None:
    result = run("demo", "--verbose")
    assert result.returncode == 0, result.stderr
    requests = [line for line in result.stderr.splitlines() if " DEBUG request " in line]
    assert any("PUT /sapi/v1/userDataStream?listenKey=***" in line for line in requests), result.stderr
    assert all("'X-MBX-APIKEY': '***'" in line for line in requests)
