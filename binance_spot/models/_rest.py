"""Each model of a REST answer by its schema name: the table ``from_json`` resolves a type name with.

Generated from openapi.yaml by templates/rest_models.mustache; do not edit.
"""

from binance_spot._model import Model
from binance_spot.models.inline_response200124 import InlineResponse200124
from binance_spot.models.isolated_margin_account import IsolatedMarginAccount
from binance_spot.models.isolated_margin_pair import IsolatedMarginPair
from binance_spot.models.margin_account import MarginAccount
from binance_spot.models.margin_asset import MarginAsset
from binance_spot.models.margin_listen_token import MarginListenToken
from binance_spot.models.margin_order import MarginOrder
from binance_spot.models.margin_pair import MarginPair
from binance_spot.models.margin_risk_listen_key import MarginRiskListenKey
from binance_spot.models.margin_trade import MarginTrade

MODELS: dict[str, type[Model]] = {
    "InlineResponse200124": InlineResponse200124,
    "IsolatedMarginAccount": IsolatedMarginAccount,
    "IsolatedMarginPair": IsolatedMarginPair,
    "MarginAccount": MarginAccount,
    "MarginAsset": MarginAsset,
    "MarginListenToken": MarginListenToken,
    "MarginOrder": MarginOrder,
    "MarginPair": MarginPair,
    "MarginRiskListenKey": MarginRiskListenKey,
    "MarginTrade": MarginTrade,
}
