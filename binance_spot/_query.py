"""The one way this package writes a query string, so that what is signed is what is sent."""

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

#: Query or form parameters: (name, value) pairs, in the order they are sent.
Params = list[tuple[str, Any]]


def encode_query(pairs: Iterable[tuple[str, Any]]) -> str:
    """Percent-encode ``pairs`` as RFC 3986 asks (space as %20), byte-exact for any str."""
    parts = []
    for name, value in pairs:
        text = value if isinstance(value, str) else str(value)
        # Listen keys are plain alphanumerics: skip the quoting machinery for them.
        encoded = text if text.isalnum() and text.isascii() else quote(text, safe="")
        parts.append(f"{name}={encoded}")
    return "&".join(parts)
