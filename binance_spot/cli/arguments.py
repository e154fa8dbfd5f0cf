"""The parser: common options, the value checks of every argument, one subparser per command.

Every value is checked here, before anything is sent, and refused with a message that
names the argument but never repeats a secret. Parse errors raise UsageError instead of
printing usage and exiting, so ``app`` reports them like every other failure.
"""

import argparse
import math
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from binance_spot.cli.errors import EXIT_CODES, UsageError

MAX_VALIDITY_MS = 24 * 3600 * 1000
KEY_LIFETIME = 3600.0
MIN_INTERVAL = 0.1

EPILOG = f"""\
The API key comes from --api-key or BINANCE_API_KEY, or is asked for (hidden) when stdin is
a terminal; it is never printed. The host comes from --host or BINANCE_HOST (default
https://api.binance.com); demo uses its own local server unless --host is given. With
BINANCE_SECRET_KEY set, token and risk-stream requests are signed; account needs it.

{EXIT_CODES}
"""

SUB_EPILOG = "API key, host, exit codes: binance-spot --help"

RETIRED = (
    "Binance retired /sapi/v1/userDataStream on 2026-02-20: its production API answers HTTP 410; "
    "use `token`, `keep --token` or `keep --risk` there."
)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are UsageError exceptions, and which takes no abbreviations."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments:"):
            # the values may be secrets given to a mistyped option: name only the options
            words = message.split(":", 1)[1].split()
            options = [w.split("=", 1)[0] for w in words if w.startswith("-")]
            message = f"unrecognized arguments: {' '.join(options) or f'{len(words)} extra value(s)'}"
        raise UsageError(f"{message} (see {self.prog} --help)")


# value checks --------------------------------------------------------------------


def seconds(text: str) -> float:
    """A finite, positive number of seconds (``nan`` and ``inf`` parse as floats: refused here)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("must be a finite number of seconds greater than 0")
    return value


def interval(text: str) -> float:
    value = seconds(text)
    if not MIN_INTERVAL <= value < KEY_LIFETIME:
        raise argparse.ArgumentTypeError(
            f"must be at least {MIN_INTERVAL} s and shorter than the {KEY_LIFETIME:.0f} s a listen key lives"
        )
    return value


def validity(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_VALIDITY_MS:
        raise argparse.ArgumentTypeError(f"must be whole milliseconds from 1 to {MAX_VALIDITY_MS} (24 hours)")
    return int(text)


def text(value: str) -> str:
    """A key, token or symbol: not empty, and no control character (the runtime's rule, checked now)."""
    from binance_spot._validate import check_text
    from binance_spot.exceptions import ApiValueError

    if not value.strip():
        raise argparse.ArgumentTypeError("is empty")
    try:
        check_text("the value", value)
    except ApiValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def host(value: str) -> str:
    """An http(s) base URL without user info, query or fragment (the runtime's rule, checked now)."""
    from binance_spot._validate import check_host
    from binance_spot.exceptions import ApiValueError

    try:
        return check_host("the URL", value)
    except ApiValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def websocket_url(value: str) -> str:
    """A ws(s) URL by the stream's own rule, checked now (the message never repeats it)."""
    from binance_spot._validate import check_websocket_url
    from binance_spot.exceptions import ApiValueError

    try:
        return check_websocket_url("the URL", value)
    except ApiValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# the parser ----------------------------------------------------------------------


def common_options() -> Parser:
    """The options every command takes."""
    common = Parser(add_help=False)
    common.add_argument(
        "--api-key",
        type=text,
        metavar="KEY",
        help="Binance API key (default: $BINANCE_API_KEY; asked for when interactive)",
    )
    common.add_argument(
        "--host",
        type=host,
        metavar="URL",
        help="API base URL (default: $BINANCE_HOST, else https://api.binance.com; demo: its local server)",
    )
    common.add_argument("--timeout", type=seconds, metavar="SECONDS", help="connect and read timeout per request")
    common.add_argument("--json", action="store_true", help="machine output: one JSON object per line, errors too")
    common.add_argument("--verbose", action="store_true", help="log each request and response to stderr, redacted")
    return common


class Commands:
    """Adds subcommands that share the common options and a short epilog."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self._sub = parser.add_subparsers(
            dest="command", metavar="COMMAND", required=True, parser_class=Parser, help="(COMMAND --help: its options)"
        )
        self._common = common_options()

    def add(self, name: str, help: str, run: Callable[..., int], retired: bool = False) -> argparse.ArgumentParser:
        """A subcommand ``name`` whose ``run(args, out)`` returns the exit code."""
        description = f"{help}. {RETIRED}" if retired else f"{help}."
        sub = self._sub.add_parser(
            name,
            parents=[self._common],
            help=f"{help} (retired by Binance)" if retired else help,
            description=description,
            epilog=SUB_EPILOG,
        )
        sub.set_defaults(run=run)
        return sub


def build_parser(modules: Sequence[Any]) -> Parser:
    """The whole parser; each module of ``modules`` adds its command with ``register(commands)``."""
    from binance_spot import __version__

    parser = Parser(
        prog="binance-spot",
        description="Binance margin listen keys, listen tokens, streams and accounts from the command line.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = Commands(parser)
    for module in modules:
        module.register(commands)
    return parser
