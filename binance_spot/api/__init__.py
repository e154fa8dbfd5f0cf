"""The API classes, one per tag of openapi.yaml, each imported on first use.

Generated from openapi.yaml by templates/__init__api.mustache; do not edit.
"""

from typing import TYPE_CHECKING

from binance_spot._lazy import lazy_exports

if TYPE_CHECKING:
    from binance_spot.api.margin_account_api import MarginAccountApi
    from binance_spot.api.margin_listen_token_api import MarginListenTokenApi
    from binance_spot.api.margin_risk_stream_api import MarginRiskStreamApi
    from binance_spot.api.margin_stream_api import MarginStreamApi

__all__ = [
    "MarginAccountApi",
    "MarginListenTokenApi",
    "MarginRiskStreamApi",
    "MarginStreamApi",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "MarginAccountApi": "binance_spot.api.margin_account_api",
        "MarginListenTokenApi": "binance_spot.api.margin_listen_token_api",
        "MarginRiskStreamApi": "binance_spot.api.margin_risk_stream_api",
        "MarginStreamApi": "binance_spot.api.margin_stream_api",
    },
    __all__,
)
