"""The models, one per schema of openapi.yaml.

Generated from openapi.yaml by templates/__init__model.mustache; do not edit.
"""

from binance_spot.models.inline_response200124 import InlineResponse200124
from binance_spot.models.margin_listen_token import MarginListenToken
from binance_spot.models.margin_risk_listen_key import MarginRiskListenKey

__all__ = [
    "InlineResponse200124",
    "MarginListenToken",
    "MarginRiskListenKey",
]
