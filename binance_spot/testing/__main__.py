"""``python -m binance_spot.testing``: serve a local Binance until Ctrl-C or SIGTERM."""

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Optional

from binance_spot.testing.server import BinanceServer


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the server's URL on stdout (first line, for scripts) and serve until told to stop."""
    parser = argparse.ArgumentParser(
        prog="python -m binance_spot.testing",
        description="Serve an imitation of Binance's margin listen-key endpoints.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free one)")
    parser.add_argument(
        "--retired",
        action="store_true",
        help="answer the retired /sapi/v1/userDataStream paths with 410, as production",
    )
    parser.add_argument(
        "--api-key",
        action="extend",
        nargs="+",
        dest="api_keys",
        metavar="KEY",
        help="accept only these API keys (default: any well-formed key)",
    )
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with BinanceServer(api_keys=args.api_keys, retired=args.retired, host=args.host, port=args.port) as server:
        print(server.url, flush=True)
        while not stop.wait(0.5):  # a timeout keeps Ctrl-C responsive on Windows too
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
