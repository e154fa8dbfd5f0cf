"""MarginAccountApi: the Margin Account operations of openapi.yaml.

Generated from openapi.yaml by templates/api.mustache; do not edit.
"""

from typing import TYPE_CHECKING, Any, Literal, overload

from binance_spot import models
from binance_spot._operation import Operation, Param
from binance_spot.api_client import ApiClient

if TYPE_CHECKING:
    from multiprocessing.pool import ApplyResult

_SAPI_V1_MARGIN_ACCOUNT_GET = Operation(
    name="sapi_v1_margin_account_get",
    method="GET",
    path="/sapi/v1/margin/account",
    return_type="MarginAccount",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
    secret_required=True,
)
_SAPI_V1_MARGIN_ALL_PAIRS_GET = Operation(
    name="sapi_v1_margin_all_pairs_get",
    method="GET",
    path="/sapi/v1/margin/allPairs",
    params=(Param("symbol", "symbol", str),),
    return_type="list[MarginPair]",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
)
_SAPI_V1_MARGIN_ISOLATED_ACCOUNT_GET = Operation(
    name="sapi_v1_margin_isolated_account_get",
    method="GET",
    path="/sapi/v1/margin/isolated/account",
    params=(Param("symbols", "symbols", str),),
    return_type="IsolatedMarginAccount",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
    secret_required=True,
)
_SAPI_V1_MARGIN_MY_TRADES_GET = Operation(
    name="sapi_v1_margin_my_trades_get",
    method="GET",
    path="/sapi/v1/margin/myTrades",
    params=(
        Param("symbol", "symbol", str, required=True),
        Param("is_isolated", "isIsolated", str),
        Param("order_id", "orderId", int),
        Param("start_time", "startTime", int),
        Param("end_time", "endTime", int),
        Param("from_id", "fromId", int),
        Param("limit", "limit", int),
    ),
    return_type="list[MarginTrade]",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
    secret_required=True,
)
_SAPI_V1_MARGIN_OPEN_ORDERS_GET = Operation(
    name="sapi_v1_margin_open_orders_get",
    method="GET",
    path="/sapi/v1/margin/openOrders",
    params=(
        Param("symbol", "symbol", str),
        Param("is_isolated", "isIsolated", str),
    ),
    return_type="list[MarginOrder]",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
    secret_required=True,
)
_SAPI_V1_MARGIN_ORDER_GET = Operation(
    name="sapi_v1_margin_order_get",
    method="GET",
    path="/sapi/v1/margin/order",
    params=(
        Param("symbol", "symbol", str, required=True),
        Param("is_isolated", "isIsolated", str),
        Param("order_id", "orderId", int),
        Param("orig_client_order_id", "origClientOrderId", str),
    ),
    return_type="MarginOrder",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    signed=True,
    secret_required=True,
)


class MarginAccountApi:
    """The Margin Account operations.

    - ``sapi_v1_margin_account_get``: Query the cross margin account (USER_DATA)
    - ``sapi_v1_margin_all_pairs_get``: Every cross margin pair (MARKET_DATA)
    - ``sapi_v1_margin_isolated_account_get``: Query isolated margin accounts (USER_DATA)
    - ``sapi_v1_margin_my_trades_get``: Query the margin account's trades of one symbol (USER_DATA)
    - ``sapi_v1_margin_open_orders_get``: Query the margin account's open orders (USER_DATA)
    - ``sapi_v1_margin_order_get``: Query one margin order, open or not (USER_DATA)

    Each method sends its request at once and returns the decoded answer; its
    ``_with_http_info`` twin returns ``(data, status, headers)``. Both take the classic
    keywords: ``async_req``, ``_return_http_data_only``, ``_preload_content``,
    ``_request_timeout``, ``_request_auth``, ``_headers`` and ``_host_index`` (a server
    of the spec); ``_content_type`` is refused, as no operation sends a body.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    @overload
    def sapi_v1_margin_account_get(
        self,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> models.MarginAccount: ...

    @overload
    def sapi_v1_margin_account_get(
        self,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[models.MarginAccount]": ...

    def sapi_v1_margin_account_get(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "models.MarginAccount | ApplyResult[models.MarginAccount]":
        """Query the cross margin account (USER_DATA)

        Balances of every asset of the cross margin account (free, locked, borrowed, interest, net) and the account's margin level and permissions. Signed: a call without `Configuration.secret_key` is refused before anything is sent.  Weight: 10 (IP)

        :return: MarginAccount, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_ACCOUNT_GET,
            {},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_margin_account_get_with_http_info(
        self,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Query the cross margin account (USER_DATA): the data, the HTTP status and the response headers.

        :return: ``(MarginAccount, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_ACCOUNT_GET,
            {},
            kwargs,
            async_req=async_req,
            http_info=True,
        )

    @overload
    def sapi_v1_margin_all_pairs_get(
        self,
        symbol: str | None = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> list[models.MarginPair]: ...

    @overload
    def sapi_v1_margin_all_pairs_get(
        self,
        symbol: str | None = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[list[models.MarginPair]]": ...

    def sapi_v1_margin_all_pairs_get(
        self,
        symbol: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "list[models.MarginPair] | ApplyResult[list[models.MarginPair]]":
        """Every cross margin pair (MARKET_DATA)

        Which symbols pair which assets (base and quote) on cross margin. Market data: the API key only, no signature. It changes rarely: cache it.  Weight: 1 (IP)

        :param symbol: Symbol, e.g. BTCUSDT (required for an isolated margin account)
        :return: List[MarginPair], or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_ALL_PAIRS_GET,
            {"symbol": symbol},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_margin_all_pairs_get_with_http_info(
        self,
        symbol: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Every cross margin pair (MARKET_DATA): the data, the HTTP status and the response headers.

        :param symbol: Symbol, e.g. BTCUSDT (required for an isolated margin account)
        :return: ``(List[MarginPair], status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_ALL_PAIRS_GET,
            {"symbol": symbol},
            kwargs,
            async_req=async_req,
            http_info=True,
        )

    @overload
    def sapi_v1_margin_isolated_account_get(
        self,
        symbols: str | None = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> models.IsolatedMarginAccount: ...

    @overload
    def sapi_v1_margin_isolated_account_get(
        self,
        symbols: str | None = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[models.IsolatedMarginAccount]": ...

    def sapi_v1_margin_isolated_account_get(
        self,
        symbols: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "models.IsolatedMarginAccount | ApplyResult[models.IsolatedMarginAccount]":
        """Query isolated margin accounts (USER_DATA)

        The isolated margin accounts of up to 5 symbols (all of them without `symbols`): each pair's base and quote balances and its margin level.  Weight: 10 (IP)

        :param symbols: Up to 5 isolated symbols, comma-separated, e.g. BTCUSDT,ETHUSDT; all when omitted
        :return: IsolatedMarginAccount, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_ISOLATED_ACCOUNT_GET,
            {"symbols": symbols},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_margin_isolated_account_get_with_http_info(
        self,
        symbols: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Query isolated margin accounts (USER_DATA): the data, the HTTP status and the response headers.

        :param symbols: Up to 5 isolated symbols, comma-separated, e.g. BTCUSDT,ETHUSDT; all when omitted
        :return: ``(IsolatedMarginAccount, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_ISOLATED_ACCOUNT_GET,
            {"symbols": symbols},
            kwargs,
            async_req=async_req,
            http_info=True,
        )

    @overload
    def sapi_v1_margin_my_trades_get(
        self,
        symbol: str,
        is_isolated: str | None = None,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        from_id: int | None = None,
        limit: int | None = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> list[models.MarginTrade]: ...

    @overload
    def sapi_v1_margin_my_trades_get(
        self,
        symbol: str,
        is_isolated: str | None = None,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        from_id: int | None = None,
        limit: int | None = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[list[models.MarginTrade]]": ...

    def sapi_v1_margin_my_trades_get(
        self,
        symbol: str,
        is_isolated: str | None = None,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        from_id: int | None = None,
        limit: int | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "list[models.MarginTrade] | ApplyResult[list[models.MarginTrade]]":
        """Query the margin account's trades of one symbol (USER_DATA)

        The fills of one symbol, oldest first: from `fromId` on, or between `startTime` and `endTime` (less than 24 hours apart), or of one `orderId`; the most recent ones without `fromId` or `startTime`.  Weight: 10 (IP)

        :param symbol: Symbol, e.g. BTCUSDT (required)
        :param is_isolated: TRUE for the isolated margin account of symbol; FALSE (cross margin) when omitted
        :param order_id: Only the fills of this order
        :param start_time: From this time on, ms since the epoch
        :param end_time: Up to this time, ms since the epoch; less than 24 hours after startTime
        :param from_id: From this trade id on (startTime and endTime are then ignored)
        :param limit: Most fills to return; default 500, at most 1000
        :return: List[MarginTrade], or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_MY_TRADES_GET,
            {
                "symbol": symbol,
                "is_isolated": is_isolated,
                "order_id": order_id,
                "start_time": start_time,
                "end_time": end_time,
                "from_id": from_id,
                "limit": limit,
            },
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_margin_my_trades_get_with_http_info(
        self,
        symbol: str,
        is_isolated: str | None = None,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        from_id: int | None = None,
        limit: int | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Query the margin account's trades of one symbol (USER_DATA): the data, the HTTP status and the response headers.

        :param symbol: Symbol, e.g. BTCUSDT (required)
        :param is_isolated: TRUE for the isolated margin account of symbol; FALSE (cross margin) when omitted
        :param order_id: Only the fills of this order
        :param start_time: From this time on, ms since the epoch
        :param end_time: Up to this time, ms since the epoch; less than 24 hours after startTime
        :param from_id: From this trade id on (startTime and endTime are then ignored)
        :param limit: Most fills to return; default 500, at most 1000
        :return: ``(List[MarginTrade], status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_MY_TRADES_GET,
            {
                "symbol": symbol,
                "is_isolated": is_isolated,
                "order_id": order_id,
                "start_time": start_time,
                "end_time": end_time,
                "from_id": from_id,
                "limit": limit,
            },
            kwargs,
            async_req=async_req,
            http_info=True,
        )

    @overload
    def sapi_v1_margin_open_orders_get(
        self,
        symbol: str | None = None,
        is_isolated: str | None = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> list[models.MarginOrder]: ...

    @overload
    def sapi_v1_margin_open_orders_get(
        self,
        symbol: str | None = None,
        is_isolated: str | None = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[list[models.MarginOrder]]": ...

    def sapi_v1_margin_open_orders_get(
        self,
        symbol: str | None = None,
        is_isolated: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "list[models.MarginOrder] | ApplyResult[list[models.MarginOrder]]":
        """Query the margin account's open orders (USER_DATA)

        The open orders of one symbol, or of every symbol without `symbol` (cross margin only). Ask per symbol when the symbols are known: without `symbol` Binance charges the weight once per symbol trading on the exchange (hundreds of symbols, thousands of weight).  Weight: 10 (IP) with `symbol`; without it, 10 per symbol trading

        :param symbol: Symbol, e.g. BTCUSDT (required for an isolated margin account)
        :param is_isolated: TRUE for the isolated margin account of symbol; FALSE (cross margin) when omitted
        :return: List[MarginOrder], or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_OPEN_ORDERS_GET,
            {"symbol": symbol, "is_isolated": is_isolated},
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_margin_open_orders_get_with_http_info(
        self,
        symbol: str | None = None,
        is_isolated: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Query the margin account's open orders (USER_DATA): the data, the HTTP status and the response headers.

        :param symbol: Symbol, e.g. BTCUSDT (required for an isolated margin account)
        :param is_isolated: TRUE for the isolated margin account of symbol; FALSE (cross margin) when omitted
        :return: ``(List[MarginOrder], status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_OPEN_ORDERS_GET,
            {"symbol": symbol, "is_isolated": is_isolated},
            kwargs,
            async_req=async_req,
            http_info=True,
        )

    @overload
    def sapi_v1_margin_order_get(
        self,
        symbol: str,
        is_isolated: str | None = None,
        order_id: int | None = None,
        orig_client_order_id: str | None = None,
        *,
        async_req: Literal[False] = False,
        **kwargs: Any,
    ) -> models.MarginOrder: ...

    @overload
    def sapi_v1_margin_order_get(
        self,
        symbol: str,
        is_isolated: str | None = None,
        order_id: int | None = None,
        orig_client_order_id: str | None = None,
        *,
        async_req: Literal[True],
        **kwargs: Any,
    ) -> "ApplyResult[models.MarginOrder]": ...

    def sapi_v1_margin_order_get(
        self,
        symbol: str,
        is_isolated: str | None = None,
        order_id: int | None = None,
        orig_client_order_id: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> "models.MarginOrder | ApplyResult[models.MarginOrder]":
        """Query one margin order, open or not (USER_DATA)

        One order of the margin account by `orderId` or `origClientOrderId` (one of them is required), whatever its status: how an order that left the open set ended.  Weight: 10 (IP)

        :param symbol: Symbol, e.g. BTCUSDT (required)
        :param is_isolated: TRUE for the isolated margin account of symbol; FALSE (cross margin) when omitted
        :param order_id: The order's id
        :param orig_client_order_id: The order's client order id
        :return: MarginOrder, or with ``async_req=True`` an ``ApplyResult`` whose ``get()`` gives it.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_ORDER_GET,
            {
                "symbol": symbol,
                "is_isolated": is_isolated,
                "order_id": order_id,
                "orig_client_order_id": orig_client_order_id,
            },
            kwargs,
            async_req=async_req,
        )

    def sapi_v1_margin_order_get_with_http_info(
        self,
        symbol: str,
        is_isolated: str | None = None,
        order_id: int | None = None,
        orig_client_order_id: str | None = None,
        *,
        async_req: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Query one margin order, open or not (USER_DATA): the data, the HTTP status and the response headers.

        :param symbol: Symbol, e.g. BTCUSDT (required)
        :param is_isolated: TRUE for the isolated margin account of symbol; FALSE (cross margin) when omitted
        :param order_id: The order's id
        :param orig_client_order_id: The order's client order id
        :return: ``(MarginOrder, status, headers)``; only the data with ``_return_http_data_only=True``.
        """
        return self.api_client.call_operation(
            _SAPI_V1_MARGIN_ORDER_GET,
            {
                "symbol": symbol,
                "is_isolated": is_isolated,
                "order_id": order_id,
                "orig_client_order_id": orig_client_order_id,
            },
            kwargs,
            async_req=async_req,
            http_info=True,
        )
