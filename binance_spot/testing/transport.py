"""A transport that answers from a function: for unit tests of code that uses an ApiClient.

No socket is opened: ``ApiClient(configuration, transport=FunctionTransport(answer))``
hands every request to ``answer``, which returns a ``Response`` (see ``respond``) or
raises, e.g., ``ApiConnectionError``. Retries, errors and decoding behave as over the
network, because they live above the transport.
"""

import json
from collections.abc import Callable, Mapping

from urllib3._collections import HTTPHeaderDict

from binance_spot.transport import Request, Response

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 410: "Gone", 429: "Too Many Requests"}


def respond(status: int = 200, payload: object = None, headers: Mapping[str, str] | None = None) -> Response:
    """A ``Response`` whose body is ``payload`` as JSON (bytes are sent as they are)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    sent = HTTPHeaderDict({"Content-Type": "application/json", **(headers or {})})
    return Response(status, _REASONS.get(status, ""), sent, body)


class FunctionTransport:
    """Answers each request with ``answer(request)``; keeps the requests in ``requests``."""

    def __init__(self, answer: Callable[[Request], Response]) -> None:
        self.answer = answer
        self.requests: list[Request] = []

    def handle_request(self, request: Request) -> Response:
        self.requests.append(request)
        return self.answer(request)

    def close(self) -> None:
        """Nothing to release."""
