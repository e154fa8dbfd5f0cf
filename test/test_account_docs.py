"""Every python example of docs/Account.md, run against the local server (its accounts signed).

Examples take the host from ``BINANCE_HOST`` and the credentials from ``BINANCE_API_KEY`` /
``BINANCE_SECRET_KEY``. The view example runs until closed: the test waits for its first line,
changes the account, waits for the change to be printed, then closes the view from this thread.
"""

import contextlib
import io
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from binance_spot.account import MarginAccountView
from binance_spot.testing import BinanceServer

ROOT = Path(__file__).resolve().parents[1]
KEY, SECRET = "docs-account-key", "docs-account-secret"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
EXAMPLES = BLOCK.findall((ROOT / "docs/Account.md").read_text(encoding="utf-8"))


def test_the_docs_have_the_examples_we_run() -> None:
    assert len(EXAMPLES) == 3


@pytest.fixture
def docs_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[BinanceServer]:
    with BinanceServer(api_keys=[KEY], secret_keys={KEY: SECRET}, clock=time.time) as running:
        running.account(KEY).set_balance("USDT", free="100")
        monkeypatch.setenv("BINANCE_HOST", running.url)
        monkeypatch.setenv("BINANCE_API_KEY", KEY)
        monkeypatch.setenv("BINANCE_SECRET_KEY", SECRET)
        yield running


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[f"Account.md#{i + 1}" for i in range(len(EXAMPLES))])
def test_example_runs(
    index: int, docs_server: BinanceServer, monkeypatch: pytest.MonkeyPatch, wait_for: Callable[..., None]
) -> None:
    code = EXAMPLES[index]
    opened: list[MarginAccountView] = []
    start = MarginAccountView.start

    def recorded(self: MarginAccountView) -> MarginAccountView:
        opened.append(self)
        return start(self)

    monkeypatch.setattr(MarginAccountView, "start", recorded)
    out, errors = io.StringIO(), []

    def run() -> None:
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"Account.md#{index + 1}", "exec"), {"__name__": "__docs__"})
        except BaseException as exc:
            errors.append(exc)

    example = threading.Thread(target=run)
    example.start()
    try:
        if "for change in view" in code and "BinanceServer(" not in code:  # runs until closed
            wait_for(lambda: errors or "stale: False {'USDT': '100'}" in out.getvalue())
            docs_server.account(KEY).transfer("USDT", "5")
            wait_for(lambda: errors or "free=Decimal('105')" in out.getvalue())  # live, or by a retake
            opened[0].close()
    finally:
        example.join(10)
        for view in opened:
            view.close()
    assert not example.is_alive() and not errors, errors
    printed = out.getvalue()
    assert printed and "Traceback" not in printed
    if "BinanceServer(" in code:
        assert printed == "the resync found the fill\n"
    else:
        assert any(r.param("signature") for r in docs_server.requests)
