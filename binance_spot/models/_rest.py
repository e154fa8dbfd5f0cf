"""Each model of a REST answer by its schema name: the table ``from_json`` resolves a type name with.

Generated from openapi.yaml by templates/rest_models.mustache; do not edit.
"""

from binance_spot._model import Model
from binance_spot.models.api_key_restrictions import ApiKeyRestrictions
from binance_spot.models.inline_response200124 import InlineResponse200124
from binance_spot.models.margin_listen_token import MarginListenToken
from binance_spot.models.margin_risk_listen_key import MarginRiskListenKey
from binance_spot.models.server_time import ServerTime

MODELS: dict[str, type[Model]] = {
    "ApiKeyRestrictions": ApiKeyRestrictions,
    "InlineResponse200124": InlineResponse200124,
    "MarginListenToken": MarginListenToken,
    "MarginRiskListenKey": MarginRiskListenKey,
    "ServerTime": ServerTime,
}
