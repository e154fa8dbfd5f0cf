"""``demo``: the listen-key lifecycle against the bundled local Binance, or against ``--host``.

Only an explicit ``--host`` sends the demo to a real server: an exported BINANCE_API_KEY
or BINANCE_HOST alone never does, so ``binance-spot demo`` cannot touch an account by surprise.
"""

import argparse
import threading

from binance_spot.cli.arguments import Commands
from binance_spot.cli.client import connect, create_token
from binance_spot.cli.commands.token import expiry_text
from binance_spot.cli.errors import EXIT_OK
from binance_spot.cli.output import Output

LEGACY_PATH = "/sapi/v1/userDataStream"
HELP = "show the lifecycle against a local Binance (no API key, no network), or against --host"

#: How long the local demo waits for each step before calling it a failure.
STEP_TIMEOUT = 5.0


def register(commands: Commands) -> None:
    commands.add("demo", HELP, run)


def run(args: argparse.Namespace, out: Output) -> int:
    return live(args, out) if args.host else local(out, args.verbose)


def _short(key: str | None) -> str:
    return f"{(key or '')[:8]}..."


def _waited(event: threading.Event, what: str) -> None:
    if not event.wait(STEP_TIMEOUT):
        raise RuntimeError(f"demo: {what} did not happen within {STEP_TIMEOUT:.0f} s")


def local(out: Output, verbose: bool = False) -> int:
    """Walk through the lifecycle against the local server, intervals shortened to fractions of a second."""
    from binance_spot import ApiClient, ApiException, Configuration, MarginStreamApi
    from binance_spot.manager import ListenKeyManager, ListenTokenFunctions
    from binance_spot.testing import BinanceServer

    with (
        BinanceServer() as server,
        ApiClient(Configuration(host=server.url, api_key={"X-MBX-APIKEY": "demo"})) as client,
    ):
        client.configuration.debug = verbose
        out.event("server", f"local Binance at {server.url}; intervals shortened from 30 minutes to 0.2 s")
        renewed, replaced = threading.Event(), threading.Event()
        with ListenKeyManager(
            MarginStreamApi(client),
            interval=0.2,
            on_renewed=lambda key: renewed.set(),
            on_new_key=lambda old, new: replaced.set(),
        ) as manager:
            first = manager.listen_key
            out.event("created", f"POST    created listen key {_short(first)}", key=_short(first))
            _waited(renewed, "a keepalive")
            out.event("renewed", "PUT     kept it alive (Binance wants one every 30 minutes)")
            server.expire(first or "")
            out.event("expired", "        the server expired it, as Binance does after 60 minutes without keepalive")
            _waited(replaced, "the recreation")
            second = manager.listen_key
            text = f"-1125   the manager created {_short(second)}: reconnect the websocket with it"
            out.event("recreated", text, key=_short(second))
        out.event("closed", f"DELETE  stop() closed it; active keys on the server: {len(server.listen_keys)}")

        server.retired = True
        try:
            MarginStreamApi(client).sapi_v1_user_data_stream_post()
        except ApiException as exc:
            text = (
                f"{exc.status}     since 2026-02-20 Binance retired /sapi/v1/userDataStream: listen tokens replace it"
            )
            out.event("retired", text)
        tokens = ListenTokenFunctions(lambda: create_token(client, None, 1500))
        token_renewed = threading.Event()
        with ListenKeyManager(tokens, on_new_key=lambda old, new: token_renewed.set(), token_margin=0.5) as manager:
            out.event("token", f"POST    listen token {_short(manager.listen_key)}, valid 1.5 s here (24 h on Binance)")
            _waited(token_renewed, "the token renewal")
            text = f"POST    new token {_short(manager.listen_key)} before the old one expired: subscribe again with it"
            out.event("token_renewed", text)
    return EXIT_OK


def live(args: argparse.Namespace, out: Output) -> int:
    """The demo against a real host: the legacy key if it still answers, else its replacements."""
    from binance_spot import EndpointRetiredException, MarginRiskStreamApi, MarginStreamApi

    with connect(args) as client:
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
        out.event(
            "token", f"POST /sapi/v1/userListenToken: a listen token valid until {expiry_text(token.expiration_time)}"
        )
    return EXIT_OK
