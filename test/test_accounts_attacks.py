"""Careless or hostile input to the many-accounts stream: refused before any byte is sent."""

import pytest

import binance_spot
from binance_spot.stream import MarginAccountsStream
from binance_spot.testing import BinanceServer


def client(host: str, key: str | None, secret: str | None) -> binance_spot.ApiClient:
    configuration = binance_spot.Configuration(host=host)
    if key is not None:
        configuration.api_key["X-MBX-APIKEY"] = key
    configuration.secret_key = secret
    return binance_spot.ApiClient(configuration)


@pytest.mark.parametrize("key", [None, ""])
def test_add_refuses_a_client_without_an_api_key_before_any_byte(key: str | None) -> None:
    with BinanceServer() as server:
        url = server.url.replace("http://", "ws://", 1) + "/ws-api/v3"
        with MarginAccountsStream(url) as stream:
            with pytest.raises(ValueError, match="API key") as raised:
                stream.add("desk-1", client(server.url, key, "SECRET-1"))
            assert "SECRET-1" not in str(raised.value)
            assert stream.accounts == []
        assert server.requests == []


def test_add_refuses_what_is_not_a_client() -> None:
    with MarginAccountsStream("ws://127.0.0.1:9/ws-api/v3") as stream:
        with pytest.raises(ValueError, match="ApiClient"):
            stream.add("desk-1", object())
        assert stream.accounts == []


def test_a_huge_account_id_added_twice_is_refused_without_echoing_it_whole() -> None:
    huge = "x" * 100_000
    with BinanceServer() as server:
        url = server.url.replace("http://", "ws://", 1) + "/ws-api/v3"
        with MarginAccountsStream(url) as stream:
            stream.add(huge, client(server.url, "key-1", "SECRET-1"))
            with pytest.raises(ValueError, match="already followed") as raised:
                stream.add(huge, client(server.url, "key-1", "SECRET-1"))
            assert len(str(raised.value)) < 200
