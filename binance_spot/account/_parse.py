"""Reading Binance's shapes: REST answers and stream events into the core's values.

REST amounts are decimal strings, read exactly. A malformed answer raises one of
``MALFORMED``: the core then treats the call as failed (stale, never wrong). An
``executionReport`` is read from its ``raw`` dict (not field by field through the model's
descriptors) and only as far as the merge needs: its key and age first (a state that is not
newer stops there), then, for an order already known, only what an order's life changes.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from binance_spot._event import boolean, decimal, integer, optional, text
from binance_spot.account.changes import Fill
from binance_spot.account.state import Age, Balance, Order, OrderKey, rank
from binance_spot.exceptions import EventFieldError
from binance_spot.models.execution_report import ExecutionReport

__all__ = [
    "MALFORMED",
    "balances_of_account",
    "fill_of_event",
    "fill_of_trade",
    "key_and_age",
    "net_of",
    "order_of_event",
    "order_of_rest",
    "pairs_of",
]

MALFORMED = (KeyError, TypeError, ValueError, ArithmeticError, AttributeError, EventFieldError)
R = TypeVar("R")
#: A REST shape: the value's field -> (Binance's key, how it is read).
Fields = Mapping[str, tuple[str, Callable[[Any], Any]]]
_optional_text = optional(text)


def _dec(value: Any) -> Decimal:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise TypeError(f"expected a decimal string, got {type(value).__name__}")
    return Decimal(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def _record(make: Callable[..., R], fields: Fields,
            item: Mapping[str, Any], **more: Any) -> R:  # fmt: skip
    """``make(name=read(item[key]), ..., **more)`` for each ``name: (key, read)`` of ``fields``."""
    return make(**{name: read(item[key]) for name, (key, read) in fields.items()}, **more)


_BALANCE: Fields = {"asset": ("asset", str), "free": ("free", _dec), "locked": ("locked", _dec),
            "borrowed": ("borrowed", _dec), "interest": ("interest", _dec), "net": ("netAsset", _dec)}  # fmt: skip
_ORDER: Fields = {"symbol": ("symbol", str), "order_id": ("orderId", _int), "client_order_id": ("clientOrderId", str),
          "side": ("side", str), "type": ("type", str), "time_in_force": ("timeInForce", str),
          "status": ("status", str), "price": ("price", _dec), "orig_qty": ("origQty", _dec),
          "executed_qty": ("executedQty", _dec), "cumulative_quote_qty": ("cummulativeQuoteQty", _dec),
          "time": ("time", _int), "update_time": ("updateTime", _int)}  # fmt: skip


def net_of(free: Decimal, locked: Decimal, borrowed: Decimal, interest: Decimal) -> Decimal:
    return free + locked - borrowed - interest


def balances_of_account(body: Any, isolated: bool) -> dict[str, Balance]:
    """Every asset of a cross margin account (``userAssets``) or of the one isolated pair."""
    if isolated:
        (pair,) = body["assets"]
        items = [pair["baseAsset"], pair["quoteAsset"]]
    else:
        items = body["userAssets"]
    return {b.asset: b for b in (_record(Balance, _BALANCE, item) for item in items)}


def pairs_of(body: Any) -> dict[str, tuple[str, str]]:
    """Symbol -> (base, quote) from ``allPairs`` (or from an isolated account's ``assets``)."""
    if isinstance(body, dict):
        return {p["symbol"]: (p["baseAsset"]["asset"], p["quoteAsset"]["asset"]) for p in body["assets"]}
    return {str(p["symbol"]): (str(p["base"]), str(p["quote"])) for p in body}


def order_of_rest(item: Mapping[str, Any]) -> Order:
    return _record(Order, _ORDER, item, stop_price=_dec(item.get("stopPrice", "0")))


def _named(event: ExecutionReport) -> None:
    """Read the fields the fast path reads through the model, so that a malformed one raises
    naming its field ("ExecutionReport.order_id: expected an integer ...")."""
    for field in ExecutionReport.fields().values():
        if field.key in _READ:
            field.__get__(event, ExecutionReport)


_READ = frozenset("siTzXqZcCxSofpPOtLlYnNm")


def key_and_age(event: ExecutionReport) -> tuple[OrderKey, Age]:
    """The order an event is about, and the age of the state it reports (``Order.age``)."""
    raw = event.raw
    try:
        key = (text(raw.get("s")), integer(raw.get("i")))
        return key, (integer(raw.get("T")), decimal(raw.get("z")), rank(text(raw.get("X"))))
    except EventFieldError:
        _named(event)
        raise


def order_of_event(event: ExecutionReport, known: Order | None) -> Order:
    """The state an event reports; of an order already ``known``, only its status,
    quantities and time are read (the rest never changes)."""
    raw = event.raw
    try:
        status, qty, executed = text(raw.get("X")), decimal(raw.get("q")), decimal(raw.get("z"))
        quote, at = decimal(raw.get("Z")), integer(raw.get("T"))
        if known is not None:
            return Order(known.symbol, known.order_id, known.client_order_id, known.side, known.type,
                         known.time_in_force, status, known.price, qty, executed, quote, known.stop_price,
                         known.time, at)  # fmt: skip
        # A cancel report's "c" is the cancel request's id; the order's own id is then in "C".
        client_id = raw.get("C") if raw.get("x") == "CANCELED" and raw.get("C") else raw.get("c")
        return Order(text(raw.get("s")), integer(raw.get("i")), text(client_id), text(raw.get("S")),
                     text(raw.get("o")), text(raw.get("f")), status, decimal(raw.get("p")), qty, executed, quote,
                     decimal(raw.get("P")), integer(raw.get("O")), at)  # fmt: skip
    except EventFieldError:
        _named(event)
        raise


def fill_of_event(event: ExecutionReport) -> Fill | None:
    """The fill an ``executionReport`` carries: only those with ``x == "TRADE"``."""
    raw = event.raw
    if raw.get("x") != "TRADE":
        return None
    try:
        return Fill(symbol=text(raw.get("s")), order_id=integer(raw.get("i")), trade_id=integer(raw.get("t")),
                    price=decimal(raw.get("L")), qty=decimal(raw.get("l")), quote_qty=decimal(raw.get("Y")),
                    commission=decimal(raw.get("n")), commission_asset=_optional_text(raw.get("N")),
                    time=integer(raw.get("T")), is_maker=boolean(raw.get("m")))  # fmt: skip
    except EventFieldError:
        _named(event)
        raise


def fill_of_trade(item: Mapping[str, Any]) -> Fill:
    """A ``myTrades`` entry; ``quoteQty`` is optional there (then price x qty)."""
    price, qty = _dec(item["price"]), _dec(item["qty"])
    quote = item.get("quoteQty")
    return Fill(
        symbol=str(item["symbol"]),
        order_id=_int(item["orderId"]),
        trade_id=_int(item["id"]),
        price=price,
        qty=qty,
        quote_qty=price * qty if quote is None else _dec(quote),
        commission=_dec(item["commission"]),
        commission_asset=item.get("commissionAsset"),
        time=_int(item["time"]),
        is_maker=bool(item["isMaker"]),
        source="resync",
    )
