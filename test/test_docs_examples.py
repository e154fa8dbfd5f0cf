"""Every python example of docs/ListenKeyManager.md, docs/CLI.md and docs/Testing.md, run.

Examples are written for production (``https://api.binance.com``, ``BINANCE_API_KEY``); the
test points them at a local server and checks that they really talked to it. An example that
imports pytest is a test module: pytest runs it, and every test in it must pass.
"""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from binance_spot.testing import BinanceServer

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("ListenKeyManager.md", "CLI.md", "Testing.md")
PRODUCTION = "https://api.binance.com"
KEY = "docs-example-key"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def examples() -> list[tuple[str, str]]:
    found = []
    for name in DOCS:
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        found += [(f"{name}#{i}", code) for i, code in enumerate(BLOCK.findall(text), 1)]
    return found


def test_the_docs_have_the_examples_we_run() -> None:
    counts = {name: sum(1 for ident, _ in examples() if ident.startswith(name)) for name in DOCS}
    assert counts == {"ListenKeyManager.md": 5, "CLI.md": 2, "Testing.md": 5}


@pytest.fixture
def docs_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[BinanceServer]:
    with BinanceServer(api_keys=[KEY]) as srv:
        monkeypatch.setenv("BINANCE_API_KEY", KEY)
        monkeypatch.setenv("BINANCE_HOST", srv.url)
        monkeypatch.setenv("PYTHONPATH", str(ROOT))
        yield srv


@pytest.mark.parametrize(("ident", "code"), examples(), ids=[ident for ident, _ in examples()])
def test_example_runs(ident: str, code: str, docs_server: BinanceServer, tmp_path: Path) -> None:
    server = docs_server
    if "import pytest" in code:
        (tmp_path / "test_example.py").write_text(code, encoding="utf-8")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", str(tmp_path)]
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and " passed" in result.stdout and "failed" not in result.stdout, result.stdout
        return
    talks_to_binance = PRODUCTION in code or "BINANCE_HOST" in code or "BINANCE_API_KEY" in code
    exec(compile(code.replace(PRODUCTION, server.url), ident, "exec"), {"__name__": "__docs__"})
    if talks_to_binance:
        assert server.requests, f"{ident} sent nothing to the server"
        assert all(r.header("X-MBX-APIKEY") == KEY for r in server.requests)
    assert server.listen_keys == {} and server.risk_listen_keys == {}, f"{ident} left a key open"
