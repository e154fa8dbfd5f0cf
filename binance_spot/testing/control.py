"""``python -m binance_spot.testing ACTION``: drive a running local server from a second terminal.

The server is found at ``--url`` or ``$BINANCE_HOST`` (what the server's ``export`` lines
set), must be on this machine, and is reached through its admin endpoint (``admin.py``).
One line on stdout says what happened; a refusal is one line on stderr.
"""

import argparse
import http.client
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from binance_spot.testing._serve import MAX_BODY_BYTES
from binance_spot.testing.admin import ADMIN_PREFIX, MAX_ADVANCE

#: Exit codes: done / refused by the server or unreachable / usage error.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Seconds to wait for the server's answer, and the most of it read.
TIMEOUT, MAX_ANSWER = 5.0, 65_536
_LOCAL = ("127.0.0.1", "localhost", "::1", "[::1]")

_HELP = {
    "push-event": "send a user-data event to every listen-token subscription, or to one account's (--api-key)",
    "push-risk-event": "send a risk-stream event to every risk-stream connection",
    "drop-streams": "cut every WebSocket connection without a close frame (the streams reconnect)",
    "shutdown-streams": "announce serverShutdown on every WebSocket API connection",
    "expire-keys": "expire every listen key now (the next keepalive gets -1125)",
    "advance-clock": "move the server's clock forward (keys and tokens expire on it)",
    "place-order": "open a limit order in the margin account of $BINANCE_API_KEY (its events go to its streams)",
    "fill-order": "fill an open order, all of what is left or QUANTITY of it",
    "cancel-order": "cancel an open order",
    "transfer": "transfer AMOUNT of ASSET into the account (negative: out of it)",
}
#: What each account action takes from the command line, in order.
_ACCOUNT_ARGUMENTS = {
    "place-order": ("symbol", "side", "quantity", "price"),
    "fill-order": ("order_id", "quantity"),
    "cancel-order": ("order_id",),
    "transfer": ("asset", "amount"),
}
ACTIONS = tuple(_HELP)


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise _Usage(message)


def _event(text: str) -> dict[str, Any]:
    if len(text.encode("utf-8", "surrogateescape")) > MAX_BODY_BYTES:
        raise argparse.ArgumentTypeError(f"is larger than the {MAX_BODY_BYTES} bytes the server reads")
    try:
        event = json.loads(text)
    except ValueError:
        raise argparse.ArgumentTypeError('must be a JSON object, e.g. \'{"e": "balanceUpdate", ...}\'') from None
    if not (isinstance(event, dict) and isinstance(event.get("e"), str)):
        raise argparse.ArgumentTypeError('must be a JSON object with a string "e" (the event type)')
    return event


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_ADVANCE:  # NaN and infinities fail too
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0 and at most {MAX_ADVANCE:.0f}")
    return value


def _parser(prog: str) -> _Parser:
    parser = _Parser(prog=prog, description="Drive a running local Binance from another terminal.")
    sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser, metavar="ACTION")
    for action, help in _HELP.items():
        command = sub.add_parser(action, help=help, description=f"{help}.")
        command.add_argument("--url", help="the server (default: $BINANCE_HOST, as its export lines set it)")
        if action.startswith("push"):
            command.add_argument("event", type=_event, help='the event as JSON: \'{"e": "balanceUpdate", ...}\'')
        if action == "push-event":
            command.add_argument("--api-key", metavar="KEY", help="only the subscriptions of this account")
            command.add_argument("--isolated", metavar="SYMBOL", help="its isolated margin account of SYMBOL")
        elif action == "advance-clock":
            command.add_argument("seconds", type=_seconds, help="seconds to move forward")
        elif action in _ACCOUNT_ARGUMENTS:
            command.add_argument("--isolated", metavar="SYMBOL", help="the isolated margin account of SYMBOL")
            for name in _ACCOUNT_ARGUMENTS[action]:
                optional = action == "fill-order" and name == "quantity"
                command.add_argument(
                    name, type=int if name == "order_id" else str, nargs="?" if optional else None,
                    help="decimal, e.g. 0.5" if name in ("quantity", "price", "amount") else None,
                )  # fmt: skip
            if action == "fill-order":
                command.add_argument("--price", help="the fill's price (default: the order's)")
    return parser


def _account_body(args: argparse.Namespace) -> dict[str, Any]:
    api_key = os.environ.get("BINANCE_API_KEY")
    if not api_key:
        raise _Usage("no account: set BINANCE_API_KEY (the export lines of the server set it)")
    body: dict[str, Any] = {"api_key": api_key, "isolated": args.isolated}
    body.update((name, getattr(args, name)) for name in _ACCOUNT_ARGUMENTS[args.action])
    if args.action == "fill-order":
        body["price"] = args.price
    return body


def _push_body(args: argparse.Namespace) -> dict[str, Any]:
    """The event alone (every subscription), or wrapped with the account it is for."""
    if args.api_key is None:
        if args.isolated is not None:
            raise _Usage("--isolated names an account of an API key: pass --api-key too")
        return dict(args.event)
    return {"event": args.event, "api_key": args.api_key, "isolated": args.isolated}


def _address(url: str | None) -> tuple[str, int]:
    if not url:
        raise _Usage("no server: pass --url or set BINANCE_HOST (the export lines of the server set it)")
    parts = urlsplit(url)
    try:
        port = parts.port or 80
    except ValueError:
        port = 0
    if parts.scheme != "http" or parts.hostname not in _LOCAL or not 0 < port < 65536:
        raise _Usage(f"{url!r} is not a local server (http://127.0.0.1:PORT): the admin endpoint answers only there")
    return str(parts.hostname), port


def _say(action: str, answer: dict[str, Any]) -> str:
    if action.startswith("push"):
        reached = answer.get("reached")
        hint = "" if reached else " (no stream is subscribed yet: start yours first)"
        return f"pushed to {reached} subscription(s){hint}"
    if action == "drop-streams":
        return f"cut {answer.get('dropped')} connection(s)"
    if action == "shutdown-streams":
        return f"announced serverShutdown on {answer.get('announced')} connection(s)"
    if action == "place-order":
        return f"placed order {answer.get('order_id')}"
    if action == "fill-order":
        return f"filled: trade {answer.get('trade_id')}"
    if action == "cancel-order":
        return f"canceled order {answer.get('canceled')}"
    if action == "transfer":
        return f"transferred {answer.get('transferred')}"
    if action == "advance-clock":
        now = answer.get("now")
        if isinstance(now, float):
            now = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds")
        return f"the server's clock is now {now}"
    return "expired every listen key"


def _read(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """At most ``MAX_ANSWER`` bytes, by the deadline: a server that trickles cannot hold us."""
    raw = b""
    while len(raw) < MAX_ANSWER and time.monotonic() < deadline:
        chunk = response.read1(MAX_ANSWER - len(raw))
        if not chunk:
            return raw
        raw += chunk
    if len(raw) < MAX_ANSWER:
        raise TimeoutError(f"no whole answer within {TIMEOUT:.0f} s")
    return raw


def post(url: str | None, action: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to the server's ``/_admin/<action>``; its JSON answer, or RuntimeError saying why not."""
    host, port = _address(url)
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        payload = json.dumps(body).encode()
        connection.request("POST", ADMIN_PREFIX + action, payload, {"Content-Type": "application/json"})
        response = connection.getresponse()
        raw = _read(response, time.monotonic() + TIMEOUT)
    except (OSError, http.client.HTTPException) as exc:
        raise RuntimeError(f"cannot reach the server at {url}: {exc or type(exc).__name__}") from None
    finally:
        connection.close()
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise RuntimeError(f"{url} answered HTTP {response.status} without the admin's JSON: is it a local Binance?")
    if response.status != 200:
        raise RuntimeError(f"the server refused: {answer.get('error')} (HTTP {response.status})")
    return answer


def main(argv: Sequence[str], prog: str) -> int:
    """Run one action against the server; the exit code."""
    try:
        args = _parser(prog).parse_args(argv)
        body: dict[str, Any] = {"seconds": args.seconds} if args.action == "advance-clock" else {}
        if args.action in _ACCOUNT_ARGUMENTS:
            body = _account_body(args)
        elif args.action.startswith("push"):
            body = _push_body(args) if args.action == "push-event" else args.event
        answer = post(args.url or os.environ.get("BINANCE_HOST"), args.action, body)
    except _Usage as exc:
        print(f"{prog}: error: {exc} (see {prog} ACTION --help)", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        print(_say(args.action, answer), flush=True)
    except BrokenPipeError:  # the reader went away (| head): the action was done all the same
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush is quiet
    return EXIT_OK
