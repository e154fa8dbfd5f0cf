"""``python -m binance_spot.testing``: serve a local Binance until Ctrl-C or SIGTERM.

Stdout gets only ``export`` lines (``BINANCE_HOST``, ``BINANCE_API_KEY``, ``BINANCE_SECRET_KEY``)
that point every example of the docs at this server; stderr gets one line per request.
``python -m binance_spot.testing ACTION ...`` (``push-event``, ``drop-streams``, ...) drives a
running server from another terminal instead (``control.py``).
"""

import argparse
import os
import secrets
import signal
import sys
import time
from collections.abc import Sequence
from types import FrameType
from typing import NoReturn

PROG = "python -m binance_spot.testing"
#: The API key printed when neither ``--api-key`` nor ``BINANCE_API_KEY`` gives one.
DEFAULT_API_KEY = "local-test-key"
#: Exit codes: served until a signal / could not listen (port busy, bad address) / usage error /
#: stdout closed before the export lines were written (128 + SIGPIPE, as a shell reports it).
EXIT_OK, EXIT_CANNOT_LISTEN, EXIT_USAGE, EXIT_STDOUT_CLOSED = 0, 1, 2, 141


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Serve an imitation of Binance's listen-key and listen-token endpoints. Stdout: export "
        "lines for the shell that runs your code; stderr: one line per request.",
        epilog="exit codes: 0 stopped by Ctrl-C or SIGTERM, 1 cannot listen (port busy, bad address), 2 usage, "
        f"141 stdout closed before the export lines. From another terminal: {PROG} {{{','.join(_actions())}}} --help",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free one)")
    parser.add_argument(
        "--retired",
        action="store_true",
        help="answer the retired /sapi/v1/userDataStream paths with 410, as production",
    )
    parser.add_argument(
        "--api-key",
        action="extend",
        nargs="+",
        dest="api_keys",
        metavar="KEY",
        help="accept only these API keys (default: any well-formed key; the first is exported)",
    )
    parser.add_argument(
        "--secret-key",
        metavar="SECRET",
        help="the secret that signed requests are checked with (default: $BINANCE_SECRET_KEY, else a random one)",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log on stderr")
    return parser


def _exports(url: str, api_key: str, secret: str, from_env: set[str]) -> list[str]:
    """Shell lines; a value taken from the environment is not printed again (it may be real)."""
    lines = [f"export BINANCE_HOST={url}"]
    for name, value in (("BINANCE_API_KEY", api_key), ("BINANCE_SECRET_KEY", secret)):
        lines.append(f"export {name}  # from your environment" if name in from_env else f"export {name}={value}")
    return lines


class _Stop(Exception):
    """Raised by the signal handler, only while ``main`` sleeps: unlike ``Event.set()`` there, it
    cannot deadlock on a lock."""


class _Signals:
    """Ctrl-C and SIGTERM. During start-up a signal is only noted, so it cannot land inside an
    import, a lock or a thread's start and leave them half done; start-up is short and ends by
    checking the note. Once ``main`` sleeps, a signal raises ``_Stop`` there."""

    def __init__(self) -> None:
        self.received = False
        self.sleeping = False
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.received = True
        if self.sleeping:
            self.sleeping = False  # one signal stops; more must not interrupt the stop
            raise _Stop

    def sleep(self) -> NoReturn:
        """Sleep until a signal (at once if one came during start-up)."""
        self.sleeping = True
        if self.received:
            raise _Stop
        while True:
            time.sleep(3600)


def _actions() -> tuple[str, ...]:
    from binance_spot.testing.control import ACTIONS

    return ACTIONS


def main(argv: Sequence[str] | None = None) -> int:
    """Print the export lines, then serve until Ctrl-C or SIGTERM; or run one ``ACTION`` against a server."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and not argv[0].startswith("-"):  # the server takes no positional argument: an action
        from binance_spot.testing.control import main as control

        return control(argv, PROG)
    signals = _Signals()
    server = None
    try:
        args = _parser().parse_args(argv)
        api_key, secret, from_env = _credentials(args)
        from binance_spot.testing.clock import OffsetClock
        from binance_spot.testing.server import BinanceServer

        server = BinanceServer(
            clock=OffsetClock(),  # real time, which advance-clock moves ahead
            api_keys=args.api_keys,
            secret_keys={key: secret for key in (args.api_keys or [api_key])},
            retired=args.retired,
            host=args.host,
            port=args.port,
            access_log=None if args.quiet else sys.stderr,
        )
        try:
            server.start()
        except (OSError, OverflowError, ValueError) as exc:  # busy port, unknown host, port out of range
            print(f"{PROG}: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
            return EXIT_CANNOT_LISTEN
        if signals.received:
            return EXIT_OK
        try:
            print("\n".join(_exports(server.url, api_key, secret, from_env)), flush=True)
        except BrokenPipeError:  # nobody reads the exports: serving would serve no one
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error again at exit
            print(f"{PROG}: stdout closed before the export lines were written", file=sys.stderr)
            return EXIT_STDOUT_CLOSED
        print(f"{PROG}: serving at {server.url}; Ctrl-C stops it", file=sys.stderr, flush=True)
        ws = server.url.replace("http://", "ws://", 1)
        print(f"{PROG}: WebSocket API at {ws}/ws-api/v3, risk stream at {ws}/ws/<listenKey>", file=sys.stderr)
        print(f"{PROG}: from another terminal with these exports: {PROG} push-event '{{\"e\": ...}}' | drop-streams | "
              "shutdown-streams | place-order | fill-order | advance-clock SECONDS | ...",
              file=sys.stderr, flush=True)  # fmt: skip
        signals.sleep()
    except _Stop:
        return EXIT_OK
    finally:
        if server is not None:
            server.stop()


def _credentials(args: argparse.Namespace) -> tuple[str, str, set[str]]:
    """The API key and secret to serve with, and which of them came from the environment."""
    from_env = set()
    api_key = (args.api_keys or [None])[0] or os.environ.get("BINANCE_API_KEY")
    if api_key is None:
        api_key = DEFAULT_API_KEY
    elif not args.api_keys:
        from_env.add("BINANCE_API_KEY")
    secret = args.secret_key or os.environ.get("BINANCE_SECRET_KEY")
    if secret is None:
        secret = secrets.token_hex(32)
    elif not args.secret_key:
        from_env.add("BINANCE_SECRET_KEY")
    return api_key, secret, from_env


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # before the handlers were installed
        sys.exit(130)
