"""The API client the options describe: API key, host, timeout, signing, verbosity."""

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from binance_spot.cli.arguments import host, problem_of_secret
from binance_spot.cli.errors import UsageError

if TYPE_CHECKING:
    from binance_spot.api_client import ApiClient


def api_key(args: argparse.Namespace) -> str:
    """--api-key, else $BINANCE_API_KEY, else asked for without echo when stdin is a terminal."""
    key: str | None = args.api_key
    where = "--api-key"
    if not key:
        key, where = os.environ.get("BINANCE_API_KEY"), "BINANCE_API_KEY"
    if not key and sys.stdin.isatty():
        import getpass

        key, where = getpass.getpass("Binance API key (hidden): ").strip(), "the API key typed"
    if not key:
        raise UsageError("no API key: pass --api-key or set BINANCE_API_KEY")
    problem = problem_of_secret(key)
    if problem:
        raise UsageError(f"{where} {problem}")
    return key


def host_of(args: argparse.Namespace) -> str:
    """--host, else $BINANCE_HOST (checked like --host), else Binance's production API."""
    if args.host:
        return str(args.host)
    from binance_spot._spec import DEFAULT_HOST

    configured = os.environ.get("BINANCE_HOST")
    if not configured:
        return DEFAULT_HOST
    try:
        return host(configured)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"BINANCE_HOST {exc}") from None


def secret_key() -> str | None:
    value = os.environ.get("BINANCE_SECRET_KEY") or None
    problem = problem_of_secret(value) if value else None
    if problem:
        raise UsageError(f"BINANCE_SECRET_KEY {problem}")
    return value


def connect(args: argparse.Namespace) -> "ApiClient":
    """An ApiClient for the command; use it as a context manager."""
    from binance_spot import ApiClient, Configuration

    config = Configuration(host=host_of(args), api_key={"X-MBX-APIKEY": api_key(args)})
    config.secret_key = secret_key()
    if args.timeout is not None:
        config.request_timeout = (args.timeout, args.timeout)
    config.debug = args.verbose
    return ApiClient(config)


def create_token(client: "ApiClient", symbol: str | None, validity: int | None) -> Any:
    """``POST /sapi/v1/userListenToken``: a model with ``token`` and ``expiration_time`` (ms)."""
    from binance_spot import MarginListenTokenApi

    api = MarginListenTokenApi(client)
    return api.sapi_v1_user_listen_token_post(symbol=symbol, is_isolated=True if symbol else None, validity=validity)
