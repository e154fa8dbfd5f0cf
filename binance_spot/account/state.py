"""The values the view is made of: a balance, an order, and the immutable view itself.

They are frozen so that a driver can hand the view to any thread: a new view is built
when something changed, the old one stays as it was.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

__all__ = ["TERMINAL", "AccountView", "Age", "Balance", "Order", "OrderKey", "rank"]

#: Statuses after which an order never changes again.
TERMINAL = frozenset({"FILLED", "CANCELED", "EXPIRED", "REJECTED", "EXPIRED_IN_MATCH"})
_RANK = {"PENDING_NEW": 0, "NEW": 0, "PARTIALLY_FILLED": 1}

#: Binance numbers orders per symbol, so an order is known by both.
OrderKey = tuple[str, int]
#: What makes one state of an order newer than another (``Order.age``).
Age = tuple[int, Decimal, int]


def rank(status: str) -> int:
    """An order only moves NEW -> PARTIALLY_FILLED -> terminal."""
    return _RANK.get(status, 2)


@dataclass(frozen=True)
class Balance:
    """One asset. ``borrowed`` and ``interest`` come from the last snapshot unless
    ``liabilities_from == "stream"`` (kept current by ``USER_LIABILITY_CHANGE``)."""

    asset: str
    free: Decimal
    locked: Decimal
    borrowed: Decimal = Decimal(0)
    interest: Decimal = Decimal(0)
    net: Decimal = Decimal(0)
    liabilities_from: str = "snapshot"


@dataclass(frozen=True)
class Order:
    """An order's state as of ``update_time`` (Binance's transaction time)."""

    symbol: str
    order_id: int
    client_order_id: str
    side: str
    type: str
    time_in_force: str
    status: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cumulative_quote_qty: Decimal
    stop_price: Decimal
    time: int
    update_time: int

    @property
    def key(self) -> OrderKey:
        return (self.symbol, self.order_id)

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL

    @property
    def age(self) -> Age:
        """What makes one state of an order newer than another: time, then filled
        quantity, then status (``rank``)."""
        return (self.update_time, self.executed_qty, rank(self.status))


@dataclass(frozen=True)
class AccountView:
    """The account at one moment: never changed after it was built.

    ``stale`` is True before the first snapshot and from a ``Gap`` (or an ambiguous
    balance) until the resync finished: the values may then be behind the exchange.
    ``snapshot_ms`` is the local wall time the last account snapshot was received.
    """

    balances: Mapping[str, Balance] = field(default_factory=lambda: MappingProxyType({}))
    open_orders: Mapping[OrderKey, Order] = field(default_factory=lambda: MappingProxyType({}))
    stale: bool = True
    snapshot_ms: int | None = None

    @classmethod
    def of(
        cls, balances: Mapping[str, Balance], orders: Mapping[OrderKey, Order], stale: bool, snapshot_ms: int | None
    ) -> "AccountView":
        return cls(MappingProxyType(dict(balances)), MappingProxyType(dict(orders)), stale, snapshot_ms)
