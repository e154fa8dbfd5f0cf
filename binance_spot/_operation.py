"""How a generated API class describes an operation of ``openapi.yaml``.

The generated classes hold one ``Operation`` per endpoint and hand it, with the caller's
arguments, to ``ApiClient.call_operation``; checking, signing and sending live there once
instead of in every generated method. Plain classes with ``__slots__``: dataclasses and
named tuples cost more to import and create than everything else here.
"""

from collections.abc import Sequence

#: Keywords every operation accepts besides its parameters (those of the classic client).
COMMON_KEYWORDS = frozenset(
    {
        "_return_http_data_only",
        "_preload_content",
        "_request_timeout",
        "_request_auth",
        "_content_type",
        "_headers",
        "_host_index",
    }
)


def prefer_json(media_types: Sequence[str]) -> str | None:
    """The first JSON media type of ``media_types``, if any: what this client speaks."""
    for media_type in media_types:
        if "json" in media_type.lower():
            return media_type
    return None


def select_accept(accepts: Sequence[str]) -> str | None:
    """The ``Accept`` header for these media types: JSON when offered, else all of them."""
    if not accepts:
        return None
    return prefer_json(accepts) or ", ".join(accepts)


class Param:
    """A query parameter: its Python name, its wire name and its type."""

    __slots__ = ("name", "required", "type", "wire_name")

    def __init__(self, name: str, wire_name: str, type: type, required: bool = False) -> None:
        self.name = name
        self.wire_name = wire_name
        self.type = type
        self.required = required


class Operation:
    """One endpoint: what to send and what comes back."""

    __slots__ = (
        "accept_header",
        "auth",
        "keywords",
        "method",
        "name",
        "params",
        "path",
        "retired",
        "return_type",
        "secret_required",
        "signed",
    )

    def __init__(
        self,
        name: str,
        method: str,
        path: str,
        params: tuple[Param, ...] = (),
        return_type: str | None = None,
        auth: tuple[str, ...] = (),
        accept: tuple[str, ...] = (),
        signed: bool = False,
        secret_required: bool = False,
        retired: bool = False,
    ) -> None:
        self.name = name
        self.method = method
        self.path = path
        self.params = params
        self.return_type = return_type
        self.auth = auth
        #: Binance accepts a signature (timestamp, recvWindow, HMAC) on this endpoint.
        self.signed = signed or secret_required
        #: A USER_DATA endpoint: Binance refuses it unsigned, so no secret means no request.
        self.secret_required = secret_required
        #: Binance retired this endpoint on its production API (it answers 410).
        self.retired = retired
        #: Every keyword the operation accepts.
        self.keywords = COMMON_KEYWORDS.union(p.name for p in params)
        self.accept_header = select_accept(accept)

    def __repr__(self) -> str:
        return f"<Operation {self.name}: {self.method} {self.path}>"
