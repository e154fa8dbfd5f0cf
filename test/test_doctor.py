"""``binance-spot doctor`` against the local server: every check, each way it fails, no secret in any line."""

import json
import sys
import time
from collections.abc import Iterator

import pytest

from binance_spot.cli import main
from binance_spot.testing import BinanceServer

KEY = "doctor-api-key-0123"
SECRET = "doctor-secret-4567"
CHECKS = ["clock", "key", "reading", "margin", "ip", "retired", "token", "subscribe", "risk"]


class Skewed:
    """Real time minus ``skew`` seconds: the server's clock, ``skew`` behind ours (ahead when negative)."""

    def __init__(self) -> None:
        self.skew = 0.0

    def __call__(self) -> float:
        return time.time() - self.skew


@pytest.fixture
def doctor_clock() -> Skewed:
    return Skewed()


@pytest.fixture
def doctor_server(doctor_clock: Skewed) -> Iterator[BinanceServer]:
    with BinanceServer(api_keys=[KEY], secret_keys={KEY: SECRET}, retired=True, clock=doctor_clock) as server:
        yield server


@pytest.fixture
def run(
    doctor_server: BinanceServer,
    doctor_clock: Skewed,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BINANCE_API_KEY", KEY)
    monkeypatch.setenv("BINANCE_SECRET_KEY", SECRET)
    monkeypatch.delenv("BINANCE_HOST", raising=False)

    def doctor(*args: str) -> tuple[int, list[str], str]:
        code = main(["doctor", "--host", doctor_server.url, "--timeout", "2", *args])
        out, err = capsys.readouterr()
        for secret in [KEY, SECRET, *doctor_server.tokens, *doctor_server.risk_listen_keys]:
            assert secret not in out + err
        return code, out.splitlines(), err

    return doctor


def statuses(lines: list[str]) -> dict[str, str]:
    return {line.split()[1]: line.split()[0] for line in lines[1:]}


def test_a_good_setup_passes_every_check(run, doctor_server: BinanceServer) -> None:  # type: ignore[no-untyped-def]
    code, lines, err = run()
    assert code == 0 and err == ""
    assert lines[0] == f"binance-spot doctor: {doctor_server.url}"
    assert statuses(lines) == dict.fromkeys(CHECKS, "OK")
    sent = [(r.method, r.path) for r in doctor_server.requests]
    assert sent[:4] == [("GET", "/api/v3/time"), ("GET", "/sapi/v1/account/apiRestrictions"),
                        ("PUT", "/sapi/v1/userDataStream"), ("PUT", "/sapi/v1/userDataStream/isolated")]  # fmt: skip
    assert doctor_server.requests[1].param("signature") and doctor_server.requests[0].header("X-MBX-APIKEY") is None
    methods = [m.message.get("method") for m in doctor_server.stream_messages]
    assert methods == ["userDataStream.subscribe.listenToken", "userDataStream.unsubscribe"]
    assert ("DELETE", "/sapi/v1/margin/listen-key") in sent and doctor_server.risk_listen_keys == {}
    assert doctor_server.stream_subscriptions == {} or all(not s for s in doctor_server.stream_subscriptions.values())


def test_json_is_one_object_per_check(run) -> None:  # type: ignore[no-untyped-def]
    code, lines, _ = run("--json")
    found = [json.loads(line) for line in lines]
    assert code == 0 and [c["name"] for c in found] == CHECKS
    assert set(found[0]) == {"name", "status", "message", "fix"} and found[0]["status"] == "ok"


def test_permissions_and_ip_restriction(run, doctor_server: BinanceServer) -> None:  # type: ignore[no-untyped-def]
    doctor_server.api_key_restrictions.update(
        enableReading=False, enableMargin=False, ipRestrict=False, enableWithdrawals=True
    )
    code, lines, _ = run()
    assert code == 1
    found = statuses(lines)
    assert (found["reading"], found["margin"], found["ip"], found["withdrawals"]) == ("FAIL", "WARN", "WARN", "WARN")
    (reading,) = [line for line in lines if line.split()[1] == "reading"]
    assert "-> enable 'Enable Reading'" in reading


@pytest.mark.parametrize(("skew", "expected"), [(-30.0, "FAIL"), (3.0, "FAIL"), (-2.0, "WARN")])
def test_a_skewed_clock_is_measured(run, doctor_clock: Skewed, skew: float, expected: str) -> None:  # type: ignore[no-untyped-def]
    doctor_clock.skew = skew
    code, lines, _ = run()
    (clock,) = [line for line in lines if line.split()[1] == "clock"]
    assert clock.startswith(expected) and ("ahead of" if skew > 0 else "behind") in clock
    if expected == "FAIL":
        assert code == 1 and "synchronise the clock" in clock


def test_a_wrong_secret_and_a_refused_key_say_what_to_do(
    run, monkeypatch: pytest.MonkeyPatch, doctor_server: BinanceServer
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BINANCE_SECRET_KEY", "not-the-secret")
    code, lines, _ = run()
    assert code == 1 and "-1022" in lines[2] and "-> BINANCE_SECRET_KEY is not the secret" in lines[2]
    monkeypatch.setenv("BINANCE_API_KEY", "someone-elses-key")
    code, lines, _ = run()
    assert code == 1 and "-2015" in lines[2] and "not allow this IP" in lines[2]
    monkeypatch.delenv("BINANCE_SECRET_KEY")
    code, lines, _ = run()
    assert statuses(lines)["key"] == "SKIP" and "set BINANCE_SECRET_KEY" in lines[2]


def test_the_retired_paths_still_answering_is_a_warning(run, doctor_server: BinanceServer) -> None:  # type: ignore[no-untyped-def]
    doctor_server.retired = False
    code, lines, _ = run()
    assert code == 0 and statuses(lines)["retired"] == "WARN" and doctor_server.listen_keys == {}


def test_an_unreachable_server_stops_at_the_first_check(run, doctor_server: BinanceServer) -> None:  # type: ignore[no-untyped-def]
    doctor_server.add_fault("close", times=20, path="/api/v3/time")
    code, lines, _ = run()
    assert code == 3 and len(lines) == 2 and lines[1].startswith("FAIL  clock       network:")
    assert {r.path for r in doctor_server.requests} == {"/api/v3/time"}


def test_a_failing_token_endpoint_and_websocket_api(run, doctor_server: BinanceServer) -> None:  # type: ignore[no-untyped-def]
    doctor_server.add_fault(
        "status", times=50, status=400, body='{"code":-1000,"msg":"boom"}', path="/sapi/v1/userListenToken"
    )
    code, lines, _ = run()
    found = statuses(lines)
    assert code == 1 and (found["token"], found["subscribe"], found["risk"]) == ("FAIL", "FAIL", "OK")


def test_without_the_stream_extra_the_subscribe_check_says_how_to_install(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "websockets", None)
    code, lines, _ = run()
    (subscribe,) = [line for line in lines if line.split()[1] == "subscribe"]
    assert code == 2 and subscribe.startswith("FAIL") and "pip install 'websockets>=13.0,<18'" in subscribe


def test_a_lying_server_gets_lines_not_a_crash(run, doctor_server: BinanceServer) -> None:  # type: ignore[no-untyped-def]
    doctor_server.api_key_restrictions["createTime"] = 10**20  # no calendar holds it
    code, lines, _ = run()
    assert code == 0 and "created at an unreadable time" in lines[2]
    doctor_server.add_fault("invalid_json", times=20, path="/sapi/v1/account/apiRestrictions")
    code, lines, _ = run()
    assert code == 3 and statuses(lines)["key"] == "FAIL" and statuses(lines)["risk"] == "OK"


def test_a_websocket_api_that_refuses_is_binances_error_not_a_bug(run, doctor_server: BinanceServer) -> None:  # type: ignore[no-untyped-def]
    doctor_server.subscription_id_limit = 0  # every subscribe gets -2042
    code, lines, _ = run()
    (subscribe,) = [line for line in lines if line.split()[1] == "subscribe"]
    assert code == 1 and subscribe.startswith("FAIL  subscribe   Binance error -2042")


def test_a_websocket_that_cannot_connect_is_a_network_failure() -> None:
    from binance_spot.cli.errors import EXIT_NETWORK, failure_of

    failure = failure_of(ConnectionRefusedError(111, "Connection refused"))
    assert (failure.exit_code, failure.kind) == (EXIT_NETWORK, "network")
    assert failure.message == "network: [Errno 111] Connection refused"
