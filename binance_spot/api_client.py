"""The public ``ApiClient``: the runtime client with the classic generated client's methods on top.

``call_api`` / ``request`` / ``deserialize`` / ``sanitize_for_serialization`` /
``parameters_to_tuples`` / ``select_header_*`` / ``update_params_for_auth`` and
``rest_client``, kept for code written against the classic client. Every keyword either
does what the classic client did or raises ``ApiValueError`` naming it. The generated
methods go through ``Client.call_operation`` below this layer and never touch it.
"""

import datetime
import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import urllib3

from binance_spot._auth import apply_auth
from binance_spot._classic import RESTClientObject, as_pairs, encode_body
from binance_spot._client import Client, RESTResponse, UsedWeight, http_response
from binance_spot._model import Model
from binance_spot._operation import prefer_json, select_accept
from binance_spot._query import Params, encode_query
from binance_spot._validate import check_headers, check_host
from binance_spot.exceptions import ApiException, ApiValueError
from binance_spot.settings import TimeoutSetting, timeout_for
from binance_spot.transport import Request

_SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}


class ApiClient(Client):
    """Sends the operations of the API classes; one instance may serve many threads.

    ``transport`` replaces the network (see ``binance_spot.transport``). Close the client
    (or use it in a ``with`` block) to release its connections, abort what is in flight
    and stop the ``async_req`` worker threads. Besides the generated methods' path it
    keeps every method of the classic generated ``ApiClient``.
    """

    PRIMITIVE_TYPES = (float, bool, bytes, str, int)

    @functools.cached_property
    def rest_client(self) -> RESTClientObject:
        """The classic ``rest`` object over this client's transport, made on first use."""
        return RESTClientObject(self.configuration, transport=self.transport)

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
        timeout = timeout_for(self.configuration.request_timeout, _request_timeout)
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
            return http_response(response)
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
    ) -> RESTResponse | urllib3.HTTPResponse:
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
        for name, value in as_pairs(params):
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


__all__ = ["ApiClient", "ApiException", "UsedWeight"]
