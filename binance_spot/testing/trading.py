"""What tests and demos do to an account of the local server: trade, fill, cancel, transfer, borrow.

``server.account(api_key)`` (or ``isolated=SYMBOL``) gives an ``ExchangeAccount``. Each of its
changes updates what the REST endpoints answer and pushes the events Binance sends for it to
that account's live subscriptions only: a change made while none is live is lost for the
stream, as on Binance (how a test makes a real gap). Changes run one at a time, so the
events of two changes never interleave.
"""

import re
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from binance_spot.testing.exchange import Exchange, Owner
from binance_spot.testing.margin import Book, Event, Order, amount
from binance_spot.testing.streams import StreamHub

__all__ = ["ExchangeAccount", "Trading"]

T = TypeVar("T")
_CLIENT_ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,36}")


class Trading:
    """Applies changes to the books and sends their events, one change at a time."""

    def __init__(self, exchange: Exchange, hub: StreamHub) -> None:
        self.exchange = exchange
        self.hub = hub
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        return int(self.exchange.clock() * 1000)

    def apply(self, owner: Owner, action: Callable[[Book], tuple[T, list[Event]]]) -> T:
        """Run ``action`` on ``owner``'s book and send the events it returns, before the next change."""
        with self._lock:
            result, events = self.exchange.change(owner[0], owner[1], action)
            self.send(owner, events)
            return result

    def send(self, owner: Owner, events: list[Event]) -> int:
        """Push user-data events to ``owner``'s subscriptions, and a ``USER_LIABILITY_CHANGE`` to its
        risk streams (cross margin only: the risk stream reports on the cross account)."""
        sent = 0
        for event in events:
            if event["e"] == "USER_LIABILITY_CHANGE":
                if owner[1] is None:
                    for key in self.exchange.risk_keys_of(owner[0]):
                        sent += self.hub.push_risk(event, key)
            else:
                sent += self.hub.push(event, owner)
        return sent


class ExchangeAccount:
    """One margin account of the local exchange: the cross one of ``api_key`` or its isolated ``symbol``.

    Amounts are decimal strings, ints or ``Decimal``; a change Binance would refuse (not
    enough free balance, an unknown symbol, an order not open) raises ``ValueError`` and
    changes nothing.
    """

    def __init__(self, trading: Trading, api_key: str, isolated: str | None) -> None:
        self._trading = trading
        self.api_key = api_key
        self.isolated = isolated
        self._owner: Owner = (api_key, isolated)
        trading.exchange.change(api_key, isolated, lambda book: None)  # checks the key and the symbol

    def __repr__(self) -> str:
        scope = f" isolated={self.isolated}" if self.isolated else ""
        return f"<ExchangeAccount {self.api_key[:4]}...{scope}>"

    # -- orders

    def place_order(
        self,
        symbol: str,
        side: str,
        quantity: object,
        price: object,
        *,
        order_type: str = "LIMIT",
        client_order_id: str | None = None,
    ) -> int:
        """Open a limit order (locks the quote for a BUY, the base for a SELL); its order id."""
        base, quote = self._pair(symbol)
        if side not in ("BUY", "SELL"):
            raise ValueError(f"side must be BUY or SELL, got {side!r}")
        qty, at = amount(quantity, "quantity"), amount(price, "price")
        if not (qty > 0 and at > 0):
            raise ValueError("quantity and price must be above 0")
        if client_order_id is not None and not _CLIENT_ORDER_ID.fullmatch(client_order_id):
            raise ValueError("client_order_id must be 1 to 36 letters, digits, '-' or '_'")
        exchange = self._trading.exchange

        def place(book: Book) -> tuple[Order, list[Event]]:
            order_id = exchange.ids.order()
            order = Order(symbol, order_id, client_order_id or f"local-{order_id}", side, order_type, at, qty,
                          self._trading.now_ms(), self.isolated is not None)  # fmt: skip
            return order, book.place(order, base, quote)

        return self._trading.apply(self._owner, place).order_id

    def fill(
        self,
        order_id: int,
        quantity: object | None = None,
        price: object | None = None,
        *,
        commission: object = "0",
        commission_asset: str | None = None,
        maker: bool = True,
    ) -> int:
        """Fill ``quantity`` (default: all that is left) of an open order at ``price`` (default: its
        price); the commission is taken from ``commission_asset`` (default: the asset received). The
        trade id (increasing per symbol)."""
        fee = amount(commission, "commission")

        def fill(book: Book) -> tuple[int, list[Event]]:
            order = self._order(book, order_id)
            base, quote = self._pair(order.symbol)
            qty = order.quantity - order.executed if quantity is None else amount(quantity, "quantity")
            at = order.price if price is None else amount(price, "price")
            fee_asset = commission_asset or (base if order.side == "BUY" else quote)
            if fee_asset not in (base, quote) and self.isolated is not None:
                raise ValueError(f"an isolated account holds only {base} and {quote}")
            trade, events = book.fill(order, qty, at, (fee, fee_asset), maker, self._trading.now_ms(), base, quote)
            return trade.trade_id, events

        return self._trading.apply(self._owner, fill)

    def cancel(self, order_id: int) -> None:
        """Cancel an open order; what is left of it is unlocked."""

        def cancel(book: Book) -> tuple[None, list[Event]]:
            order = self._order(book, order_id)
            base, quote = self._pair(order.symbol)
            return None, book.cancel(order, base, quote, self._trading.now_ms(), f"cancel-{order_id}")

        self._trading.apply(self._owner, cancel)

    # -- balances

    def transfer(self, asset: str, delta: object) -> None:
        """Transfer ``delta`` of ``asset`` in (positive) or out (negative): ``balanceUpdate``, then the position."""
        change = self._delta(asset, delta)
        self._trading.apply(self._owner, lambda book: (None, book.transfer(asset, change, self._trading.now_ms())))

    def borrow(self, asset: str, quantity: object) -> None:
        """Borrow: free and borrowed grow; the risk stream gets ``USER_LIABILITY_CHANGE`` (cross margin)."""
        self._liability(asset, self._positive(quantity))

    def repay(self, asset: str, quantity: object) -> None:
        """Repay principal from the free balance: free and borrowed shrink."""
        self._liability(asset, -self._positive(quantity))

    def set_balance(self, asset: str, *, free: object = None, locked: object = None, borrowed: object = None,
                    interest: object = None) -> None:  # fmt: skip
        """Set parts of a balance outright, as a test's starting point; sends the absolute position."""
        self._asset(asset)
        given = {"free": free, "locked": locked, "borrowed": borrowed, "interest": interest}
        values = {name: amount(value, name) for name, value in given.items() if value is not None}
        self._trading.apply(self._owner, lambda book: (None, book.set(asset, values, self._trading.now_ms())))

    # -- reading

    def balances(self) -> dict[str, dict[str, Decimal]]:
        """Every asset: free, locked, borrowed, interest and net."""
        return self._read(lambda book: {a: {"free": b.free, "locked": b.locked, "borrowed": b.borrowed,
                                            "interest": b.interest, "net": b.net}
                                        for a, b in sorted(book.balances.items())})  # fmt: skip

    def open_orders(self) -> list[dict[str, Any]]:
        """The open orders as ``openOrders`` answers them."""
        return self._read(lambda book: [o.json() for o in book.open_orders()])

    # -- checks

    def _read(self, reader: Callable[[Book], T]) -> T:
        return self._trading.exchange.change(self.api_key, self.isolated, reader)

    def _pair(self, symbol: str) -> tuple[str, str]:
        pairs = self._trading.exchange.pairs
        if symbol not in pairs:
            raise ValueError(f"unknown symbol {symbol!r}; the pairs are {sorted(pairs)}")
        if self.isolated is not None and symbol != self.isolated:
            raise ValueError(f"the isolated account of {self.isolated} trades only {self.isolated}")
        return pairs[symbol]

    def _asset(self, asset: str) -> None:
        pairs = self._trading.exchange.pairs
        held = pairs[self.isolated] if self.isolated else {a for pair in pairs.values() for a in pair}
        if asset not in held:
            raise ValueError(f"asset {asset!r} is not one of {sorted(held)}")

    def _delta(self, asset: str, delta: object) -> Decimal:
        self._asset(asset)
        change = amount(delta, "amount")
        if change == 0:
            raise ValueError("amount must not be 0")
        return change

    @staticmethod
    def _positive(quantity: object) -> Decimal:
        value = amount(quantity, "quantity")
        if not value > 0:
            raise ValueError("quantity must be above 0")
        return value

    def _liability(self, asset: str, delta: Decimal) -> None:
        self._asset(asset)

        def borrow(book: Book) -> tuple[None, list[Event]]:
            events, liability = book.borrow(asset, delta, self._trading.now_ms())
            return None, [*events, liability]

        self._trading.apply(self._owner, borrow)

    def _order(self, book: Book, order_id: int) -> Order:
        order = book.orders.get(order_id)
        if order is None:
            raise KeyError(f"no order {order_id} in this account")
        return order
