"""The classic generated client's ``rest`` module: its names, for code that imports them.

The transport itself lives behind ``binance_spot.transport``; ``RESTClientObject``
(``binance_spot._classic``) and ``RESTResponse`` (what its ``request`` returns; with
``_preload_content=False`` it is a ``urllib3.HTTPResponse``, as the classic client's was)
are the classic surface over it.
"""

from binance_spot._classic import RESTClientObject
from binance_spot._client import RESTResponse
from binance_spot.exceptions import ApiException

__all__ = ["ApiException", "RESTClientObject", "RESTResponse"]
