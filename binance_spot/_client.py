"""The runtime client the API classes call: check the arguments, build one request, decode the answer.

A call of a generated method crosses four frames of ours on its way to the socket:
the API method, ``Client.call_operation`` (checks, auth, signing: a ``Request``),
``_retry.send`` (the retry policy) and the transport's ``handle_request`` (one attempt).
The classic generated client's other methods (``call_api``, ``request``, ``deserialize``,
...) are added on top of this one by the public ``binance_spot.ApiClient``; nothing here
knows of them.
"""

import functools
import json
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from binance_spot import _retry
from binance_spot._auth import apply_auth
from binance_spot._model import Model, from_json
from binance_spot._operation import Operation
from binance_spot._query import Params, encode_query
from binance_spot._spec import PACKAGE_VERSION
from binance_spot._validate import ascii_int, check_headers, check_text
from binance_spot.configuration import Configuration
from binance_spot.exceptions import (
    ApiException,
    ApiTypeError,
    ApiValueError,
    InvalidResponseException,
    NotFoundException,
)
from binance_spot.settings import timeout_for
from binance_spot.transport import BaseTransport, Request, Response

if TYPE_CHECKING:
    from multiprocessing.pool import ThreadPool

C = TypeVar("C", bound="Client")


class UsedWeight(NamedTuple):
    """Request weight Binance counted in the current minute, from the last answer."""

    uid: int | None
    ip: int | None


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


class Client:
    """Sends the operations of the API classes; one instance may serve many threads.

    ``transport`` replaces the network (see ``binance_spot.transport``). Close the client
    (or use it in a ``with`` block) to release its connections, abort what is in flight
    and stop the ``async_req`` worker threads.
    """

    def __init__(
        self,
        configuration: Configuration | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
        pool_threads: int = 1,
        *,
        transport: BaseTransport | None = None,
    ) -> None:
        self.configuration = configuration if configuration is not None else Configuration.get_default_copy()
        if transport is None:
            from binance_spot._urllib3 import Urllib3Transport

            transport = Urllib3Transport(self.configuration)
        self.transport: BaseTransport = transport
        self.pool_threads = pool_threads
        self.default_headers: dict[str, str] = {}
        if header_name is not None:
            self.default_headers[header_name] = header_value or ""
        self.cookie = cookie
        self.user_agent = "binance_spot/{} (Python {}.{}.{})".format(PACKAGE_VERSION, *sys.version_info[:3])
        self.client_side_validation = self.configuration.client_side_validation
        self._pool: ThreadPool | None = None
        self._pool_lock = threading.Lock()
        self._local = threading.local()

    def __enter__(self: "C") -> "C":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} host={self.configuration.host!r}>"

    def close(self) -> None:
        """Release the connections, abort requests in flight, stop the ``async_req`` threads."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        self.transport.close()
        if pool is not None:
            pool.close()
            pool.join()

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
        """The weight headers of the last answer this thread received (None where absent or malformed)."""
        headers = getattr(self._local, "headers", None) or {}
        return UsedWeight(
            ascii_int(headers.get("X-SAPI-USED-UID-WEIGHT-1M")),
            ascii_int(headers.get("X-SAPI-USED-IP-WEIGHT-1M")),
        )

    # the generated API classes call this --------------------------------------

    def call_operation(
        self,
        operation: Operation,
        arguments: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        async_req: bool = False,
        http_info: bool = False,
    ) -> Any:
        """Send ``operation``: its data, or ``(data, status, headers)`` for ``http_info``.

        Every argument and keyword is checked here, before anything is sent; with
        ``async_req`` the rest runs on the worker threads.
        """
        for name in options:
            if name not in operation.keywords:
                raise ApiTypeError(f"Got an unexpected keyword argument '{name}' to method {operation.name}")
        request = self._request(operation, arguments, options)
        if async_req:
            return self.pool.apply_async(self._complete, (operation, request, options, http_info))
        return self._complete(operation, request, options, http_info)

    def _complete(self, operation: Operation, request: Request, options: Mapping[str, Any], http_info: bool) -> Any:
        try:
            response = _retry.send(self.transport, request, self.configuration.retries)
        except NotFoundException as exc:
            exc.retired_endpoint = operation.retired
            raise
        self._local.headers = response.headers
        if not options.get("_preload_content", True):
            return RESTResponse(response)
        data = self.decode(response, operation.return_type)
        if http_info and not options.get("_return_http_data_only"):
            return data, response.status, response.headers
        return data

    def _request(self, operation: Operation, arguments: Mapping[str, Any], options: Mapping[str, Any]) -> Request:
        if options.get("_content_type") is not None:
            raise ApiValueError(f"_content_type: {operation.name} sends no request body")
        if operation.secret_required and self.configuration.secret_key is None:
            raise ApiValueError(
                f"{operation.name} is a signed (USER_DATA) endpoint: set Configuration.secret_key,"
                " the API key's secret, to call it; nothing was sent"
            )
        query = self._query(operation, arguments)
        headers = dict(self.default_headers)
        if operation.accept_header:
            headers["Accept"] = operation.accept_header
        if self.cookie:
            headers["Cookie"] = self.cookie
        extra = options.get("_headers")
        if extra:
            if not isinstance(extra, Mapping):
                raise ApiTypeError(f"_headers must be a mapping of header names to values, got {type(extra).__name__}")
            headers.update(extra)
        apply_auth(self.configuration, headers, query, operation.auth, options.get("_request_auth"))
        check_headers(headers)
        config = self.configuration
        if operation.signed and config.secret_key is not None:
            from binance_spot._signing import sign_query  # hmac: only for those who sign

            query = sign_query(query, config.secret_key, config.recv_window)
        host_index = options.get("_host_index")
        host = config.host if host_index is None else config.get_host_from_settings(host_index)
        target = f"{operation.path}?{encode_query(query)}" if query else operation.path
        timeout = timeout_for(config.request_timeout, options.get("_request_timeout"))
        return Request(operation.method, host, target, headers, None, timeout)

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

    def decode(self, response: Response, return_type: str | None) -> Any:
        """The data of a 2xx answer as ``return_type``.

        The rule for every operation: a success body must be JSON of the documented type;
        an empty, HTML or malformed one raises ``InvalidResponseException``.
        """
        raw = response.data
        if raw == b"{}" and return_type == "object":
            return {}  # what PUT and DELETE answer: no need to parse it
        if not raw.strip():
            raise _invalid(response, f"empty response body where {return_type or 'JSON'} was expected")
        try:
            data = json.loads(raw)
        except ValueError:
            raise _invalid(response, f"response body is not JSON ({len(raw)} bytes)") from None
        if return_type is None:
            return None
        try:
            return from_json(data, return_type, _rest_models(), self.configuration)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise _invalid(response, f"unexpected response: {exc}") from None


@functools.cache
def _rest_models() -> Mapping[str, type[Model]]:
    """The generated table of REST models, imported with the first answer (not with the package)."""
    from binance_spot.models._rest import MODELS

    return MODELS


def _invalid(response: Response, reason: str) -> ApiException:
    error = InvalidResponseException(status=response.status, reason=reason)
    error.headers = response.headers
    return error
