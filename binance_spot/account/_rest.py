"""The core's ``Call`` as a call of the generated ``MarginAccountApi``, shared by both drivers.

The answer is handed back as parsed JSON (the core reads Binance's shapes itself, amounts as
exact decimal strings); signing, retries of 429/418 and the body bound are the client's.
"""

import json
from typing import Any

from binance_spot.account._calls import Call
from binance_spot.api.margin_account_api import MarginAccountApi
from binance_spot.exceptions import ApiValueError, InvalidResponseException

__all__ = ["require_secret", "send"]

#: The generated method of each kind of call.
METHODS = {
    "account": "sapi_v1_margin_account_get",
    "isolated_account": "sapi_v1_margin_isolated_account_get",
    "open_orders": "sapi_v1_margin_open_orders_get",
    "order": "sapi_v1_margin_order_get",
    "trades": "sapi_v1_margin_my_trades_get",
    "all_pairs": "sapi_v1_margin_all_pairs_get",
}
#: Binance's parameter names as the generated methods spell them.
ARGUMENTS = {
    "isIsolated": "is_isolated",
    "orderId": "order_id",
    "fromId": "from_id",
    "startTime": "start_time",
    "endTime": "end_time",
}


def require_secret(api_client: Any) -> None:
    """The view signs every call but ``allPairs``: refuse it now, before anything is sent."""
    configuration = getattr(api_client, "configuration", None)
    if configuration is None:
        raise ApiValueError("the account view needs an ApiClient (binance_spot.ApiClient(configuration))")
    if configuration.secret_key is None:
        raise ApiValueError(
            "the account view makes signed (USER_DATA) calls: set Configuration.secret_key,"
            " the API key's secret; nothing was sent"
        )


def send(api: MarginAccountApi, call: Call, timeout: float) -> Any:
    """Make ``call`` and return its parsed JSON body (raises the client's exceptions)."""
    arguments = {ARGUMENTS.get(name, name): value for name, value in call.params.items()}
    method = getattr(api, METHODS[call.kind])
    response = method(**arguments, _preload_content=False, _request_timeout=timeout)
    try:
        return json.loads(response.data)
    except ValueError:
        raise InvalidResponseException(reason=f"{call.path} answered a body that is not JSON") from None
