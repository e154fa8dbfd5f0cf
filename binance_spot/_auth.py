"""Credentials onto a request: the API key in its header (or wherever a scheme puts it)."""

from collections.abc import Sequence
from typing import Any

from binance_spot._validate import check_text
from binance_spot.configuration import Configuration
from binance_spot.exceptions import ApiTypeError, ApiValueError


def apply_auth(
    configuration: Configuration,
    headers: dict[str, str],
    query: list[tuple[str, Any]],
    schemes: Sequence[str] | None,
    request_auth: dict[str, Any] | None = None,
) -> None:
    """Add the credentials of ``schemes`` (or ``request_auth``, which replaces them) to the request."""
    if request_auth:
        settings = [request_auth]
    elif schemes:
        configured = configuration.auth_settings()
        settings = [configured[name] for name in schemes if name in configured]
    else:
        return
    for setting in settings:
        value = setting["value"]
        if not isinstance(value, str):
            raise ApiTypeError(f"the credential {setting['key']} must be a str")
        check_text(f"the credential {setting['key']}", value)
        if setting["in"] == "header":
            headers[setting["key"]] = value
        elif setting["in"] == "query":
            query.append((setting["key"], value))
        elif setting["in"] == "cookie":
            headers["Cookie"] = value
        else:
            raise ApiValueError("Authentication token must be in `query`, `header` or `cookie`")
