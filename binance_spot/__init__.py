"""binance_spot: Binance's listen-key endpoints, a drop-in for the classic generated client.

Generated from openapi.yaml by templates/__init__package.mustache; do not edit.
"""

from typing import Any

from binance_spot._spec import PACKAGE_VERSION as __version__
from binance_spot.api.margin_listen_token_api import MarginListenTokenApi
from binance_spot.api.margin_risk_stream_api import MarginRiskStreamApi
from binance_spot.api.margin_stream_api import MarginStreamApi
from binance_spot.api_client import ApiClient
from binance_spot.configuration import Configuration
from binance_spot.exceptions import (
    ApiAttributeError,
    ApiConnectionError,
    ApiException,
    ApiKeyError,
    ApiTypeError,
    ApiValueError,
    BadRequestException,
    EndpointRetiredException,
    ForbiddenException,
    InvalidResponseException,
    IpBannedException,
    NotFoundException,
    OpenApiException,
    RateLimitedException,
    ResponseTooLargeException,
    ServiceException,
    UnauthorizedException,
)
from binance_spot.models.inline_response200124 import InlineResponse200124
from binance_spot.models.margin_listen_token import MarginListenToken
from binance_spot.models.margin_risk_listen_key import MarginRiskListenKey

__all__ = [
    "__version__",
    "MarginListenTokenApi",
    "MarginRiskStreamApi",
    "MarginStreamApi",
    "ApiClient",
    "Configuration",
    "InlineResponse200124",
    "MarginListenToken",
    "MarginRiskListenKey",
    "ListenKeyManager",
    "ApiAttributeError",
    "ApiConnectionError",
    "ApiException",
    "ApiKeyError",
    "ApiTypeError",
    "ApiValueError",
    "BadRequestException",
    "EndpointRetiredException",
    "ForbiddenException",
    "InvalidResponseException",
    "IpBannedException",
    "NotFoundException",
    "OpenApiException",
    "RateLimitedException",
    "ResponseTooLargeException",
    "ServiceException",
    "UnauthorizedException",
]


def __getattr__(name: str) -> Any:
    # The manager starts threads and is not needed by every user: import it on first use.
    if name == "ListenKeyManager":
        from binance_spot.manager import ListenKeyManager

        return ListenKeyManager
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
