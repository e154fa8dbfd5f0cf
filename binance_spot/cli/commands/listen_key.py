"""``create``, ``keepalive KEY``, ``close KEY``: one call each to /sapi/v1/userDataStream."""

import argparse

from binance_spot.cli.arguments import Commands, text
from binance_spot.cli.client import connect
from binance_spot.cli.errors import EXIT_OK
from binance_spot.cli.output import Output

KEY_HELP = "the listen key, as create or keep printed it"


def register(commands: Commands) -> None:
    commands.add("create", "create a margin listen key and print it", create, retired=True)
    for name, help, run in (
        ("keepalive", "extend a margin listen key by 60 minutes", keepalive),
        ("close", "close a margin listen key", close),
    ):
        commands.add(name, help, run, retired=True).add_argument("key", metavar="KEY", type=text, help=KEY_HELP)


def create(args: argparse.Namespace, out: Output) -> int:
    from binance_spot import MarginStreamApi

    with connect(args) as client:
        result = MarginStreamApi(client).sapi_v1_user_data_stream_post()
        out.result(f"listen key: {result.listen_key}", client.sanitize_for_serialization(result))
    return EXIT_OK


def keepalive(args: argparse.Namespace, out: Output) -> int:
    from binance_spot import MarginStreamApi

    with connect(args) as client:
        answer = MarginStreamApi(client).sapi_v1_user_data_stream_put(listen_key=args.key)
    out.result("kept the listen key alive for 60 minutes", answer or {})
    return EXIT_OK


def close(args: argparse.Namespace, out: Output) -> int:
    from binance_spot import MarginStreamApi

    with connect(args) as client:
        answer = MarginStreamApi(client).sapi_v1_user_data_stream_delete(listen_key=args.key)
    out.result("closed the listen key", answer or {})
    return EXIT_OK
