"""binance_spot: Binance's listen-key endpoints, a drop-in for the classic generated client.

Generated from openapi.yaml by templates/__init__package.mustache; do not edit.
"""

from typing import TYPE_CHECKING

from binance_spot import _exports
from binance_spot._exports import *  # noqa: F403 - the hand-written runtime's names
from binance_spot._lazy import lazy_exports
from binance_spot._spec import PACKAGE_VERSION as __version__

if TYPE_CHECKING:
    from binance_spot.api.margin_listen_token_api import MarginListenTokenApi
    from binance_spot.api.margin_risk_stream_api import MarginRiskStreamApi
    from binance_spot.api.margin_stream_api import MarginStreamApi
    from binance_spot.models.inline_response200124 import InlineResponse200124
    from binance_spot.models.margin_listen_token import MarginListenToken
    from binance_spot.models.margin_risk_listen_key import MarginRiskListenKey

__all__ = [
    "__version__",
    "MarginListenTokenApi",
    "MarginRiskStreamApi",
    "MarginStreamApi",
    "InlineResponse200124",
    "MarginListenToken",
    "MarginRiskListenKey",
    *_exports.__all__,
    *_exports.LAZY,
]

# The API classes, the models and the rarely needed runtime are imported on first use.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "MarginListenTokenApi": "binance_spot.api.margin_listen_token_api",
        "MarginRiskStreamApi": "binance_spot.api.margin_risk_stream_api",
        "MarginStreamApi": "binance_spot.api.margin_stream_api",
        "InlineResponse200124": "binance_spot.models.inline_response200124",
        "MarginListenToken": "binance_spot.models.margin_listen_token",
        "MarginRiskListenKey": "binance_spot.models.margin_risk_listen_key",
        **_exports.LAZY,
    },
    __all__,
)
