"""``binance-spot stream``: print margin user-data (or risk) events as they arrive; ``--demo``
shows renewal, a forced drop and the gap marker on the local server in a few seconds.

Kept apart from ``cli.py``, which registers the command; ``websockets`` is imported only
when the command runs.
"""

import argparse
import json
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:
    from binance_spot.api_client import ApiClient
    from binance_spot.stream import Event

__all__ = ["add_stream_command", "cmd_stream", "cmd_stream_demo"]


def add_stream_command(command: Callable[[str, str, Callable[..., int]], argparse.ArgumentParser]) -> None:
    sub = command("stream", "print margin events as they arrive until Ctrl-C, SIGTERM or a closed stdout", cmd_stream)
    kind = sub.add_mutually_exclusive_group()
    kind.add_argument("--isolated", metavar="SYMBOL", help="the isolated margin account of SYMBOL (default: cross)")
    kind.add_argument("--risk", action="store_true", help="the risk stream: margin calls, liability changes")
    kind.add_argument("--demo", action="store_true", help="renewal, a forced drop and a gap on a local Binance")
    sub.set_defaults(local_run=cmd_stream_demo)


def _line(event: "Event", as_json: bool) -> str:
    if as_json:
        return json.dumps({"type": type(event).__name__, "event": event.raw}, separators=(",", ":"))
    return f"{time.strftime('%H:%M:%S')}  {event!r}"


def _consume(stream: Any, as_json: bool, until: Callable[[], bool]) -> Optional[int]:
    """Print events until ``until()``; None then, 0 when stdout was closed by the reader."""
    from binance_spot.stream import StreamClosed

    while not until():
        try:
            event = stream.get(timeout=0.2)
        except TimeoutError:
            continue
        except StreamClosed:
            return None
        try:
            print(_line(event, as_json), flush=True)
        except (BrokenPipeError, ValueError):  # the reader went away: a normal end of a pipe
            _quiet_stdout()
            return 0
    return None


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def cmd_stream(args: argparse.Namespace, client: "ApiClient") -> int:
    from binance_spot.cli import StopSignals
    from binance_spot.stream import MarginRiskStream, MarginUserDataStream

    stream: Any = MarginRiskStream(client) if args.risk else MarginUserDataStream(client, symbol=args.isolated)
    with StopSignals() as signals, stream:
        closed = _consume(stream, args.json, lambda: signals.received is not None)
    if closed is not None:
        return closed
    return 128 + signals.received if signals.received else 0


def cmd_stream_demo(args: argparse.Namespace) -> int:
    """Events, renewals with none lost, a forced drop and its gap marker: about three seconds."""
    from binance_spot import ApiClient, Configuration
    from binance_spot.stream import Gap, MarginUserDataStream
    from binance_spot.testing import BinanceServer

    def say(text: str) -> None:
        if not args.json:
            print(f"-- {text}", flush=True)

    with BinanceServer() as server:
        config = Configuration(host=server.url, api_key={"X-MBX-APIKEY": "demo-key"})
        say(f"local Binance at {server.url}; tokens live 0.2 s, renewed 0.15 s before they expire")
        with (
            ApiClient(config) as client,
            MarginUserDataStream(client, token_validity=0.2, renew_before=0.15, backoff=(0.05, 1.0)) as stream,
        ):
            pushed, stop = [0], threading.Event()

            def push() -> None:
                while not stop.wait(0.02):
                    if server.push_event({"e": "balanceUpdate", "E": pushed[0], "a": "BTC", "d": "0.001", "T": 1}):
                        pushed[0] += 1

            pusher = threading.Thread(target=push, daemon=True)
            pusher.start()
            received: list[Any] = []
            deadline = time.monotonic() + 0.3
            _consume(_Recorder(stream, received), args.json, lambda: time.monotonic() > deadline)
            renewals = len(_tokens(server))
            in_order = received == list(range(len(received)))
            count = len(received)
            say(f"{renewals - 1} renewals on one connection; events 0..{count - 1}, none lost, none twice: {in_order}")
            say("cutting the connection (as a network failure would)")
            server.drop_streams()
            limit = time.monotonic() + 3.0  # the gap marker, then a few events after it

            def after_the_gap() -> bool:
                gap_at = next((i for i, seen in enumerate(received) if isinstance(seen, Gap)), None)
                return time.monotonic() > limit or (gap_at is not None and len(received) > gap_at + 5)

            _consume(_Recorder(stream, received), args.json, after_the_gap)
            stop.set()
            gaps = [event for event in received if isinstance(event, Gap)]
            say(f"reconnected with a new token ({len(set(_tokens(server)))} tokens used); gap markers: {len(gaps)}")
    return 0 if in_order and gaps else 1


class _Recorder:
    """Passes ``get`` through, remembering event times (and gap markers) for the demo's checks."""

    def __init__(self, stream: Any, seen: list[Any]) -> None:
        self.stream, self.seen = stream, seen

    def get(self, timeout: float) -> Any:
        from binance_spot.stream import Gap

        event = self.stream.get(timeout)
        self.seen.append(event if isinstance(event, Gap) else event.event_time)
        return event


def _tokens(server: Any) -> list[str]:
    subscribes = [m.message for m in server.stream_messages if m.message.get("method", "").endswith("listenToken")]
    return [message["params"]["listenToken"] for message in subscribes]
