"""The order book of one account: the open orders, the memory of closed ones, and per
order how much of its filled quantity is accounted for.

One rule decides between two states of an order: the one with the greater ``Order.age``
(transaction time, then filled quantity, then status rank) wins; an older or equal one is
ignored. It holds for stream events and REST answers alike (both carry the server's time),
so arrival order and duplicates do not matter. A terminal state moves the order to the
closed memory (bounded, oldest forgotten first), where it still wins against a late NEW.

Accounted for: the fills reported to the user, and those found to be older than the view
(history, never reported). A resync asks for an order's trades only when the exchange
says it filled more than that.
"""

from collections import OrderedDict
from decimal import Decimal

from binance_spot.account.changes import Fill
from binance_spot.account.state import Age, Order, OrderKey

__all__ = ["OrderBook"]


class OrderBook:
    def __init__(self, closed_memory: int = 10_000) -> None:
        self._memory = closed_memory
        self.open: dict[OrderKey, Order] = {}
        self._closed: OrderedDict[OrderKey, Order] = OrderedDict()
        self._counted: dict[OrderKey, Decimal] = {}

    def get(self, key: OrderKey) -> Order | None:
        return self.open.get(key) or self._closed.get(key)

    def newer(self, key: OrderKey, age: Age) -> bool:
        """Whether a state of ``age`` is newer than what is known of order ``key``."""
        known = self.get(key)
        return known is None or age > known.age

    def merge(self, order: Order) -> bool:
        """Take ``order`` if it is newer than what is known; True when it was taken."""
        if not self.newer(order.key, order.age):
            return False
        if order.is_open:
            self._closed.pop(order.key, None)
            self.open[order.key] = order
            return True
        self.open.pop(order.key, None)
        self._closed[order.key] = order
        while len(self._closed) > self._memory:
            forgotten, _ = self._closed.popitem(last=False)
            self._counted.pop(forgotten, None)
        return True

    def count(self, fill: Fill) -> None:
        """Account for a fill (reported, or history) against its order; once per fill."""
        key = (fill.symbol, fill.order_id)
        self._counted[key] = self._counted.get(key, Decimal(0)) + fill.qty

    def missing_fills(self, order: Order) -> bool:
        """Whether ``order`` has filled more than is accounted for."""
        return order.executed_qty > self._counted.get(order.key, Decimal(0))

    def symbols(self) -> set[str]:
        return {symbol for symbol, _ in self.open} | {symbol for symbol, _ in self._closed}
