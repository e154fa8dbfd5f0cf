"""The names the hand-written runtime exports from ``binance_spot``: the one list of them.

The generated ``__init__`` star-imports this module, so type checkers see every name,
and imports the names of ``LAZY`` on first use.
"""

import typing

from binance_spot import rest  # noqa: F401 - binance_spot.rest after import binance_spot, as classic code expects
from binance_spot.api_client import ApiClient
from binance_spot.configuration import Configuration
from binance_spot.exceptions import (
    ApiAttributeError,
    ApiConnectionError,
    ApiException,
    ApiKeyError,
    ApiNoAnswerException,
    ApiStatusException,
    ApiTimeoutError,
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
    RedirectException,
    ResponseTooLargeException,
    ServiceException,
    UnauthorizedException,
)
from binance_spot.settings import RetryPolicy, Timeout

if typing.TYPE_CHECKING:
    from binance_spot.manager import ListenKeyManager

#: Names imported on first use, with their modules: rarely needed, costly to import.
LAZY = {
    "ListenKeyManager": "binance_spot.manager",
}

__all__ = [
    "ApiClient",
    "Configuration",
    "RetryPolicy",
    "Timeout",
    "OpenApiException",
    "ApiTypeError",
    "ApiValueError",
    "ApiAttributeError",
    "ApiKeyError",
    "ApiException",
    "ApiStatusException",
    "RedirectException",
    "BadRequestException",
    "UnauthorizedException",
    "ForbiddenException",
    "NotFoundException",
    "EndpointRetiredException",
    "IpBannedException",
    "RateLimitedException",
    "ServiceException",
    "ApiNoAnswerException",
    "ApiConnectionError",
    "ApiTimeoutError",
    "ResponseTooLargeException",
    "InvalidResponseException",
]
if typing.TYPE_CHECKING:
    __all__ += ["ListenKeyManager"]
