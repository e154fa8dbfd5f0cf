"""``keep``: create a key, renew it until Ctrl-C, SIGTERM or a closed stdout, then close it."""

import argparse
from typing import TYPE_CHECKING, Any

from binance_spot.cli.arguments import Commands, interval
from binance_spot.cli.client import connect, create_token
from binance_spot.cli.commands.token import add_token_options
from binance_spot.cli.errors import UsageError, failure_of
from binance_spot.cli.output import Output, say
from binance_spot.cli.signals import StopSignals

if TYPE_CHECKING:
    from binance_spot.api_client import ApiClient
    from binance_spot.manager import ListenKeyManager

HELP = "create a key and keep it alive until Ctrl-C, SIGTERM or stdout closes, then close it"
RETIRED_NOTE = "Without --token or --risk, keep uses the retired /sapi/v1/userDataStream"


def register(commands: Commands) -> None:
    keep = commands.add("keep", HELP, run)
    keep.description = f"{HELP}. {RETIRED_NOTE}: Binance's production API answers HTTP 410 there since 2026-02-20."
    keep.add_argument(
        "--interval",
        type=interval,
        metavar="SECONDS",
        help="seconds between keepalives of a listen key (default: 1800; not with --token)",
    )
    kind = keep.add_mutually_exclusive_group()
    kind.add_argument("--token", action="store_true", help="keep a listen token (a new one before each expires)")
    kind.add_argument("--risk", action="store_true", help="keep a margin risk-stream key (/sapi/v1/margin/listen-key)")
    add_token_options(keep)


def stream_ops(client: "ApiClient", args: argparse.Namespace) -> Any:
    """What ``keep`` manages: the margin listen key, the risk-stream key, or a listen token."""
    from binance_spot import MarginRiskStreamApi, MarginStreamApi
    from binance_spot.manager import ListenKeyFunctions, ListenTokenFunctions

    if args.token:
        return ListenTokenFunctions(lambda: create_token(client, args.isolated, args.validity))
    if args.risk:
        risk = MarginRiskStreamApi(client)
        return ListenKeyFunctions(
            risk.sapi_v1_margin_listen_key_post,
            risk.sapi_v1_margin_listen_key_put,
            risk.sapi_v1_margin_listen_key_delete,
        )
    return MarginStreamApi(client)


def run(args: argparse.Namespace, out: Output) -> int:
    from binance_spot.manager import ListenKeyManager

    if not args.token and (args.isolated or args.validity is not None):
        raise UsageError("--isolated and --validity apply to --token only")
    if args.token and args.interval is not None:
        raise UsageError("--interval applies to listen keys: a token is replaced before it expires")
    out.stamped = True
    what = "token" if args.token else "listen key"

    def failed(exc: BaseException) -> None:
        text = failure_of(exc).message
        say(out, "error", f"renewal failed, retrying: {text}", error=text)

    with connect(args) as client, StopSignals() as signals:
        try:
            manager = ListenKeyManager(
                stream_ops(client, args),
                interval=1800.0 if args.interval is None else args.interval,
                on_new_key=lambda old, new: say(out, "new_key", f"new {what}: {new} (reconnect with it)", key=new),
                on_error=failed,
                on_renewed=lambda key: say(out, "renewed", f"renewed the {what}"),
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        manager.start()
        try:
            out.event("created", f"{what}: {manager.listen_key}", key=manager.listen_key)
            _report_expiry(out, manager)
            code = signals.wait(out.gone)
        finally:
            manager.stop()
        if not manager.uses_tokens:
            say(out, "closed", f"closed the {what}")
    return code


def _report_expiry(out: Output, manager: "ListenKeyManager") -> None:
    if manager.uses_tokens:
        seconds = manager.valid_for
        out.event("expiry", f"valid for {seconds:.0f} s; a new one comes before that", seconds=round(seconds))
