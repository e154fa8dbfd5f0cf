"""``binance-spot``: create, keep alive and close listen keys from a shell; ``demo`` shows the lifecycle.

The manager, the local server and the prompt are imported only by the commands that use
them, so ``--help`` and one-shot commands stay light.
"""

import argparse
import json
import os
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Optional

from binance_spot._redact import redact_text
from binance_spot.exceptions import ApiConnectionError, ApiException

if TYPE_CHECKING:
    from binance_spot.api_client import ApiClient
    from binance_spot.manager import ListenKeyManager

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_NETWORK = 3
EXIT_INTERRUPTED = 130

DEFAULT_HOST = "https://api.binance.com"

EPILOG = """\
exit codes:
  0    success
  1    Binance (or the server at --host) answered with an error
  2    usage error, or no API key available
  3    network error: no answer from the server
  130  interrupted (Ctrl-C); keep exits 128 + the signal number (130, 143 for SIGTERM)

The API key comes from --api-key or BINANCE_API_KEY, or is asked for (hidden) when
stdin is a terminal. It is never printed. With BINANCE_SECRET_KEY set, requests to the
token and risk-stream endpoints are signed. demo runs against a local Binance unless an
API key is given, then against --host. Listen keys and tokens are bearer secrets too:
the commands that create them print them because that is what they are for.
"""


class UsageError(Exception):
    """A problem with the command line or the environment; exit code 2."""


# output ------------------------------------------------------------------------


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _print_json(data: Any) -> None:
    print(json.dumps(data, separators=(",", ":")), flush=True)


class Reporter:
    """Prints events as readable lines, or as one JSON object per line with ``--json``."""

    def __init__(self, as_json: bool, stamped: bool = True) -> None:
        self.as_json = as_json
        self.stamped = stamped

    def event(self, event: str, text: str, **fields: Any) -> None:
        if self.as_json:
            _print_json({"time": _now(), "event": event, "message": text, **fields})
        else:
            print(f"{_now()}  {text}" if self.stamped else text, flush=True)

    def error(self, exc: ApiException) -> int:
        """Report a failed command; return its exit code."""
        details = describe_error(exc)
        if self.as_json:
            _print_json({"error": details})
        else:
            print(f"error: {details['message']}", file=sys.stderr, flush=True)
            if details.get("hint"):
                print(details["hint"], file=sys.stderr, flush=True)
        return EXIT_NETWORK if isinstance(exc, ApiConnectionError) else EXIT_API_ERROR


def describe_error(exc: ApiException) -> dict[str, Any]:
    """What a user needs of an ApiException: status, Binance's code and message, the hint."""
    if exc.status is None:
        message = f"network: {redact_text(exc.reason or 'no answer')}"
    elif exc.code is not None:
        message = f"Binance error {exc.code}: {redact_text(exc.msg or '')} (HTTP {exc.status})"
    else:
        message = f"HTTP {exc.status} {exc.reason or ''}".rstrip()
    return {"status": exc.status, "code": exc.code, "msg": exc.msg, "message": message, "hint": exc.hint}


# the client --------------------------------------------------------------------


def _api_key(args: argparse.Namespace) -> str:
    key: Optional[str] = args.api_key or os.environ.get("BINANCE_API_KEY")
    if not key and sys.stdin.isatty():
        import getpass

        key = getpass.getpass("Binance API key (hidden): ").strip()
    if not key:
        raise UsageError("no API key: pass --api-key or set BINANCE_API_KEY")
    return key


def make_client(args: argparse.Namespace) -> "ApiClient":
    from binance_spot import ApiClient, Configuration

    config = Configuration(host=args.host, api_key={"X-MBX-APIKEY": _api_key(args)})
    config.secret_key = os.environ.get("BINANCE_SECRET_KEY") or None
    if args.timeout is not None:
        config.request_timeout = (args.timeout, args.timeout)
    config.debug = args.verbose
    return ApiClient(config)


def create_token(client: "ApiClient", symbol: Optional[str], validity: Optional[int]) -> Any:
    """``POST /sapi/v1/userListenToken``: a model with ``token`` and ``expiration_time`` (ms)."""
    from binance_spot import MarginListenTokenApi

    api = MarginListenTokenApi(client)
    return api.sapi_v1_user_listen_token_post(symbol=symbol, is_isolated=True if symbol else None, validity=validity)


def stream_ops(client: "ApiClient", args: argparse.Namespace) -> Any:
    """What ``keep`` manages: the margin listen key, the risk-stream key, or a listen token."""
    from binance_spot import MarginRiskStreamApi, MarginStreamApi
    from binance_spot.manager import ListenKeyFunctions, ListenTokenFunctions

    if getattr(args, "token", False):
        return ListenTokenFunctions(lambda: create_token(client, args.isolated, args.validity))
    if getattr(args, "risk", False):
        risk = MarginRiskStreamApi(client)
        return ListenKeyFunctions(
            risk.sapi_v1_margin_listen_key_post,
            risk.sapi_v1_margin_listen_key_put,
            risk.sapi_v1_margin_listen_key_delete,
        )
    return MarginStreamApi(client)


# commands ----------------------------------------------------------------------


def cmd_create(args: argparse.Namespace, client: "ApiClient") -> int:
    from binance_spot import MarginStreamApi

    result = MarginStreamApi(client).sapi_v1_user_data_stream_post()
    _print_json(client.sanitize_for_serialization(result))
    return EXIT_OK


def cmd_keepalive(args: argparse.Namespace, client: "ApiClient") -> int:
    from binance_spot import MarginStreamApi

    _print_json(MarginStreamApi(client).sapi_v1_user_data_stream_put(listen_key=args.key) or {})
    return EXIT_OK


def cmd_close(args: argparse.Namespace, client: "ApiClient") -> int:
    from binance_spot import MarginStreamApi

    _print_json(MarginStreamApi(client).sapi_v1_user_data_stream_delete(listen_key=args.key) or {})
    return EXIT_OK


def cmd_token(args: argparse.Namespace, client: "ApiClient") -> int:
    result = create_token(client, args.isolated, args.validity)
    if args.json:
        _print_json(client.sanitize_for_serialization(result))
    else:
        expires = datetime.fromtimestamp(result.expiration_time / 1000).astimezone()
        print(f"token: {result.token}")
        print(f"expires: {expires.isoformat(timespec='seconds')}")
    return EXIT_OK


class StopSignals:
    """While active, SIGINT and SIGTERM only set a flag, so ``keep`` can close its key first."""

    def __init__(self) -> None:
        self.received: Optional[int] = None
        self._event = threading.Event()
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> "StopSignals":
        import signal

        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        import signal

        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: object) -> None:
        self.received = signum
        self._event.set()

    def wait(self) -> int:
        """Block until a signal arrives; return 128 + its number, the shell's convention."""
        while not self._event.wait(0.5):  # a timeout keeps Ctrl-C responsive on Windows
            pass
        return 128 + (self.received or 0)


def cmd_keep(args: argparse.Namespace, client: "ApiClient") -> int:
    from binance_spot.manager import ListenKeyManager

    if not args.token and (args.isolated or args.validity is not None):
        raise UsageError("--isolated and --validity apply to --token only")
    if args.interval >= 3600:
        raise UsageError("--interval must be shorter than the 60 minutes a listen key lives")
    out = Reporter(args.json)
    what = "token" if args.token else "listen key"
    manager = ListenKeyManager(
        stream_ops(client, args),
        interval=args.interval,
        on_new_key=lambda old, new: out.event("new_key", f"new {what}: {new} (reconnect with it)", key=new),
        on_error=lambda exc: out.event("error", f"renewal failed, retrying: {_one_line(exc)}", error=_one_line(exc)),
        on_renewed=lambda key: out.event("renewed", f"renewed the {what}"),
    )
    with StopSignals() as signals:
        manager.start()
        try:
            out.event("created", f"{what}: {manager.listen_key}", key=manager.listen_key)
            _report_expiry(out, manager)
            code = signals.wait()
        finally:
            manager.stop()
    if not manager.tokens:
        out.event("closed", f"closed the {what}")
    return code


def _report_expiry(out: Reporter, manager: "ListenKeyManager") -> None:
    if manager.tokens and manager.expires_at is not None and manager.last_renewed is not None:
        seconds = manager.expires_at - manager.last_renewed
        out.event("expiry", f"valid for {seconds:.0f} s; a new one comes before that", seconds=round(seconds))


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, ApiException):
        return str(describe_error(exc)["message"])
    return f"{type(exc).__name__}: {exc}"


def cmd_demo(args: argparse.Namespace) -> int:
    """Walk through the lifecycle against the local server: no API key, a couple of seconds."""
    from binance_spot import ApiClient, Configuration, MarginStreamApi
    from binance_spot.manager import ListenKeyManager, ListenTokenFunctions
    from binance_spot.testing import BinanceServer

    out = Reporter(args.json, stamped=False)

    def short(key: Optional[str]) -> str:
        return f"{(key or '')[:8]}..."

    def waited(event: threading.Event, what: str) -> None:
        if not event.wait(5):
            raise RuntimeError(f"demo: {what} did not happen within 5 s")

    with BinanceServer() as server:
        config = Configuration(host=server.url, api_key={"X-MBX-APIKEY": "demo-key"})
        with ApiClient(config) as client:
            out.event("server", f"local Binance at {server.url}; intervals shortened from 30 minutes to 0.2 s")
            renewed, replaced = threading.Event(), threading.Event()
            manager = ListenKeyManager(
                MarginStreamApi(client),
                interval=0.2,
                on_renewed=lambda key: renewed.set(),
                on_new_key=lambda old, new: replaced.set(),
            )
            manager.start()
            first = manager.listen_key
            out.event("created", f"POST    created listen key {short(first)}", key=short(first))
            waited(renewed, "a keepalive")
            out.event("renewed", "PUT     kept it alive (Binance wants one every 30 minutes)")
            server.expire(first or "")
            out.event("expired", "        the server expired it, as Binance does after 60 minutes without keepalive")
            waited(replaced, "the recreation")
            second = manager.listen_key
            out.event(
                "recreated",
                f"-1125   the manager created {short(second)}: reconnect the websocket with it",
                key=short(second),
            )
            manager.stop()
            out.event("closed", f"DELETE  stop() closed it; active keys on the server: {len(server.listen_keys)}")

            server.retired = True
            try:
                MarginStreamApi(client).sapi_v1_user_data_stream_post()
            except ApiException as exc:
                out.event(
                    "retired",
                    f"{exc.status}     since 2026-02-20 Binance retired /sapi/v1/userDataStream: "
                    "listen tokens replace it",
                )
            tokens = ListenTokenFunctions(lambda: create_token(client, None, 1500))
            token_renewed = threading.Event()
            with ListenKeyManager(tokens, on_new_key=lambda old, new: token_renewed.set(), token_margin=0.5) as tm:
                token = tm.listen_key
                out.event("token", f"POST    listen token {short(token)}, valid 1.5 s here (24 h on Binance)")
                waited(token_renewed, "the token renewal")
                out.event(
                    "token_renewed",
                    f"POST    new token {short(tm.listen_key)} before the old one expired: subscribe again with it",
                )
    return EXIT_OK


def cmd_demo_live(args: argparse.Namespace, client: "ApiClient") -> int:
    """The demo against a real host: the legacy key if it still answers, else its replacements."""
    from binance_spot import EndpointRetiredException, MarginRiskStreamApi, MarginStreamApi

    out = Reporter(args.json, stamped=False)
    out.event("host", f"running against {args.host}")
    legacy = MarginStreamApi(client)
    try:
        key = legacy.sapi_v1_user_data_stream_post().listen_key
    except EndpointRetiredException as exc:
        out.event("retired", f"POST {exc.status}: Binance retired /sapi/v1/userDataStream on 2026-02-20")
    else:
        legacy.sapi_v1_user_data_stream_put(listen_key=key)
        legacy.sapi_v1_user_data_stream_delete(listen_key=key)
        out.event("legacy", "POST, PUT, DELETE /sapi/v1/userDataStream: created, kept alive and closed a key")
    risk = MarginRiskStreamApi(client)
    key = risk.sapi_v1_margin_listen_key_post().listen_key or ""  # required: never None from the server
    risk.sapi_v1_margin_listen_key_put(key)
    risk.sapi_v1_margin_listen_key_delete(key)
    out.event("risk", "POST, PUT, DELETE /sapi/v1/margin/listen-key: created, kept alive and closed a risk key")
    token = create_token(client, None, 60_000)
    expires = datetime.fromtimestamp(token.expiration_time / 1000).astimezone().isoformat(timespec="seconds")
    out.event("token", f"POST /sapi/v1/userListenToken: a listen token valid until {expires}")
    return EXIT_OK


# the parser --------------------------------------------------------------------


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--api-key", help="Binance API key (default: $BINANCE_API_KEY; prompted when interactive)")
    common.add_argument(
        "--host",
        default=os.environ.get("BINANCE_HOST", DEFAULT_HOST),
        help="API base URL (default: $BINANCE_HOST or %(default)s)",
    )
    common.add_argument("--timeout", type=_positive, metavar="SECONDS", help="connect and read timeout per request")
    common.add_argument("--json", action="store_true", help="machine-readable output: JSON objects, one per line")
    common.add_argument("--verbose", action="store_true", help="log each request and response to stderr, redacted")

    parser = argparse.ArgumentParser(
        prog="binance-spot",
        description="Binance margin listen keys and listen tokens from the command line.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str, run: Callable[..., int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            parents=[common],
            help=help,
            description=help,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(run=run)
        return sub

    command("create", "create a margin listen key and print it as JSON", cmd_create)
    command("keepalive", "extend a margin listen key by 60 minutes", cmd_keepalive).add_argument("key")
    command("close", "close a margin listen key", cmd_close).add_argument("key")

    keep = command("keep", "create a key and keep it alive until Ctrl-C or SIGTERM, then close it", cmd_keep)
    keep.add_argument(
        "--interval",
        type=_positive,
        default=1800.0,
        metavar="SECONDS",
        help="seconds between keepalives (default: %(default)s)",
    )
    kind = keep.add_mutually_exclusive_group()
    kind.add_argument("--token", action="store_true", help="keep a listen token (renewed before it expires)")
    kind.add_argument("--risk", action="store_true", help="keep a margin risk-stream key (/sapi/v1/margin/listen-key)")
    _token_options(keep)

    _token_options(command("token", "create a margin listen token; print it and its expiry", cmd_token))
    command(
        "demo",
        "show the whole lifecycle against a local Binance (no API key), or against --host with one",
        cmd_demo_live,
    )
    return parser


def _token_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--isolated", metavar="SYMBOL", help="isolated margin account of SYMBOL (default: cross)")
    parser.add_argument("--validity", type=int, metavar="MS", help="token validity in milliseconds (max 24 h)")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    out = Reporter(args.json)
    run: Callable[..., int] = args.run
    try:
        if args.command == "demo" and not (args.api_key or os.environ.get("BINANCE_API_KEY")):
            return cmd_demo(args)
        with make_client(args) as client:
            return run(args, client)
    except UsageError as exc:
        print(f"binance-spot: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except ApiException as exc:
        return out.error(exc)
