"""The models, one per schema of openapi.yaml, each imported on first use.

Generated from openapi.yaml by templates/__init__model.mustache; do not edit.
"""

from typing import TYPE_CHECKING

from binance_spot._lazy import lazy_exports

if TYPE_CHECKING:
    from binance_spot.models.inline_response200124 import InlineResponse200124
    from binance_spot.models.margin_listen_token import MarginListenToken
    from binance_spot.models.margin_risk_listen_key import MarginRiskListenKey

__all__ = [
    "InlineResponse200124",
    "MarginListenToken",
    "MarginRiskListenKey",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "InlineResponse200124": "binance_spot.models.inline_response200124",
        "MarginListenToken": "binance_spot.models.margin_listen_token",
        "MarginRiskListenKey": "binance_spot.models.margin_risk_listen_key",
    },
    __all__,
)
