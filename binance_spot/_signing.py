"""Binance's request signature: HMAC-SHA256 over the percent-encoded query string."""

import hashlib
import hmac
import time
from typing import Any

from binance_spot._query import encode_query


def sign_query(query: list[tuple[str, Any]], secret: str, recv_window: int) -> list[tuple[str, Any]]:
    """``query`` plus ``timestamp``, ``recvWindow`` and the ``signature`` over all of them.

    Since 2026-01-15 Binance signs the payload as sent, percent-encoded; ``encode_query``
    is also what the client sends. ``Configuration`` has checked the secret and window.
    """
    signed = [*query, ("timestamp", int(time.time() * 1000)), ("recvWindow", recv_window)]
    payload = encode_query(signed)
    signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return [*signed, ("signature", signature)]
