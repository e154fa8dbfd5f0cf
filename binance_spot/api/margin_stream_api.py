"""MarginStreamApi: the Margin Stream operations of openapi.yaml.

Generated from openapi.yaml by templates/api.mustache; do not edit.
"""

from typing import TYPE_CHECKING, Any, Literal, overload

from binance_spot import _operation as op
from binance_spot import models
from binance_spot.api_client import ApiClient

if TYPE_CHECKING:
    from multiprocessing.pool import ApplyResult

_SAPI_V1_USER_DATA_STREAM_DELETE = op.Operation(
    name="sapi_v1_user_data_stream_delete",
    method="DELETE",
    path="/sapi/v1/userDataStream",
    params=(op.Param("listen_key", "listenKey", str),),
    return_type="object",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    retired=True,
)
_SAPI_V1_USER_DATA_STREAM_POST = op.Operation(
    name="sapi_v1_user_data_stream_post",
    method="POST",
    path="/sapi/v1/userDataStream",
    return_type="InlineResponse200124",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    retired=True,
)
_SAPI_V1_USER_DATA_STREAM_PUT = op.Operation(
    name="sapi_v1_user_data_stream_put",
    method="PUT",
    path="/sapi/v1/userDataStream",
    params=(op.Param("listen_key", "listenKey", str),),
    return_type="object",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    retired=True,
)


class MarginStreamApi:
    """The Margin Stream operations.

    - ``sapi_v1_user_data_stream_delete``: Close a ListenKey (USER_STREAM) (retired by Binance on 2026-02-20)
    - ``sapi_v1_user_data_stream_post``: Create a ListenKey (USER_STREAM) (retired by Binance on 2026-02-20)
    - ``sapi_v1_user_data_stream_put``: Ping/Keep-alive a ListenKey (USER_STREAM) (retired by Binance on 2026-02-20)

    Each method sends its request at once and returns the decoded answer; its
    ``_with_http_info`` twin returns ``(data, status, headers)``. Both take the classic
    keywords: ``async_req``, ``_return_http_data_only``, ``_preload_content``,
    ``_request_timeout``, ``_request_auth``, ``_headers`` and ``_host_index`` (a server
    of the spec); ``_content_type`` is refused, as no operation sends a body.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    @overload
    def sapi_v1_user_data_stream_delete(
        self,
        listen_key: str | None = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> object: ...

    @overload
    def sapi_v1_user_data_stream_delete(
        self,
        listen_key: str | None = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[object]": ...

    def sapi_v1_user_data_stream_delete(
        self,
        listen_key: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "object | ApplyResult[object]":
        """Close a ListenKey (USER_STREAM)

        Close out a user data stream.  Weight: 1

        Retired by Binance on 2026-02-20: its production API answers 410 Gone
        (``EndpointRetiredException``); see the README for what replaced it.

        :param listen_key: User websocket listen key
        :return: object, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_DATA_STREAM_DELETE,
            {"listen_key": listen_key},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_user_data_stream_delete_with_http_info(
        self,
        listen_key: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Close a ListenKey (USER_STREAM): the data, the HTTP status and the response headers.

        :param listen_key: User websocket listen key
        :return: ``(object, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_DATA_STREAM_DELETE,
            {"listen_key": listen_key},
            kwargs,
            async_req=async_req,
            http_info=True,
        )

    @overload
    def sapi_v1_user_data_stream_post(
        self,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> models.InlineResponse200124: ...

    @overload
    def sapi_v1_user_data_stream_post(
        self,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[models.InlineResponse200124]": ...

    def sapi_v1_user_data_stream_post(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "models.InlineResponse200124 | ApplyResult[models.InlineResponse200124]":
        """Create a ListenKey (USER_STREAM)

        Start a new user data stream. The stream will close after 60 minutes unless a keepalive is sent. If the account has an active `listenKey`, that `listenKey` will be returned and its validity will be extended for 60 minutes.  Weight: 1

        Retired by Binance on 2026-02-20: its production API answers 410 Gone
        (``EndpointRetiredException``); see the README for what replaced it.

        :return: InlineResponse200124, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_DATA_STREAM_POST,
            {},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_user_data_stream_post_with_http_info(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Create a ListenKey (USER_STREAM): the data, the HTTP status and the response headers.

        :return: ``(InlineResponse200124, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_DATA_STREAM_POST,
            {},
            kwargs,
            async_req=async_req,
            http_info=True,
        )

    @overload
    def sapi_v1_user_data_stream_put(
        self,
        listen_key: str | None = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> object: ...

    @overload
    def sapi_v1_user_data_stream_put(
        self,
        listen_key: str | None = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[object]": ...

    def sapi_v1_user_data_stream_put(
        self,
        listen_key: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "object | ApplyResult[object]":
        """Ping/Keep-alive a ListenKey (USER_STREAM)

        Keepalive a user data stream to prevent a time out. User data streams will close after 60 minutes. It's recommended to send a ping about every 30 minutes.  Weight: 1

        Retired by Binance on 2026-02-20: its production API answers 410 Gone
        (``EndpointRetiredException``); see the README for what replaced it.

        :param listen_key: User websocket listen key
        :return: object, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_DATA_STREAM_PUT,
            {"listen_key": listen_key},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_user_data_stream_put_with_http_info(
        self,
        listen_key: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Ping/Keep-alive a ListenKey (USER_STREAM): the data, the HTTP status and the response headers.

        :param listen_key: User websocket listen key
        :return: ``(object, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_DATA_STREAM_PUT,
            {"listen_key": listen_key},
            kwargs,
            async_req=async_req,
            http_info=True,
        )
