"""The seam between the client and the network.

A transport sends one request and returns its status, headers and whole body (bounded
in size and time), or raises ``ApiConnectionError`` (``ApiTimeoutError`` when out of time)
or ``ResponseTooLargeException``. It does not retry, follow redirects or judge statuses:
``_retry.send`` and the ``ApiClient`` above it do. Pass your own as
``ApiClient(configuration, transport=...)``; ``binance_spot.testing.FunctionTransport``
answers from a function for unit tests that need no socket.
"""

from collections.abc import Mapping
from typing import Protocol

from binance_spot.settings import Timeout


class Request:
    """One HTTP request: ``method`` ``target`` (path and query) to ``host`` (scheme://netloc)."""

    __slots__ = ("body", "headers", "host", "method", "target", "timeout")

    def __init__(
        self,
        method: str,
        host: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | None = None,
        timeout: Timeout = Timeout(),  # noqa: B008 - immutable
    ) -> None:
        self.method = method
        self.host = host
        self.target = target
        self.headers = headers
        self.body = body
        self.timeout = timeout

    @property
    def path(self) -> str:
        """The target without its query (which may hold a listen key)."""
        return self.target.split("?", 1)[0]

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path}>"


class Response:
    """What a transport read: ``status``, ``reason``, ``headers`` (case-insensitive), ``data``."""

    __slots__ = ("data", "headers", "reason", "status")

    def __init__(self, status: int, reason: str, headers: Mapping[str, str], data: bytes) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.data = data

    def getheaders(self) -> Mapping[str, str]:
        """The headers, as the classic client's response gives them (``ApiException`` reads them so)."""
        return self.headers

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.reason}, {len(self.data)} bytes>"


class BaseTransport(Protocol):
    """What an ``ApiClient`` needs of the network."""

    def handle_request(self, request: Request) -> Response:
        """Send ``request`` once and read the whole answer, within ``request.timeout``."""
        ...

    def close(self) -> None:
        """Release connections; requests in flight on other threads end at once."""
        ...
