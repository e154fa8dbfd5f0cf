"""ApiKeyApi: the Api Key operations of openapi.yaml.

Generated from openapi.yaml by templates/api.mustache; do not edit.
"""

from typing import TYPE_CHECKING, Any, Literal, overload

from binance_spot import _operation as op
from binance_spot import models
from binance_spot.api_client import ApiClient

if TYPE_CHECKING:
    from multiprocessing.pool import ApplyResult

_SAPI_V1_ACCOUNT_API_RESTRICTIONS_GET = op.Operation(
    name="sapi_v1_account_api_restrictions_get",
    method="GET",
    path="/sapi/v1/account/apiRestrictions",
    return_type="ApiKeyRestrictions",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
)


class ApiKeyApi:
    """The Api Key operations.

    - ``sapi_v1_account_api_restrictions_get``: Get API key permission (USER_DATA)

    Each method sends its request at once and returns the decoded answer; its
    ``_with_http_info`` twin returns ``(data, status, headers)``. Both take the classic
    keywords: ``async_req``, ``_return_http_data_only``, ``_preload_content``,
    ``_request_timeout``, ``_request_auth``, ``_headers`` and ``_host_index`` (a server
    of the spec); ``_content_type`` is refused, as no operation sends a body.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    @overload
    def sapi_v1_account_api_restrictions_get(
        self,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> models.ApiKeyRestrictions: ...

    @overload
    def sapi_v1_account_api_restrictions_get(
        self,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[models.ApiKeyRestrictions]": ...

    def sapi_v1_account_api_restrictions_get(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "models.ApiKeyRestrictions | ApplyResult[models.ApiKeyRestrictions]":
        """Get API key permission (USER_DATA)

        The restrictions and permissions of the API key that signs the request: whether it is restricted to trusted IPs, may read, may use margin, may trade spot and margin.  Weight: 1

        :return: ApiKeyRestrictions, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_ACCOUNT_API_RESTRICTIONS_GET,
            {},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_account_api_restrictions_get_with_http_info(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Get API key permission (USER_DATA): the data, the HTTP status and the response headers.

        :return: ``(ApiKeyRestrictions, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_ACCOUNT_API_RESTRICTIONS_GET,
            {},
            kwargs,
            async_req=async_req,
            http_info=True,
        )
