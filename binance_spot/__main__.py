"""``python -m binance_spot``: the ``binance-spot`` command line."""

import signal
import sys

from binance_spot.cli import main

if __name__ == "__main__":
    code = main()
    # The exit code is decided: a late Ctrl-C (a user pressing it again) must not turn it into a
    # death by SIGINT during the interpreter's exit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(code)
