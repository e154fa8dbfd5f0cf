"""Every python example of the README runs against the local server."""

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

import binance_spot
from binance_spot.testing import BinanceServer

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def run(source: str, server: BinanceServer, **env: str) -> str:
    """Run ``source`` as a reader would after pasting the local server's export lines."""
    saved = dict(os.environ)
    os.environ.update({"BINANCE_HOST": server.url, **env})
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, str(README), "exec"), {"__name__": "__readme__"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return out.getvalue()


def example(marker: str) -> str:
    (source,) = [e for e in EXAMPLES if marker in e]
    return source


SIGNING = {"BINANCE_API_KEY": "YOUR_API_KEY", "BINANCE_SECRET_KEY": "YOUR_SECRET_KEY"}


def test_every_example_is_covered() -> None:
    markers = ("EndpointRetiredException", "secret_key", "MarginListenTokenApi(api_client)", "ListenTokenFunctions")
    markers += ("MarginUserDataStream",)  # run by test_stream_docs.py
    assert all(any(m in e for m in markers) for e in EXAMPLES)


def test_retired_endpoint_example(clock) -> None:  # type: ignore[no-untyped-def]
    with BinanceServer(clock=clock, retired=True) as server:
        assert run(example("EndpointRetiredException"), server) == "410 True\n"
        assert [r.path for r in server.requests] == ["/sapi/v1/userDataStream"]


def test_migration_example_signs_with_the_secret() -> None:
    # Signatures carry the real time, so this server keeps the real clock.
    secrets = {"YOUR_API_KEY": "YOUR_SECRET_KEY"}
    with BinanceServer(retired=True, secret_keys=secrets) as server:
        printed = run(example("configuration.secret_key"), server, **SIGNING)
        (expiry,) = server.tokens.values()
        assert printed == f"token valid until {expiry}\n"
        methods = [(r.method, r.path) for r in server.requests]
        assert methods == [
            ("POST", "/sapi/v1/userListenToken"),
            ("POST", "/sapi/v1/margin/listen-key"),
            ("PUT", "/sapi/v1/margin/listen-key"),
            ("DELETE", "/sapi/v1/margin/listen-key"),
        ]
        for request in server.requests:
            assert request.param("signature") and request.param("timestamp") and request.param("recvWindow")
        assert server.risk_listen_keys == {}


def test_migration_example_with_a_wrong_secret_is_refused() -> None:
    with BinanceServer(secret_keys={"YOUR_API_KEY": "another secret"}) as server:
        with pytest.raises(binance_spot.BadRequestException) as caught:
            run(example("configuration.secret_key"), server, **SIGNING)
    assert caught.value.code == -1022


def test_getting_started_example(server: BinanceServer) -> None:
    printed = run(example("MarginListenTokenApi(api_client)"), server)
    expiry = int(server_clock_ms(server)) + 86_400_000
    assert printed == f"{{'expiration_time': {expiry}, 'token': '***'}}\n"
    (request,) = server.requests
    assert request.header("X-MBX-APIKEY") == "YOUR_API_KEY" and request.param("signature") is None


def server_clock_ms(server: BinanceServer) -> float:
    (token,) = server.tokens.values()
    return token - 86_400_000


def test_manager_migration_example() -> None:
    # Token lifetimes are computed on the real clock, so this server keeps it.
    with BinanceServer(retired=True) as server:
        printed = run(example("ListenTokenFunctions"), server)
        assert printed.splitlines()[0] in ("token valid for 86400 s", "token valid for 86399 s")
        assert [(r.method, r.path) for r in server.requests] == [
            ("POST", "/sapi/v1/userListenToken"),
            ("POST", "/sapi/v1/margin/listen-key"),
            ("DELETE", "/sapi/v1/margin/listen-key"),
        ]
        assert server.risk_listen_keys == {}
