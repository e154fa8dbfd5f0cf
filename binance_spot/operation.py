"""How a generated API class describes an operation of ``openapi.yaml``.

The generated classes hold one ``Operation`` per endpoint and hand it, with the caller's
arguments, to ``ApiClient.call_operation``; the checking, signing and sending live there
once instead of in every generated method.
"""

from dataclasses import dataclass, field
from typing import Optional

#: Keywords every operation accepts besides its parameters (those of the classic client).
COMMON_KEYWORDS = frozenset(
    {
        "async_req",
        "_return_http_data_only",
        "_preload_content",
        "_request_timeout",
        "_request_auth",
        "_content_type",
        "_headers",
        "_host_index",
    }
)


@dataclass(frozen=True)
class Param:
    """A query parameter: its Python name, its wire name and its type."""

    name: str
    wire_name: str
    type: type
    required: bool = False


@dataclass(frozen=True)
class Operation:
    """One endpoint: what to send and what comes back."""

    name: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    return_type: Optional[str] = None
    auth: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    #: Binance accepts a signature (timestamp, recvWindow, HMAC) on this endpoint.
    signed: bool = False
    #: Every keyword the operation accepts.
    keywords: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keywords", COMMON_KEYWORDS.union(p.name for p in self.params))
