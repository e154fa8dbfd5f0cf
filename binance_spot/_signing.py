"""Binance's request signature: HMAC-SHA256 over the percent-encoded query string."""

import hashlib
import hmac
import time
from typing import Any

from binance_spot._query import encode_query
from binance_spot.exceptions import ApiTypeError, ApiValueError


def sign_query(query: list[tuple[str, Any]], secret: str, recv_window: int) -> list[tuple[str, Any]]:
    """``query`` plus ``timestamp``, ``recvWindow`` and the ``signature`` over all of them.

    Since 2026-01-15 Binance signs the payload as sent, percent-encoded; ``encode_query``
    is also what the client sends.
    """
    if not isinstance(secret, str):
        raise ApiTypeError("secret_key must be a str")
    if not secret or not secret.isprintable() or secret != secret.strip():
        raise ApiValueError("secret_key must be a non-empty string of printable characters without surrounding spaces")
    if not isinstance(recv_window, int) or not 0 < recv_window <= 60000:
        raise ApiValueError(f"recv_window must be an int of milliseconds in 1..60000, got {recv_window!r}")
    signed = [*query, ("timestamp", int(time.time() * 1000)), ("recvWindow", recv_window)]
    payload = encode_query(signed)
    signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return [*signed, ("signature", signature)]
