"""MarginRiskStreamApi: the Margin Risk Stream operations of openapi.yaml.

Generated from openapi.yaml by templates/api.mustache; do not edit.
"""

from typing import TYPE_CHECKING, Any, Literal, overload

from binance_spot import _operation as op
from binance_spot import models
from binance_spot.api_client import ApiClient

if TYPE_CHECKING:
    from multiprocessing.pool import ApplyResult

_SAPI_V1_MARGIN_LISTEN_KEY_DELETE = op.Operation(
    name="sapi_v1_margin_listen_key_delete",
    method="DELETE",
    path="/sapi/v1/margin/listen-key",
    params=(op.Param("listen_key", "listenKey", str, required=True),),
    return_type="object",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
)
_SAPI_V1_MARGIN_LISTEN_KEY_POST = op.Operation(
    name="sapi_v1_margin_listen_key_post",
    method="POST",
    path="/sapi/v1/margin/listen-key",
    return_type="MarginRiskListenKey",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
)
_SAPI_V1_MARGIN_LISTEN_KEY_PUT = op.Operation(
    name="sapi_v1_margin_listen_key_put",
    method="PUT",
    path="/sapi/v1/margin/listen-key",
    params=(op.Param("listen_key", "listenKey", str, required=True),),
    return_type="object",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
)


class MarginRiskStreamApi:
    """The Margin Risk Stream operations.

    - ``sapi_v1_margin_listen_key_delete``: Close a margin risk data stream (USER_STREAM)
    - ``sapi_v1_margin_listen_key_post``: Start a margin risk data stream (USER_STREAM)
    - ``sapi_v1_margin_listen_key_put``: Keep alive a margin risk data stream (USER_STREAM)

    Each method sends its request at once and returns the decoded answer; its
    ``_with_http_info`` twin returns ``(data, status, headers)``. Both take the classic
    keywords: ``async_req``, ``_return_http_data_only``, ``_preload_content``,
    ``_request_timeout``, ``_request_auth``, ``_headers`` and ``_host_index`` (a server
    of the spec); ``_content_type`` is refused, as no operation sends a body.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    @overload
    def sapi_v1_margin_listen_key_delete(
        self,
        listen_key: str,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> object: ...

    @overload
    def sapi_v1_margin_listen_key_delete(
        self,
        listen_key: str,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[object]": ...

    def sapi_v1_margin_listen_key_delete(
        self,
        listen_key: str,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "object | ApplyResult[object]":
        """Close a margin risk data stream (USER_STREAM)

        Close the risk data stream and invalidate its listen key.  Weight: 1

        :param listen_key: Risk data stream listen key (required)
        :return: object, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_LISTEN_KEY_DELETE,
            {"listen_key": listen_key},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_margin_listen_key_delete_with_http_info(
        self,
        listen_key: str,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Close a margin risk data stream (USER_STREAM): the data, the HTTP status and the response headers.

        :param listen_key: Risk data stream listen key (required)
        :return: ``(object, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_LISTEN_KEY_DELETE,
            {"listen_key": listen_key},
            kwargs,
            async_req=async_req,
            http_info=True,
        )

    @overload
    def sapi_v1_margin_listen_key_post(
        self,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> models.MarginRiskListenKey: ...

    @overload
    def sapi_v1_margin_listen_key_post(
        self,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[models.MarginRiskListenKey]": ...

    def sapi_v1_margin_listen_key_post(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "models.MarginRiskListenKey | ApplyResult[models.MarginRiskListenKey]":
        """Start a margin risk data stream (USER_STREAM)

        Start a listen key for the risk data stream of the cross margin account (margin calls, liability changes), streamed from wss://margin-stream.binance.com. If the account has an active key, that key is returned and extended for 60 minutes.  Weight: 1

        :return: MarginRiskListenKey, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_LISTEN_KEY_POST,
            {},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_margin_listen_key_post_with_http_info(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Start a margin risk data stream (USER_STREAM): the data, the HTTP status and the response headers.

        :return: ``(MarginRiskListenKey, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_LISTEN_KEY_POST,
            {},
            kwargs,
            async_req=async_req,
            http_info=True,
        )

    @overload
    def sapi_v1_margin_listen_key_put(
        self,
        listen_key: str,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> object: ...

    @overload
    def sapi_v1_margin_listen_key_put(
        self,
        listen_key: str,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[object]": ...

    def sapi_v1_margin_listen_key_put(
        self,
        listen_key: str,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "object | ApplyResult[object]":
        """Keep alive a margin risk data stream (USER_STREAM)

        Extend the validity of a risk data stream listen key by 60 minutes; send it about every 30 minutes.  Weight: 1

        :param listen_key: Risk data stream listen key (required)
        :return: object, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_LISTEN_KEY_PUT,
            {"listen_key": listen_key},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_margin_listen_key_put_with_http_info(
        self,
        listen_key: str,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Keep alive a margin risk data stream (USER_STREAM): the data, the HTTP status and the response headers.

        :param listen_key: Risk data stream listen key (required)
        :return: ``(object, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_LISTEN_KEY_PUT,
            {"listen_key": listen_key},
            kwargs,
            async_req=async_req,
            http_info=True,
        )
