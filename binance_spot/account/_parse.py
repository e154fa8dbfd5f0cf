"""Reading Binance's shapes: REST answers and stream events into the core's values.

REST amounts are decimal strings, read exactly. A malformed answer raises one of
``MALFORMED``: the core then treats the call as failed (stale, never wrong).
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from binance_spot.account.changes import Fill
from binance_spot.account.state import Balance, Order
from binance_spot.exceptions import EventFieldError
from binance_spot.models.execution_report import ExecutionReport

__all__ = [
    "MALFORMED",
    "balances_of_account",
    "fill_of_event",
    "fill_of_trade",
    "net_of",
    "order_of_event",
    "order_of_rest",
    "pairs_of",
]

MALFORMED = (KeyError, TypeError, ValueError, ArithmeticError, AttributeError, EventFieldError)


def _dec(value: Any) -> Decimal:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise TypeError(f"expected a decimal string, got {type(value).__name__}")
    return Decimal(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def net_of(free: Decimal, locked: Decimal, borrowed: Decimal, interest: Decimal) -> Decimal:
    return free + locked - borrowed - interest


def _balance(item: Mapping[str, Any]) -> Balance:
    return Balance(
        asset=str(item["asset"]),
        free=_dec(item["free"]),
        locked=_dec(item["locked"]),
        borrowed=_dec(item["borrowed"]),
        interest=_dec(item["interest"]),
        net=_dec(item["netAsset"]),
    )


def balances_of_account(body: Any, isolated: bool) -> dict[str, Balance]:
    """Every asset of a cross margin account (``userAssets``) or of the one isolated pair."""
    if isolated:
        (pair,) = body["assets"]
        items = [pair["baseAsset"], pair["quoteAsset"]]
    else:
        items = body["userAssets"]
    return {b.asset: b for b in map(_balance, items)}


def pairs_of(body: Any) -> dict[str, tuple[str, str]]:
    """Symbol -> (base, quote) from ``allPairs`` (or from an isolated account's ``assets``)."""
    if isinstance(body, dict):
        return {p["symbol"]: (p["baseAsset"]["asset"], p["quoteAsset"]["asset"]) for p in body["assets"]}
    return {str(p["symbol"]): (str(p["base"]), str(p["quote"])) for p in body}


def order_of_rest(item: Mapping[str, Any]) -> Order:
    return Order(
        symbol=str(item["symbol"]),
        order_id=_int(item["orderId"]),
        client_order_id=str(item["clientOrderId"]),
        side=str(item["side"]),
        type=str(item["type"]),
        time_in_force=str(item["timeInForce"]),
        status=str(item["status"]),
        price=_dec(item["price"]),
        orig_qty=_dec(item["origQty"]),
        executed_qty=_dec(item["executedQty"]),
        cumulative_quote_qty=_dec(item["cummulativeQuoteQty"]),
        stop_price=_dec(item.get("stopPrice", "0")),
        time=_int(item["time"]),
        update_time=_int(item["updateTime"]),
    )


def order_of_event(event: ExecutionReport) -> Order:
    # A cancel report's "c" is the cancel request's id; the order's own id is then in "C".
    client_id = event.client_order_id
    if event.execution_type == "CANCELED" and event.raw.get("C"):
        client_id = event.original_client_order_id
    return Order(
        symbol=event.symbol,
        order_id=event.order_id,
        client_order_id=client_id,
        side=event.side,
        type=event.order_type,
        time_in_force=event.time_in_force,
        status=event.order_status,
        price=event.price,
        orig_qty=event.quantity,
        executed_qty=event.cumulative_filled_quantity,
        cumulative_quote_qty=event.cumulative_quote_quantity,
        stop_price=event.stop_price,
        time=event.order_creation_time,
        update_time=event.transaction_time,
    )


def fill_of_event(event: ExecutionReport) -> Fill | None:
    """The fill an ``executionReport`` carries: only those with ``x == "TRADE"``."""
    if event.execution_type != "TRADE":
        return None
    return Fill(
        symbol=event.symbol,
        order_id=event.order_id,
        trade_id=event.trade_id,
        price=event.last_executed_price,
        qty=event.last_executed_quantity,
        quote_qty=event.last_quote_quantity,
        commission=event.commission_amount,
        commission_asset=event.commission_asset,
        time=event.transaction_time,
        is_maker=event.is_maker,
    )


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
