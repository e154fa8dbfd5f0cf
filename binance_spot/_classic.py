"""The classic generated client's surface that the generated API classes do not use.

``ApiClient.call_api`` / ``request`` / ``deserialize`` / ``sanitize_for_serialization``
/ ``parameters_to_tuples`` / ``select_header_*`` and ``rest.RESTClientObject`` with its
verb methods, kept for code written against the classic client. Every keyword either
does what the classic client did or raises ``ApiValueError`` naming it. Requests go
through the same retry loop and transport as the generated methods.
"""

import datetime
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from binance_spot import _retry
from binance_spot._auth import apply_auth
from binance_spot._model import Model
from binance_spot._operation import prefer_json, select_accept
from binance_spot._query import encode_query
from binance_spot._validate import check_headers, check_host
from binance_spot.configuration import Configuration
from binance_spot.exceptions import ApiValueError
from binance_spot.settings import Timeout, TimeoutSetting
from binance_spot.transport import BaseTransport, Request, Response

if TYPE_CHECKING:
    import threading
    from multiprocessing.pool import ThreadPool

Params = list[tuple[str, Any]]

_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
_SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}


class RESTResponse:
    """A response whose body has been read: ``status``, ``reason``, ``data``, headers.

    What ``_preload_content=False`` returns: the body is read already (bounded like
    every other), so ``read()`` and ``data`` give it at once.
    """

    def __init__(self, response: Response) -> None:
        self.status = response.status
        self.reason = response.reason
        self.data = response.data
        self.headers = response.headers

    def read(self, amt: int | None = None) -> bytes:
        return self.data

    def release_conn(self) -> None:
        """Nothing to release: the connection went back to the pool when the body was read."""

    def close(self) -> None:
        """Nothing to close, as for ``release_conn``."""

    def getheaders(self) -> Mapping[str, str]:
        return self.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)


def _verb(method: str) -> Callable[..., RESTResponse]:
    def send(self: "RESTClientObject", url: str, **kwargs: Any) -> RESTResponse:
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
    ) -> RESTResponse:
        """Send ``method url``; the response (already read whatever ``_preload_content`` says)."""
        method = method.upper()
        if method not in _METHODS:
            raise ApiValueError(f"http method must be one of {', '.join(_METHODS)}, got {method!r}")
        parts = urlsplit(url)
        host = check_host("url", f"{parts.scheme}://{parts.netloc}")
        query = "&".join(part for part in (parts.query, encode_query(_pairs(query_params or []))) if part)
        target = f"{parts.path or '/'}?{query}" if query else parts.path or "/"
        sent_headers = dict(headers or {})
        payload = encode_body(sent_headers, body, post_params)
        timeout = timeout_for(self.configuration, _request_timeout)
        return self.send(Request(method, host, target, sent_headers, payload, timeout))

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


class ClassicApiClient:
    """The classic ``ApiClient`` methods, mixed into ``ApiClient``."""

    PRIMITIVE_TYPES = (float, bool, bytes, str, int)

    if TYPE_CHECKING:  # what ApiClient provides
        configuration: Configuration
        default_headers: dict[str, str]
        cookie: str | None
        rest_client: RESTClientObject
        _local: threading.local

        @property
        def pool(self) -> ThreadPool: ...

        def decode(self, response: Any, return_type: str | None) -> Any: ...

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Any | None = None,
        query_params: Any | None = None,
        header_params: Mapping[str, str] | None = None,
        body: Any = None,
        post_params: Any | None = None,
        files: Any | None = None,
        response_type: str | None = None,
        auth_settings: list[str] | None = None,
        async_req: bool | None = None,
        _return_http_data_only: bool | None = None,
        collection_formats: Mapping[str, str] | None = None,
        _preload_content: bool = True,
        _request_timeout: TimeoutSetting | None = None,
        _host: str | None = None,
        _request_auth: dict[str, Any] | None = None,
        response_types_map: Mapping[int, str | None] | None = None,
    ) -> Any:
        """Send any request, as the classic generated client does."""
        if files:
            raise ApiValueError("files: file uploads are not supported by this API")
        headers = {**self.default_headers, **(header_params or {})}
        if self.cookie:
            headers["Cookie"] = self.cookie
        for name, value in self.parameters_to_tuples(path_params or {}, collection_formats):
            quoted = quote(str(value), safe=self.configuration.safe_chars_for_path_param)
            resource_path = resource_path.replace(f"{{{name}}}", quoted)
        query = self.parameters_to_tuples(query_params or [], collection_formats)
        apply_auth(self.configuration, headers, query, auth_settings, _request_auth)
        form = self.parameters_to_tuples(post_params, collection_formats) if post_params else None
        payload = encode_body(headers, self.sanitize_for_serialization(body), form)
        if response_type is None and response_types_map:
            response_type = response_types_map.get(200)
        host = check_host("_host", _host) if _host is not None else self.configuration.host
        target = f"{resource_path}?{encode_query(query)}" if query else resource_path
        timeout = timeout_for(self.configuration, _request_timeout)
        request = Request(method.upper(), host, target, headers, payload, timeout)
        check_headers(headers)
        args = (request, response_type, bool(_return_http_data_only), _preload_content)
        if async_req:
            return self.pool.apply_async(self._call_api, args)
        return self._call_api(*args)

    def _call_api(self, request: Request, response_type: str | None, data_only: bool, preload: bool) -> Any:
        response = self.rest_client.send(request)
        self._local.headers = response.headers
        if not preload:
            return response
        data = self.deserialize(response, response_type) if response_type else None
        return data if data_only else (data, response.status, response.headers)

    def request(
        self,
        method: str,
        url: str,
        query_params: Any | None = None,
        headers: Mapping[str, str] | None = None,
        post_params: Any | None = None,
        body: Any = None,
        _preload_content: bool = True,
        _request_timeout: TimeoutSetting | None = None,
    ) -> RESTResponse:
        """Send a request to a full URL through this client's transport."""
        return self.rest_client.request(
            method, url, query_params, headers, body, post_params, _preload_content, _request_timeout
        )

    def deserialize(self, response: Any, response_type: str) -> Any:
        """Turn a response body into ``response_type`` (a model name, a primitive, 'object')."""
        if response_type == "file":
            raise ApiValueError("response_type 'file': file downloads are not supported by this API")
        return self.decode(response, response_type)

    def sanitize_for_serialization(self, obj: Any) -> Any:
        """Turn models, dates and containers into what ``json.dumps`` takes."""
        if obj is None or isinstance(obj, self.PRIMITIVE_TYPES):
            return obj
        if isinstance(obj, list):
            return [self.sanitize_for_serialization(item) for item in obj]
        if isinstance(obj, tuple):
            return tuple(self.sanitize_for_serialization(item) for item in obj)
        if isinstance(obj, (datetime.datetime, datetime.date)):
            return obj.isoformat()
        if isinstance(obj, dict):
            return {key: self.sanitize_for_serialization(value) for key, value in obj.items()}
        if isinstance(obj, Model):
            return {
                obj.attribute_map[attr]: self.sanitize_for_serialization(getattr(obj, attr))
                for attr in obj.openapi_types
                if getattr(obj, attr) is not None
            }
        raise ApiValueError(f"cannot serialize a {type(obj).__name__} to JSON")

    def parameters_to_tuples(
        self, params: Mapping[str, Any] | Params, collection_formats: Mapping[str, str] | None
    ) -> Params:
        """Flatten parameters into (name, value) pairs, lists joined by their collection format."""
        formats = collection_formats or {}
        pairs: Params = []
        for name, value in _pairs(params):
            if isinstance(value, (list, tuple)):
                fmt = formats.get(name, "csv")
                if fmt == "multi":
                    pairs.extend((name, item) for item in value)
                    continue
                if fmt not in _SEPARATORS:
                    raise ApiValueError(f"collection format {fmt!r} of {name}: use csv, ssv, tsv, pipes or multi")
                value = _SEPARATORS[fmt].join(str(item) for item in value)
            pairs.append((name, value))
        return pairs

    def update_params_for_auth(
        self,
        headers: dict[str, str],
        querys: Params,
        auth_settings: list[str] | None,
        request_auth: dict[str, Any] | None = None,
    ) -> None:
        """Add the credentials of ``auth_settings`` (or of ``request_auth``) to the request."""
        apply_auth(self.configuration, headers, querys, auth_settings, request_auth)

    def select_header_accept(self, accepts: list[str]) -> str | None:
        return select_accept(accepts)

    def select_header_content_type(self, content_types: list[str]) -> str:
        if not content_types:
            return "application/json"
        return prefer_json(content_types) or content_types[0]


def timeout_for(configuration: Configuration, value: TimeoutSetting | None) -> Timeout:
    """The per-call ``_request_timeout``, else the configured one."""
    return configuration.request_timeout if value is None else Timeout.coerce(value, "_request_timeout")


def _pairs(params: Mapping[str, Any] | Params) -> Params:
    return list(params.items()) if isinstance(params, Mapping) else list(params)


def encode_body(headers: dict[str, str], body: Any, post_params: Any | None) -> bytes | None:
    """The request body: a form from ``post_params`` or JSON from ``body``, with its Content-Type."""
    if post_params and body is not None:
        raise ApiValueError("body parameter cannot be used with post_params parameter.")
    if post_params:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return encode_query(_pairs(post_params)).encode()
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
        return body if isinstance(body, bytes) else json.dumps(body).encode()
    return None
