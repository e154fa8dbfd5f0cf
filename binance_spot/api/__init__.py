"""The API classes, one per tag of openapi.yaml.

Generated from openapi.yaml by templates/__init__api.mustache; do not edit.
"""

from binance_spot.api.margin_listen_token_api import MarginListenTokenApi
from binance_spot.api.margin_risk_stream_api import MarginRiskStreamApi
from binance_spot.api.margin_stream_api import MarginStreamApi

__all__ = [
    "MarginListenTokenApi",
    "MarginRiskStreamApi",
    "MarginStreamApi",
]
