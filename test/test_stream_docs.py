"""Every python example of docs/Streams.md and the README's stream section, run against the local server.

Examples take the host from ``BINANCE_HOST`` (production without it) and the key from
``BINANCE_API_KEY``; the test points them at a local server, pushes events once the stream is
live, waits for the example to print them, then closes the stream from this thread
(``close()``, or ``aclose()`` on the example's loop) unless the example's own timer did.
"""

import asyncio
import concurrent.futures
import contextlib
import io
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from binance_spot.stream._async import AsyncStream
from binance_spot.stream._sync import SyncStream
from binance_spot.testing import BinanceServer

ROOT = Path(__file__).resolve().parents[1]
KEY = "docs-stream-key"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
USER_EVENTS = [
    {"e": "executionReport", "E": 1, "s": "BNBUSDT", "S": "BUY", "X": "FILLED", "l": "0.10000000"},
    {"e": "outboundAccountPosition", "E": 2, "u": 2, "B": [{"a": "BNB", "f": "1.00000000", "l": "0"}]},
    {"e": "balanceUpdate", "E": 3, "a": "USDT", "d": "-61.21000000", "T": 3},
]
RISK_EVENTS = [
    {"e": "MARGIN_LEVEL_STATUS_CHANGE", "E": 1, "l": "1.10000000", "s": "MARGIN_CALL"},
    {"e": "USER_LIABILITY_CHANGE", "E": 2, "a": "USDT", "t": "BORROW", "p": "100", "i": "0.01"},
]


def examples() -> list[tuple[str, str]]:
    streams = BLOCK.findall((ROOT / "docs/Streams.md").read_text())
    found = [(f"Streams.md#{i}", code) for i, code in enumerate(streams, 1)]
    readme = [code for code in BLOCK.findall((ROOT / "README.md").read_text()) if "MarginUserDataStream" in code]
    return found + [(f"README.md#stream{i}", code) for i, code in enumerate(readme, 1)]


def test_the_docs_have_the_examples_we_run() -> None:
    assert [ident for ident, _ in examples()] == [f"Streams.md#{i}" for i in (1, 2, 3, 4)] + ["README.md#stream1"]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[BinanceServer]:
    with BinanceServer(api_keys=[KEY, "test-key", "YOUR_API_KEY"]) as running:
        monkeypatch.setenv("BINANCE_API_KEY", KEY)
        monkeypatch.setenv("BINANCE_HOST", running.url)
        yield running


@pytest.mark.parametrize(("ident", "code"), examples(), ids=[ident for ident, _ in examples()])
def test_example_runs(
    ident: str, code: str, server: BinanceServer, monkeypatch: pytest.MonkeyPatch, wait_for: Callable[..., None]
) -> None:
    opened: list[tuple[Any, asyncio.AbstractEventLoop | None]] = []
    sync_start, async_start = SyncStream.start, AsyncStream.start

    def record_sync(self: SyncStream) -> SyncStream:
        opened.append((self, None))
        return sync_start(self)

    async def record_async(self: AsyncStream) -> AsyncStream:
        opened.append((self, asyncio.get_running_loop()))
        return await async_start(self)

    monkeypatch.setattr(SyncStream, "start", record_sync)
    monkeypatch.setattr(AsyncStream, "start", record_async)
    out, errors = io.StringIO(), []

    def run() -> None:
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, ident, "exec"), {"__name__": "__docs__"})
        except BaseException as exc:
            errors.append(exc)

    example = threading.Thread(target=run)
    example.start()
    try:
        feed_and_close(code, server, opened, out, errors, wait_for)
    finally:
        example.join(5)
        for stream, loop in opened:
            if loop is None:
                stream.close()  # after a failure too: no thread outlives the test
    assert not example.is_alive() and not errors, errors
    printed = out.getvalue()
    assert printed and "Traceback" not in printed
    if "BinanceServer(" in code:  # brings its own server and checks itself
        assert printed == "BTC connection_lost\n"
        return
    assert server.stream_connections_opened >= 1
    assert any(m.message.get("method") == "userDataStream.unsubscribe" for m in server.stream_messages) or (
        "MarginRiskStream" in code and server.risk_listen_keys == {}
    ), f"{ident} did not end its subscription"


def feed_and_close(
    code: str,
    server: BinanceServer,
    opened: list[Any],
    out: io.StringIO,
    errors: list[Any],
    wait_until: Callable[..., None],
) -> None:
    if "BinanceServer(" not in code:  # a consumer that runs until closed: feed it, then close it
        risk = "MarginRiskStream" in code
        events = RISK_EVENTS if risk else USER_EVENTS
        push = server.push_risk_event if risk else server.push_event
        wait_until(lambda: errors or push(events[0]))  # delivered once the stream is live
        for event in events[1:]:
            assert push(event)
        wait_until(lambda: errors or out.getvalue().count("\n") >= len(events))
        for stream, loop in opened:  # unless the example's own timer did it already
            if loop is None:
                stream.close()
            elif not loop.is_closed():
                # The loop may end meanwhile (the example's own timer closed it): then the
                # call is refused (RuntimeError) or cancelled with the loop.
                with contextlib.suppress(RuntimeError, concurrent.futures.CancelledError):
                    asyncio.run_coroutine_threadsafe(stream.aclose(), loop).result(2)
