"""The API client the options and the environment describe: API key, host, timeout, signing, verbosity."""

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from binance_spot.cli.arguments import text
from binance_spot.cli.errors import UsageError

if TYPE_CHECKING:
    from binance_spot.api_client import ApiClient


def api_key(args: argparse.Namespace) -> str:
    """--api-key, else $BINANCE_API_KEY, else asked for without echo when stdin is a terminal."""
    if args.api_key:
        return str(args.api_key)  # checked by the parser
    key, where = os.environ.get("BINANCE_API_KEY"), "BINANCE_API_KEY"
    if not key and sys.stdin.isatty():
        import getpass

        key, where = getpass.getpass("Binance API key (hidden): ").strip(), "the API key typed"
    if not key:
        raise UsageError("no API key: pass --api-key or set BINANCE_API_KEY")
    return checked(where, key)


def checked(where: str, value: str) -> str:
    """``value`` if the parser would take it as a key, else UsageError naming ``where``."""
    try:
        return text(value)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"{where}: {exc}") from None


def connect(args: argparse.Namespace) -> "ApiClient":
    """An ApiClient for the command (use it as a context manager); the host defaults to $BINANCE_HOST."""
    from binance_spot import ApiClient, Configuration

    config = Configuration(host=args.host, api_key={"X-MBX-APIKEY": api_key(args)})
    secret = os.environ.get("BINANCE_SECRET_KEY")
    config.secret_key = checked("BINANCE_SECRET_KEY", secret) if secret else None
    if args.timeout is not None:
        config.request_timeout = (args.timeout, args.timeout)
    config.debug = args.verbose
    return ApiClient(config)


def create_token(client: "ApiClient", symbol: str | None, validity: int | None) -> Any:
    """``POST /sapi/v1/userListenToken``: a model with ``token`` and ``expiration_time`` (ms)."""
    from binance_spot import MarginListenTokenApi

    api = MarginListenTokenApi(client)
    return api.sapi_v1_user_listen_token_post(symbol=symbol, is_isolated=True if symbol else None, validity=validity)
