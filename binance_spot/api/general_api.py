"""GeneralApi: the General operations of openapi.yaml.

Generated from openapi.yaml by templates/api.mustache; do not edit.
"""

from typing import TYPE_CHECKING, Any, Literal, overload

from binance_spot import _operation as op
from binance_spot import models
from binance_spot.api_client import ApiClient

if TYPE_CHECKING:
    from multiprocessing.pool import ApplyResult

_API_V3_TIME_GET = op.Operation(
    name="api_v3_time_get",
    method="GET",
    path="/api/v3/time",
    return_type="ServerTime",
    accept=("application/json",),
)


class GeneralApi:
    """The General operations.

    - ``api_v3_time_get``: Check server time (MARKET_DATA)

    Each method sends its request at once and returns the decoded answer; its
    ``_with_http_info`` twin returns ``(data, status, headers)``. Both take the classic
    keywords: ``async_req``, ``_return_http_data_only``, ``_preload_content``,
    ``_request_timeout``, ``_request_auth``, ``_headers`` and ``_host_index`` (a server
    of the spec); ``_content_type`` is refused, as no operation sends a body.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    @overload
    def api_v3_time_get(
        self,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> models.ServerTime: ...

    @overload
    def api_v3_time_get(
        self,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[models.ServerTime]": ...

    def api_v3_time_get(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "models.ServerTime | ApplyResult[models.ServerTime]":
        """Check server time (MARKET_DATA)

        The server's current time, to measure the offset of the local clock: a signed request whose timestamp is more than 1 s ahead of it, or older than recvWindow, gets -1021.  Weight: 1

        :return: ServerTime, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _API_V3_TIME_GET,
            {},
            kwargs,
            async_req=async_req,
        )

    def api_v3_time_get_with_http_info(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Check server time (MARKET_DATA): the data, the HTTP status and the response headers.

        :return: ``(ServerTime, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _API_V3_TIME_GET,
            {},
            kwargs,
            async_req=async_req,
            http_info=True,
        )
