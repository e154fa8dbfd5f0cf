"""Reading Binance's request parameters, with Binance's errors for a missing or malformed one."""

import re

from binance_spot.testing.records import Recorded
from binance_spot.testing.replies import ApiError

_INTEGER = re.compile(r"-?[0-9]+")


def is_form(content_type: str | None) -> bool:
    """Whether a body of this ``Content-Type`` carries parameters (and signed bytes)."""
    return (content_type or "").lower().startswith("application/x-www-form-urlencoded")


def mandatory(name: str) -> ApiError:
    return ApiError(400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def invalid() -> ApiError:
    return ApiError(400, -1130, "Invalid data sent for a parameter.")


def require(req: Recorded, name: str) -> str:
    """The parameter's value; -1102 when it is absent or empty."""
    value = req.param(name)
    if not value:
        raise mandatory(name)
    return value


def integer(req: Recorded, name: str, default: int) -> int:
    """The parameter as an integer (``default`` when absent); -1130 when it is not one."""
    raw = req.param(name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise invalid()
    return int(raw)
