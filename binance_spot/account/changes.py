"""What the core tells its user happened: typed changes, exact Decimals, frozen values."""

from dataclasses import dataclass
from decimal import Decimal

from binance_spot.account._calls import Call
from binance_spot.account.state import Balance, Order

__all__ = ["BalanceChange", "Change", "Fill", "Live", "OrderUpdate", "Resync"]


@dataclass(frozen=True)
class OrderUpdate:
    """An order's new state, closed ones included (``order.is_open`` is False)."""

    order: Order


@dataclass(frozen=True)
class Fill:
    """One trade of one of our orders, reported once over the view's whole life.

    ``source`` is "live" (an ``executionReport``) or "resync" (found by REST after a gap).
    """

    symbol: str
    order_id: int
    trade_id: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str | None
    time: int
    is_maker: bool
    source: str = "live"


@dataclass(frozen=True)
class BalanceChange:
    """An asset's free/locked moved; ``cause`` is the event type (or "snapshot")."""

    asset: str
    old: Balance | None
    new: Balance | None
    cause: str


@dataclass(frozen=True)
class Live:
    """The first snapshot is applied: from now on the view follows the stream."""

    weight: int
    calls: tuple[Call, ...]


@dataclass(frozen=True)
class Resync:
    """What a resync found while the view was blind, delivered once it is live again."""

    reason: str
    lost_at: int | None
    resumed_at: int | None
    missed_fills: tuple[Fill, ...]
    closed: tuple[Order, ...]
    opened: tuple[Order, ...]
    balance_changes: tuple[BalanceChange, ...]
    weight: int
    calls: tuple[Call, ...]


Change = OrderUpdate | Fill | BalanceChange | Live | Resync
