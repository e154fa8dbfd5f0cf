"""binance_spot: Binance's listen-key endpoints, a drop-in for the classic generated client.

Generated from openapi.yaml by templates/__init__package.mustache; do not edit.
"""

from typing import TYPE_CHECKING

from binance_spot import _exports
from binance_spot._exports import *  # noqa: F403 - the hand-written runtime's names
from binance_spot._lazy import lazy_exports
from binance_spot._spec import PACKAGE_VERSION as __version__

if TYPE_CHECKING:
    from binance_spot.api.margin_account_api import MarginAccountApi
    from binance_spot.api.margin_listen_token_api import MarginListenTokenApi
    from binance_spot.api.margin_risk_stream_api import MarginRiskStreamApi
    from binance_spot.api.margin_stream_api import MarginStreamApi
    from binance_spot.models.account_balance import AccountBalance
    from binance_spot.models.balance_update import BalanceUpdate
    from binance_spot.models.event_stream_terminated import EventStreamTerminated
    from binance_spot.models.execution_report import ExecutionReport
    from binance_spot.models.external_lock_update import ExternalLockUpdate
    from binance_spot.models.inline_response200124 import InlineResponse200124
    from binance_spot.models.isolated_margin_account import IsolatedMarginAccount
    from binance_spot.models.isolated_margin_pair import IsolatedMarginPair
    from binance_spot.models.list_status import ListStatus
    from binance_spot.models.list_status_order import ListStatusOrder
    from binance_spot.models.listen_key_expired import ListenKeyExpired
    from binance_spot.models.margin_account import MarginAccount
    from binance_spot.models.margin_asset import MarginAsset
    from binance_spot.models.margin_level_status_change import MarginLevelStatusChange
    from binance_spot.models.margin_listen_token import MarginListenToken
    from binance_spot.models.margin_order import MarginOrder
    from binance_spot.models.margin_pair import MarginPair
    from binance_spot.models.margin_risk_listen_key import MarginRiskListenKey
    from binance_spot.models.margin_trade import MarginTrade
    from binance_spot.models.outbound_account_position import OutboundAccountPosition
    from binance_spot.models.server_shutdown import ServerShutdown
    from binance_spot.models.user_liability_change import UserLiabilityChange

__all__ = [
    "__version__",
    "MarginAccountApi",
    "MarginListenTokenApi",
    "MarginRiskStreamApi",
    "MarginStreamApi",
    "AccountBalance",
    "BalanceUpdate",
    "EventStreamTerminated",
    "ExecutionReport",
    "ExternalLockUpdate",
    "InlineResponse200124",
    "IsolatedMarginAccount",
    "IsolatedMarginPair",
    "ListStatus",
    "ListStatusOrder",
    "ListenKeyExpired",
    "MarginAccount",
    "MarginAsset",
    "MarginLevelStatusChange",
    "MarginListenToken",
    "MarginOrder",
    "MarginPair",
    "MarginRiskListenKey",
    "MarginTrade",
    "OutboundAccountPosition",
    "ServerShutdown",
    "UserLiabilityChange",
    *_exports.__all__,
    *_exports.LAZY,
]

# The API classes, the models and the rarely needed runtime are imported on first use.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "MarginAccountApi": "binance_spot.api.margin_account_api",
        "MarginListenTokenApi": "binance_spot.api.margin_listen_token_api",
        "MarginRiskStreamApi": "binance_spot.api.margin_risk_stream_api",
        "MarginStreamApi": "binance_spot.api.margin_stream_api",
        "AccountBalance": "binance_spot.models.account_balance",
        "BalanceUpdate": "binance_spot.models.balance_update",
        "EventStreamTerminated": "binance_spot.models.event_stream_terminated",
        "ExecutionReport": "binance_spot.models.execution_report",
        "ExternalLockUpdate": "binance_spot.models.external_lock_update",
        "InlineResponse200124": "binance_spot.models.inline_response200124",
        "IsolatedMarginAccount": "binance_spot.models.isolated_margin_account",
        "IsolatedMarginPair": "binance_spot.models.isolated_margin_pair",
        "ListStatus": "binance_spot.models.list_status",
        "ListStatusOrder": "binance_spot.models.list_status_order",
        "ListenKeyExpired": "binance_spot.models.listen_key_expired",
        "MarginAccount": "binance_spot.models.margin_account",
        "MarginAsset": "binance_spot.models.margin_asset",
        "MarginLevelStatusChange": "binance_spot.models.margin_level_status_change",
        "MarginListenToken": "binance_spot.models.margin_listen_token",
        "MarginOrder": "binance_spot.models.margin_order",
        "MarginPair": "binance_spot.models.margin_pair",
        "MarginRiskListenKey": "binance_spot.models.margin_risk_listen_key",
        "MarginTrade": "binance_spot.models.margin_trade",
        "OutboundAccountPosition": "binance_spot.models.outbound_account_position",
        "ServerShutdown": "binance_spot.models.server_shutdown",
        "UserLiabilityChange": "binance_spot.models.user_liability_change",
        **_exports.LAZY,
    },
    __all__,
)
