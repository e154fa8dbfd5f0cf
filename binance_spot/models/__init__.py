"""The models, one per schema of openapi.yaml.

Generated from openapi.yaml by templates/__init__model.mustache; do not edit.
"""

from binance_spot.models.inline_response200124 import InlineResponse200124

__all__ = [
    "InlineResponse200124",
]
