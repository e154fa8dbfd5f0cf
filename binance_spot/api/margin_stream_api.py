"""MarginStreamApi: the Margin Stream operations of openapi.yaml.

Generated from openapi.yaml by templates/api.mustache; do not edit.
"""

from typing import TYPE_CHECKING, Any, Literal, Optional, overload

from binance_spot import models
from binance_spot.api_client import ApiClient
from binance_spot.operation import Operation, Param

if TYPE_CHECKING:
    from multiprocessing.pool import ApplyResult

_SAPI_V1_USER_DATA_STREAM_DELETE = Operation(
    name="sapi_v1_user_data_stream_delete",
    method="DELETE",
    path="/sapi/v1/userDataStream",
    params=(Param("listen_key", "listenKey", str),),
    return_type="object",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
)
_SAPI_V1_USER_DATA_STREAM_POST = Operation(
    name="sapi_v1_user_data_stream_post",
    method="POST",
    path="/sapi/v1/userDataStream",
    return_type="InlineResponse200124",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
)
_SAPI_V1_USER_DATA_STREAM_PUT = Operation(
    name="sapi_v1_user_data_stream_put",
    method="PUT",
    path="/sapi/v1/userDataStream",
    params=(Param("listen_key", "listenKey", str),),
    return_type="object",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
)


class MarginStreamApi:
    """The Margin Stream operations.

    - ``sapi_v1_user_data_stream_delete``: Close a ListenKey (USER_STREAM)
    - ``sapi_v1_user_data_stream_post``: Create a ListenKey (USER_STREAM)
    - ``sapi_v1_user_data_stream_put``: Ping/Keep-alive a ListenKey (USER_STREAM)

    Each method sends its request at once and returns the decoded answer; its
    ``_with_http_info`` twin returns ``(data, status, headers)``. Both take the classic
    keywords: ``async_req``, ``_return_http_data_only``, ``_preload_content``,
    ``_request_timeout``, ``_request_auth``, ``_content_type`` and ``_headers``.
    """

    def __init__(self, api_client: Optional[ApiClient] = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    @overload
    def sapi_v1_user_data_stream_delete(
        self,
        listen_key: Optional[str] = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> object: ...

    @overload
    def sapi_v1_user_data_stream_delete(
        self,
        listen_key: Optional[str] = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[object]": ...

    def sapi_v1_user_data_stream_delete(self, listen_key: Any = None, **kwargs: Any) -> Any:
        """Close a ListenKey (USER_STREAM)

        Close out a user data stream.  Weight: 1

        :param listen_key: User websocket listen key
        :return: object, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        kwargs["_return_http_data_only"] = True
        return self.sapi_v1_user_data_stream_delete_with_http_info(listen_key, **kwargs)

    def sapi_v1_user_data_stream_delete_with_http_info(self, listen_key: Any = None, **kwargs: Any) -> Any:
        """Close a ListenKey (USER_STREAM): the data, the HTTP status and the response headers.

        :param listen_key: User websocket listen key
        :return: ``(object, status, headers)``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_DATA_STREAM_DELETE,
            {"listen_key": listen_key},
            kwargs,
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

    def sapi_v1_user_data_stream_post(self, **kwargs: Any) -> Any:
        """Create a ListenKey (USER_STREAM)

        Start a new user data stream. The stream will close after 60 minutes unless a keepalive is sent. If the account has an active `listenKey`, that `listenKey` will be returned and its validity will be extended for 60 minutes.  Weight: 1

        :return: InlineResponse200124, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        kwargs["_return_http_data_only"] = True
        return self.sapi_v1_user_data_stream_post_with_http_info(**kwargs)

    def sapi_v1_user_data_stream_post_with_http_info(self, **kwargs: Any) -> Any:
        """Create a ListenKey (USER_STREAM): the data, the HTTP status and the response headers.

        :return: ``(InlineResponse200124, status, headers)``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_DATA_STREAM_POST,
            {},
            kwargs,
        )

    @overload
    def sapi_v1_user_data_stream_put(
        self,
        listen_key: Optional[str] = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> object: ...

    @overload
    def sapi_v1_user_data_stream_put(
        self,
        listen_key: Optional[str] = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[object]": ...

    def sapi_v1_user_data_stream_put(self, listen_key: Any = None, **kwargs: Any) -> Any:
        """Ping/Keep-alive a ListenKey (USER_STREAM)

        Keepalive a user data stream to prevent a time out. User data streams will close after 60 minutes. It's recommended to send a ping about every 30 minutes.  Weight: 1

        :param listen_key: User websocket listen key
        :return: object, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        kwargs["_return_http_data_only"] = True
        return self.sapi_v1_user_data_stream_put_with_http_info(listen_key, **kwargs)

    def sapi_v1_user_data_stream_put_with_http_info(self, listen_key: Any = None, **kwargs: Any) -> Any:
        """Ping/Keep-alive a ListenKey (USER_STREAM): the data, the HTTP status and the response headers.

        :param listen_key: User websocket listen key
        :return: ``(object, status, headers)``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_DATA_STREAM_PUT,
            {"listen_key": listen_key},
            kwargs,
        )
