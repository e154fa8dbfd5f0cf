"""``doctor``: is my setup right? One line per check, each with what to do when it fails.

The checks (``cli/checks.py``) run in order against ``--host`` (default Binance) with the
user's key: the clock against the server's time, the key's permissions, the retired paths,
a listen token, a WebSocket API subscription, a risk-stream key. A server that cannot be
reached ends the run at the first check; any other failure is reported and the run goes on.
"""

import argparse
from typing import Any

from binance_spot.cli import checks
from binance_spot.cli.arguments import Commands
from binance_spot.cli.client import connect
from binance_spot.cli.errors import EXIT_API_ERROR, EXIT_NETWORK, EXIT_OK, failure_of
from binance_spot.cli.output import Output

HELP = "check the clock, the key's permissions, retired paths, listen tokens and the WebSocket API"

#: Binance's codes that a setup causes, and what to do about each.
FIXES = {
    -1021: "synchronise the clock (NTP): the request's timestamp was outside the recvWindow",
    -1022: "BINANCE_SECRET_KEY is not the secret of this API key",
    -2014: "the API key is malformed: copy it again from API Management",
    -2015: "check the key in API Management: it may be deleted, lack a permission, or not allow this IP",
}
NETWORK_FIX = "check --host / BINANCE_HOST, your network, proxy and firewall"

STEPS = (
    ("clock", checks.clock),
    ("key", checks.key),
    ("retired", checks.retired),
    ("token", checks.token),
    ("subscribe", checks.subscribe),
    ("risk", checks.risk),
)


def register(commands: Commands) -> None:
    commands.add("doctor", HELP, run)


def _failed(name: str, exc: Exception) -> tuple[checks.Check, int]:
    """The line an exception gives, and the exit code it would have given the other commands."""
    failure = failure_of(exc)
    fix = FIXES.get(failure.code or 0) or failure.hint
    if failure.exit_code == EXIT_NETWORK and fix is None:
        fix = NETWORK_FIX
    return checks.Check(name, checks.FAIL, failure.message.removeprefix("binance-spot: "), fix), failure.exit_code


def _show(out: Output, check: checks.Check) -> None:
    fix = f" -> {check.fix}" if check.fix and check.status != checks.OK else ""
    out.result(f"{check.status.upper():<5} {check.name:<11} {check.message}{fix}", check._asdict())


def run(args: argparse.Namespace, out: Output) -> int:
    code = EXIT_OK
    with connect(args) as client:
        if not out.as_json:
            out.line(f"binance-spot doctor: {client.configuration.host}")
        for name, step in STEPS:
            try:
                found: Any = step(client)
            except Exception as exc:  # each becomes its line; Ctrl-C still ends the run
                line, exit_code = _failed(name, exc)
                _show(out, line)
                code = code or exit_code
                if exit_code == EXIT_NETWORK and name == "clock":
                    return EXIT_NETWORK  # nothing else can answer either
                continue
            for line in found if isinstance(found, list) else [found]:
                _show(out, line)
                if line.status == checks.FAIL:
                    code = code or EXIT_API_ERROR
    return code
