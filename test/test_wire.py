"""What each operation puts on the wire, and what each classic keyword does."""

import json

import pytest
import urllib3
from conftest import API_KEY

import binance_spot
from binance_spot.testing import BinanceServer

PATH = "/sapi/v1/userDataStream"


def only_request(server: BinanceServer):  # type: ignore[no-untyped-def]
    (request,) = server.requests
    return request


def assert_common_headers(request, api_key: str) -> None:  # type: ignore[no-untyped-def]
    assert request.header("X-MBX-APIKEY") == api_key
    assert request.header("Accept") == "application/json"
    assert request.header("User-Agent").startswith(f"binance_spot/{binance_spot.__version__}")
    assert request.body == b""
    assert request.header("Content-Type") is None


def test_post_creates_a_key(api: binance_spot.MarginStreamApi, server: BinanceServer, api_key: str) -> None:
    result = api.sapi_v1_user_data_stream_post()
    assert isinstance(result, binance_spot.InlineResponse200124)
    assert result.listen_key in server.listen_keys
    request = only_request(server)
    assert (request.method, request.path, request.query) == ("POST", PATH, "")
    assert_common_headers(request, api_key)


def test_post_twice_returns_the_active_key(api: binance_spot.MarginStreamApi) -> None:
    assert api.sapi_v1_user_data_stream_post().listen_key == api.sapi_v1_user_data_stream_post().listen_key


@pytest.mark.parametrize("operation", ["put", "delete"])
def test_put_and_delete_send_the_key_in_the_query(
    api: binance_spot.MarginStreamApi, server: BinanceServer, operation: str, api_key: str
) -> None:
    key = api.sapi_v1_user_data_stream_post().listen_key
    server.clear()
    assert getattr(api, f"sapi_v1_user_data_stream_{operation}")(listen_key=key) == {}
    request = only_request(server)
    assert (request.method, request.path, request.query) == (operation.upper(), PATH, f"listenKey={key}")
    assert_common_headers(request, api_key)


def test_delete_closes_the_key(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    key = api.sapi_v1_user_data_stream_post().listen_key
    api.sapi_v1_user_data_stream_delete(listen_key=key)
    assert key not in server.listen_keys
    with pytest.raises(binance_spot.ApiException) as caught:
        api.sapi_v1_user_data_stream_put(listen_key=key)
    assert (caught.value.status, caught.value.code) == (400, -1125)


def test_listen_key_none_is_omitted(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    with pytest.raises(binance_spot.ApiException) as caught:
        api.sapi_v1_user_data_stream_put(listen_key=None)
    assert (caught.value.status, caught.value.code) == (400, -1102)
    assert only_request(server).query == ""


def test_with_http_info_returns_data_status_headers(api: binance_spot.MarginStreamApi) -> None:
    data, status, headers = api.sapi_v1_user_data_stream_post_with_http_info()
    assert isinstance(data, binance_spot.InlineResponse200124) and status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert (
        api.sapi_v1_user_data_stream_put_with_http_info(listen_key=data.listen_key, _return_http_data_only=True) == {}
    )


def test_async_req_returns_an_object_with_get(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    thread = api.sapi_v1_user_data_stream_post(async_req=True)
    assert thread.get(timeout=5).listen_key in server.listen_keys


def test_preload_content_false_returns_a_urllib3_response(
    api: binance_spot.MarginStreamApi, client: binance_spot.ApiClient, server: BinanceServer
) -> None:
    """As the classic client did: a real ``urllib3.HTTPResponse``, over the body already read."""
    raw = api.sapi_v1_user_data_stream_post(_preload_content=False)
    assert isinstance(raw, urllib3.HTTPResponse)
    assert (raw.status, raw.reason) == (200, "OK")
    assert json.loads(raw.data)["listenKey"] in server.listen_keys
    assert raw.headers["Content-Type"].startswith("application/json")
    if hasattr(raw, "getheader"):  # urllib3 1.26 (2.x deprecated, then removed it)
        assert raw.getheader("Content-Type", "").startswith("application/json")
    raw.release_conn()  # as classic code does: the connection is back in the pool already
    url = f"{server.url}/sapi/v1/userDataStream"
    for read in (
        client.request("POST", url, headers={"X-MBX-APIKEY": API_KEY}, _preload_content=False),
        client.rest_client.POST(url, headers={"X-MBX-APIKEY": API_KEY}, _preload_content=False),
    ):
        assert isinstance(read, urllib3.HTTPResponse)
        assert json.loads(read.read())["listenKey"] in server.listen_keys
        assert read.read() == b""  # read once, as from the socket
        read.release_conn()
    assert isinstance(client.request("POST", url, headers={"X-MBX-APIKEY": API_KEY}), binance_spot.rest.RESTResponse)
    assert api.sapi_v1_user_data_stream_post().listen_key
    assert server.connections_opened == 1


@pytest.mark.parametrize("timeout", [1.5, (1.0, 2.0)])
def test_request_timeout_number_or_pair(api: binance_spot.MarginStreamApi, timeout: object) -> None:
    assert api.sapi_v1_user_data_stream_post(_request_timeout=timeout).listen_key


def test_request_auth_overrides_the_configured_key(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    auth = {"in": "header", "key": "X-MBX-APIKEY", "value": "other-key", "type": "api_key"}
    api.sapi_v1_user_data_stream_post(_request_auth=auth)
    assert only_request(server).header("X-MBX-APIKEY") == "other-key"


def test_extra_headers(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    api.sapi_v1_user_data_stream_post(_headers={"X-Trace": "t-1"}, _content_type=None)
    request = only_request(server)
    assert request.header("X-Trace") == "t-1"
    assert request.body == b""


def test_content_type_is_refused_as_no_operation_sends_a_body(
    api: binance_spot.MarginStreamApi, server: BinanceServer
) -> None:
    with pytest.raises(binance_spot.ApiValueError, match="_content_type: sapi_v1_user_data_stream_post sends no"):
        api.sapi_v1_user_data_stream_post(_content_type="application/json")
    assert server.requests == []


def test_unknown_keyword_is_refused_before_sending(api: binance_spot.MarginStreamApi, server: BinanceServer) -> None:
    with pytest.raises(binance_spot.ApiTypeError, match="'listenkey'"):
        api.sapi_v1_user_data_stream_put(listenkey="k")
    assert server.requests == []


def test_api_key_prefix_is_sent(config: binance_spot.Configuration, server: BinanceServer, api_key: str) -> None:
    config.api_key_prefix["X-MBX-APIKEY"] = "Bearer"
    with binance_spot.ApiClient(config) as client:
        with pytest.raises(binance_spot.UnauthorizedException):  # Binance keys carry no prefix
            binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    assert only_request(server).header("X-MBX-APIKEY") == f"Bearer {api_key}"


def test_key_under_the_scheme_name(server: BinanceServer) -> None:
    config = binance_spot.Configuration(host=server.url, api_key={"ApiKeyAuth": "scheme-key"})
    with binance_spot.ApiClient(config) as client:
        binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    assert only_request(server).header("X-MBX-APIKEY") == "scheme-key"


def test_no_key_gives_binance_2014(server: BinanceServer) -> None:
    with binance_spot.ApiClient(binance_spot.Configuration(host=server.url)) as client:
        with pytest.raises(binance_spot.UnauthorizedException) as caught:
            binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    assert (caught.value.status, caught.value.code) == (401, -2014)
    assert only_request(server).header("X-MBX-APIKEY") is None


def test_unknown_key_gives_binance_2015(clock) -> None:  # type: ignore[no-untyped-def]
    with BinanceServer(api_keys={"good"}, clock=clock) as server:
        config = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": "bad"})
        with binance_spot.ApiClient(config) as client:
            with pytest.raises(binance_spot.UnauthorizedException) as caught:
                binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    assert (caught.value.status, caught.value.code, caught.value.msg) == (
        401,
        -2015,
        "Invalid API-key, IP, or permissions for action.",
    )
    assert caught.value.body == '{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}'


def test_api_exception_keeps_status_reason_body_headers(api: binance_spot.MarginStreamApi) -> None:
    with pytest.raises(binance_spot.ApiException) as caught:
        api.sapi_v1_user_data_stream_delete(listen_key="missing")
    error = caught.value
    assert (error.status, error.reason) == (400, "Bad Request")
    assert error.body == '{"code":-1125,"msg":"This listenKey does not exist."}'
    assert error.raw_body == error.body.encode()
    assert error.headers is not None and error.headers["Content-Type"].startswith("application/json")
    assert str(error).startswith("Binance error -1125: This listenKey does not exist.")


def test_key_expires_after_sixty_minutes_and_put_extends(api, server, clock) -> None:  # type: ignore[no-untyped-def]
    key = api.sapi_v1_user_data_stream_post().listen_key
    clock.advance(59 * 60)
    api.sapi_v1_user_data_stream_put(listen_key=key)
    clock.advance(59 * 60)
    api.sapi_v1_user_data_stream_put(listen_key=key)
    clock.advance(61 * 60)
    with pytest.raises(binance_spot.BadRequestException) as caught:
        api.sapi_v1_user_data_stream_put(listen_key=key)
    assert caught.value.code == -1125
