"""Masking of secrets before anything reaches a log, an exception or a repr.

The API key travels only in the ``X-MBX-APIKEY`` header; listen keys and tokens travel
in query strings, JSON bodies and stream paths. Both kinds are bearer secrets, so every text
this package shows passes through here first. The rule is one: the values of the secret
fields and headers, and the key of a stream path, are masked, wherever they appear; nothing
is masked for looking random, so words, versions and header names stay readable.
"""

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"

SECRET_HEADERS = frozenset({"x-mbx-apikey", "authorization", "cookie", "set-cookie"})

SECRET_FIELDS = ("listenKey", "listenToken", "token", "signature", "secretKey", "apiKey", "streams")
#: Where a listen key is a path segment: the WebSocket stream URLs (``/ws/<listenKey>``).
STREAM_PATH = "/ws/"


@functools.cache
def _patterns() -> tuple["re.Pattern[str]", "re.Pattern[str]", "re.Pattern[str]"]:
    """Compiled on first use: most processes never have anything to redact."""
    fields = "|".join(SECRET_FIELDS)
    # "listenKey": "value"  (JSON bodies; the value may hold escaped quotes)
    json_field = re.compile(rf'("(?:{fields})"\s*:\s*")(?:[^"\\]|\\.)*(")?')
    # listenKey=value  (query strings, form bodies)
    query_field = re.compile(rf"(\b(?:{fields})=)[^&\s#\"']*")
    # /ws/<listenKey>  (stream URLs and request lines)
    stream_path = re.compile(r"(/ws/)[^/?#\s\"']+")
    return json_field, query_field, stream_path


def redact_text(text: str) -> str:
    """Mask the values of secret fields in a JSON document, a query string or a stream URL."""
    if not any(field in text for field in SECRET_FIELDS) and STREAM_PATH not in text:
        return text
    json_field, query_field, stream_path = _patterns()
    text = json_field.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2) or ''}", text)
    text = query_field.sub(lambda m: f"{m.group(1)}{MASK}", text)
    return stream_path.sub(lambda m: f"{m.group(1)}{MASK}", text)


def redact_json(value: Any) -> Any:
    """A copy of a decoded JSON value with the values of secret fields masked, at any depth."""
    if isinstance(value, dict):
        return {k: MASK if k in SECRET_FIELDS else redact_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(item) for item in value]
    return value


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with the values of secret headers masked."""
    return {k: MASK if k.lower() in SECRET_HEADERS else v for k, v in headers.items()}


def redact_params(params: Iterable[tuple[str, object]]) -> list[tuple[str, object]]:
    """A copy of query parameters with the values of secret fields masked."""
    return [(k, MASK if k in SECRET_FIELDS else v) for k, v in params]
