"""Which fills were reported already: each is reported once over the view's whole life.

A fill is known by (symbol, trade id): Binance numbers trades per symbol, increasing.
Memory is bounded per symbol: the ``keep`` most recent ids seen are held exactly, and a
watermark stands for every id below them. An id at or under the watermark counts as seen,
so a fill older than the ``keep`` newest of its symbol that arrives only now is dropped:
with the default of 10,000 that takes a delivery later than ten thousand newer fills.
"""

import heapq

__all__ = ["FillLedger"]


class _Symbol:
    __slots__ = ("heap", "ids", "watermark")

    def __init__(self) -> None:
        self.watermark = -1
        self.ids: set[int] = set()
        self.heap: list[int] = []


class FillLedger:
    def __init__(self, keep: int = 10_000) -> None:
        self._keep = keep
        self._symbols: dict[str, _Symbol] = {}

    def first_time(self, symbol: str, trade_id: int) -> bool:
        """True once per (symbol, trade id): the caller reports the fill then, never again."""
        seen = self._symbols.setdefault(symbol, _Symbol())
        if trade_id <= seen.watermark or trade_id in seen.ids:
            return False
        seen.ids.add(trade_id)
        heapq.heappush(seen.heap, trade_id)
        if len(seen.heap) > self._keep:
            oldest = heapq.heappop(seen.heap)
            seen.ids.discard(oldest)
            seen.watermark = oldest
        return True
