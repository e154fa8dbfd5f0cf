"""The classic generated client's ``rest`` layer: ``RESTClientObject`` and the body encoding.

``RESTClientObject`` with its verb methods sends a request to a full URL, for code written
against the classic client (``ApiClient.rest_client``, ``ApiClient.request``). Requests go
through the same retry loop and transport as the generated methods; the runtime under
them knows nothing of this module.
"""

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import urllib3

from binance_spot import _retry
from binance_spot._client import RESTResponse, http_response
from binance_spot._query import Params, encode_query
from binance_spot._validate import check_headers, check_host
from binance_spot.configuration import Configuration
from binance_spot.exceptions import ApiValueError
from binance_spot.settings import TimeoutSetting, timeout_for
from binance_spot.transport import BaseTransport, Request

_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")


def _verb(method: str) -> Callable[..., RESTResponse | urllib3.HTTPResponse]:
    def send(self: "RESTClientObject", url: str, **kwargs: Any) -> RESTResponse | urllib3.HTTPResponse:
        return self.request(method, url, **kwargs)

    send.__name__ = send.__qualname__ = method
    return send


class RESTClientObject:
    """Sends a request to a full URL, raising an ``ApiException`` for a non-2xx answer."""

    def __init__(
        self,
        configuration: Configuration,
        pools_size: int = 4,
        maxsize: int | None = None,
        *,
        transport: BaseTransport | None = None,
    ) -> None:
        self.configuration = configuration
        if transport is None:
            from binance_spot._urllib3 import Urllib3Transport

            if maxsize is not None:
                configuration.connection_pool_maxsize = maxsize
            transport = Urllib3Transport(configuration, pools_size)
        self.transport = transport

    @property
    def pool_manager(self) -> Any:
        """The urllib3 pool manager of the default transport (the classic attribute)."""
        return getattr(self.transport, "pool_manager", None)

    def close(self) -> None:
        self.transport.close()

    def request(
        self,
        method: str,
        url: str,
        query_params: Any | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        post_params: Any | None = None,
        _preload_content: bool = True,
        _request_timeout: TimeoutSetting | None = None,
    ) -> RESTResponse | urllib3.HTTPResponse:
        """Send ``method url``; the response, read already (``_preload_content=False``: as a
        urllib3 response, as the classic client returned)."""
        method = method.upper()
        if method not in _METHODS:
            raise ApiValueError(f"http method must be one of {', '.join(_METHODS)}, got {method!r}")
        parts = urlsplit(url)
        host = check_host("url", f"{parts.scheme}://{parts.netloc}")
        query = "&".join(part for part in (parts.query, encode_query(as_pairs(query_params or []))) if part)
        target = f"{parts.path or '/'}?{query}" if query else parts.path or "/"
        sent_headers = dict(headers or {})
        payload = encode_body(sent_headers, body, post_params)
        timeout = timeout_for(self.configuration.request_timeout, _request_timeout)
        response = self.send(Request(method, host, target, sent_headers, payload, timeout))
        return response if _preload_content else http_response(response)

    def send(self, request: Request) -> RESTResponse:
        check_headers(request.headers)
        return RESTResponse(_retry.send(self.transport, request, self.configuration.retries))

    # The classic verb methods: ``rest.GET(url, **kwargs)`` is ``rest.request("GET", url, **kwargs)``.
    GET = _verb("GET")
    HEAD = _verb("HEAD")
    OPTIONS = _verb("OPTIONS")
    DELETE = _verb("DELETE")
    POST = _verb("POST")
    PUT = _verb("PUT")
    PATCH = _verb("PATCH")


def as_pairs(params: Mapping[str, Any] | Params) -> Params:
    """Parameters given as a mapping or as pairs, as pairs."""
    return list(params.items()) if isinstance(params, Mapping) else list(params)


def encode_body(headers: dict[str, str], body: Any, post_params: Any | None) -> bytes | None:
    """The request body: a form from ``post_params`` or JSON from ``body``, with its Content-Type."""
    if post_params and body is not None:
        raise ApiValueError("body parameter cannot be used with post_params parameter.")
    if post_params:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return encode_query(as_pairs(post_params)).encode()
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
        return body if isinstance(body, bytes) else json.dumps(body).encode()
    return None
