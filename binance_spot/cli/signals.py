"""Waiting for the end of a long-running command: Ctrl-C, SIGTERM, or stdout closed by its reader;
``follow`` passes on what a stream or an account view yields while it waits."""

import signal
import threading
from collections.abc import Callable
from typing import Any

from binance_spot.cli.errors import EXIT_OK, EXIT_STDOUT_CLOSED
from binance_spot.cli.output import Output

#: How often a wait looks at stdout (and ``follow`` at its ``until``); also keeps Ctrl-C responsive on Windows.
POLL = 0.2


class StopSignals:
    """While active, the first SIGINT or SIGTERM only sets a flag, so ``keep`` can close its key.

    A second one acts as usual (KeyboardInterrupt, or termination), for a user who will not
    wait for a hanging close.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self._event = threading.Event()
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> "StopSignals":
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: object) -> None:
        self.received = signum
        self._event.set()
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def wait(self, output_gone: Callable[[], bool]) -> int:
        """Block until a signal (128 + its number, the shell's convention) or a closed stdout."""
        while not self._event.wait(POLL):
            if output_gone():
                return EXIT_STDOUT_CLOSED
        return 128 + (self.received or 0)

    def follow(self, source: Any, show: Callable[[Any], None], out: Output) -> None:
        """``follow`` until a signal, a closed stdout or the end of ``source``."""
        follow(source, show, lambda: self.received is not None or out.gone())

    def exit_code(self, out: Output) -> int:
        """After ``follow``: 141 for a closed stdout, 128 + the signal's number, 0 when the source ended."""
        if out.gone():
            return EXIT_STDOUT_CLOSED
        return 128 + self.received if self.received else EXIT_OK


def follow(source: Any, show: Callable[[Any], None], until: Callable[[], bool]) -> None:
    """Pass each item of ``source.get`` (a stream's events, a view's changes) to ``show`` until
    ``until()`` or the end of ``source``; what ``show`` raises (OutputClosed) ends it too."""
    from binance_spot.stream import StreamClosed

    while not until():
        try:
            item = source.get(timeout=POLL)
        except TimeoutError:
            continue
        except StreamClosed:
            return
        show(item)
