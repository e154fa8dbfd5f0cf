"""The models, one per schema of openapi.yaml, each imported on first use.

Generated from openapi.yaml by templates/__init__model.mustache; do not edit.
"""

from typing import TYPE_CHECKING

from binance_spot._lazy import lazy_exports

if TYPE_CHECKING:
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
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
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
    },
    __all__,
)
