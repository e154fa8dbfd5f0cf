"""The margin account calls of the client: signed or refused before sending, amounts exact."""

import json
from decimal import Decimal

import pytest

import binance_spot
from binance_spot.testing import BinanceServer

SIGNED_CALLS = [
    ("sapi_v1_margin_account_get", {}),
    ("sapi_v1_margin_isolated_account_get", {"symbols": "BTCUSDT"}),
    ("sapi_v1_margin_open_orders_get", {"symbol": "BTCUSDT"}),
    ("sapi_v1_margin_order_get", {"symbol": "BTCUSDT", "order_id": 1}),
    ("sapi_v1_margin_my_trades_get", {"symbol": "BTCUSDT"}),
]


@pytest.mark.parametrize(("method", "arguments"), SIGNED_CALLS, ids=[m for m, _ in SIGNED_CALLS])
def test_a_signed_call_without_a_secret_sends_nothing(
    server: BinanceServer, client: binance_spot.ApiClient, method: str, arguments: dict[str, object]
) -> None:
    margin = binance_spot.MarginAccountApi(client)
    with pytest.raises(binance_spot.ApiValueError, match=r"secret_key") as raised:
        getattr(margin, method)(**arguments)
    assert method in str(raised.value)
    with pytest.raises(binance_spot.ApiValueError, match=r"secret_key"):
        getattr(margin, method)(**arguments, async_req=True)  # refused before the worker thread too
    assert server.requests == []


def test_amounts_are_exact_decimals_and_nan_is_refused(server: BinanceServer, client: binance_spot.ApiClient) -> None:
    client.configuration.secret_key = "s"
    asset = {"asset": "BTC", "free": "0.1", "locked": "0.20000000", "borrowed": "0", "interest": "0", "netAsset": "0.3"}
    server.add_fault("status", status=200, body=json.dumps({"userAssets": [asset], "marginLevel": "999"}))
    account = binance_spot.MarginAccountApi(client).sapi_v1_margin_account_get()
    (btc,) = account.user_assets
    assert isinstance(btc, binance_spot.MarginAsset)
    assert (btc.free, btc.locked, btc.net_asset, account.margin_level) == (
        Decimal("0.1"), Decimal("0.20000000"), Decimal("0.3"), Decimal(999),
    )  # fmt: skip
    assert btc.free + btc.locked == btc.net_asset  # exact: 0.1 + 0.2 is 0.3
    for bad in ("NaN", "-Infinity", "1e", "1e999999999", "1e-999999999", 0.1):
        server.add_fault("status", status=200, body=json.dumps({"userAssets": [{**asset, "free": bad}]}))
        with pytest.raises(binance_spot.ApiException, match="unexpected response"):
            binance_spot.MarginAccountApi(client).sapi_v1_margin_account_get()


def test_lists_of_models_decode(server: BinanceServer, client: binance_spot.ApiClient) -> None:
    pairs = [{"id": 1, "symbol": "BTCUSDT", "base": "BTC", "quote": "USDT", "isMarginTrade": True}]
    server.add_fault("status", status=200, body=json.dumps(pairs))
    (pair,) = binance_spot.MarginAccountApi(client).sapi_v1_margin_all_pairs_get()  # no secret needed
    assert isinstance(pair, binance_spot.MarginPair)
    assert (pair.symbol, pair.base, pair.quote) == ("BTCUSDT", "BTC", "USDT")
    (request,) = server.requests
    assert request.param("signature") is None and request.header("X-MBX-APIKEY")
