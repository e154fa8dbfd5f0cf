"""``main``: parse, run one command, and turn whatever ends it into an exit code.

Nothing reaches the user as a traceback: each failure is one line on stderr, or one JSON
object on stdout under ``--json`` (usage errors included), with the exit code documented in
``binance-spot --help`` and docs/CLI.md. Only ``--verbose`` adds the traceback of a bug.
"""

import sys
from collections.abc import Sequence

from binance_spot.cli.errors import EXIT_INTERNAL, EXIT_STDOUT_CLOSED, OutputClosed, failure_of
from binance_spot.cli.output import Output, quiet_logs


def _wants(option: str, argv: Sequence[str]) -> bool:
    """Whether ``option`` is on the command line, before any ``--`` (read before parsing, which may fail)."""
    return option in argv[: argv.index("--")] if "--" in argv else option in argv


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``binance-spot`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = Output(as_json=_wants("--json", argv))
    try:
        from binance_spot.cli.arguments import build_parser
        from binance_spot.cli.commands import COMMANDS

        parser = build_parser(COMMANDS)
        try:
            args = parser.parse_args(argv)
        except SystemExit as done:  # --help and --version print, then exit 0
            return done.code if isinstance(done.code, int) else 0
        quiet_logs(out, bool(getattr(args, "verbose", False)))
        return int(args.run(args, out))
    except OutputClosed:
        return EXIT_STDOUT_CLOSED
    except BrokenPipeError:  # --help into a closed pipe
        out.gone()
        return EXIT_STDOUT_CLOSED
    except (Exception, KeyboardInterrupt) as exc:
        failure = failure_of(exc)
        if failure.exit_code == EXIT_INTERNAL and _wants("--verbose", argv):
            import traceback

            traceback.print_exc()
        return out.fail(failure)
