"""The margin account endpoints of the local server: what ``/sapi/v1/margin/*`` answer from the books.

Each is a ``Route``: its operation on the caller's ``Account``, its IP weight (open orders
without ``symbol`` cost 10 per symbol trading, as on Binance) and whether it must be signed
(USER_DATA; ``allPairs`` is market data).
"""

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from binance_spot.testing.accounts import Account
from binance_spot.testing.exchange import Exchange, Operation
from binance_spot.testing.margin import Book, assets_json
from binance_spot.testing.params import integer, invalid, mandatory, require
from binance_spot.testing.records import Recorded
from binance_spot.testing.replies import ApiError

__all__ = ["DAY_MS", "MAX_SYMBOLS", "Route", "margin_routes"]

#: ``myTrades`` wants ``startTime`` and ``endTime`` less than 24 hours apart.
DAY_MS = 24 * 3600 * 1000
#: Symbols one isolated account request may name.
MAX_SYMBOLS = 5


class Route(NamedTuple):
    """An endpoint: its methods, what it does, its IP weight for a request, whether it must be signed."""

    methods: tuple[str, ...]
    operation: Operation
    weight: Callable[[Recorded], int] = lambda req: 1
    signed: bool = False


def _isolated(req: Recorded) -> bool:
    value = (req.param("isIsolated") or "FALSE").upper()
    if value not in ("TRUE", "FALSE"):
        raise invalid()
    return value == "TRUE"


def margin_routes(exchange: Exchange) -> dict[str, Route]:
    """The routes of the margin account endpoints, reading ``exchange.pairs``."""
    pairs = exchange.pairs

    def symbol_of(req: Recorded, required: bool) -> str | None:
        symbol = require(req, "symbol") if required else req.param("symbol")
        if symbol is not None and symbol not in pairs:
            raise ApiError(400, -1121, "Invalid symbol.")
        return symbol

    def book_of(account: Account, req: Recorded, symbol: str | None) -> Book | None:
        """The book a request reads: the isolated one of ``symbol``, or the cross one; None if never used."""
        if _isolated(req):
            if symbol is None:
                raise mandatory("symbol")
            return account.books.get(symbol)
        return account.books.get(None)

    def account_(account: Account, req: Recorded, now: float) -> object:
        book = account.books.get(None)
        assets = [] if book is None else assets_json(book, sorted(book.balances))
        return {"created": True, "borrowEnabled": True, "marginLevel": "999.00000000", "tradeEnabled": True,
                "transferInEnabled": True, "transferOutEnabled": True, "accountType": "MARGIN_1",
                "userAssets": assets}  # fmt: skip

    def isolated_account(account: Account, req: Recorded, now: float) -> object:
        wanted = req.param("symbols")
        symbols = sorted(s for s in account.books if s is not None) if wanted is None else wanted.split(",")
        if len(symbols) > MAX_SYMBOLS or any(s not in pairs for s in symbols):
            raise ApiError(400, -1121, "Invalid symbol.") if len(symbols) <= MAX_SYMBOLS else invalid()
        entries = []
        for symbol in symbols:
            book = account.books.get(symbol)
            if book is None:
                continue
            base, quote = (_isolated_asset(book, asset) for asset in assets_json(book, pairs[symbol]))
            entries.append({"symbol": symbol, "baseAsset": base, "quoteAsset": quote, "isolatedCreated": True,
                            "enabled": True, "tradeEnabled": True, "marginLevel": "999.00000000",
                            "marginLevelStatus": "EXCESSIVE"})  # fmt: skip
        return {"assets": entries}

    def open_orders(account: Account, req: Recorded, now: float) -> object:
        symbol = symbol_of(req, required=False)
        book = book_of(account, req, symbol)
        return [] if book is None else [o.json() for o in book.open_orders(symbol)]

    def order(account: Account, req: Recorded, now: float) -> object:
        symbol = symbol_of(req, required=True)
        order_id, client_id = integer(req, "orderId", -1), req.param("origClientOrderId")
        if order_id == -1 and not client_id:
            raise ApiError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!")
        book = book_of(account, req, symbol)
        for found in [] if book is None else book.orders.values():
            same = found.order_id == order_id if order_id != -1 else found.client_order_id == client_id
            if same and found.symbol == symbol:
                return found.json()
        raise ApiError(400, -2013, "Order does not exist.")

    def my_trades(account: Account, req: Recorded, now: float) -> object:
        symbol = symbol_of(req, required=True)
        limit = integer(req, "limit", 500)
        start, end = integer(req, "startTime", -1), integer(req, "endTime", -1)
        order_id, from_id = integer(req, "orderId", -1), integer(req, "fromId", -1)
        if not 1 <= limit <= 1000:
            raise invalid()
        if start != -1 and end != -1 and not 0 <= end - start < DAY_MS:
            raise ApiError(400, -1127, "More than 24 hours between startTime and endTime.")
        book = book_of(account, req, symbol)
        found = [t for t in ([] if book is None else book.trades) if t.order.symbol == symbol
                 and order_id in (-1, t.order.order_id) and t.trade_id >= from_id
                 and (from_id != -1 or _within(t.time, start, end))]  # fmt: skip
        oldest_first = from_id != -1 or start != -1
        chosen = found[:limit] if oldest_first else found[-limit:]
        return [t.json() for t in chosen]

    def all_pairs(account: Account, req: Recorded, now: float) -> object:
        symbol = symbol_of(req, required=False)
        return [_pair(i, s, base, quote) for i, (s, (base, quote)) in enumerate(pairs.items(), 1)
                if symbol in (None, s)]  # fmt: skip

    def ten(req: Recorded) -> int:
        return 10

    def open_orders_weight(req: Recorded) -> int:
        return 10 if req.param("symbol") else 10 * len(pairs)

    get = ("GET",)
    return {
        "/sapi/v1/margin/account": Route(get, account_, ten, signed=True),
        "/sapi/v1/margin/isolated/account": Route(get, isolated_account, ten, signed=True),
        "/sapi/v1/margin/openOrders": Route(get, open_orders, open_orders_weight, signed=True),
        "/sapi/v1/margin/order": Route(get, order, ten, signed=True),
        "/sapi/v1/margin/myTrades": Route(get, my_trades, ten, signed=True),
        "/sapi/v1/margin/allPairs": Route(get, all_pairs),
    }


def _isolated_asset(book: Book, asset: dict[str, Any]) -> dict[str, Any]:
    balance = book.balance(asset["asset"])
    return {**asset, "totalAsset": f"{balance.free + balance.locked:f}", "borrowEnabled": True, "repayEnabled": True}


def _within(time: int, start: int, end: int) -> bool:
    """Binance's window: from ``start`` (or 24 h before ``end``) to ``end`` (or 24 h after ``start``)."""
    if start == -1 and end == -1:
        return True
    low = start if start != -1 else end - DAY_MS
    high = end if end != -1 else start + DAY_MS
    return low <= time <= high


def _pair(ident: int, symbol: str, base: str, quote: str) -> Mapping[str, Any]:
    return {"id": ident, "symbol": symbol, "base": base, "quote": quote, "isMarginTrade": True,
            "isBuyAllowed": True, "isSellAllowed": True}  # fmt: skip
