"""The account view on a terminal: ``account --watch`` follows a real account, ``account --demo``
one of the bundled local server, where an order fills while the connection is cut and the
resync report finds the fill. Every change is one line (or one JSON object with ``--json``).
"""

import argparse
import functools
import time
from decimal import Decimal
from typing import Any

from binance_spot.cli.client import connect
from binance_spot.cli.errors import EXIT_OK, EXIT_STDOUT_CLOSED, OutputClosed
from binance_spot.cli.output import Output
from binance_spot.cli.signals import StopSignals, follow

__all__ = ["demo", "describe", "watch"]


def _amount(value: Decimal) -> str:
    return f"{value.normalize():f}"


def describe(change: Any) -> str:
    """One line for a change of the view (``binance_spot.account.changes``)."""
    kind = type(change).__name__
    if kind == "OrderUpdate":
        o = change.order
        return (f"order {o.symbol} #{o.order_id} {o.side} {o.status}: {_amount(o.executed_qty)}/"
                f"{_amount(o.orig_qty)} at {_amount(o.price)}")  # fmt: skip
    if kind == "Fill":
        return (f"fill {change.symbol} #{change.order_id} trade {change.trade_id}: {_amount(change.qty)} at "
                f"{_amount(change.price)} ({change.source})")  # fmt: skip
    if kind == "BalanceChange":
        new = change.new
        held = "gone" if new is None else f"free {_amount(new.free)} locked {_amount(new.locked)}"
        return f"balance {change.asset}: {held} ({change.cause})"
    if kind == "Live":
        return f"live: snapshot taken with {len(change.calls)} calls, weight {change.weight}"
    if change.reason == "ambiguous":
        return (f"took the account again (a balance event too close to the snapshot to order): "
                f"{len(change.balance_changes)} balances changed; weight {change.weight}")  # fmt: skip
    blind = "" if change.lost_at is None else f" (blind {max(0, (change.resumed_at or 0) - change.lost_at)} ms)"
    return (f"resynced after {change.reason}{blind}: {len(change.missed_fills)} missed fills, "
            f"{len(change.closed)} orders closed, {len(change.opened)} opened, {len(change.balance_changes)} "
            f"balances changed; {len(change.calls)} calls, weight {change.weight}")  # fmt: skip


def _json(change: Any) -> dict[str, Any]:
    """A change as JSON: its fields, amounts as decimal strings, calls as kind/params/weight."""
    return {"type": type(change).__name__, **_plain(change)}


def _plain(value: Any) -> Any:
    from dataclasses import fields, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return _amount(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _show(out: Output, view: Any, change: Any) -> None:
    """One change (a resync's missed fills under it), then the holdings after a snapshot."""
    if out.as_json:
        out.data(_json(change))
    else:
        out.line(f"{time.strftime('%H:%M:%S')}  {describe(change)}")
        if type(change).__name__ == "Resync":
            for fill in change.missed_fills:
                out.line(f"          found: {describe(fill)}")
    if type(change).__name__ in ("Live", "Resync"):
        _holdings(out, view)


def _holdings(out: Output, view: Any) -> None:
    if out.as_json:
        return
    snapshot = view.snapshot()
    for asset, b in sorted(snapshot.balances.items()):
        out.line(f"  {asset}: free {_amount(b.free)} locked {_amount(b.locked)} borrowed {_amount(b.borrowed)}")
    for o in snapshot.open_orders.values():
        out.line(f"  open: {o.symbol} #{o.order_id} {o.side} {_amount(o.orig_qty)} at {_amount(o.price)} {o.status}")


def watch(args: argparse.Namespace, out: Output) -> int:
    from binance_spot.account import MarginAccountView

    with connect(args) as client, StopSignals() as signals:
        view = MarginAccountView(client, symbol=args.isolated, symbols=args.symbols or (), start_timeout=0.001)
        with view:
            try:
                signals.follow(view, functools.partial(_show, out, view), out)
            except OutputClosed:
                return EXIT_STDOUT_CLOSED
    return signals.exit_code(out)


def demo(out: Output) -> int:
    """An order filled while the connection is cut, and the resync report that finds it: ~2 s."""
    from binance_spot import ApiClient, Configuration
    from binance_spot.account import MarginAccountView
    from binance_spot.testing import BinanceServer

    def say(text: str) -> None:
        if not out.as_json:
            out.line(f"-- {text}")

    key, secret = "demo-key", "demo-secret"
    with BinanceServer(api_keys=[key], secret_keys={key: secret}) as server:
        account = server.account(key)
        account.set_balance("USDT", free="1000")
        config = Configuration(host=server.url, api_key={"X-MBX-APIKEY": key})
        config.secret_key = secret
        say(f"local Binance at {server.url}; a cross margin account with 1000 USDT")
        options: dict[str, Any] = {"symbols": ["BTCUSDT"], "backoff": (0.5, 1.0), "skew_ms": 50}  # one clock here
        with ApiClient(config) as client, MarginAccountView(client, **options) as view:
            seen: list[Any] = []
            order = account.place_order("BTCUSDT", "BUY", "0.01", "50000")
            say(f"placed order #{order}: buy 0.01 BTC at 50000 (live)")

            def show(change: Any) -> None:
                seen.append(change)  # for the demo's checks
                _show(out, view, change)

            follow(view, show, lambda: len([c for c in seen if _is(c, "OrderUpdate")]) >= 1)
            say("cutting the connection, then filling the order while the view is blind")
            server.drop_streams()
            trade = account.fill(order)
            limit = time.monotonic() + 10.0
            follow(view, show, lambda: time.monotonic() > limit or bool(_after_gap(seen)))
            reports = _after_gap(seen)
            found = [f.trade_id for r in reports for f in r.missed_fills]
            say(f"the resync found trade {trade}: {found == [trade]}; the view is stale: {view.stale}")
    return EXIT_OK if found == [trade] else 1


def _after_gap(seen: list[Any]) -> list[Any]:
    return [c for c in seen if _is(c, "Resync") and c.lost_at is not None]


def _is(change: Any, kind: str) -> bool:
    return type(change).__name__ == kind
