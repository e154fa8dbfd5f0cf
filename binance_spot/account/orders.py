"""The order book of one account: the open orders, the memory of closed ones, and per
order how much of its filled quantity the user has been told about.

One rule decides between two states of an order: the one with the greater ``Order.age``
(transaction time, then filled quantity, then status rank) wins; an older or equal one is
ignored. It holds for stream events and REST answers alike (both carry the server's time),
so arrival order and duplicates do not matter. A terminal state moves the order to the
closed memory (bounded, oldest forgotten first), where it still wins against a late NEW.

Filled quantity told: the first snapshot's ``executedQty`` of an order is history (its
fills predate the view: a baseline, never reported), plus the fills reported since that
are newer than the baseline's time. A resync asks for an order's trades only when the
exchange says it filled more than that.
"""

from collections import OrderedDict
from decimal import Decimal

from binance_spot.account.changes import Fill
from binance_spot.account.state import Order, OrderKey

__all__ = ["OrderBook"]


class OrderBook:
    def __init__(self, closed_memory: int = 10_000) -> None:
        self._memory = closed_memory
        self.open: dict[OrderKey, Order] = {}
        self._closed: OrderedDict[OrderKey, Order] = OrderedDict()
        self._told: dict[OrderKey, list[tuple[int, Decimal]]] = {}
        self._baseline: dict[OrderKey, tuple[Decimal, int]] = {}

    def get(self, key: OrderKey) -> Order | None:
        return self.open.get(key) or self._closed.get(key)

    def merge(self, order: Order) -> bool:
        """Take ``order`` if it is newer than what is known; True when it was taken."""
        known = self.get(order.key)
        if known is not None and order.age <= known.age:
            return False
        if order.is_open:
            self._closed.pop(order.key, None)
            self.open[order.key] = order
            return True
        self.open.pop(order.key, None)
        self._closed[order.key] = order
        while len(self._closed) > self._memory:
            forgotten, _ = self._closed.popitem(last=False)
            self._told.pop(forgotten, None)
            self._baseline.pop(forgotten, None)
        return True

    def reported(self, fill: Fill) -> None:
        """Count a fill reported to the user against its order."""
        self._told.setdefault((fill.symbol, fill.order_id), []).append((fill.time, fill.qty))

    def baseline(self, order: Order) -> None:
        """``order`` as the first snapshot shows it: what it filled so far is history."""
        self._baseline[order.key] = (order.executed_qty, order.update_time)

    def missing_fills(self, order: Order) -> bool:
        """Whether ``order`` has filled more than the user has been told about."""
        qty, since = self._baseline.get(order.key, (Decimal(0), -1))
        told = qty + sum((q for t, q in self._told.get(order.key, ()) if t > since), Decimal(0))
        return order.executed_qty > told

    def symbols(self) -> set[str]:
        return {symbol for symbol, _ in self.open} | {symbol for symbol, _ in self._closed}
