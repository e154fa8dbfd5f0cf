"""``stream``: print margin user-data (or risk) events as they arrive until Ctrl-C, SIGTERM or a
closed stdout; ``--demo`` shows renewals, a forced drop and the gap marker on a local Binance.

``websockets`` (the ``stream`` extra) is imported only when the command runs.
"""

import argparse
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from binance_spot._redact import MASK, redact_json
from binance_spot.cli.arguments import Commands, symbol, websocket_url
from binance_spot.cli.client import connect
from binance_spot.cli.errors import EXIT_OK, EXIT_STDOUT_CLOSED, OutputClosed, UsageError
from binance_spot.cli.output import Output
from binance_spot.cli.signals import StopSignals, follow

if TYPE_CHECKING:
    from binance_spot.stream import Event

HELP = "print margin events as they arrive until Ctrl-C, SIGTERM or stdout closes"


def register(commands: Commands) -> None:
    sub = commands.add("stream", HELP, run)
    kind = sub.add_mutually_exclusive_group()
    isolated = "the isolated margin account of SYMBOL (default: cross)"
    kind.add_argument("--isolated", type=symbol, metavar="SYMBOL", help=isolated)
    kind.add_argument("--risk", action="store_true", help="the risk stream: margin calls, liability changes")
    kind.add_argument("--demo", action="store_true", help="renewals, a forced drop and a gap on a local Binance")
    many = "many accounts on few connections, one a line: LABEL KEY SECRET [SYMBOL] (not readable by others)"
    kind.add_argument("--accounts", metavar="FILE", help=many)
    kind.add_argument("--accounts-demo", action="store_true", help="100 accounts on one connection of a local Binance")
    sub.add_argument(
        "--ws-url",
        type=websocket_url,
        metavar="URL",
        help="WebSocket API URL (default: $BINANCE_WS_URL, else derived from --host)",
    )
    sub.add_argument(
        "--risk-url",
        type=websocket_url,
        metavar="URL",
        help="risk stream base URL (default: $BINANCE_RISK_URL, else derived from --host)",
    )


def _show(out: Output, event: "Event") -> None:
    """``--json``: the typed fields (decimals as Binance's strings) and the event as Binance sent
    it, secrets (a ``listenKeyExpired``'s key) masked in both; else one short line."""
    if out.as_json:
        from binance_spot.exceptions import EventFieldError

        try:
            fields: Any = event.to_dict(json=True)
        except EventFieldError as exc:
            fields = {"error": str(exc)}
        else:
            secret = {name for name, field in event.fields().items() if field.secret}
            fields = {name: MASK if name in secret and value is not None else value for name, value in fields.items()}
        out.data({"type": type(event).__name__, "fields": fields, "event": redact_json(event.raw)})
    else:
        from binance_spot.cli.lines import event_line

        out.line(f"{time.strftime('%H:%M:%S')}  {event_line(event)}")


def run(args: argparse.Namespace, out: Output) -> int:
    if args.demo:
        if args.host:  # the demo drives its own server (events, a drop): it cannot run against another
            raise UsageError("--demo runs on its own local server and takes no --host (drop --demo to stream from it)")
        return demo(out)
    if args.accounts_demo or args.accounts:
        from binance_spot.cli.commands.stream_accounts import demo_accounts, run_accounts

        if args.accounts_demo and args.host:
            raise UsageError("--accounts-demo runs on its own local server and takes no --host")
        return demo_accounts(out) if args.accounts_demo else run_accounts(args, out)
    from binance_spot.stream import MarginRiskStream, MarginUserDataStream

    with connect(args) as client, StopSignals() as signals:
        stream: Any = (
            MarginRiskStream(client, risk_url=args.risk_url)
            if args.risk
            else MarginUserDataStream(client, symbol=args.isolated, ws_url=args.ws_url)
        )
        with stream:
            if not out.as_json:  # a blank screen would look like a hang: say where it listens
                what = "risk" if args.risk else f"isolated {args.isolated}" if args.isolated else "cross margin"
                print(f"binance-spot: subscribed ({what}); waiting for events, Ctrl-C stops", file=sys.stderr)
            try:
                signals.follow(stream, lambda event: _show(out, event), out)
            except OutputClosed:
                return EXIT_STDOUT_CLOSED
    return signals.exit_code(out)


def demo(out: Output) -> int:
    """Events, renewals with none lost, a forced drop and its gap marker: about a second."""
    from binance_spot import ApiClient, Configuration
    from binance_spot.stream import Gap, MarginUserDataStream
    from binance_spot.stream.errors import require_websockets
    from binance_spot.testing import BinanceServer

    require_websockets()  # before the header: without the extra, the error is the only line

    def say(text: str) -> None:
        if not out.as_json:
            out.line(f"-- {text}")

    # Tokens of 0.5 s renewed every 0.05 s: a busy machine may delay a renewal by 0.45 s before
    # Binance ends the subscription (with 0.2 s tokens, a loaded test run saw that second gap).
    with BinanceServer(min_token_validity_ms=1) as server:
        config = Configuration(host=server.url, api_key={"X-MBX-APIKEY": "demo-key"})
        say(f"local Binance at {server.url}; tokens live 0.5 s, renewed 0.45 s before they expire")
        options: dict[str, Any] = {"token_validity": 0.5, "renew_before": 0.45, "backoff": (0.05, 1.0)}
        with ApiClient(config) as client, MarginUserDataStream(client, **options) as stream:
            pushed, stop = [0], threading.Event()

            def push() -> None:
                while not stop.wait(0.02):
                    if server.push_event({"e": "balanceUpdate", "E": pushed[0], "a": "BTC", "d": "0.001", "T": 1}):
                        pushed[0] += 1

            threading.Thread(target=push, daemon=True).start()
            received: list[Any] = []
            deadline = time.monotonic() + 0.3
            show = _recording(out, received)
            follow(stream, show, lambda: time.monotonic() > deadline)
            in_order = received == list(range(len(received)))
            renewals = len(_tokens(server)) - 1
            last = len(received) - 1
            say(f"{renewals} renewals on one connection; events 0..{last}, none lost, none twice: {in_order}")
            say("cutting the connection (as a network failure would)")
            server.drop_streams()
            limit = time.monotonic() + 3.0  # the gap marker, then a few events after it

            def after_the_gap() -> bool:
                gap_at = next((i for i, seen in enumerate(received) if isinstance(seen, Gap)), None)
                return time.monotonic() > limit or (gap_at is not None and len(received) > gap_at + 5)

            follow(stream, show, after_the_gap)
            stop.set()
            gaps = [seen for seen in received if isinstance(seen, Gap)]
            say(f"reconnected with a new token ({len(set(_tokens(server)))} tokens used); gap markers: {len(gaps)}")
    return EXIT_OK if in_order and gaps else 1


def _recording(out: Output, seen: list[Any]) -> Callable[[Any], None]:
    """``_show``, remembering event times (and gap markers) for the demo's checks."""
    from binance_spot.stream import Gap

    def show(event: Any) -> None:
        seen.append(event if isinstance(event, Gap) else event.event_time)
        _show(out, event)

    return show


def _tokens(server: Any) -> list[str]:
    subscribes = [m.message for m in server.stream_messages if m.message.get("method", "").endswith("listenToken")]
    return [message["params"]["listenToken"] for message in subscribes]
