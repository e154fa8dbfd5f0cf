"""``token``: create a margin listen token (the replacement of the retired listen key)."""

import argparse
from datetime import datetime

from binance_spot.cli.arguments import Commands, symbol, validity
from binance_spot.cli.client import connect, create_token
from binance_spot.cli.errors import EXIT_OK
from binance_spot.cli.output import Output


def register(commands: Commands) -> None:
    add_token_options(commands.add("token", "create a margin listen token; print it and its expiry", run))


def add_token_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--isolated", type=symbol, metavar="SYMBOL", help="isolated margin account of SYMBOL (default: cross margin)"
    )
    parser.add_argument(
        "--validity", type=validity, metavar="MS", help="token validity in milliseconds (default and maximum: 24 h)"
    )


def expiry_text(expiration_ms: int) -> str:
    return datetime.fromtimestamp(expiration_ms / 1000).astimezone().isoformat(timespec="seconds")


def run(args: argparse.Namespace, out: Output) -> int:
    with connect(args) as client:
        result = create_token(client, args.isolated, args.validity)
        text = f"token: {result.token}\nexpires: {expiry_text(result.expiration_time)}"
        out.result(text, client.sanitize_for_serialization(result))
    return EXIT_OK
