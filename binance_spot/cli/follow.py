"""The loop of the streaming commands: print what a stream gives until told to stop."""

from collections.abc import Callable
from typing import Any

from binance_spot.cli.output import Output

__all__ = ["consume"]


def consume(stream: Any, out: Output, until: Callable[[], bool], show: Callable[[Output, Any], None]) -> None:
    """Print (``show``) what the stream gives until ``until()`` or its end; OutputClosed when stdout is."""
    from binance_spot.stream import StreamClosed

    while not until():
        try:
            event = stream.get(timeout=0.2)
        except TimeoutError:
            continue
        except StreamClosed:
            return
        show(out, event)
