"""MarginListenTokenApi: the Margin Listen Token operations of openapi.yaml.

Generated from openapi.yaml by templates/api.mustache; do not edit.
"""

from typing import TYPE_CHECKING, Any, Literal, overload

from binance_spot import _operation as op
from binance_spot import models
from binance_spot.api_client import ApiClient

if TYPE_CHECKING:
    from multiprocessing.pool import ApplyResult

_SAPI_V1_USER_LISTEN_TOKEN_POST = op.Operation(
    name="sapi_v1_user_listen_token_post",
    method="POST",
    path="/sapi/v1/userListenToken",
    params=(
        op.Param("symbol", "symbol", str),
        op.Param("is_isolated", "isIsolated", bool),
        op.Param("validity", "validity", int),
    ),
    return_type="MarginListenToken",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
)


class MarginListenTokenApi:
    """The Margin Listen Token operations.

    - ``sapi_v1_user_listen_token_post``: Create a margin account listenToken (USER_STREAM)

    Each method sends its request at once and returns the decoded answer; its
    ``_with_http_info`` twin returns ``(data, status, headers)``. Both take the classic
    keywords: ``async_req``, ``_return_http_data_only``, ``_preload_content``,
    ``_request_timeout``, ``_request_auth``, ``_headers`` and ``_host_index`` (a server
    of the spec); ``_content_type`` is refused, as no operation sends a body.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    @overload
    def sapi_v1_user_listen_token_post(
        self,
        symbol: str | None = None,
        is_isolated: bool | None = None,
        validity: int | None = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> models.MarginListenToken: ...

    @overload
    def sapi_v1_user_listen_token_post(
        self,
        symbol: str | None = None,
        is_isolated: bool | None = None,
        validity: int | None = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[models.MarginListenToken]": ...

    def sapi_v1_user_listen_token_post(
        self,
        symbol: str | None = None,
        is_isolated: bool | None = None,
        validity: int | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "models.MarginListenToken | ApplyResult[models.MarginListenToken]":
        """Create a margin account listenToken (USER_STREAM)

        Create a token that lets the holder subscribe to this account's margin user data stream through the WebSocket API method `userDataStream.subscribe.listenToken`. A token cannot be kept alive: create a new one before `expirationTime` and subscribe again.  Weight: 1

        :param symbol: Isolated margin symbol, e.g. BNBUSDT; required when isIsolated is true
        :param is_isolated: true for an isolated margin account; cross margin when omitted
        :param validity: Validity in milliseconds; default and maximum 86400000 (24 hours)
        :return: MarginListenToken, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_LISTEN_TOKEN_POST,
            {"symbol": symbol, "is_isolated": is_isolated, "validity": validity},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_user_listen_token_post_with_http_info(
        self,
        symbol: str | None = None,
        is_isolated: bool | None = None,
        validity: int | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Create a margin account listenToken (USER_STREAM): the data, the HTTP status and the response headers.

        :param symbol: Isolated margin symbol, e.g. BNBUSDT; required when isIsolated is true
        :param is_isolated: true for an isolated margin account; cross margin when omitted
        :param validity: Validity in milliseconds; default and maximum 86400000 (24 hours)
        :return: ``(MarginListenToken, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_USER_LISTEN_TOKEN_POST,
            {"symbol": symbol, "is_isolated": is_isolated, "validity": validity},
            kwargs,
            async_req=async_req,
            http_info=True,
        )
