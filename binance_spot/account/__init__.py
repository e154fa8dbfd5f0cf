"""A margin account view that is never silently wrong: ``MarginAccountView`` (blocking) and
``AsyncMarginAccountView`` (asyncio) drive the sans-I/O core below (docs/Account.md).

``AccountCore`` takes stream items and REST answers, and says which REST calls to make,
when, and what changed; drivers (sync, asyncio) do the I/O around it. A driver subscribes
FIRST, then loops (``events()`` stands for the items the stream has queued, ``wait`` for
blocking on the stream with a timeout)::

    core = AccountCore(symbols=["BTCUSDT"])
    while True:
        for item in events():  # what arrived before a call goes is older than its answer
            deliver(core.receive(item, monotonic(), wall_ms()))
        call = core.next_call(monotonic(), wall_ms())
        if call is not None:
            try:
                body = rest_get(call.path, dict(call.params), signed=call.signed)
            except Exception as error:  # 429 (retry_after), 5xx, a timeout
                core.fail(call, error, monotonic())
            else:
                deliver(core.answer(call, body, monotonic(), wall_ms()))
        else:
            wait(core.wake_at())  # None: until the stream has something

Merge rules (which event or snapshot wins):

- Order states are ordered by (transaction time ``T`` / ``updateTime``, filled quantity
  ``z`` / ``executedQty``, status NEW < PARTIALLY_FILLED < terminal); a newer state
  replaces an older, an older or equal one is ignored (duplicates, late arrivals).
- A terminal state closes the order; the closed state is remembered (bounded), so a late
  NEW cannot bring it back. REST orders are compared the same way: server time against
  server time, never ambiguous.
- Each ``executionReport`` with ``x == "TRADE"`` is a fill; every fill, live or found by
  a resync, is reported once, by (symbol, trade id).
- ``outboundAccountPosition`` sets free/locked of its assets when its ``u`` is newer than
  the asset's last absolute time; older or equal is ignored.
- ``balanceUpdate`` (a delta) is applied provisionally, once, when its ``T`` is newer
  than the asset's last absolute time and the snapshot window; the next
  ``outboundAccountPosition`` supersedes it; a delta not newer is only superseded.
- The snapshot has no server time: balance events that arrived before the account
  request was sent lose to it; later ones are judged against [sent - skew, received +
  skew]: before it the snapshot wins, after it the event wins, inside it an event that
  agrees is taken and one that disagrees makes the balance ambiguous: the account is
  taken again (the view stays stale until a snapshot is unambiguous).
- ``borrowed``/``interest`` come from the snapshot; for cross margin the risk stream's
  ``USER_LIABILITY_CHANGE`` (``p``, ``i`` read as the amounts of the change: uncertain, see
  ``_balances.liability_change``) keeps them current, judged by ``E`` against the snapshot
  window like a ``balanceUpdate`` (inside it: ambiguous, the account is taken again) and
  applied once. ``Balance.liabilities_from`` says which. ``net`` is the snapshot's ``netAsset``
  until anything changes, then free + locked - borrowed - interest.
"""

from typing import TYPE_CHECKING

from binance_spot._lazy import lazy_exports
from binance_spot.account._calls import Call
from binance_spot.account._core import AccountCore
from binance_spot.account.changes import BalanceChange, Change, Fill, Live, OrderUpdate, Resync
from binance_spot.account.state import AccountView, Balance, Order

if TYPE_CHECKING:
    from binance_spot.account._async import AsyncMarginAccountView
    from binance_spot.account._sync import MarginAccountView

__all__ = [
    "AccountCore",
    "AsyncMarginAccountView",
    "AccountView",
    "Balance",
    "BalanceChange",
    "Call",
    "Change",
    "Fill",
    "Live",
    "MarginAccountView",
    "Order",
    "OrderUpdate",
    "Resync",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AsyncMarginAccountView": "binance_spot.account._async",
        "MarginAccountView": "binance_spot.account._sync",
    },
)
