"""The local server driven from a second terminal: ``python -m binance_spot.testing ACTION`` and ``/_admin``."""

import email.utils
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from decimal import Decimal

import pytest
from conftest import Done
from test_testing_main import ROOT, Shell, shells

import binance_spot
from binance_spot.testing import BinanceServer, ManualClock
from binance_spot.testing.admin import ADMIN_ACTIONS
from binance_spot.testing.control import ACTIONS

__all__ = ["shells"]  # the fixture, imported
WaitFor = Callable[..., None]


def env_of(exports: dict[str, str | None]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")}
    base["PYTHONPATH"] = str(ROOT)
    return {**base, **{k: v for k, v in exports.items() if v}}


Control = Callable[..., Done]


@pytest.fixture
def control(run_main: Callable[..., Done]) -> Control:
    """``control(env, ACTION, ...)``: ``python -m binance_spot.testing ACTION`` from a second terminal
    whose environment is ``env``, run in this process (its ``main``; real HTTP to the server's process)."""
    from binance_spot.testing.__main__ import main

    def control(env: dict[str, str], *args: str) -> Done:
        return run_main(main, *args, env={name: value for name, value in env.items() if name.startswith("BINANCE_")})

    return control


def admin(url: str, action: str, body: bytes = b"{}", content_type: str = "application/json") -> tuple[int, dict]:
    request = urllib.request.Request(f"{url}/_admin/{action}", body, {"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_stream_run_by_hand_reacts_to_the_second_terminal(
    shells: list[Shell], wait_for: WaitFor, control: Control
) -> None:
    shell = Shell("--quiet")
    shells.append(shell)
    env = env_of(shell.read_exports())
    stream = subprocess.Popen(
        [sys.executable, "-m", "binance_spot", "stream"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        event = json.dumps({"e": "balanceUpdate", "E": 1, "a": "BTC", "d": "0.10000000", "T": 1})
        pushed = []
        wait_for(lambda: pushed.append(control(env, "push-event", event).stdout) or "to 1 " in pushed[-1], timeout=20)
        assert stream.stdout is not None
        assert stream.stdout.readline().endswith("  balance BTC +0.1\n")
        assert control(env, "drop-streams").stdout == "cut 1 connection(s)\n"
        assert "  GAP (connection_lost): events may be missing" in stream.stdout.readline()
        # a serverShutdown is a planned reconnect: the stream hands over to a new connection
        # without a gap, so the next line is the next event, printed once
        announced = control(env, "shutdown-streams", "--url", env["BINANCE_HOST"])
        assert announced.stdout == "announced serverShutdown on 1 connection(s)\n"
        later = json.dumps({"e": "balanceUpdate", "E": 2, "a": "BTC", "d": "0.20000000", "T": 2})
        assert control(env, "push-event", later).returncode == 0
        assert stream.stdout.readline().endswith("  balance BTC +0.2\n")
    finally:
        stream.kill()
        stream.communicate()


def test_the_clock_moves_and_bad_input_is_refused_before_sending(shells: list[Shell], control: Control) -> None:
    shell = Shell("--quiet")
    shells.append(shell)
    env = env_of(shell.read_exports())
    moved = control(env, "advance-clock", "86400")
    assert moved.returncode == 0 and moved.stdout.startswith("the server's clock is now ")
    try:
        urllib.request.urlopen(env["BINANCE_HOST"] + "/", timeout=5)
    except urllib.error.HTTPError as not_found:  # any answer carries the server's clock in Date
        served = email.utils.parsedate_to_datetime(not_found.headers["Date"]).timestamp()
    assert served - time.time() > 86_000
    for args in (["advance-clock", "nan"], ["advance-clock", "-5"], ["push-event", "[1]"], ["nope"]):
        refused = control(env, *args)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and not refused.stdout, args
    remote = control(env, "drop-streams", "--url", "http://192.0.2.1:80")
    assert remote.returncode == 2 and "not a local server" in remote.stderr
    gone = control({**env, "BINANCE_HOST": "http://127.0.0.1:1"}, "drop-streams")
    assert gone.returncode == 1 and "cannot reach the server" in gone.stderr and "Traceback" not in gone.stderr
    assert control({k: v for k, v in env.items() if k != "BINANCE_HOST"}, "expire-keys").returncode == 2
    read_end, write_end = os.pipe()
    os.close(read_end)  # a reader that went away (| head)
    command = [sys.executable, "-m", "binance_spot.testing", "drop-streams"]
    closed = subprocess.run(command, env=env, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=20)
    os.close(write_end)
    assert closed.returncode == 0 and closed.stderr == ""
    code, err = shell.stop()
    assert code == 0 and "Traceback" not in err


def test_the_admin_endpoint_checks_what_it_is_sent() -> None:
    clock = ManualClock(start=1000.0)
    with BinanceServer(clock=clock) as server:
        assert admin(server.url, "advance-clock", b'{"seconds": 60}') == (200, {"now": 1060.0})
        assert clock() == 1060.0
        for body in (b'{"seconds": NaN}', b'{"seconds": Infinity}', b'{"seconds": true}', b'{"seconds": 0}', b"[]"):
            assert admin(server.url, "advance-clock", body)[0] == 400, body
        assert admin(server.url, "push-event", b'{"a": 1}')[0] == 400
        assert admin(server.url, "push-event", b"\xff")[0] == 400
        assert admin(server.url, "push-event", b"[" * 100_000)[0] == 400  # deeper than the parser goes
        rebound = urllib.request.Request(f"{server.url}/_admin/drop-streams", b"{}", method="POST")
        rebound.add_header("Content-Type", "application/json")
        rebound.add_header("Host", "evil.example:80")  # a DNS-rebound page: same origin, its own Host
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(rebound, timeout=5)
        assert refused.value.code == 403
        assert admin(server.url, "drop-streams", content_type="text/plain")[0] == 415  # a cross-site form
        assert admin(server.url, "nope")[0] == 404
        assert admin(server.url, "expire-keys") == (200, {})
        assert server.requests == []  # not Binance's: not in the request log
    with BinanceServer() as real_time:
        assert admin(real_time.url, "advance-clock", b'{"seconds": 1}')[0] == 409
    assert ADMIN_ACTIONS == ACTIONS


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing address
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else str(address)


def test_the_admin_endpoint_refuses_clients_from_other_machines() -> None:
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    with BinanceServer(host="0.0.0.0") as server:
        port = server.url.rsplit(":", 1)[1]
        assert admin(f"http://{address}:{port}", "drop-streams") == (
            403, {"error": "the admin endpoint answers only clients on this machine (loopback)"})  # fmt: skip
        assert admin(f"http://127.0.0.1:{port}", "drop-streams") == (200, {"dropped": 0})


def test_a_trickling_server_cannot_hold_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import threading

    from binance_spot.testing import control as control_module

    monkeypatch.setattr(control_module, "TIMEOUT", 0.5)
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            while not stop.wait(0.05):  # a byte every 50 ms: each read is in time, the whole never is
                try:
                    connection.sendall(b" ")
                except OSError:
                    return

    thread = threading.Thread(target=trickle)
    thread.start()
    started = time.monotonic()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        assert control_module.main(["drop-streams", "--url", url], "prog") == 1
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    assert time.monotonic() - started < 3
    assert "cannot reach the server" in capsys.readouterr().err


@pytest.mark.parametrize("clock_type", ["ManualClock", "OffsetClock"])
@pytest.mark.parametrize("step", [float("nan"), float("inf"), -1.0])
def test_a_clock_cannot_be_poisoned(clock_type: str, step: float) -> None:
    import binance_spot.testing

    clock = getattr(binance_spot.testing, clock_type)()
    before = clock()
    with pytest.raises(ValueError, match="finite number of seconds"):
        clock.advance(step)
    now = clock()
    assert now >= before and now == now  # not NaN


def test_an_event_larger_than_the_server_reads_is_refused_before_sending(capsys: pytest.CaptureFixture[str]) -> None:
    from binance_spot.testing.control import main

    big = json.dumps({"e": "balanceUpdate", "pad": "x" * (1 << 20)})  # more than argv takes: a caller's own list
    assert main(["push-event", big, "--url", "http://127.0.0.1:1"], "prog") == 2
    assert "larger than the 1048576 bytes" in capsys.readouterr().err


def test_orders_placed_filled_and_canceled_from_the_second_terminal(shells: list[Shell], control: Control) -> None:
    shell = Shell("--quiet")
    shells.append(shell)
    env = env_of(shell.read_exports())
    assert control(env, "transfer", "USDT", "1000").stdout == "transferred 1000\n"
    placed = control(env, "place-order", "BTCUSDT", "BUY", "0.01", "50000")
    assert placed.stdout.startswith("placed order "), placed.stderr
    order_id = int(placed.stdout.split()[-1])
    config = binance_spot.Configuration(host=env["BINANCE_HOST"], api_key={"X-MBX-APIKEY": env["BINANCE_API_KEY"]})
    config.secret_key = env["BINANCE_SECRET_KEY"]
    with binance_spot.ApiClient(config) as client:
        api = binance_spot.MarginAccountApi(client)
        (order,) = api.sapi_v1_margin_open_orders_get(symbol="BTCUSDT")
        assert order.order_id == order_id
        assert control(env, "fill-order", str(order_id), "0.004").stdout.startswith("filled: trade ")
        assert control(env, "cancel-order", str(order_id)).stdout == f"canceled order {order_id}\n"
        assert api.sapi_v1_margin_open_orders_get(symbol="BTCUSDT") == []
        assets = {a.asset: a for a in api.sapi_v1_margin_account_get().user_assets}
    assert (assets["BTC"].free, assets["USDT"].free, assets["USDT"].locked) == (Decimal("0.004"), Decimal("800"), 0)
    for args in (["fill-order", str(order_id)], ["place-order", "BTCUSDT", "BUY", "nan", "1"],
                 ["place-order", "NOPE", "BUY", "1", "1"], ["transfer", "USDT", "0.5e"]):  # fmt: skip
        refused = control(env, *args)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr, args
    keyless = control({k: v for k, v in env.items() if k != "BINANCE_API_KEY"}, "transfer", "USDT", "1")
    assert keyless.returncode == 2 and "BINANCE_API_KEY" in keyless.stderr
