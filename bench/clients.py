"""The measured clients: each builds a ``cycle()`` doing create -> keepalive -> close.

Stdlib only at import time, so a peer's virtualenv can load this file; every client
library is imported inside its own factory. Each cycle checks the listen key it got
back, so a client that silently failed would not look fast.
"""

import json
from collections.abc import Callable
from typing import Any

LISTEN_KEY = "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"
API_KEY = "bench-api-key-0123456789"
PATH = "/sapi/v1/userDataStream"
CALLS_PER_CYCLE = 3

Cycle = Callable[[], None]


def _check(key: object) -> None:
    if key != LISTEN_KEY:
        raise RuntimeError(f"unexpected listen key {key!r}")


def raw_http_client(url: str) -> Cycle:
    """The floor under any Python client: one kept-alive ``http.client`` connection."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
    headers = {"X-MBX-APIKEY": API_KEY}

    def call(method: str, target: str) -> object:
        conn.request(method, target, headers=headers)
        return json.loads(conn.getresponse().read())

    def cycle() -> None:
        key = call("POST", PATH)["listenKey"]  # type: ignore[index]
        _check(key)
        target = f"{PATH}?listenKey={key}"
        call("PUT", target)
        call("DELETE", target)

    return cycle


def raw_urllib3(url: str) -> Cycle:
    """The reference (1.00x): a plain ``PoolManager().request`` loop plus ``json.loads``."""
    import urllib3

    http = urllib3.PoolManager()
    endpoint = url + PATH
    headers = {"X-MBX-APIKEY": API_KEY}

    def cycle() -> None:
        key = json.loads(http.request("POST", endpoint, headers=headers).data)["listenKey"]
        _check(key)
        target = f"{endpoint}?listenKey={key}"
        json.loads(http.request("PUT", target, headers=headers).data)
        json.loads(http.request("DELETE", target, headers=headers).data)

    return cycle


def _margin_stream_api(sdk: Any, url: str) -> Cycle:
    """The three calls through a package with the classic generated client's surface."""
    config = sdk.Configuration(host=url, api_key={"ApiKeyAuth": API_KEY})
    api = sdk.MarginStreamApi(sdk.ApiClient(config))

    def cycle() -> None:
        key = api.sapi_v1_user_data_stream_post().listen_key
        _check(key)
        api.sapi_v1_user_data_stream_put(listen_key=key)
        api.sapi_v1_user_data_stream_delete(listen_key=key)

    return cycle


def binance_spot(url: str) -> Cycle:
    """This SDK in its real default configuration (timeouts and retries on)."""
    import binance_spot as sdk

    return _margin_stream_api(sdk, url)


def generated(url: str) -> Cycle:
    """openapi-generator's own ``python`` generator output for our openapi.yaml."""
    import gen_client

    return _margin_stream_api(gen_client, url)


def binance_connector(url: str) -> Cycle:
    """binance-connector (``binance.spot.Spot``), in its own virtualenv."""
    from binance.spot import Spot

    client = Spot(api_key=API_KEY, base_url=url)

    def cycle() -> None:
        key = client.new_margin_listen_key()["listenKey"]
        _check(key)
        client.renew_margin_listen_key(key)
        client.close_margin_listen_key(key)

    return cycle


def python_binance(url: str) -> Cycle:
    """python-binance (``binance.client.Client``), in its own virtualenv."""
    import warnings

    from binance.client import Client

    warnings.simplefilter("ignore", DeprecationWarning)  # the listen-key methods warn on every call
    client = Client(API_KEY, "bench-secret", ping=False)
    client.MARGIN_API_URL = url + "/sapi"

    def cycle() -> None:
        key = client.margin_stream_get_listen_key()
        _check(key)
        client.margin_stream_keepalive(key)
        client.margin_stream_close(key)

    return cycle


#: name -> (factory, the module ``import`` timing loads, the PyPI packages of its virtualenv).
CLIENTS: dict[str, tuple[Callable[[str], Cycle], str, tuple[str, ...]]] = {
    "raw http.client": (raw_http_client, "http.client", ()),
    "raw urllib3": (raw_urllib3, "urllib3", ()),
    # what a MarginStreamApi user loads: the package, its runtime, that API class and its model
    "binance_spot": (binance_spot, "binance_spot.api.margin_stream_api", ()),
    "openapi-generator python": (generated, "gen_client", ()),
    "binance-connector": (binance_connector, "binance.spot", ("binance-connector",)),
    "python-binance": (python_binance, "binance.client", ("python-binance",)),
}
