"""``binance-spot account`` against the local server's accounts, run in this process (``main(argv)``,
real HTTP); ``account --watch`` and ``--demo`` are in test_account_watch_cli.py."""

import json
import time
from collections.abc import Callable, Iterator

import pytest
from conftest import Done, RunCli

from binance_spot.testing import BinanceServer

KEY, SECRET = "cli-account-key-0123", "cli-account-secret"


@pytest.fixture
def server() -> Iterator[BinanceServer]:
    with BinanceServer(api_keys=[KEY], secret_keys={KEY: SECRET}, clock=time.time) as srv:
        account = srv.account(KEY)
        account.set_balance("USDT", free="1000")
        account.set_balance("ETH", free="0")  # listed by the server, all zero: not printed
        account.fill(account.place_order("BTCUSDT", "BUY", "0.01", "50000", client_order_id="c-1"), "0.004")
        srv.account(KEY, isolated="ETHBTC").set_balance("BTC", free="1", borrowed="0.5")
        yield srv


Account = Callable[..., Done]


@pytest.fixture
def account(run_cli: RunCli) -> Account:
    """``account(server, *args, secret=..., host=...)``: ``binance-spot account`` with our key; neither
    the key nor the secret is ever in what it printed."""

    def account(server: BinanceServer, *args: str, secret: str | None = SECRET, host: str = "") -> Done:
        env = {"BINANCE_API_KEY": KEY, "BINANCE_HOST": host or server.url}
        if secret is not None:
            env["BINANCE_SECRET_KEY"] = secret
        done = run_cli("account", *args, env=env)
        assert KEY not in done.stdout + done.stderr and SECRET not in done.stdout + done.stderr
        return done

    return account


def test_prints_the_balances_held_and_the_open_orders_one_line_each(account: Account, server: BinanceServer) -> None:
    done = account(server)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "balances: 2 of 3 assets held:"
    assert lines[1].split() == "BTC free 0.004 locked 0 borrowed 0 interest 0 net 0.004".split()
    assert lines[2].split() == "USDT free 500.000 locked 300.000 borrowed 0 interest 0 net 800.000".split()
    assert lines[3] == "open orders: 1:"
    assert lines[4].startswith("  BTCUSDT BUY LIMIT 0.004/0.01 at 50000 PARTIALLY_FILLED id 1 (c-1) since 20")
    (request, orders) = [r for r in server.requests if r.path.startswith("/sapi/v1/margin/")]
    assert request.param("signature") and orders.param("symbol") is None


def test_json_and_isolated(account: Account, server: BinanceServer) -> None:
    data = json.loads(account(server, "--json").stdout)
    assert [b["asset"] for b in data["balances"]] == ["BTC", "USDT"]
    assert data["balances"][1]["locked"] == "300.000" and data["openOrders"][0]["executed_qty"] == "0.004"
    done = account(server, "--isolated", "ETHBTC")
    assert done.stdout.splitlines()[:2] == ["balances: 1 of 2 assets held:", done.stdout.splitlines()[1]]
    assert done.stdout.splitlines()[1].split() == "BTC free 1 locked 0 borrowed 0.5 interest 0 net 0.5".split()
    assert done.stdout.splitlines()[2] == "open orders: 0"
    isolated = [r for r in server.requests if r.path == "/sapi/v1/margin/openOrders"][-1]
    assert (isolated.param("symbol"), isolated.param("isIsolated")) == ("ETHBTC", "TRUE")


def test_errors_are_one_line_with_the_documented_exit_codes(account: Account, server: BinanceServer) -> None:
    before = len(server.requests)
    done = account(server, secret=None)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "binance-spot: error: account needs BINANCE_SECRET_KEY: the margin account calls are " \
                          "signed (USER_DATA)\n"  # fmt: skip
    assert len(server.requests) == before  # nothing sent
    wrong = account(server, secret="not-the-secret")
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1 and "-1022" in wrong.stderr
    unknown = account(server, "--isolated", "NOPE", "--json")
    assert unknown.returncode == 1 and json.loads(unknown.stdout)["error"]["code"] == -1121
    url = server.url
    server.stop()
    gone = account(server, "--timeout", "2", host=url)
    assert gone.returncode == 3 and gone.stderr.startswith("binance-spot: error: network")
