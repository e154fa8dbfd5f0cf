"""Arguments are checked before a byte is sent, and listen keys arrive exactly as given."""

from typing import Any

import pytest

import binance_spot
from binance_spot.testing import BinanceServer

KEYED = ["put", "delete"]


def keyed_call(api: binance_spot.MarginStreamApi, method: str) -> Any:
    return getattr(api, f"sapi_v1_user_data_stream_{method}")


@pytest.mark.parametrize("method", KEYED)
@pytest.mark.parametrize("bad", [12345, 1.5, b"bytes-key", ["k"], True, object()])
def test_listen_key_must_be_a_str(
    api: binance_spot.MarginStreamApi, server: BinanceServer, method: str, bad: Any
) -> None:
    with pytest.raises(binance_spot.ApiTypeError) as caught:
        keyed_call(api, method)(bad)
    assert "listen_key" in str(caught.value)
    assert isinstance(caught.value, TypeError)
    assert server.requests == []
    assert server.connections_opened == 0


@pytest.mark.parametrize("method", KEYED)
def test_listen_key_must_not_be_empty(api: binance_spot.MarginStreamApi, server: BinanceServer, method: str) -> None:
    with pytest.raises(binance_spot.ApiValueError) as caught:
        keyed_call(api, method)("")
    assert "listen_key" in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert server.requests == []
    assert server.connections_opened == 0


@pytest.mark.parametrize("method", KEYED)
@pytest.mark.parametrize(
    "key",
    [
        "a+b/c=d&e",
        "with space",
        "100%25 and %",
        "+++///===&&&",
        "caf\u00e9",
        "\u65e5\u672c",
        "key?x=1#frag",
        "'\"<>;,\\",
        "A" * 512,
    ],
)
def test_listen_keys_arrive_byte_exact(
    api: binance_spot.MarginStreamApi, server: BinanceServer, method: str, key: str
) -> None:
    with pytest.raises(binance_spot.BadRequestException):  # the server never issued such a key
        keyed_call(api, method)(key)
    (record,) = server.requests
    assert record.method == method.upper()
    assert record.path == "/sapi/v1/userDataStream"
    assert record.params == [("listenKey", key)]
    assert record.param("listenKey").encode("utf-8") == key.encode("utf-8")


def test_a_real_key_round_trips(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    key = api.sapi_v1_user_data_stream_post().listen_key
    assert api.sapi_v1_user_data_stream_put(key) == {}
    assert api.sapi_v1_user_data_stream_delete(key) == {}
    assert [r.param("listenKey") for r in server.requests] == [None, key, key]
    assert server.listen_keys == {}


@pytest.mark.parametrize(
    ("call", "args"),
    [("sapi_v1_user_data_stream_post", ()), ("sapi_v1_user_data_stream_put", ("k",)),
     ("sapi_v1_user_data_stream_delete", ("k",)), ("sapi_v1_user_data_stream_put_with_http_info", ("k",))],
)  # fmt: skip
def test_unknown_keyword_is_refused_by_name(
    api: binance_spot.MarginStreamApi, server: BinanceServer, call: str, args: tuple[str, ...]
) -> None:
    with pytest.raises(binance_spot.ApiTypeError) as caught:
        getattr(api, call)(*args, listen_kye="k")
    assert "listen_kye" in str(caught.value)
    assert server.requests == []
    assert server.connections_opened == 0


def test_type_is_checked_with_async_req_too(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    # refused in the caller's thread, not later inside the pool
    with pytest.raises(binance_spot.ApiTypeError):
        api.sapi_v1_user_data_stream_put(42, async_req=True)
    assert server.requests == []


def test_host_with_a_base_path_keeps_it(config: binance_spot.Configuration, server: BinanceServer) -> None:
    # As the classic client does (host + path): a reverse proxy under a prefix must still work.
    config.host = f"{server.url}/proxy/"
    with binance_spot.ApiClient(config) as client:
        with pytest.raises(binance_spot.NotFoundException):
            binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_put("k")
    (record,) = server.requests
    assert (record.path, record.param("listenKey")) == ("/proxy/sapi/v1/userDataStream", "k")
