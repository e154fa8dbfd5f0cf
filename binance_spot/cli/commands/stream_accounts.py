"""``stream --accounts FILE``: many accounts' margin events on few connections, each printed with
its account; ``--accounts-demo``: 100 accounts on one connection of a local Binance.

The file holds one account a line, ``LABEL KEY SECRET [SYMBOL]`` (``#`` starts a
comment): keys never go on the command line, and a file others may read is refused.
"""

import functools
import os
import stat
import sys
import time
from typing import Any

from binance_spot.cli.arguments import symbol as check_symbol
from binance_spot.cli.client import checked
from binance_spot.cli.errors import EXIT_OK, EXIT_STDOUT_CLOSED, OutputClosed, UsageError
from binance_spot.cli.output import Output
from binance_spot.cli.signals import StopSignals, follow

__all__ = ["demo_accounts", "read_accounts", "run_accounts", "show_item"]

DEMO_ACCOUNTS = 100


def read_accounts(path: str) -> list[tuple[str, str, str, str | None]]:
    """(label, API key, secret key, isolated symbol or None) per line of ``path``; a
    ``UsageError`` naming the line (never its keys) for anything else."""
    try:
        with open(path, encoding="utf-8") as file:
            mode = os.fstat(file.fileno()).st_mode
            if os.name == "posix" and mode & (stat.S_IROTH | stat.S_IWOTH):
                raise UsageError(f"{path}: other users may read it; it holds secret keys (chmod 600 {path})")
            lines = file.read().splitlines()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    accounts: list[tuple[str, str, str, str | None]] = []
    for number, line in enumerate(lines, 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) not in (3, 4):
            raise UsageError(f"{path}, line {number}: expected LABEL KEY SECRET [SYMBOL]")
        where = f"{path}, line {number}"
        label, key, secret = checked(where, fields[0]), checked(where, fields[1]), checked(where, fields[2])
        isolated = _symbol(where, fields[3]) if len(fields) == 4 else None
        if any(label == seen[0] for seen in accounts):
            raise UsageError(f"{where}: the label {label!r} is used twice")
        accounts.append((label, key, secret, isolated))
    if not accounts:
        raise UsageError(f"{path}: no accounts in it")
    return accounts


def _symbol(where: str, value: str) -> str:
    try:
        return check_symbol(value)
    except Exception as exc:
        raise UsageError(f"{where}: {exc}") from None


def show(out: Output, label: Any, event: Any) -> None:
    if out.as_json:
        from binance_spot._redact import redact_json

        out.data({"account": str(label), "type": type(event).__name__, "event": redact_json(event.raw)})
    else:
        from binance_spot.cli.lines import event_line

        out.line(f"{time.strftime('%H:%M:%S')}  {label}  {event_line(event)}")


def show_item(out: Output, item: Any) -> None:
    """An account's event after its label; a refused account on stderr."""
    from binance_spot.stream import AccountFailed

    if type(item) is AccountFailed:
        print(f"binance-spot: account {item.account}: refused, no longer followed: {item.error}", file=sys.stderr)
    else:
        show(out, item.account, item.event)


def run_accounts(args: Any, out: Output) -> int:
    from binance_spot import ApiClient, Configuration
    from binance_spot._urllib3 import Urllib3Transport
    from binance_spot.stream import MarginAccountsStream

    accounts = read_accounts(args.accounts)

    def config(key: str, secret: str | None) -> Configuration:
        made = Configuration(host=args.host, api_key={"X-MBX-APIKEY": key})
        made.secret_key = secret
        if args.timeout is not None:
            made.request_timeout = (args.timeout, args.timeout)
        return made

    transport = Urllib3Transport(config(accounts[0][1], None))  # one pool of HTTP connections for all
    with StopSignals() as signals, MarginAccountsStream(args.ws_url) as stream:
        for label, key, secret, isolated in accounts:
            stream.add(label, ApiClient(config(key, secret), transport=transport), isolated)
        if not out.as_json:
            print(f"binance-spot: following {len(accounts)} accounts; Ctrl-C stops", file=sys.stderr)
        try:
            signals.follow(stream, functools.partial(show_item, out), out)
        except OutputClosed:
            return EXIT_STDOUT_CLOSED
    transport.close()
    return signals.exit_code(out)


def demo_accounts(out: Output) -> int:
    """100 accounts on one connection of a local Binance, one event each, each to its own account."""
    from binance_spot import ApiClient, Configuration
    from binance_spot._urllib3 import Urllib3Transport
    from binance_spot.stream import MarginAccountsStream
    from binance_spot.stream.errors import require_websockets
    from binance_spot.testing import BinanceServer

    require_websockets()

    def say(text: str) -> None:
        if not out.as_json:
            out.line(f"-- {text}")

    with BinanceServer() as server:
        keys = [f"demo-account-{n:03d}" for n in range(DEMO_ACCOUNTS)]
        transport = Urllib3Transport(Configuration(host=server.url))
        url = server.url.replace("http://", "ws://", 1) + "/ws-api/v3"
        say(f"local Binance at {server.url}; {DEMO_ACCOUNTS} accounts, each with its own key")
        with MarginAccountsStream(url, weight_per_minute=6000) as stream:
            for key in keys:
                config = Configuration(host=server.url, api_key={"X-MBX-APIKEY": key})
                stream.add(key, ApiClient(config, transport=transport))
            deadline = time.monotonic() + 10.0
            while sum(map(len, server.stream_subscribers.values())) < DEMO_ACCOUNTS and time.monotonic() < deadline:
                time.sleep(0.02)
            say(f"{DEMO_ACCOUNTS} subscriptions on {len(server.stream_subscribers)} connection(s)")
            for n, key in enumerate(keys):
                server.push_event({"e": "balanceUpdate", "E": n, "a": "BTC", "d": "0.001", "T": n}, api_key=key)
            until = time.monotonic() + 5.0
            seen: list[Any] = []

            def remember(item: Any) -> None:
                seen.append(item)
                show_item(out, item)

            follow(stream, remember, lambda: len(seen) >= DEMO_ACCOUNTS or time.monotonic() > until)
            expected = [(key, n) for n, key in enumerate(keys)]
            own = sorted((item.account, item.event.event_time) for item in seen) == expected
            say(f"{len(seen)} events, each to its own account exactly once: {own}")
            one = len(server.stream_subscribers) == 1
        transport.close()
    return EXIT_OK if own and one else 1
