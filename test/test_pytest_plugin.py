"""The pytest plugin binance_spot ships: Testing.md's test file runs on the installed plugin, as a user's would."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

import binance_spot
from binance_spot.testing import BinanceServer, ManualClock
from binance_spot.testing.pytest_plugin import BinanceFaults
from binance_spot.testing.trading import ExchangeAccount

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^## From pytest\n.*?^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def user_test_file(tmp_path: Path) -> Path:
    path = tmp_path / "test_binance.py"
    match = BLOCK.search((ROOT / "docs" / "Testing.md").read_text(encoding="utf-8"))
    assert match is not None
    path.write_text(match.group(1), encoding="utf-8")
    return path


def run_pytest(path: Path, *options: str) -> "subprocess.CompletedProcess[str]":
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *options, str(path)]
    return subprocess.run(command, cwd=path.parent, capture_output=True, text=True, timeout=60)


def test_the_documented_test_file_runs_on_the_installed_plugin(tmp_path: Path) -> None:
    path = user_test_file(tmp_path)
    result = run_pytest(path)  # no conftest, no PYTHONPATH: the entry point brings the fixtures
    assert result.returncode == 0 and "4 passed" in result.stdout, result.stdout + result.stderr
    without = run_pytest(path, "-p", "no:binance_spot")
    assert without.returncode == 1 and "fixture 'binance_client' not found" in without.stdout


def test_loading_the_plugin_leaves_the_server_unimported() -> None:
    code = "import sys, binance_spot.testing.pytest_plugin; print(sorted(m for m in sys.modules if 'binance' in m))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "binance_spot.testing.pytest_plugin" in loaded and "binance_spot.testing.server" not in loaded


def test_only_the_plugin_imports_pytest() -> None:
    importers = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "binance_spot").rglob("*.py")
        if re.search(r"^\s*(import pytest|from pytest)", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert importers == ["binance_spot/testing/pytest_plugin.py"]


def test_the_fixtures_share_one_server_clock_and_key(
    binance_server: BinanceServer,
    binance_clock: ManualClock,
    binance_config: binance_spot.Configuration,
    binance_client: binance_spot.ApiClient,
    binance_faults: BinanceFaults,
    binance_api_key: str,
) -> None:
    assert binance_config.host == binance_server.url and binance_client.configuration is binance_config
    token = binance_spot.MarginListenTokenApi(binance_client).sapi_v1_user_listen_token_post(validity=60_000)
    assert token.expiration_time == int(binance_clock() * 1000) + 60_000
    assert binance_server.requests[0].header("X-MBX-APIKEY") == binance_api_key
    binance_faults.disconnect(path="/sapi/v1/margin/listen-key")
    binance_faults.hang(method="DELETE")
    binance_faults.status(418, times=1, retry_after=7, method="PUT")
    binance_config.retries = 0
    binance_config.request_timeout = (1.0, 0.3)
    risk = binance_spot.MarginRiskStreamApi(binance_client)
    with pytest.raises(binance_spot.ApiException):
        risk.sapi_v1_margin_listen_key_post()
    with pytest.raises(binance_spot.ApiException) as banned:
        risk.sapi_v1_margin_listen_key_put("x" * 60)
    assert banned.value.status == 418
    assert binance_faults.drop_streams() == 0 and binance_faults.shutdown_streams() == 0


@pytest.fixture
def binance_server_options() -> dict[str, object]:
    return {"retired": True}  # overrides the plugin's (and conftest's) for this module


def test_server_options_override(binance_server: BinanceServer) -> None:
    assert binance_server.retired


def test_the_account_fixture_is_the_configured_keys_margin_account(
    binance_account: ExchangeAccount, binance_server: BinanceServer, binance_api_key: str
) -> None:
    binance_account.transfer("USDT", "100")
    order_id = binance_account.place_order("BTCUSDT", "BUY", "0.001", "50000")
    assert [o["orderId"] for o in binance_account.open_orders()] == [order_id]
    assert binance_server.account(binance_api_key).open_orders() == binance_account.open_orders()
    assert binance_server.account("another-key").open_orders() == []
