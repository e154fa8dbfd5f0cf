"""The package's logger, and a redacting filter on every logger our requests reach.

urllib3 logs request URLs (which carry listen keys, timestamps and signatures) at DEBUG
and, on a malformed response header, at WARNING. A filter on a logger sees only the
records logged there, so each urllib3 logger gets one, including those of modules that
urllib3 imports later. websockets logs frames cut to a few dozen characters, which could cut
a secret field's name off its value: a frame is masked whole, then cut.
"""

import logging
import sys
from typing import Any

from binance_spot._redact import redact_text

#: The logger of this package: retries at INFO, requests and responses at DEBUG.
LOGGER_NAME = "binance_spot"

logger = logging.getLogger(LOGGER_NAME)

# Every logger urllib3 1.26 and 2.x create, by module name.
_URLLIB3_LOGGERS = (
    "urllib3",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "urllib3.util.ssl_",
    "urllib3.http2.connection",
    "urllib3.contrib.pyopenssl",
    "urllib3.contrib.socks",
    "urllib3.contrib.emscripten.response",
)


#: Characters of a frame's payload a log line shows (websockets shows 75 too).
FRAME_LOG_SIZE = 75


def _frame_text(frame: Any) -> str:
    """A WebSocket frame as websockets logs it, but a data frame is masked before it is cut
    (control frames carry no secret: websockets' own text shows their close code)."""
    if getattr(frame.opcode, "name", None) not in ("TEXT", "BINARY", "CONT"):
        return str(frame)
    text = repr(redact_text(bytes(frame.data).decode("utf-8", "replace")))
    if len(text) > FRAME_LOG_SIZE:
        text = f"{text[:48]}...{text[-24:]}"
    return f"{getattr(frame.opcode, 'name', frame.opcode)} {text} [{len(frame.data)} bytes]"


def _is_frame(arg: object) -> bool:
    return hasattr(arg, "opcode") and isinstance(getattr(arg, "data", None), (bytes, bytearray, memoryview))


class RedactingFilter(logging.Filter):
    """Masks secret fields (listen keys, tokens, signatures) in a record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(_is_frame(arg) for arg in args):
            record.args = tuple(_frame_text(arg) if _is_frame(arg) else arg for arg in args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a broken format: logging reports it itself
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_FILTER = RedactingFilter()


def install_redaction() -> None:
    """Put the filter on our logger and on every urllib3 logger (idempotent)."""
    names = {LOGGER_NAME, *_URLLIB3_LOGGERS}
    names.update(name for name in logging.root.manager.loggerDict if name.startswith("urllib3."))
    for name in names:
        target = logging.getLogger(name)
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)


def set_log_file(config: Any, path: str | None) -> None:
    """Send the package's log to ``path`` (None: stop), for ``Configuration.logger_file``."""
    package_logger = config.logger["package_logger"]
    if config.logger_file_handler is not None:
        package_logger.removeHandler(config.logger_file_handler)
        config.logger_file_handler.close()
        config.logger_file_handler = None
    if path:
        config.logger_file_handler = logging.FileHandler(path)
        config.logger_file_handler.setFormatter(logging.Formatter(config.logger_format))
        package_logger.addHandler(config.logger_file_handler)


def set_debug(config: Any, on: bool) -> None:
    """Log at DEBUG to stderr (or the log file) for ``Configuration.debug``; off restores the level."""
    package_logger = config.logger["package_logger"]
    if on:
        package_logger.setLevel(logging.DEBUG)
        if config.logger_stream_handler is None and config.logger_file_handler is None:
            config.logger_stream_handler = logging.StreamHandler(sys.stderr)
            config.logger_stream_handler.setFormatter(logging.Formatter(config.logger_format))
            package_logger.addHandler(config.logger_stream_handler)
    else:
        package_logger.setLevel(logging.NOTSET)  # the application's level applies again
        if config.logger_stream_handler is not None:
            package_logger.removeHandler(config.logger_stream_handler)
            config.logger_stream_handler = None
