"""Each event model by Binance's ``"e"``: the table ``binance_spot.stream.event.parse_event`` reads.

Generated from openapi.yaml by templates/events.mustache; do not edit.
"""

from binance_spot._event import Event
from binance_spot.models.balance_update import BalanceUpdate
from binance_spot.models.event_stream_terminated import EventStreamTerminated
from binance_spot.models.execution_report import ExecutionReport
from binance_spot.models.external_lock_update import ExternalLockUpdate
from binance_spot.models.list_status import ListStatus
from binance_spot.models.listen_key_expired import ListenKeyExpired
from binance_spot.models.margin_level_status_change import MarginLevelStatusChange
from binance_spot.models.outbound_account_position import OutboundAccountPosition
from binance_spot.models.server_shutdown import ServerShutdown
from binance_spot.models.user_liability_change import UserLiabilityChange

EVENTS: dict[str, type[Event]] = {
    "balanceUpdate": BalanceUpdate,
    "eventStreamTerminated": EventStreamTerminated,
    "executionReport": ExecutionReport,
    "externalLockUpdate": ExternalLockUpdate,
    "listStatus": ListStatus,
    "listenKeyExpired": ListenKeyExpired,
    "MARGIN_LEVEL_STATUS_CHANGE": MarginLevelStatusChange,
    "outboundAccountPosition": OutboundAccountPosition,
    "serverShutdown": ServerShutdown,
    "USER_LIABILITY_CHANGE": UserLiabilityChange,
}
