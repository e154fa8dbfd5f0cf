"""The classic client's keywords and helpers: each does what the classic client did, or refuses."""

import datetime

import pytest

import binance_spot
from binance_spot.testing import BinanceServer, FunctionTransport, respond

PATH = "/sapi/v1/userDataStream"


@pytest.mark.parametrize(
    ("fmt", "query"),
    [
        ("multi", "listenKey=a&listenKey=b"),
        ("csv", "listenKey=a%2Cb"),
        ("pipes", "listenKey=a%7Cb"),
        ("ssv", "listenKey=a%20b"),
    ],
)
def test_call_api_collection_formats(
    client: binance_spot.ApiClient, server: BinanceServer, fmt: str, query: str
) -> None:
    with pytest.raises(binance_spot.BadRequestException):
        client.call_api(
            PATH,
            "PUT",
            query_params=[("listenKey", ["a", "b"])],
            collection_formats={"listenKey": fmt},
            auth_settings=["ApiKeyAuth"],
            response_type="object",
        )
    (request,) = server.requests
    assert request.query == query


def test_an_unknown_collection_format_is_refused(client: binance_spot.ApiClient, server: BinanceServer) -> None:
    with pytest.raises(binance_spot.ApiValueError, match="collection format 'tabs' of listenKey"):
        client.call_api(PATH, "PUT", query_params={"listenKey": ["a"]}, collection_formats={"listenKey": "tabs"})
    assert server.requests == []


def test_call_api_returns_data_status_headers_or_data(client: binance_spot.ApiClient, server: BinanceServer) -> None:
    data, status, headers = client.call_api(
        PATH, "POST", auth_settings=["ApiKeyAuth"], response_types_map={200: "InlineResponse200124"}
    )
    assert isinstance(data, binance_spot.InlineResponse200124) and status == 200
    assert headers["Content-Type"].startswith("application/json")
    key = client.call_api(
        PATH, "POST", auth_settings=["ApiKeyAuth"], response_type="InlineResponse200124", _return_http_data_only=True
    ).listen_key
    assert key == data.listen_key
    pending = client.call_api(
        PATH,
        "PUT",
        query_params={"listenKey": key},
        auth_settings=["ApiKeyAuth"],
        response_type="object",
        async_req=True,
        _return_http_data_only=True,
    )
    assert pending.get(timeout=5) == {}
    assert [r.method for r in server.requests] == ["POST", "POST", "PUT"]


def test_call_api_path_params_host_and_files(
    client: binance_spot.ApiClient, server: BinanceServer, api_key: str
) -> None:
    with BinanceServer() as other:
        client.call_api(
            "/sapi/v1/{stream}",
            "POST",
            path_params={"stream": "userDataStream"},
            header_params={"X-MBX-APIKEY": api_key},
            _host=other.url,
        )
        (request,) = other.requests
        assert (request.method, request.path) == ("POST", PATH)
    assert server.requests == []
    with pytest.raises(binance_spot.ApiValueError, match="files: file uploads are not supported"):
        client.call_api(PATH, "POST", files={"f": "x"})
    with pytest.raises(binance_spot.ApiValueError, match="_host must not contain user info"):
        client.call_api(PATH, "POST", _host="http://u:p@127.0.0.1:1")


def test_request_and_the_rest_verbs(client: binance_spot.ApiClient, server: BinanceServer, api_key: str) -> None:
    response = client.request("POST", f"{server.url}{PATH}", headers={"X-MBX-APIKEY": api_key})
    key = response.getheader("Content-Type") and response.data.decode().split('"')[3]
    assert key in server.listen_keys
    rest = client.rest_client
    assert rest.PUT(f"{server.url}{PATH}", query_params={"listenKey": key}, headers={"X-MBX-APIKEY": api_key}).data
    assert server.requests[-1].query == f"listenKey={key}"
    with pytest.raises(binance_spot.NotFoundException):
        rest.GET(f"{server.url}/nothing?x=1", query_params=[("y", "2")])
    assert server.requests[-1].query == "x=1&y=2"
    with pytest.raises(binance_spot.ApiValueError, match="http method must be one of"):
        client.request("TRACE", f"{server.url}{PATH}")
    assert len(server.requests) == 3


def test_host_index_picks_a_server_of_the_spec() -> None:
    transport = FunctionTransport(lambda request: respond(200, {"listenKey": "k"}))
    with binance_spot.ApiClient(binance_spot.Configuration(host="http://127.0.0.1:1"), transport=transport) as client:
        api = binance_spot.MarginStreamApi(client)
        assert api.sapi_v1_user_data_stream_post(_host_index=0).listen_key == "k"
        with pytest.raises(binance_spot.ApiValueError, match="Invalid index 5 when selecting the host settings"):
            api.sapi_v1_user_data_stream_post(_host_index=5)
        api.sapi_v1_user_data_stream_post()
    assert [r.host for r in transport.requests] == ["https://api.binance.com", "http://127.0.0.1:1"]


def test_deserialize_every_kind_of_type(client: binance_spot.ApiClient) -> None:
    assert [
        m.listen_key for m in client.deserialize(respond(200, [{"listenKey": "a"}]), "list[InlineResponse200124]")
    ] == ["a"]
    assert client.deserialize(respond(200, {"x": 1}), "dict(str, int)") == {"x": 1}
    assert client.deserialize(respond(200, "2026-02-20"), "date") == datetime.date(2026, 2, 20)
    moment = client.deserialize(respond(200, "2026-02-20T07:00:00Z"), "datetime")
    assert moment == datetime.datetime(2026, 2, 20, 7, tzinfo=datetime.timezone.utc)
    assert client.deserialize(respond(200, 1.5), "float") == 1.5
    for payload, klass in [
        ({"listenKey": 5}, "InlineResponse200124"),
        ("x", "int"),
        (True, "int"),
        ([1], "dict(str, int)"),
    ]:
        with pytest.raises(binance_spot.InvalidResponseException, match="unexpected response"):
            client.deserialize(respond(200, payload), klass)
    with pytest.raises(binance_spot.ApiValueError, match="file downloads are not supported"):
        client.deserialize(respond(200, {}), "file")


def test_sanitize_for_serialization(client: binance_spot.ApiClient) -> None:
    model = binance_spot.InlineResponse200124(listen_key="k")
    value = {"m": model, "d": datetime.date(2026, 2, 20), "t": (1, "a"), "l": [None]}
    assert client.sanitize_for_serialization(value) == {
        "m": {"listenKey": "k"},
        "d": "2026-02-20",
        "t": (1, "a"),
        "l": [None],
    }
    with pytest.raises(binance_spot.ApiValueError, match="cannot serialize a object"):
        client.sanitize_for_serialization(object())


def test_select_headers(client: binance_spot.ApiClient) -> None:
    assert client.select_header_accept(["text/plain", "application/json"]) == "application/json"
    assert client.select_header_accept(["text/plain", "text/html"]) == "text/plain, text/html"
    assert client.select_header_accept([]) is None
    assert client.select_header_content_type(["text/plain", "application/JSON"]) == "application/JSON"
    assert client.select_header_content_type(["text/plain"]) == "text/plain"
    assert client.select_header_content_type([]) == "application/json"
