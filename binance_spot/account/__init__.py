"""A margin account view that is never silently wrong: the sans-I/O core.

``AccountCore`` takes stream items and REST answers and says which REST calls to make and
what changed; drivers (sync, asyncio) do the I/O around it. See ``core`` for the loop.
"""

from binance_spot.account.calls import Call
from binance_spot.account.changes import BalanceChange, Change, Fill, Live, OrderUpdate, Resync
from binance_spot.account.core import AccountCore
from binance_spot.account.state import AccountView, Balance, Order

__all__ = [
    "AccountCore",
    "AccountView",
    "Balance",
    "BalanceChange",
    "Call",
    "Change",
    "Fill",
    "Live",
    "Order",
    "OrderUpdate",
    "Resync",
]
