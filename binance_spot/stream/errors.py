"""Errors of the streams (defined with the package's whole tree in ``binance_spot.exceptions``),
and the marker that carries the end of a stream, or its fatal error, to the consumer."""

from binance_spot.exceptions import (
    InvalidListenToken,
    StreamClosed,
    StreamConnectionError,
    StreamError,
    StreamRequestError,
)

__all__ = [
    "End",
    "InvalidListenToken",
    "StreamClosed",
    "StreamConnectionError",
    "StreamError",
    "StreamRequestError",
    "require_websockets",
]

INSTALL_HINT = "pip install 'binance_spot[stream]'"


def require_websockets() -> None:
    """Fail with the install command when the optional dependency is missing."""
    try:
        import websockets  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"the streams need the websockets package: {INSTALL_HINT}") from exc


class End:
    """Queued after the last event: after ``close()`` (``error`` None) or a fatal error."""

    def __init__(self, error: BaseException | None) -> None:
        self.error = error
