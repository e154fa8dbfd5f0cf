"""Errors of the streams: what ends a stream instead of being retried."""

__all__ = ["InvalidListenToken", "StreamError", "StreamRequestError", "require_websockets"]

INSTALL_HINT = "pip install 'binance_spot[stream]'"


class StreamError(Exception):
    """A stream cannot go on; iteration raises it once, then ends."""


class StreamRequestError(StreamError):
    """The WebSocket API refused a request with Binance's ``{"code", "msg"}`` error."""

    def __init__(self, code: int | None, msg: str, status: int | None = None) -> None:
        super().__init__(f"Binance error {code}: {msg}")
        self.code, self.msg, self.status = code, msg, status


class InvalidListenToken(StreamRequestError):
    """-1209: Binance refused a token this client had just created. Retrying cannot help:
    check the API key's margin permissions and the isolated symbol."""


def require_websockets() -> None:
    """Fail with the install command when the optional dependency is missing."""
    try:
        import websockets  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"the streams need the websockets package: {INSTALL_HINT}") from exc
