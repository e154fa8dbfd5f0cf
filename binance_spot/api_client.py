"""The API surface's engine: check arguments, authenticate, send, turn answers into models.

Keeps the classic generated ``ApiClient`` interface (``call_api``, ``deserialize``,
``sanitize_for_serialization``, ...) and adds ``call_operation``, the fast path the
generated API classes use.
"""

import datetime
import json
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Optional, Union
from urllib.parse import quote

from binance_spot import rest
from binance_spot._query import encode_query
from binance_spot._spec import PACKAGE_VERSION as __version__
from binance_spot.configuration import Configuration, Timeout
from binance_spot.exceptions import ApiTypeError, ApiValueError, InvalidResponseException
from binance_spot.operation import Operation, select_accept

if TYPE_CHECKING:
    from multiprocessing.pool import ThreadPool

Params = list[tuple[str, Any]]

# C0, DEL and C1: none belongs in a key, and CR/LF could split a request.
_CONTROL = frozenset(chr(c) for c in [*range(32), *range(127, 160)])


class UsedWeight(NamedTuple):
    """Request weight Binance counted in the current minute, from the last answer."""

    uid: Optional[int]
    ip: Optional[int]


def check_text(what: str, value: str) -> None:
    """Refuse control characters (CR and LF above all) without echoing the value."""
    if not _CONTROL.isdisjoint(value):
        raise ApiValueError(f"{what} contains a control character (such as CR or LF); refused before sending")


def _int_header(headers: Mapping[str, str], name: str) -> Optional[int]:
    value = headers.get(name)
    return int(value) if value is not None and value.isdigit() else None


class ApiClient:
    """Sends the operations of the API classes; one instance may serve many threads.

    Close it (or use it in a ``with`` block) to release its connections and, if
    ``async_req`` was used, its worker threads.
    """

    PRIMITIVE_TYPES = (float, bool, bytes, str, int)
    NATIVE_TYPES_MAPPING: ClassVar[dict[str, Any]] = {
        "int": int,
        "long": int,
        "float": float,
        "str": str,
        "bool": bool,
        "date": datetime.date,
        "datetime": datetime.datetime,
        "object": object,
    }

    def __init__(
        self,
        configuration: Optional[Configuration] = None,
        header_name: Optional[str] = None,
        header_value: Optional[str] = None,
        cookie: Optional[str] = None,
        pool_threads: int = 1,
    ) -> None:
        self.configuration = configuration if configuration is not None else Configuration.get_default_copy()
        self.pool_threads = pool_threads
        self.rest_client = rest.RESTClientObject(self.configuration)
        self.default_headers: dict[str, str] = {}
        if header_name is not None:
            self.default_headers[header_name] = header_value or ""
        self.cookie = cookie
        self.user_agent = "binance_spot/{} (Python {}.{}.{})".format(__version__, *sys.version_info[:3])
        self.client_side_validation = self.configuration.client_side_validation
        self._pool: Optional[ThreadPool] = None
        self._pool_lock = threading.Lock()
        self._local = threading.local()

    def __enter__(self) -> "ApiClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ApiClient host={self.configuration.host!r}>"

    def close(self) -> None:
        """Release the connections and stop the ``async_req`` worker threads."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            pool.join()
        self.rest_client.close()

    @property
    def pool(self) -> "ThreadPool":
        """Worker threads for ``async_req=True``, started on first use."""
        with self._pool_lock:
            if self._pool is None:
                from multiprocessing.pool import ThreadPool

                self._pool = ThreadPool(self.pool_threads)
            return self._pool

    @property
    def user_agent(self) -> str:
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        self.default_headers[header_name] = header_value

    @property
    def used_weight(self) -> UsedWeight:
        """The weight headers of the last answer this thread received."""
        headers = getattr(self._local, "headers", None) or {}
        return UsedWeight(
            _int_header(headers, "X-SAPI-USED-UID-WEIGHT-1M"),
            _int_header(headers, "X-SAPI-USED-IP-WEIGHT-1M"),
        )

    # the fast path of the generated API classes -------------------------------

    def call_operation(self, operation: Operation, arguments: Mapping[str, Any], options: Mapping[str, Any]) -> Any:
        """Check the arguments of ``operation``, then send it (on the pool if ``async_req``)."""
        for name in options:
            if name not in operation.keywords:
                raise ApiTypeError(f"Got an unexpected keyword argument '{name}' to method {operation.name}")
        query = self._query(operation, arguments)
        if options.get("async_req"):
            return self.pool.apply_async(self._send_operation, (operation, query, options))
        return self._send_operation(operation, query, options)

    def _query(self, operation: Operation, arguments: Mapping[str, Any]) -> Params:
        query: Params = []
        for param in operation.params:
            value = arguments.get(param.name)
            if value is None:
                if param.required:
                    raise ApiValueError(
                        f"Missing the required parameter `{param.name}` when calling `{operation.name}`"
                    )
                continue
            if not isinstance(value, param.type) or (param.type is int and isinstance(value, bool)):
                raise ApiTypeError(
                    f"`{param.name}` of `{operation.name}` must be {param.type.__name__}, got {type(value).__name__}",
                    valid_classes=(param.type,),
                )
            if isinstance(value, str):
                if not value:
                    raise ApiValueError(f"`{param.name}` of `{operation.name}` must not be empty")
                check_text(f"`{param.name}`", value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            query.append((param.wire_name, value))
        return query

    def _send_operation(self, operation: Operation, query: Params, options: Mapping[str, Any]) -> Any:
        headers = dict(self.default_headers)
        if operation.accept_header:
            headers["Accept"] = operation.accept_header
        if self.cookie:
            headers["Cookie"] = self.cookie
        extra = options.get("_headers")
        if extra:
            headers.update(extra)
        request_auth = options.get("_request_auth")
        self.update_params_for_auth(headers, query, list(operation.auth), request_auth=request_auth)
        if operation.signed and self.configuration.secret_key is not None:
            from binance_spot._signing import sign_query  # hmac: only for those who sign

            query = sign_query(query, self.configuration.secret_key, self.configuration.recv_window)
        return self._send(
            self.configuration.host,
            operation.method,
            operation.path,
            query,
            headers,
            None,
            operation.return_type,
            options.get("_return_http_data_only", False),
            options.get("_preload_content", True),
            options.get("_request_timeout"),
        )

    def _send(
        self,
        host: str,
        method: str,
        path: str,
        query: Params,
        headers: dict[str, str],
        body: Optional[bytes],
        response_type: Optional[str],
        data_only: bool,
        preload: bool,
        timeout: Timeout,
    ) -> Any:
        target = f"{path}?{encode_query(query)}" if query else path
        response = self.rest_client.send(method, host, target, headers, body, preload, timeout)
        if not preload:
            return response
        self._local.headers = response.getheaders()
        data = self.deserialize(response, response_type) if response_type else None
        if data_only:
            return data
        return data, response.status, response.getheaders()

    # the classic interface ------------------------------------------------------

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Optional[Any] = None,
        query_params: Optional[Any] = None,
        header_params: Optional[dict[str, str]] = None,
        body: Any = None,
        post_params: Optional[Any] = None,
        files: Optional[Any] = None,
        response_type: Optional[str] = None,
        auth_settings: Optional[list[str]] = None,
        async_req: Optional[bool] = None,
        _return_http_data_only: Optional[bool] = None,
        collection_formats: Optional[Any] = None,
        _preload_content: bool = True,
        _request_timeout: Timeout = None,
        _host: Optional[str] = None,
        _request_auth: Optional[dict[str, Any]] = None,
        response_types_map: Optional[dict[int, Optional[str]]] = None,
    ) -> Any:
        """Send any request, as the classic generated client does."""
        if files:
            raise ApiValueError("file uploads are not supported by this API")
        args = (
            resource_path,
            method,
            path_params,
            query_params,
            header_params,
            body,
            post_params,
            response_type,
            response_types_map,
            auth_settings,
            _return_http_data_only,
            _preload_content,
            _request_timeout,
            _host,
            _request_auth,
        )
        if async_req:
            return self.pool.apply_async(self._call_api, args)
        return self._call_api(*args)

    def _call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Optional[Any],
        query_params: Optional[Any],
        header_params: Optional[dict[str, str]],
        body: Any,
        post_params: Optional[Any],
        response_type: Optional[str],
        response_types_map: Optional[dict[int, Optional[str]]],
        auth_settings: Optional[list[str]],
        data_only: Optional[bool],
        preload: bool,
        timeout: Timeout,
        host: Optional[str],
        request_auth: Optional[dict[str, Any]],
    ) -> Any:
        headers = {**self.default_headers, **(header_params or {})}
        if self.cookie:
            headers["Cookie"] = self.cookie
        for name, value in self.parameters_to_tuples(path_params or {}, None):
            safe = self.configuration.safe_chars_for_path_param
            resource_path = resource_path.replace(f"{{{name}}}", quote(str(value), safe=safe))
        query = self.parameters_to_tuples(query_params or [], None)
        self.update_params_for_auth(headers, query, auth_settings, request_auth=request_auth)
        form = self.parameters_to_tuples(post_params, None) if post_params else None
        payload = rest.encode_body(headers, self.sanitize_for_serialization(body), form)
        if response_type is None and response_types_map:
            response_type = response_types_map.get(200)
        host = host or self.configuration.host
        return self._send(
            host, method, resource_path, query, headers, payload, response_type, bool(data_only), preload, timeout
        )

    def request(
        self,
        method: str,
        url: str,
        query_params: Optional[Any] = None,
        headers: Optional[dict[str, str]] = None,
        post_params: Optional[Any] = None,
        body: Any = None,
        _preload_content: bool = True,
        _request_timeout: Timeout = None,
    ) -> Any:
        """Send a request to a full URL through this client's connection pools."""
        if method.upper() not in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"):
            raise ApiValueError("http method must be `GET`, `HEAD`, `OPTIONS`, `POST`, `PATCH`, `PUT` or `DELETE`.")
        return self.rest_client.request(
            method,
            url,
            query_params=query_params,
            headers=headers,
            post_params=post_params,
            body=body,
            _preload_content=_preload_content,
            _request_timeout=_request_timeout,
        )

    # helpers of the classic interface ------------------------------------------

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
        return {
            obj.attribute_map[attr]: self.sanitize_for_serialization(getattr(obj, attr))
            for attr in obj.openapi_types
            if getattr(obj, attr) is not None
        }

    def deserialize(self, response: Any, response_type: str) -> Any:
        """Turn a response body into ``response_type`` (a model name, a primitive, 'object')."""
        if response_type == "file":
            raise ApiValueError("file downloads are not supported by this API")
        raw = response.data
        if raw == b"{}" and response_type == "object":
            return {}  # what PUT and DELETE answer: no need to parse it
        if not raw:
            if response_type == "object":
                return None
            raise InvalidResponseException(
                status=response.status, reason=f"empty response body where {response_type} was expected"
            )
        try:
            data = json.loads(raw)
        except ValueError:
            raise InvalidResponseException(
                status=response.status, reason=f"response body is not valid JSON ({len(raw)} bytes)"
            ) from None
        try:
            return self._deserialize(data, response_type)
        except (TypeError, ValueError, KeyError) as exc:
            raise InvalidResponseException(status=response.status, reason=f"unexpected response: {exc}") from None

    def _deserialize(self, data: Any, klass: str) -> Any:
        if data is None:
            return None
        if klass.startswith("list["):
            return [self._deserialize(item, klass[5:-1]) for item in data]
        if klass.startswith("dict("):
            value_type = klass[5:-1].split(", ", 1)[1]
            return {key: self._deserialize(value, value_type) for key, value in data.items()}
        native = self.NATIVE_TYPES_MAPPING.get(klass)
        if native is object:
            return data
        if native in (datetime.date, datetime.datetime):
            from dateutil.parser import parse

            parsed = parse(data)
            return parsed.date() if native is datetime.date else parsed
        if native is not None:
            return native(data)
        from binance_spot import models

        model = getattr(models, klass)
        if not isinstance(data, dict):
            raise TypeError(f"{klass} expects a JSON object, got {type(data).__name__}")
        kwargs = {
            attr: self._deserialize(data[wire], model.openapi_types[attr])
            for attr, wire in model.attribute_map.items()
            if wire in data
        }
        return model(local_vars_configuration=self.configuration, **kwargs)

    def parameters_to_tuples(
        self, params: Union[Mapping[str, Any], Params], collection_formats: Optional[Mapping[str, str]]
    ) -> Params:
        """Flatten parameters into (name, value) pairs, joining lists by their collection format."""
        formats = collection_formats or {}
        pairs: Params = []
        items = params.items() if isinstance(params, Mapping) else params
        for name, value in items:
            if isinstance(value, (list, tuple)):
                fmt = formats.get(name, "csv")
                if fmt == "multi":
                    pairs.extend((name, item) for item in value)
                    continue
                separator = {"ssv": " ", "tsv": "\t", "pipes": "|"}.get(fmt, ",")
                value = separator.join(str(item) for item in value)
            pairs.append((name, value))
        return pairs

    def select_header_accept(self, accepts: list[str]) -> Optional[str]:
        return select_accept(accepts)

    def select_header_content_type(self, content_types: list[str]) -> str:
        if not content_types:
            return "application/json"
        for content_type in content_types:
            if "json" in content_type.lower():
                return content_type
        return content_types[0]

    def update_params_for_auth(
        self,
        headers: dict[str, str],
        querys: Params,
        auth_settings: Optional[list[str]],
        request_auth: Optional[dict[str, Any]] = None,
    ) -> None:
        """Add the credentials of ``auth_settings`` (or of ``request_auth``) to the request."""
        if request_auth:
            settings = [request_auth]
        elif auth_settings:
            configured = self.configuration.auth_settings()
            settings = [configured[name] for name in auth_settings if name in configured]
        else:
            return
        for setting in settings:
            value = setting["value"]
            if not isinstance(value, str):
                raise ApiTypeError(f"the credential {setting['key']} must be a str")
            check_text(f"the credential {setting['key']}", value)
            if setting["in"] == "header":
                headers[setting["key"]] = value
            elif setting["in"] == "query":
                querys.append((setting["key"], value))
            elif setting["in"] == "cookie":
                headers["Cookie"] = value
            else:
                raise ApiValueError("Authentication token must be in `query`, `header` or `cookie`")
