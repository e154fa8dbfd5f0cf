"""What ``ListenKeyManager`` drives: the create / keepalive / close shape and listen tokens.

Adapters turn the generated APIs (or any callables of the same shape) into these
operations. A token's lifetime is measured on the server's clock (its ``Date`` header) when
the answer carries one, so a local clock that is off cannot make a token look dead or immortal.
"""

import email.utils
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeAlias

from binance_spot.exceptions import InvalidResponseException

if TYPE_CHECKING:
    from binance_spot.api.margin_stream_api import MarginStreamApi

#: Binance's code for "This listenKey does not exist.": create a new key.
KEY_GONE = -1125


class ListenKeyOps(Protocol):
    """A listen key that lives while it is kept alive: the margin key, the margin risk key."""

    def create(self) -> str:
        """Create a key (or get the active one) and return it."""
        ...

    def keepalive(self, key: str) -> None:
        """Extend ``key``; raise ``ApiException`` with code -1125 when it no longer exists."""
        ...

    def close(self, key: str) -> None:
        """Invalidate ``key``."""
        ...


class ListenToken(NamedTuple):
    """A listen token and the seconds it stays valid from now."""

    token: str
    lifetime: float


class ListenTokenOps(Protocol):
    """A listen token: no keepalive and no close; a new one replaces it before it expires."""

    def create(self) -> ListenToken: ...


Ops = ListenKeyOps | ListenTokenOps
#: What ``ListenKeyManager`` accepts.
ListenKeySource: TypeAlias = "MarginStreamApi | ListenKeyOps | ListenTokenOps"


def _field(result: Any, attribute: str, wire_name: str) -> Any:
    """A field of a generated model or of the decoded JSON dict, whichever came back."""
    if isinstance(result, Mapping):
        return result.get(wire_name)
    return getattr(result, attribute, None)


def _listen_key_of(result: Any) -> str:
    """The key in what a create call returned: a str, a model, or ``{"listenKey": ...}``."""
    key = result if isinstance(result, str) else _field(result, "listen_key", "listenKey")
    if not isinstance(key, str) or not key:
        raise InvalidResponseException(reason="the answer to a create call holds no listen key")
    return key


class MarginStreamOps:
    """``ListenKeyOps`` over the generated ``MarginStreamApi`` (``/sapi/v1/userDataStream``)."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def create(self) -> str:
        return _listen_key_of(self.api.sapi_v1_user_data_stream_post())

    def keepalive(self, key: str) -> None:
        self.api.sapi_v1_user_data_stream_put(listen_key=key)

    def close(self, key: str) -> None:
        self.api.sapi_v1_user_data_stream_delete(listen_key=key)


class ListenKeyFunctions:
    """``ListenKeyOps`` from three callables, for APIs of the same shape (the margin risk stream).

    ``create()`` may return the key, a model with ``listen_key`` or a ``{"listenKey": ...}``
    dict; ``keepalive`` and ``close`` are called with the key as their only argument.
    """

    def __init__(
        self,
        create: Callable[[], Any],
        keepalive: Callable[[str], Any],
        close: Callable[[str], Any],
    ) -> None:
        self._create, self._keepalive, self._close = create, keepalive, close

    def create(self) -> str:
        return _listen_key_of(self._create())

    def keepalive(self, key: str) -> None:
        self._keepalive(key)

    def close(self, key: str) -> None:
        self._close(key)


#: The longest a listen token lives (Binance's maximum ``validity``), plus a minute of clock slack.
MAX_TOKEN_LIFETIME = 86_400.0 + 60.0
#: A token that arrives with less than this left is treated as a bad answer, not renewed at once.
MIN_TOKEN_LIFETIME = 0.5


class ListenTokenFunctions:
    """``ListenTokenOps`` from the callable that creates a token (``POST /sapi/v1/userListenToken``).

    ``create()`` may return a model with ``token`` and ``expiration_time``, the
    ``{"token": ..., "expirationTime": ...}`` dict, or the ``(data, status, headers)`` of a
    generated ``..._with_http_info`` method: then the token's lifetime is ``expirationTime``
    (milliseconds) minus the answer's ``Date``, the server's own clock (rounded down to 1 s). Otherwise it is
    measured against ``now`` (the local wall clock; pass the server's clock in tests).
    A lifetime below ``MIN_TOKEN_LIFETIME`` or above ``MAX_TOKEN_LIFETIME`` (an expiry in the
    past, in seconds instead of milliseconds, a skewed clock) raises
    ``InvalidResponseException``, so the manager backs off instead of asking again at once.
    """

    def __init__(self, create: Callable[[], Any], *, now: Callable[[], float] = time.time) -> None:
        self._create = create
        self._now = now

    def create(self) -> ListenToken:
        result = self._create()
        server_now = None
        if isinstance(result, tuple) and len(result) == 3:
            result, _, headers = result
            server_now = _date_of(headers)
        token = _field(result, "token", "token")
        expiration = _field(result, "expiration_time", "expirationTime")
        if not isinstance(token, str) or not token or not _is_number(expiration):
            raise InvalidResponseException(reason="the answer to a token call holds no token and expirationTime")
        # Date has whole seconds: the server's now lies within the second after it.
        lifetime = expiration / 1000.0 - (self._now() if server_now is None else server_now + 1.0)
        if not MIN_TOKEN_LIFETIME <= lifetime <= MAX_TOKEN_LIFETIME:
            raise InvalidResponseException(
                reason=f"the token's expirationTime is {lifetime:.3f} s away; expected "
                f"{MIN_TOKEN_LIFETIME:g} s to 24 h (an expiry in the past, in seconds, or a skewed clock)"
            )
        return ListenToken(token, lifetime)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _date_of(headers: Any) -> float | None:
    """The ``Date`` header as a POSIX time, or None when absent or malformed."""
    if not isinstance(headers, Mapping):
        return None
    value = next((v for k, v in headers.items() if isinstance(k, str) and k.lower() == "date"), None)
    if not isinstance(value, str):
        return None
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _as_ops(api: ListenKeySource) -> Ops:
    """What the manager drives: a ``MarginStreamApi`` is wrapped, ops objects are used as they are."""
    if hasattr(api, "sapi_v1_user_data_stream_post"):
        return MarginStreamOps(api)
    if callable(getattr(api, "create", None)):
        return api
    raise TypeError(f"expected a MarginStreamApi, a ListenKeyOps or a ListenTokenOps, got {type(api).__name__}")
