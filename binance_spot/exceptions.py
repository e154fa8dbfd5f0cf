"""Exceptions raised by binance_spot.

The names and constructor signatures are those of the classic generated client, so its
``except`` clauses keep working; the tree below lets callers catch what they mean::

    OpenApiException                          every exception of this package
    ├── ApiTypeError, ApiValueError,          bad arguments or settings,
    │   ApiAttributeError, ApiKeyError        refused before any byte is sent
    ├── ApiException                          a REST call did not succeed
    │   ├── ApiStatusException                the server answered with an error status
    │   │   ├── RedirectException             3xx (never followed)
    │   │   ├── BadRequestException           400 (``code`` -1125: the key is gone)
    │   │   ├── UnauthorizedException         401 (-2014, -2015)
    │   │   ├── ForbiddenException            403 (web application firewall)
    │   │   ├── NotFoundException             404
    │   │   │   └── EndpointRetiredException  410 (the 2026-02-20 retirement)
    │   │   ├── IpBannedException             418 (never retried)
    │   │   ├── RateLimitedException          429 (``retry_after``)
    │   │   └── ServiceException              5xx (outcome unknown)
    │   └── ApiNoAnswerException              no usable answer
    │       ├── ApiConnectionError            refused, reset, TLS failure
    │       │   └── ApiTimeoutError           an attempt ran out of time
    │       ├── ResponseTooLargeException     a body beyond ``max_body_size``
    │       └── InvalidResponseException      a success whose body is not the expected JSON
    ├── StreamError                           a stream cannot go on (raised once, then it ends)
    │   ├── StreamClosed                      ``get()`` on a closed stream
    │   ├── StreamConnectionError             the WebSocket server could not be reached or spoke
    │   │                                     no WebSocket (refused, reset, TLS, handshake)
    │   └── StreamRequestError                the WebSocket API refused a request (``code``)
    │       └── InvalidListenToken            -1209: a token just created was refused
    └── EventFieldError (also a ValueError)   an event field does not hold what Binance documents

``str()`` of each starts with one line saying what happened; an HTTP error then keeps the
classic lines (status, reason, masked headers, body), which classic code parses.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from binance_spot._redact import redact_headers, redact_text

RETIREMENT_HINT = (
    "Binance retired the margin listen-key endpoints (/sapi/v1/userDataStream) on its "
    "production API on 2026-02-20; see the README section "
    '"Binance retired these endpoints on 2026-02-20" for the replacements.'
)

#: How much of a response body ``str(ApiException)`` shows.
BODY_PREVIEW = 512

PathToItem = Sequence[str | int] | None


def render_path(path_to_item: Sequence[str | int]) -> str:
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
        valid_classes: tuple[type, ...] | None = None,
        key_type: bool | None = None,
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
    """The call did not succeed: an error status, or no usable answer.

    ``status``, ``reason``, ``body`` (text) and ``headers`` are those of the classic
    client; ``raw_body`` is the body as bytes, ``code`` and ``msg`` Binance's error (None
    when the body is not that JSON), ``retry_after`` the seconds the server asked us to
    wait, and ``retired_endpoint`` whether the operation is one Binance retired.
    """

    def __init__(
        self,
        status: int | None = None,
        reason: str | None = None,
        http_resp: Any = None,
    ) -> None:
        self.code: int | None = None
        self.msg: str | None = None
        self.retry_after: float | None = None
        self.retired_endpoint = False
        self.raw_body: bytes | None = None
        self.body: str | None = None
        self.headers: Mapping[str, str] | None = None
        if http_resp is not None:
            self.status: int | None = http_resp.status
            self.reason: str | None = http_resp.reason
            data = http_resp.data
            self.raw_body = data if isinstance(data, bytes) else str(data).encode()
            self.body = self.raw_body.decode("utf-8", "replace")
            self.headers = http_resp.getheaders()
            self.code, self.msg = parse_error_body(self.raw_body)
        else:
            self.status = status
            self.reason = reason
        super().__init__(self.status, self.reason)

    @property
    def summary(self) -> str:
        """One line: what happened."""
        if self.code is not None:
            return f"Binance error {self.code}: {redact_text(self.msg or '')}"
        if self.status is None:
            return redact_text(self.reason or type(self).__name__)
        return f"HTTP {self.status} {self.reason or ''}".rstrip()

    @property
    def hint(self) -> str | None:
        """A sentence telling the user what to do, when we know."""
        return RETIREMENT_HINT if self.retired_endpoint else None

    def __str__(self) -> str:
        lines = [self.summary]
        if self.status is None:
            return lines[0]
        lines.append(f"({self.status})\nReason: {self.reason}")
        if self.hint:
            lines.append(self.hint)
        if self.headers:
            masked = {name: redact_text(value) for name, value in redact_headers(self.headers).items()}
            lines.append(f"HTTP response headers: {masked}")
        if self.body:
            lines.append(f"HTTP response body: {_preview(self.body)}")
        return "\n".join(lines)


def _preview(text: str) -> str:
    if len(text) > BODY_PREVIEW:
        text = f"{text[:BODY_PREVIEW]}... ({len(text)} characters)"
    return redact_text(text)


def parse_error_body(body: bytes | None) -> tuple[int | None, str | None]:
    """Binance's ``{"code": -NNNN, "msg": "..."}``, or (None, None) for anything else."""
    if not body or not body.lstrip().startswith(b"{"):
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


class ApiStatusException(ApiException):
    """The server answered with an error status (see ``status``, ``code``, ``msg``)."""


class RedirectException(ApiStatusException):
    """3xx: redirects are never followed, so the API key never goes to another host."""


class BadRequestException(ApiStatusException):
    """400: Binance refused the request (see ``code``; -1125 means the listen key is gone)."""


class UnauthorizedException(ApiStatusException):
    """401: the API key is malformed (-2014) or not accepted (-2015)."""


class ForbiddenException(ApiStatusException):
    """403: Binance's web application firewall refused the request."""


class NotFoundException(ApiStatusException):
    """404: no such endpoint on this host (on the retired paths: see ``hint``)."""


class EndpointRetiredException(NotFoundException):
    """410 Gone: what Binance's production API answers the retired endpoints since 2026-02-20."""

    @property
    def hint(self) -> str | None:
        return RETIREMENT_HINT

    @property
    def summary(self) -> str:
        return f"{super().summary}: {RETIREMENT_HINT}"


class IpBannedException(ApiStatusException):
    """418: the IP is banned for ignoring 429s; never retried automatically."""


class RateLimitedException(ApiStatusException):
    """429: a rate limit was broken; wait ``retry_after`` seconds before trying again."""


class ServiceException(ApiStatusException):
    """5xx: Binance failed; the outcome of the request is unknown, not failed."""


class ApiNoAnswerException(ApiException):
    """No usable answer: none came, or what came cannot be used."""

    @property
    def summary(self) -> str:
        return redact_text(self.reason or type(self).__name__)


class ApiConnectionError(ApiNoAnswerException):
    """The request could not complete: refused, reset or TLS failed; the cause is ``__cause__``.

    ``retryable`` is False where trying again cannot help (a TLS failure).
    """

    def __init__(self, status: int | None = None, reason: str | None = None, http_resp: Any = None) -> None:
        super().__init__(status, reason, http_resp)
        self.retryable = True


class ApiTimeoutError(ApiConnectionError):
    """An attempt ran out of time: to connect, between two reads, or in all."""


class ResponseTooLargeException(ApiNoAnswerException):
    """The response body exceeded ``Configuration.max_body_size``; it was not read."""


class InvalidResponseException(ApiNoAnswerException):
    """A success status whose body is empty, HTML, or not the JSON the operation returns."""


_BY_STATUS: dict[int, type[ApiStatusException]] = {
    400: BadRequestException,
    401: UnauthorizedException,
    403: ForbiddenException,
    404: NotFoundException,
    410: EndpointRetiredException,
    418: IpBannedException,
    429: RateLimitedException,
}


def exception_class_for(status: int) -> type[ApiStatusException]:
    """The most specific class for an error status."""
    if 500 <= status <= 599:
        return ServiceException
    if 300 <= status <= 399:
        return RedirectException
    return _BY_STATUS.get(status, ApiStatusException)


class StreamError(OpenApiException):
    """A stream cannot go on; iteration raises it once, then ends."""


class StreamClosed(StreamError):
    """``get()`` on a stream that was closed."""


class StreamConnectionError(StreamError):
    """Connecting to the WebSocket server failed before the stream was live (refused, reset,
    timed out, TLS, a refused handshake); ``__cause__`` holds the original error. The message
    names the kind of failure, never the URL (a risk stream's URL holds its listen key)."""


class StreamRequestError(StreamError):
    """The WebSocket API refused a request with Binance's ``{"code", "msg"}`` error."""

    def __init__(self, code: int | None, msg: str, status: int | None = None) -> None:
        super().__init__(f"Binance error {code}: {msg}")
        self.code, self.msg, self.status = code, msg, status


class InvalidListenToken(StreamRequestError):
    """-1209: Binance refused a token this client had just created. Retrying cannot help:
    check the API key's margin permissions and the isolated symbol."""


class EventFieldError(OpenApiException, ValueError):
    """A field of an event does not hold what Binance documents (the raw dict stays readable)."""
