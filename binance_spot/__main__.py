"""``python -m binance_spot``: the ``binance-spot`` command line."""

import sys

from binance_spot.cli import main

if __name__ == "__main__":
    sys.exit(main())
