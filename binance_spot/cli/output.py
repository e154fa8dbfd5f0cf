"""Results and events on stdout, as text lines or JSON objects; failures as one line or object;
the package's log (retries, websockets' complaints) as one line each, never a traceback.

A reader that goes away (``binance-spot keep | head -1``) must end the command, not crash
it: a write to a closed stdout, or a poll that sees the pipe's reader gone, marks the output
closed and points stdout at the null device, so that nothing else (not even the
interpreter's flush at exit) fails on it again.
"""

import json
import logging
import os
import sys
import threading
from datetime import datetime
from typing import Any

from binance_spot._redact import redact_text
from binance_spot.cli.errors import Failure, OutputClosed


class Output:
    """Prints readable lines, or one JSON object per line with ``--json``."""

    def __init__(self, as_json: bool, stamped: bool = False) -> None:
        self.as_json = as_json
        self.stamped = stamped
        self.closed = threading.Event()

    def line(self, text: str) -> None:
        """Write one line; raise OutputClosed when the reader is gone."""
        if self.closed.is_set():
            raise OutputClosed
        try:
            print(text, flush=True)
        except BrokenPipeError:
            self._close()
            raise OutputClosed from None

    def data(self, value: Any) -> None:
        self.line(json.dumps(value, separators=(",", ":")))

    def event(self, event: str, text: str, **fields: Any) -> None:
        """A step of a long-running command: a message, plus the fields under ``--json``."""
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        if self.as_json:
            self.data({"time": now, "event": event, "message": text, **fields})
        else:
            self.line(f"{now}  {text}" if self.stamped else text)

    def result(self, text: str, value: Any) -> None:
        """A one-shot command's answer: ``text`` by default, ``value`` as JSON with ``--json``."""
        if self.as_json:
            self.data(value)
        else:
            self.line(text)

    def fail(self, failure: Failure) -> int:
        """Report a failure (stdout under ``--json``, else stderr); return its exit code."""
        try:
            if self.as_json:
                self.data(failure.as_json())
            else:
                print(failure.as_line(), file=sys.stderr, flush=True)
        except (OutputClosed, OSError):
            pass  # nowhere left to tell it: the exit code still does
        return failure.exit_code

    def gone(self) -> bool:
        """True once stdout is closed, checked without writing (a pipe whose reader exited)."""
        if not self.closed.is_set() and _reader_gone():
            self._close()
        return self.closed.is_set()

    def _close(self) -> None:
        self.closed.set()
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass  # not a real file descriptor (an in-process caller's stream)


class _OneLine(logging.Handler):
    """A log record as one masked line on stderr, without its traceback (``--verbose`` shows those)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = " ".join(redact_text(record.getMessage()).split())
            print(f"binance-spot: warning: {line}", file=sys.stderr, flush=True)
        except (OSError, ValueError, TypeError):
            pass  # a closed stderr, or a record whose format is broken: nothing to tell it on


_ONE_LINE = _OneLine(logging.WARNING)
_SILENT = logging.NullHandler()


def quiet_logs(out: Output, verbose: bool) -> None:
    """Without ``--verbose``: warnings of the package (websockets' included) as one line each on
    stderr, nothing under ``--json``; otherwise ``logging.lastResort`` would print tracebacks.
    ``--verbose`` logs everything through ``Configuration.debug`` instead."""
    package = logging.getLogger("binance_spot")
    for old in (_SILENT, _ONE_LINE):
        package.removeHandler(old)
    if not verbose:
        package.addHandler(_SILENT if out.as_json else _ONE_LINE)


def _reader_gone() -> bool:
    import select

    if not hasattr(select, "poll"):
        return False  # Windows: a closed pipe is noticed at the next write
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return False
    poller = select.poll()
    poller.register(fd, 0)  # POLLERR and POLLHUP are reported whatever is asked for
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def say(out: Output, event: str, text: str, **fields: Any) -> None:
    """``out.event`` where stopping is not ours to do (the manager's callbacks, the last words of
    ``keep``): a closed stdout is dropped here and noticed by ``gone()``."""
    try:
        out.event(event, text, **fields)
    except OutputClosed:
        pass
