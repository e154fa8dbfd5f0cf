"""Exceptions raised by binance_spot.

The names and constructor signatures are those of the classic generated client, so
``except ApiException`` keeps working; the subclasses let callers catch what they mean
(rate limited, banned, retired endpoint, ...), and every error carries Binance's own
``code`` and ``msg`` when the server sent them.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any, Optional, Union

from binance_spot._redact import redact_text

RETIREMENT_HINT = (
    "Binance retired the margin listen-key endpoints (/sapi/v1/userDataStream) on its "
    "production API on 2026-02-20; see the README section "
    '"Binance retired these endpoints on 2026-02-20" for the replacements.'
)

#: How much of a response body ``str(ApiException)`` shows.
BODY_PREVIEW = 512

PathToItem = Optional[Sequence[Union[str, int]]]


def render_path(path_to_item: Sequence[Union[str, int]]) -> str:
    """Render ``['a', 0]`` as ``['a'][0]``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f"['{p}']" for p in path_to_item)


def _with_path(msg: str, path_to_item: PathToItem) -> str:
    return f"{msg} at {render_path(path_to_item)}" if path_to_item else msg


class OpenApiException(Exception):
    """Base of every exception this package raises."""


class ApiTypeError(OpenApiException, TypeError):
    def __init__(
        self,
        msg: str,
        path_to_item: PathToItem = None,
        valid_classes: Optional[tuple[type, ...]] = None,
        key_type: Optional[bool] = None,
    ) -> None:
        self.path_to_item = path_to_item
        self.valid_classes = valid_classes
        self.key_type = key_type
        super().__init__(_with_path(msg, path_to_item))


class ApiValueError(OpenApiException, ValueError):
    def __init__(self, msg: str, path_to_item: PathToItem = None) -> None:
        self.path_to_item = path_to_item
        super().__init__(_with_path(msg, path_to_item))


class ApiAttributeError(OpenApiException, AttributeError):
    def __init__(self, msg: str, path_to_item: PathToItem = None) -> None:
        self.path_to_item = path_to_item
        super().__init__(_with_path(msg, path_to_item))


class ApiKeyError(OpenApiException, KeyError):
    def __init__(self, msg: str, path_to_item: PathToItem = None) -> None:
        self.path_to_item = path_to_item
        super().__init__(_with_path(msg, path_to_item))


class ApiException(OpenApiException):
    """An HTTP answer that is not a success, or a call that could not complete.

    ``status``, ``reason``, ``body`` and ``headers`` are those of the classic client;
    ``code`` and ``msg`` are Binance's error (None when the body is not that JSON) and
    ``retry_after`` the seconds the server asked us to wait, when it said.
    """

    def __init__(
        self,
        status: Optional[int] = None,
        reason: Optional[str] = None,
        http_resp: Any = None,
    ) -> None:
        self.code: Optional[int] = None
        self.msg: Optional[str] = None
        self.retry_after: Optional[float] = None
        if http_resp is not None:
            self.status: Optional[int] = http_resp.status
            self.reason: Optional[str] = http_resp.reason
            self.body: Any = http_resp.data
            self.headers: Optional[Mapping[str, str]] = http_resp.getheaders()
            self.code, self.msg = parse_error_body(self.body)
        else:
            self.status = status
            self.reason = reason
            self.body = None
            self.headers = None
        super().__init__(self.status, self.reason)

    def __str__(self) -> str:
        lines = []
        if self.code is not None:
            lines.append(f"Binance error {self.code}: {redact_text(self.msg or '')}")
        lines.append(f"({self.status})\nReason: {self.reason}")
        hint = self.hint
        if hint:
            lines.append(hint)
        if self.headers:
            lines.append(f"HTTP response headers: {dict(self.headers)}")
        if self.body:
            lines.append(f"HTTP response body: {_preview(self.body)}")
        return "\n".join(lines)

    @property
    def hint(self) -> Optional[str]:
        """A sentence telling the user what to do, when we know."""
        return None


def _preview(body: Any) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if len(text) > BODY_PREVIEW:
        text = f"{text[:BODY_PREVIEW]}... ({len(text)} characters)"
    return redact_text(text)


def parse_error_body(body: Any) -> tuple[Optional[int], Optional[str]]:
    """Binance's ``{"code": -NNNN, "msg": "..."}``, or (None, None) for anything else."""
    if not body:
        return None, None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    code, msg = data.get("code"), data.get("msg")
    if not isinstance(code, int) or isinstance(code, bool):
        return None, None
    return code, msg if isinstance(msg, str) else None


class BadRequestException(ApiException):
    """400: Binance refused the request (see ``code``; -1125 means the listen key is gone)."""


class UnauthorizedException(ApiException):
    """401: the API key is malformed (-2014) or not accepted (-2015)."""


class ForbiddenException(ApiException):
    """403: Binance's web application firewall refused the request."""


class NotFoundException(ApiException):
    """404 or 410: the endpoint does not exist on this host."""

    @property
    def hint(self) -> Optional[str]:
        return RETIREMENT_HINT


class EndpointRetiredException(NotFoundException):
    """410 Gone: what Binance's production API answers since 2026-02-20."""


class RateLimitedException(ApiException):
    """429: a rate limit was broken; wait ``retry_after`` seconds before trying again."""


class IpBannedException(ApiException):
    """418: the IP is banned for ignoring 429s; never retried automatically."""


class ServiceException(ApiException):
    """5xx: Binance failed; the outcome of the request is unknown, not failed."""


class ResponseTooLargeException(ApiException):
    """The response body exceeded the size this client reads into memory."""


class InvalidResponseException(ApiException):
    """A success status whose body is not the JSON the operation returns."""


class ApiConnectionError(ApiException):
    """The request could not complete: refused, reset, timed out, or TLS failed.

    ``status`` is None; the underlying error is ``__cause__``.
    """


_BY_STATUS: dict[int, type[ApiException]] = {
    400: BadRequestException,
    401: UnauthorizedException,
    403: ForbiddenException,
    404: NotFoundException,
    410: EndpointRetiredException,
    418: IpBannedException,
    429: RateLimitedException,
}


def exception_class_for(status: int) -> type[ApiException]:
    """The most specific ApiException subclass for an HTTP status."""
    if 500 <= status <= 599:
        return ServiceException
    return _BY_STATUS.get(status, ApiException)
