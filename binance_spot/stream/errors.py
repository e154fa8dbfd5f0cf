"""Errors of the streams (defined with the package's whole tree in ``binance_spot.exceptions``)."""

from binance_spot.exceptions import InvalidListenToken, StreamClosed, StreamError, StreamRequestError

__all__ = ["InvalidListenToken", "StreamClosed", "StreamError", "StreamRequestError", "require_websockets"]

INSTALL_HINT = "pip install 'binance_spot[stream]'"


def require_websockets() -> None:
    """Fail with the install command when the optional dependency is missing."""
    try:
        import websockets  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"the streams need the websockets package: {INSTALL_HINT}") from exc
