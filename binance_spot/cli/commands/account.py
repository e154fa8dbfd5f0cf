"""``account``: a margin account's balances and open orders, one line each (what REST says now);
``--watch`` follows it live (``cli/live_account``: resyncs and what they found), ``--demo`` shows
a fill missed while the connection was cut and found by the resync."""

import argparse
import os
from datetime import datetime
from decimal import Decimal
from typing import Any

from binance_spot.cli.arguments import Commands, text
from binance_spot.cli.client import connect
from binance_spot.cli.errors import EXIT_OK, UsageError
from binance_spot.cli.output import Output

BALANCE_FIELDS = ("free", "locked", "borrowed", "interest", "net_asset")


def register(commands: Commands) -> None:
    parser = commands.add("account", "print the margin account's balances and open orders (signed)", run)
    parser.add_argument(
        "--isolated", type=text, metavar="SYMBOL", help="isolated margin account of SYMBOL (default: cross margin)"
    )
    parser.add_argument("--symbols", metavar="SYMBOL", type=text, nargs="+", help="with --watch: the symbols you trade")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--watch", action="store_true", help="follow the account live until Ctrl-C (the account view)")
    mode.add_argument("--demo", action="store_true", help="on a local Binance: a fill missed while cut, then found")


def run(args: argparse.Namespace, out: Output) -> int:
    from binance_spot.cli import live_account

    if args.demo:
        return live_account.demo(out)
    if not os.environ.get("BINANCE_SECRET_KEY"):
        raise UsageError("account needs BINANCE_SECRET_KEY: the margin account calls are signed (USER_DATA)")
    if args.watch:
        return live_account.watch(args, out)
    from binance_spot import MarginAccountApi

    with connect(args) as client:
        margin = MarginAccountApi(client)
        if args.isolated:
            pairs = margin.sapi_v1_margin_isolated_account_get(symbols=args.isolated).assets
            balances = [asset for pair in pairs for asset in (pair.base_asset, pair.quote_asset)]
            orders = margin.sapi_v1_margin_open_orders_get(symbol=args.isolated, is_isolated="TRUE")
        else:
            balances = margin.sapi_v1_margin_account_get().user_assets
            orders = margin.sapi_v1_margin_open_orders_get()  # every symbol: Binance charges 10 per symbol trading
    held = [b for b in balances if any(getattr(b, name) for name in BALANCE_FIELDS)]
    value = {"balances": [_balance_json(b) for b in held], "openOrders": [_order_json(o) for o in orders]}
    out.result("\n".join(_report(held, len(balances), orders)), value)
    return EXIT_OK


def _report(held: list[Any], total: int, orders: list[Any]) -> list[str]:
    lines = [f"balances: {len(held)} of {total} assets held" + (":" if held else "")]
    lines += [
        f"  {b.asset:<6} free {b.free:f}  locked {b.locked:f}  borrowed {b.borrowed:f}  "
        f"interest {b.interest:f}  net {b.net_asset:f}"
        for b in held
    ]
    lines.append(f"open orders: {len(orders)}" + (":" if orders else ""))
    lines += [
        f"  {o.symbol} {o.side} {o.type} {o.executed_qty:f}/{o.orig_qty:f} at {o.price:f} {o.status} "
        f"id {o.order_id} ({o.client_order_id}) since {_time(o.time)}"
        for o in orders
    ]
    return lines


def _time(ms: int) -> str:
    try:
        return datetime.fromtimestamp(ms / 1000).astimezone().isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):  # a time no calendar holds: shown as it came
        return f"{ms} ms"


def _plain(value: Any) -> Any:
    return f"{value:f}" if isinstance(value, Decimal) else value


def _balance_json(balance: Any) -> dict[str, Any]:
    return {"asset": balance.asset, **{name: _plain(getattr(balance, name)) for name in BALANCE_FIELDS}}


def _order_json(order: Any) -> dict[str, Any]:
    return {name: _plain(value) for name, value in order.to_dict().items() if value is not None}
