"""``account``: the margin account; ``--watch`` follows it live (resyncs and what they found),
``--demo`` shows a fill missed while the connection was cut and found by the resync."""

import argparse

from binance_spot.cli.arguments import Commands, text
from binance_spot.cli.output import Output

HELP = "the margin account: --watch follows it live, --demo shows a resync on a local Binance"


def register(commands: Commands) -> None:
    sub = commands.add("account", HELP, run)
    sub.add_argument("--isolated", metavar="SYMBOL", type=text, help="the isolated margin account of SYMBOL")
    sub.add_argument("--symbols", metavar="SYMBOL", type=text, nargs="+", help="the symbols you trade (cross)")
    mode = sub.add_mutually_exclusive_group(required=True)
    mode.add_argument("--watch", action="store_true", help="follow the account live until Ctrl-C")
    mode.add_argument("--demo", action="store_true", help="a fill missed while cut, found by the resync")


def run(args: argparse.Namespace, out: Output) -> int:
    from binance_spot.cli import live_account

    if args.demo:
        return live_account.demo(out)
    return live_account.watch(args, out)
