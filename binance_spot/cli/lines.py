"""One short line per stream event, for a trader to read at a glance in ``stream``'s text mode.

An order shows its side, symbol, type, status, quantities and price; a balance its asset and
amounts. An event whose fields do not read as Binance documents them is shown by its repr,
so a malformed message never ends the command.
"""

import json
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from binance_spot import models
from binance_spot.exceptions import EventFieldError
from binance_spot.stream import Event, Gap

#: The longest line printed for an event this version does not model, and for any event.
MAX_UNKNOWN, MAX_LINE = 160, 400


def amount(value: Decimal) -> str:
    """``0.00100000`` as ``0.001``: no exponent, no trailing zeros."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _signed(value: Decimal) -> str:
    return amount(value) if value < 0 else f"+{amount(value)}"


def _order(e: models.ExecutionReport) -> str:
    line = f"{e.side} {e.symbol} {e.order_type} {e.order_status}: {amount(e.quantity)} @ {amount(e.price)}"
    line += f", filled {amount(e.cumulative_filled_quantity)}"
    if e.execution_type == "TRADE":
        line += f" (last {amount(e.last_executed_quantity)} @ {amount(e.last_executed_price)})"
    return f"{line}, order {e.order_id}"


def _position(e: models.OutboundAccountPosition) -> str:
    shown = [f"{b.asset} free {amount(b.free)} locked {amount(b.locked)}" for b in e.balances]
    return f"balances: {'; '.join(shown) or 'none'}"


def _list(e: models.ListStatus) -> str:
    return f"order list {e.symbol} {e.contingency_type} {e.list_order_status}: {len(e.orders)} orders"


def _time(ms: int | None) -> str:
    if ms is None:
        return "now"
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%H:%M:%S UTC")


def _gap(e: Gap) -> str:
    return f"GAP ({e.reason}): events may be missing from {_time(e.lost_at)} to {_time(e.resumed_at)}; resync by REST"


_LINES: dict[type[Event], Callable[[Any], str]] = {
    models.ExecutionReport: _order,
    models.OutboundAccountPosition: _position,
    models.BalanceUpdate: lambda e: f"balance {e.asset} {_signed(e.balance_delta)}",
    models.ExternalLockUpdate: lambda e: f"external lock {e.asset} {_signed(e.delta)}",
    models.ListStatus: _list,
    models.MarginLevelStatusChange: lambda e: f"margin level {amount(e.margin_level)}: {e.status}",
    models.UserLiabilityChange: lambda e: (
        f"liability {e.asset} {e.liability_type}: principal {amount(e.principal)}, interest {amount(e.interest)}"
    ),
    models.ListenKeyExpired: lambda e: "listen key expired: the stream reconnects with a new one",
    models.EventStreamTerminated: lambda e: "event stream terminated: the stream subscribes again",
    models.ServerShutdown: lambda e: "server shutting down: the stream reconnects",
    Gap: _gap,
}


def event_line(event: Event) -> str:
    """The line for ``event`` (without the time stamp the command puts before it): one line of
    printable characters, so a server cannot move the cursor or clear the terminal."""
    show = _LINES.get(type(event))
    if show is None:
        line = f"{event.raw.get('e')!s}: {json.dumps(event.raw, default=str)}"[:MAX_UNKNOWN]
    else:
        try:
            line = show(event)[:MAX_LINE]
        except EventFieldError as exc:
            line = f"{type(event).__name__} (malformed: {exc}): {event!r}"[:MAX_UNKNOWN]
    return "".join(ch if ch.isprintable() else "?" for ch in line)
