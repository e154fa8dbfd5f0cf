"""One margin account of the local exchange: balances, orders and trades, and the events each change sends.

A ``Book`` is the cross margin account of an API key or one of its isolated margin pairs. Its
methods change the state as Binance would and return the user-data events Binance sends for
that change (``executionReport``, ``outboundAccountPosition``, ``balanceUpdate``) and, for
borrow and repay, the risk stream's ``USER_LIABILITY_CHANGE``; they neither lock nor send
(the ``Exchange`` locks, ``BinanceServer`` sends). Amounts are exact ``Decimal``. Memory is
bounded: ``MAX_ORDERS`` orders (the oldest closed ones are forgotten first) and the last
``MAX_TRADES`` trades per book.
"""

import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["MAX_ORDERS", "MAX_TRADES", "Book", "Ids", "Order", "Trade", "amount"]

#: Orders one book keeps, open or closed; beyond it the oldest closed order is forgotten, and
#: a book full of open orders refuses a new one.
MAX_ORDERS = 10_000
#: Trades one book keeps (the oldest are forgotten).
MAX_TRADES = 10_000
ZERO = Decimal(0)
OPEN = ("NEW", "PARTIALLY_FILLED")
Event = dict[str, Any]


def amount(value: object, what: str) -> Decimal:
    """``value`` (a str, int or Decimal) as a finite Decimal, or ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise TypeError(f"{what} must be a decimal string, an int or a Decimal, got {type(value).__name__}")
    try:
        result = Decimal(value)
    except ArithmeticError:
        raise ValueError(f"{what} is not a decimal number: {str(value)[:40]!r}") from None
    if not result.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return result


def text(value: Decimal) -> str:
    """Binance's decimal strings: plain notation, never an exponent."""
    return f"{value:f}"


class Ids:
    """The exchange's counters: order ids, execution ids, and trade ids per symbol (all increasing)."""

    def __init__(self) -> None:
        self._orders = itertools.count(1)
        self._executions = itertools.count(1)
        self._trades: dict[str, Iterator[int]] = {}

    def order(self) -> int:
        return next(self._orders)

    def execution(self) -> int:
        return next(self._executions)

    def trade(self, symbol: str) -> int:
        return next(self._trades.setdefault(symbol, itertools.count(1)))


@dataclass
class Balance:
    free: Decimal = ZERO
    locked: Decimal = ZERO
    borrowed: Decimal = ZERO
    interest: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.free + self.locked - self.borrowed - self.interest


@dataclass
class Order:
    symbol: str
    order_id: int
    client_order_id: str
    side: str
    type: str
    price: Decimal
    quantity: Decimal
    time: int
    isolated: bool
    time_in_force: str = "GTC"
    status: str = "NEW"
    executed: Decimal = ZERO
    quote: Decimal = ZERO
    update_time: int = 0

    @property
    def open(self) -> bool:
        return self.status in OPEN

    def json(self) -> dict[str, Any]:
        """The order as ``openOrders`` and ``order`` answer it."""
        return {
            "symbol": self.symbol, "orderId": self.order_id, "clientOrderId": self.client_order_id,
            "price": text(self.price), "origQty": text(self.quantity), "executedQty": text(self.executed),
            "cummulativeQuoteQty": text(self.quote), "status": self.status, "timeInForce": self.time_in_force,
            "type": self.type, "side": self.side, "stopPrice": "0", "icebergQty": "0", "time": self.time,
            "updateTime": self.update_time, "isWorking": self.open, "isIsolated": self.isolated,
            "selfTradePreventionMode": "NONE",
        }  # fmt: skip


@dataclass(frozen=True)
class Trade:
    trade_id: int
    order: Order
    price: Decimal
    quantity: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    maker: bool

    def json(self) -> dict[str, Any]:
        """The trade as ``myTrades`` answers it."""
        return {
            "id": self.trade_id, "orderId": self.order.order_id, "symbol": self.order.symbol,
            "price": text(self.price), "qty": text(self.quantity), "quoteQty": text(self.price * self.quantity),
            "commission": text(self.commission), "commissionAsset": self.commission_asset, "time": self.time,
            "isBuyer": self.order.side == "BUY", "isMaker": self.maker, "isBestMatch": True,
            "isIsolated": self.order.isolated,
        }  # fmt: skip


@dataclass
class Book:
    """One margin account: the cross one (``symbol`` None) or the isolated pair ``symbol``."""

    symbol: str | None
    ids: Ids
    balances: dict[str, Balance] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    trades: deque[Trade] = field(default_factory=lambda: deque(maxlen=MAX_TRADES))
    updated: int = 0  # ms of the last balance change

    def balance(self, asset: str) -> Balance:
        return self.balances.setdefault(asset, Balance())

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        return [o for o in self.orders.values() if o.open and symbol in (None, o.symbol)]

    # -- changes: each returns the events Binance sends for it

    def place(self, order: Order, base: str, quote: str) -> list[Event]:
        """Lock what ``order`` needs and open it."""
        asset, needed = (quote, order.quantity * order.price) if order.side == "BUY" else (base, order.quantity)
        balance = self.balance(asset)
        if balance.free < needed:
            raise ValueError(f"insufficient free {asset}: {text(balance.free)} < {text(needed)}")
        self._make_room()
        balance.free -= needed
        balance.locked += needed
        order.update_time = order.time
        self.orders[order.order_id] = order
        return [self._report(order, "NEW", order.time), self._position(order.time, asset)]

    def _make_room(self) -> None:
        if len(self.orders) < MAX_ORDERS:
            return
        closed = next((o.order_id for o in self.orders.values() if not o.open), None)
        if closed is None:
            raise ValueError(f"the book holds {MAX_ORDERS} open orders, the most the local exchange keeps")
        del self.orders[closed]

    def fill(self, order: Order, qty: Decimal, price: Decimal, fee: tuple[Decimal, str], maker: bool, now: int,
             base: str, quote: str) -> tuple[Trade, list[Event]]:  # fmt: skip
        """Fill ``qty`` of ``order`` at ``price`` with the commission ``fee``: move the balances, record the trade."""
        if not order.open:
            raise ValueError(f"order {order.order_id} is {order.status}, not open")
        left = order.quantity - order.executed
        if not ZERO < qty <= left:
            raise ValueError(f"fill quantity must be above 0 and at most the {text(left)} left of the order")
        if not price > 0 or fee[0] < 0:
            raise ValueError("a fill needs a price above 0 and a commission of at least 0")
        trade = Trade(self.ids.trade(order.symbol), order, price, qty, fee[0], fee[1], now, maker)
        if order.side == "BUY":
            self.balance(quote).locked -= qty * order.price
            self.balance(quote).free += qty * (order.price - trade.price)  # a better price gives back the rest
            self.balance(base).free += qty
        else:
            self.balance(base).locked -= qty
            self.balance(quote).free += qty * trade.price
        self.balance(trade.commission_asset).free -= trade.commission
        order.executed += qty
        order.quote += qty * trade.price
        order.status = "FILLED" if order.executed == order.quantity else "PARTIALLY_FILLED"
        order.update_time = now
        self.trades.append(trade)
        moved = dict.fromkeys([base, quote, trade.commission_asset])
        return trade, [self._report(order, "TRADE", now, trade), self._position(now, *moved)]

    def cancel(self, order: Order, base: str, quote: str, now: int, cancel_id: str) -> list[Event]:
        """Cancel an open order and unlock what is left of it."""
        if not order.open:
            raise ValueError(f"order {order.order_id} is {order.status}, not open")
        left = order.quantity - order.executed
        asset, held = (quote, left * order.price) if order.side == "BUY" else (base, left)
        self.balance(asset).locked -= held
        self.balance(asset).free += held
        order.status, order.update_time = "CANCELED", now
        return [self._report(order, "CANCELED", now, cancel_id=cancel_id), self._position(now, asset)]

    def transfer(self, asset: str, delta: Decimal, now: int) -> list[Event]:
        """Move ``delta`` of ``asset`` in (positive) or out (negative) of this account."""
        balance = self.balance(asset)
        if balance.free + delta < 0:
            raise ValueError(f"cannot transfer {text(-delta)} {asset} out: {text(balance.free)} free")
        balance.free += delta
        return [self._balance_update(asset, delta, now), self._position(now, asset)]

    def borrow(self, asset: str, delta: Decimal, now: int) -> tuple[list[Event], Event]:
        """Borrow (positive ``delta``) or repay (negative): the user-data events and the risk stream's."""
        balance = self.balance(asset)
        if balance.free + delta < 0 or balance.borrowed + delta < 0:
            raise ValueError(f"cannot repay {text(-delta)} {asset}: {text(balance.borrowed)} borrowed, "
                             f"{text(balance.free)} free")  # fmt: skip
        balance.free += delta
        balance.borrowed += delta
        # p and i are the amounts of this change (no interest moves by a borrow or a repayment)
        liability = {"e": "USER_LIABILITY_CHANGE", "E": now, "a": asset, "t": "BORROW" if delta > 0 else "REPAY",
                     "p": text(abs(delta)), "i": "0"}  # fmt: skip
        return [self._balance_update(asset, delta, now), self._position(now, asset)], liability

    def set(self, asset: str, values: dict[str, Decimal], now: int) -> list[Event]:
        """Set a balance outright (a test's starting point); Binance has no such change, so only the
        absolute ``outboundAccountPosition`` is sent."""
        balance = self.balance(asset)
        for name, value in values.items():
            if value < 0:
                raise ValueError(f"{name} of {asset} cannot be negative")
            setattr(balance, name, value)
        return [self._position(now, asset)]

    # -- events

    def _position(self, now: int, *assets: str) -> Event:
        self.updated = now
        moved = [{"a": a, "f": text(self.balance(a).free), "l": text(self.balance(a).locked)} for a in assets]
        return {"e": "outboundAccountPosition", "E": now, "u": now, "B": moved}

    @staticmethod
    def _balance_update(asset: str, delta: Decimal, now: int) -> Event:
        return {"e": "balanceUpdate", "E": now, "a": asset, "d": text(delta), "T": now}

    def _report(self, order: Order, execution: str, now: int, trade: Trade | None = None, cancel_id: str = "") -> Event:
        """An ``executionReport``: the order's whole state after this change, and the fill if one."""
        return {
            "e": "executionReport", "E": now, "s": order.symbol, "c": cancel_id or order.client_order_id,
            "S": order.side, "o": order.type, "f": order.time_in_force, "q": text(order.quantity),
            "p": text(order.price), "P": "0", "F": "0", "g": -1, "C": order.client_order_id if cancel_id else "",
            "x": execution, "X": order.status, "r": "NONE", "i": order.order_id,
            "l": text(trade.quantity) if trade else "0", "z": text(order.executed),
            "L": text(trade.price) if trade else "0", "n": text(trade.commission) if trade else "0",
            "N": trade.commission_asset if trade else None, "T": now, "t": trade.trade_id if trade else -1,
            "I": self.ids.execution(), "w": order.open, "m": bool(trade and trade.maker), "M": False,
            "O": order.time, "Z": text(order.quote),
            "Y": text(trade.price * trade.quantity) if trade else "0", "Q": "0", "W": order.time, "V": "NONE",
        }  # fmt: skip


def assets_json(book: Book, assets: Iterable[str]) -> list[dict[str, Any]]:
    """The balances of ``assets`` as the account endpoints answer them."""
    return [
        {"asset": a, "free": text(b.free), "locked": text(b.locked), "borrowed": text(b.borrowed),
         "interest": text(b.interest), "netAsset": text(b.net)}
        for a, b in ((a, book.balance(a)) for a in assets)
    ]  # fmt: skip
