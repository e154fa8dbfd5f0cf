# ruff: noqa: F811
"""Issue 17's stream findings, one test each, over real sockets on 127.0.0.1: a TCP relay that
goes silent (a NAT or route failure), raw TCP peers that hang or send an over-size frame,
``websockets``' own server playing a server that renumbers subscriptions, and the local
Binance. CI runs this file on websockets 13.0 and on the newest allowed version.
"""

import asyncio
import base64
import contextlib
import gc
import hashlib
import inspect
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from test_stream import FAST, Driver, balance, driver, run, wait_for  # noqa: F401

# The fixtures server, client and raw are test_stream_attacks' (imported: pytest finds them here).
from test_stream_attacks import TOKEN_PATH, client, raw, server, subscribe_ok, token_requests  # noqa: F401

from binance_spot.stream import (
    AsyncMarginUserDataStream,
    Gap,
    MarginRiskStream,
    MarginUserDataStream,
    StreamClosed,
    StreamConnectionError,
    _core,
)
from binance_spot.testing import BinanceServer

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def port_of(server: BinanceServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def until(condition: Callable[[], object], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


class Relay:
    """A TCP relay to ``target``; ``go_silent()`` makes the connections open so far swallow what
    either side sends, without closing anything: a dead route. Later connections work."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.silenced = 0
        self.connections = 0
        self._target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                near, _ = self._listener.accept()
            except OSError:
                return
            far = socket.create_connection(self._target)
            self.connections += 1
            self._sockets += [near, far]
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pump, args=(a, b, self.connections), daemon=True).start()

    def go_silent(self) -> None:
        self.silenced = self.connections

    def _pump(self, source: socket.socket, sink: socket.socket, number: int) -> None:
        while True:
            try:
                data = source.recv(65536)
                if not data:
                    break
                if number > self.silenced:
                    sink.sendall(data)
            except OSError:
                break
        for each in (source, sink):
            each.close()

    def close(self) -> None:
        self._listener.close()
        for each in self._sockets:
            each.close()


def raw_peer(serve: Callable[[socket.socket], None]) -> tuple[int, list[socket.socket]]:
    """A bare TCP server on 127.0.0.1 whose connections ``serve`` plays; its port and sockets."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1], accepted


def handshake(conn: socket.socket) -> None:
    """Answer a WebSocket opening handshake by hand."""
    head = b""
    while b"\r\n\r\n" not in head:
        head += conn.recv(4096)
    key = next(
        line.split(b":", 1)[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"sec-websocket-key")
    )
    accept = base64.b64encode(hashlib.sha1(key + WS_GUID.encode()).digest())
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")  # fmt: skip


def text_frame(payload: bytes) -> bytes:
    assert len(payload) < 126
    return bytes([0x81, len(payload)]) + payload


# 1. a connection that goes silent is noticed within the stated bound, with a Gap ---------------


def test_a_silent_connection_is_replaced_with_a_gap(
    driver: Driver, server: BinanceServer, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_core, "PING_INTERVAL", 0.1)  # users: 20 s and 60 s
    monkeypatch.setattr(_core, "SILENCE", 0.5)
    relay = Relay(("127.0.0.1", port_of(server)))

    async def scenario() -> None:
        await driver.open(client, ws_url=f"ws://127.0.0.1:{relay.port}/ws-api/v3")
        relay.go_silent()  # nothing closes: only silence tells
        started = time.monotonic()
        gap = await driver.get(timeout=5)
        assert isinstance(gap, Gap) and gap.reason == "silent" and time.monotonic() - started < 2.0
        server.push_event(balance(7))
        assert (await driver.get()).event_time == 7
        await driver.close()

    try:
        run(scenario())
    finally:
        relay.close()
    assert relay.connections == 2


# 2. a URL that could leak or mislead is refused in the constructor, never echoed --------------

BAD_URLS = [
    "ws://127.0.0.1:1/ws-api/v3#frag-SECRETKEY",
    "ws://127.0.0.1:1/ws-api/v3?listenKey=SECRETKEY",
    "ws://user:SECRETKEY@127.0.0.1:1/ws-api/v3",
    "ws://127.0.0.1:99999/SECRETKEY",
    "ws://127.0.0.1:0/SECRETKEY",
    "ws://127.0.0.1:port/SECRETKEY",
    "ws://b\u00fccher-SECRETKEY.example/ws",
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("setting", ["ws_url", "risk_url"])
def test_a_bad_websocket_url_is_refused_before_any_request(
    setting: str, url: str, server: BinanceServer, client: Any
) -> None:
    cls: Any = MarginRiskStream if setting == "risk_url" else MarginUserDataStream
    with pytest.raises(ValueError, match=setting) as refused:
        cls(client, **{setting: url})
    assert "SECRETKEY" not in str(refused.value)
    assert server.requests == [] and server.stream_connections_opened == 0


# 3. a renewal answered with a new subscriptionId retires the old one --------------------------


def test_a_renumbered_subscription_delivers_each_event_once_and_no_false_gap(
    driver: Driver, server: BinanceServer, client: Any, raw: Any
) -> None:
    def handler(ws: Any, n: int) -> None:
        subscribe_ok(ws, sid=1)
        subscribe_ok(ws, sid=2)  # the renewal, answered with another id
        for sid in (1, 2):  # the server keeps sending on both
            ws.send(
                json.dumps({"subscriptionId": sid, "event": {"e": "balanceUpdate", "E": 1, "a": "B", "d": "1", "T": 1}})
            )
        ws.send(json.dumps({"subscriptionId": 1, "event": {"e": "eventStreamTerminated", "E": 2}}))
        ws.send(json.dumps({"subscriptionId": 2, "event": {"e": "balanceUpdate", "E": 3, "a": "B", "d": "1", "T": 1}}))
        for _ in ws:
            pass

    ws_server = raw(handler)

    async def scenario() -> None:
        await driver.open(client, ws_url=ws_server.url, token_validity=2.0, renew_before=1.9)
        assert [(await driver.get()).event_time, (await driver.get()).event_time] == [1, 3]
        with pytest.raises(TimeoutError):
            await driver.get(timeout=0.3)  # no duplicate, no Gap
        await driver.close()

    run(scenario())
    assert ws_server.connections == 1


# 4. close() of the sync stream during a hanging handshake or a slow reconnect token call -------


def token_calls() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "listen token"]


def stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name in ("MarginUserDataStream", "MarginRiskStream")]


def test_close_during_a_hanging_handshake_leaves_no_thread_and_no_socket(client: Any) -> None:
    ended = threading.Event()

    def hang(conn: socket.socket) -> None:  # accepts, reads the request, never answers
        conn.recv(4096)
        if conn.recv(1) == b"":
            ended.set()

    port, _ = raw_peer(hang)
    stream = MarginUserDataStream(client, ws_url=f"ws://127.0.0.1:{port}/ws-api/v3", **{**FAST, "open_timeout": 60.0})

    def start() -> None:
        with pytest.raises(StreamClosed):
            stream.start()

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    until(lambda: stream_threads())
    time.sleep(0.2)  # the handshake is under way and hangs
    started = time.monotonic()
    stream.close()
    assert time.monotonic() - started < 1.6
    assert stream_threads() == [] and ended.wait(1.0)  # the peer saw our socket close
    thread.join(1)


def test_close_during_a_slow_reconnect_token_call_never_connects_afterwards(server: BinanceServer, client: Any) -> None:
    stream = MarginUserDataStream(client, **FAST).start()
    server.add_fault("hang", times=100, delay=1.5, path=TOKEN_PATH)
    server.drop_streams()
    until(lambda: token_requests(server) >= 2)  # the reconnect's token call hangs
    opened = server.stream_connections_opened
    started = time.monotonic()
    stream.close()
    assert time.monotonic() - started < 1.6 and stream_threads() == []
    until(lambda: not token_calls(), timeout=3.0)  # the abandoned call returns, and then
    time.sleep(0.1)  # a stream that went on would connect at once
    assert server.stream_connections_opened == opened
    assert not any(
        m.message.get("method") == "userDataStream.subscribe.listenToken" for m in server.stream_messages[2:]
    )


# 5. the asyncio stream leaves no task behind -------------------------------------------------


def test_aclose_after_a_drop_during_a_renewal_leaves_no_task(server: BinanceServer, client: Any) -> None:
    problems: list[Any] = []

    async def scenario() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: problems.append(context))
        before = asyncio.all_tasks()
        stream = await AsyncMarginUserDataStream(client, token_validity=1.0, renew_before=0.9, **FAST).start()
        server.add_fault("hang", times=100, delay=1.0, path=TOKEN_PATH)
        await wait_for(lambda: token_requests(server) >= 2)  # the renewal's call hangs
        server.drop_streams()
        await wait_for(lambda: token_requests(server) >= 3)  # and so does the reconnect's
        await stream.aclose()
        assert asyncio.all_tasks() == before

    run(scenario())
    until(lambda: not token_calls(), timeout=3.0)  # the abandoned calls end, their sockets closed
    gc.collect()
    assert problems == []


# 6. an over-size frame ends the connection at once --------------------------------------------


def test_an_over_size_frame_gives_the_connection_up_at_once(driver: Driver, client: Any) -> None:
    live = threading.Event()  # the frame comes once the stream is live, not with the subscribe's answer

    def oversize(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the reconnect the test waits for is closed under it
            handshake(conn)
            conn.sendall(text_frame(b'{"id":"1","status":200,"result":{"subscriptionId":1}}'))
            live.wait(10)
            conn.sendall(bytes([0x81, 127]) + (8 * 1024 * 1024).to_bytes(8, "big") + b"x" * 1024)
            while conn.recv(4096):  # keeps TCP open and never answers the close frame
                pass

    port, accepted = raw_peer(oversize)

    async def scenario() -> None:
        await driver.open(client, ws_url=f"ws://127.0.0.1:{port}/ws-api/v3")
        started = time.monotonic()
        live.set()
        await wait_for(lambda: len(accepted) >= 2, timeout=10)
        assert time.monotonic() - started < 2.0
        await driver.close()

    run(scenario())


# 7. one rule after close(): iteration ends at once, queued events are dropped ------------------


def test_nothing_is_yielded_after_close(driver: Driver, server: BinanceServer, client: Any) -> None:
    async def scenario() -> None:
        stream = await driver.open(client)
        for seq in range(5):
            server.push_event(balance(seq))
        await asyncio.sleep(0.3)  # the events are read and queued
        await driver.close()
        with pytest.raises(StreamClosed):
            await driver.get(timeout=0.5)
        if driver.kind == "sync":
            assert list(stream) == []
        else:
            assert [e async for e in stream] == []

    run(scenario())


# 8. and 9. bounds, explicit options, wrapped connection failures ---------------------------------


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"symbol": "B" * 100_000}, "symbol"),
        ({"symbol": "bnbusdt"}, "symbol"),
        ({"symbol": "BNB-USDT"}, "symbol"),
        ({"max_connection_age": 1e-9}, "max_connection_age"),
        ({"max_connection_age": 59.0}, "max_connection_age"),
    ],
)
def test_symbol_and_connection_age_are_bounded(
    options: dict[str, Any], named: str, server: BinanceServer, client: Any
) -> None:
    with pytest.raises(ValueError, match=named) as refused:
        MarginUserDataStream(client, **options)
    assert len(str(refused.value)) < 200
    assert server.requests == []


@pytest.mark.parametrize("cls", [MarginUserDataStream, AsyncMarginUserDataStream, MarginRiskStream])
def test_options_are_explicit_keyword_parameters(cls: Any, server: BinanceServer, client: Any) -> None:
    parameters = inspect.signature(cls).parameters
    assert {"max_queue", "backoff", "max_connection_age", "open_timeout"} <= set(parameters)
    assert all(p.kind is not p.VAR_KEYWORD for p in parameters.values())
    with pytest.raises(TypeError, match="backof"):
        cls(client, backof=(1, 2))
    assert server.requests == []


def test_an_unreachable_websocket_server_raises_the_packages_error(driver: Driver, client: Any) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()

    async def scenario() -> None:
        with pytest.raises(StreamConnectionError) as failed:
            await driver.open(client, ws_url=f"ws://127.0.0.1:{port}/ws-api/v3")
        assert f":{port}" not in str(failed.value) and isinstance(failed.value.__cause__, OSError)

    run(scenario())
