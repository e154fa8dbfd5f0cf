"""The classic generated client's ``rest`` module: its names, for code that imports them.

The transport itself lives behind ``binance_spot.transport``; ``RESTClientObject`` and
``RESTResponse`` are the classic surface over it (``binance_spot._classic``).
"""

from binance_spot._classic import RESTClientObject, RESTResponse
from binance_spot.exceptions import ApiException

__all__ = ["ApiException", "RESTClientObject", "RESTResponse"]
