"""Exit codes, and the one line (or JSON object) that describes each way a command can fail."""

from typing import Any, NamedTuple

from binance_spot._redact import redact_text

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_NETWORK = 3
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_STDOUT_CLOSED = 141

EXIT_CODES = f"""\
exit codes:
  {EXIT_OK}    success
  {EXIT_API_ERROR}    the server answered with an error (Binance's code and message are printed)
  {EXIT_USAGE}    bad command line or input, no API key, or a missing extra: nothing was sent
  {EXIT_NETWORK}    no usable answer: a network error, or an answer that cannot be used
  {EXIT_INTERNAL}   a bug in binance-spot (--verbose shows the traceback)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); keep exits 128 + the signal (130, 143 for SIGTERM)
  {EXIT_STDOUT_CLOSED}  stdout was closed by its reader (keep closes its key first)"""


class UsageError(Exception):
    """A problem with the command line, an input or the environment; nothing was sent."""


class OutputClosed(Exception):
    """Stdout was closed by its reader (``| head``): the command ends quietly."""


class Failure(NamedTuple):
    """What the user is told about a failed command, and the exit code."""

    exit_code: int
    kind: str
    message: str
    status: int | None = None
    code: int | None = None
    msg: str | None = None
    hint: str | None = None

    def as_json(self) -> dict[str, Any]:
        fields = self._asdict()
        fields.pop("exit_code")
        return {"error": fields}

    def as_line(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"binance-spot: error: {self.message}{hint}"


def one_line(text: str) -> str:
    """``text`` redacted, with line breaks and runs of spaces folded into single spaces."""
    return " ".join(redact_text(text).split())


def failure_of(exc: BaseException) -> Failure:
    """Classify any exception that ended a command."""
    from binance_spot.exceptions import ApiException, InvalidListenToken, StreamRequestError

    if isinstance(exc, KeyboardInterrupt):
        return Failure(EXIT_INTERRUPTED, "interrupted", "interrupted")
    if isinstance(exc, UsageError):
        return Failure(EXIT_USAGE, "usage", one_line(str(exc)))
    if isinstance(exc, ApiException):
        return _api_failure(exc)
    if isinstance(exc, ValueError):  # ApiValueError above all: refused before sending
        return Failure(EXIT_USAGE, "usage", one_line(str(exc)))
    if isinstance(exc, ImportError) and "pip install" in str(exc):  # an optional extra is missing
        return Failure(EXIT_USAGE, "missing_extra", one_line(str(exc)))
    if isinstance(exc, StreamRequestError):  # the WebSocket API refused, with Binance's code
        hint = one_line(type(exc).__doc__ or "") if isinstance(exc, InvalidListenToken) else None
        return Failure(EXIT_API_ERROR, "api", one_line(str(exc)), exc.status, exc.code, one_line(exc.msg), hint)
    if isinstance(exc, OSError):  # a WebSocket connection refused, reset or timed out (REST's are ApiException)
        return Failure(EXIT_NETWORK, "network", one_line(f"network: {exc or type(exc).__name__}"))
    return Failure(EXIT_INTERNAL, "internal", one_line(f"internal error: {type(exc).__name__}: {exc}"))


def _api_failure(exc: Any) -> Failure:
    from binance_spot.exceptions import ApiConnectionError, ApiNoAnswerException

    hint = one_line(exc.hint) if exc.hint else None
    if isinstance(exc, ApiNoAnswerException):  # none came, or what came cannot be used
        if isinstance(exc, ApiConnectionError):
            return Failure(EXIT_NETWORK, "network", one_line(f"network: {exc.summary}"), hint=hint)
        return Failure(EXIT_NETWORK, "no_answer", one_line(exc.summary), exc.status, hint=hint)
    msg = one_line(exc.msg) if exc.msg else None
    if exc.code is not None:
        text = f"Binance error {exc.code}: {msg or ''} (HTTP {exc.status})"
    else:
        text = one_line(f"HTTP {exc.status} {exc.reason or ''}")
    return Failure(EXIT_API_ERROR, "api", text, exc.status, exc.code, msg, hint)
