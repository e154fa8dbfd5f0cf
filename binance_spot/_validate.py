"""The rules for text that goes on the wire, in one place.

Everything is checked before the first byte is sent, and no message repeats the value:
it may be an API key or a listen key.
"""

import re
from collections.abc import Mapping

from binance_spot.exceptions import ApiValueError

# A header name is an RFC 9110 token.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_HEADER_NAME = re.compile(_TOKEN)
_HEADER_NAMES = re.compile(rf"{_TOKEN}(?::{_TOKEN})*")
# Headers that frame or route the request: the transport sets them, a caller's value would
# desynchronise the connection (Content-Length) or misroute it (Host).
_FRAMING = re.compile(
    r"(?:^|:)(content-length|transfer-encoding|host|connection|keep-alive|proxy-connection|te|trailer|upgrade)(?=:|$)",
    re.IGNORECASE,
)
# A value may hold TAB, printable ASCII and printable Latin-1 (what http.client can encode).
_BAD_HEADER_VALUE = re.compile(r"[^\t\x20-\x7e\xa0-\xff]")
# C0, DEL and C1: none belongs in a parameter, and CR/LF could split a request.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def check_text(what: str, value: str) -> None:
    """Refuse control characters (CR and LF above all) in a parameter or credential."""
    if _CONTROL.search(value):
        raise ApiValueError(f"{what} contains a control character (such as CR or LF); refused before sending")


def check_headers(headers: Mapping[str, object]) -> None:
    """Refuse a header name or value that HTTP cannot carry as it is.

    One pass over all names and one over all values (TAB separates values and is allowed
    in them); only a failure looks for the culprit, to name it.
    """
    try:
        names_ok = _HEADER_NAMES.fullmatch(":".join(headers)) is not None
        values_ok = _BAD_HEADER_VALUE.search("\t".join(headers.values())) is None  # type: ignore[arg-type]
    except TypeError:
        names_ok = values_ok = False
    if names_ok and values_ok:
        framing = _FRAMING.search(":".join(headers))
        if framing is None:
            return
        raise ApiValueError(f"header {framing.group(1)} is set by the transport; refused before sending")
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise ApiValueError(f"header name {_shown(name)} is not an HTTP token; refused before sending")
        if not isinstance(value, str):
            raise ApiValueError(f"header {name} must be a str, got {type(value).__name__}")
        if _BAD_HEADER_VALUE.search(value):
            raise ApiValueError(f"header {name} contains a control or non-Latin-1 character; refused before sending")


def _shown(name: object) -> str:
    text = repr(name)
    return text if len(text) <= 40 else f"{text[:37]}..."


def ascii_int(value: str | None) -> int | None:
    """A header's whole number, or None: only ASCII digits count (``'²'.isdigit()`` is True)."""
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > 18 or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def check_host(setting: str, value: object) -> str:
    """An ``http(s)://host[:port][/path]`` URL without a trailing slash, or ApiValueError.

    A URL with user info is refused: the API key travels in a header, and a password in
    a host would be shown wherever the host is.
    """
    if not isinstance(value, str):
        raise ApiValueError(f"{setting} must be a str URL, got {type(value).__name__}")
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        port = parts.port  # parses, and checks the range
    except ValueError:
        raise ApiValueError(f"{setting} is not a valid URL: {_shown(value)}") from None
    if parts.username is not None or parts.password is not None:
        raise ApiValueError(f"{setting} must not contain user info (user:password@); the API key goes in a header")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiValueError(f"{setting} must be an http:// or https:// URL with a host name, got {_shown(value)}")
    if _CONTROL.search(value) or " " in value or parts.query or parts.fragment or port == 0:
        raise ApiValueError(f"{setting} must be a plain URL (no spaces, query or fragment), got {_shown(value)}")
    return value.rstrip("/")


def check_websocket_url(setting: str, value: object) -> str:
    """A ``ws(s)://host[:port][/path]`` URL without a trailing slash, or ApiValueError.

    The message never repeats the URL: a mistyped one may hold a listen key (``?listenKey=``)
    or a password, and websockets' own error would print it whole.
    """
    if not isinstance(value, str):
        raise ApiValueError(f"{setting} must be a str URL, got {type(value).__name__}")
    from urllib.parse import urlsplit

    if not value.isascii() or _CONTROL.search(value) or " " in value:
        raise ApiValueError(f"{setting} must be ASCII without spaces (give an international host in its xn-- form)")
    try:
        parts = urlsplit(value)
        port = parts.port  # parses, and checks the range
    except ValueError:
        raise ApiValueError(f"{setting} is not a valid URL (a port from 1 to 65535, brackets around IPv6)") from None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ApiValueError(f"{setting} must not contain user info (user:password@)")
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ApiValueError(f"{setting} must be a ws:// or wss:// URL with a host name")
    if "?" in value or "#" in value:
        raise ApiValueError(f"{setting} must have no query (?...) or fragment (#...): the stream adds what it needs")
    if port == 0:
        raise ApiValueError(f"{setting} must have a port from 1 to 65535")
    return value.rstrip("/")
