"""Masking of secrets before anything reaches a log, an exception or a repr.

The API key travels only in the ``X-MBX-APIKEY`` header; listen keys and tokens travel
in query strings and JSON bodies. Both kinds are bearer secrets, so every text this
package shows passes through here first.
"""

import re
from collections.abc import Iterable, Mapping

MASK = "***"

SECRET_HEADERS = frozenset({"x-mbx-apikey", "authorization", "cookie", "set-cookie"})

SECRET_FIELDS = ("listenKey", "token", "signature", "secretKey", "apiKey")

_FIELD_ALTERNATION = "|".join(SECRET_FIELDS)
# "listenKey": "value"  (JSON bodies; the value may hold escaped quotes)
_JSON_FIELD = re.compile(rf'("(?:{_FIELD_ALTERNATION})"\s*:\s*")(?:[^"\\]|\\.)*(")?')
# listenKey=value  (query strings, form bodies)
_QUERY_FIELD = re.compile(rf"(\b(?:{_FIELD_ALTERNATION})=)[^&\s#\"']*")


def redact_text(text: str) -> str:
    """Mask the values of secret fields in a JSON document or a query string."""
    text = _JSON_FIELD.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2) or ''}", text)
    return _QUERY_FIELD.sub(lambda m: f"{m.group(1)}{MASK}", text)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with the values of secret headers masked."""
    return {k: MASK if k.lower() in SECRET_HEADERS else v for k, v in headers.items()}


def redact_params(params: Iterable[tuple[str, object]]) -> list[tuple[str, object]]:
    """A copy of query parameters with the values of secret fields masked."""
    return [(k, MASK if k in SECRET_FIELDS else v) for k, v in params]
