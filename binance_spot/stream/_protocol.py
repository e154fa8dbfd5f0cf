"""The two wire protocols, one connection each, without I/O (in the manner of h11).

``UserDataSession`` speaks the WebSocket API: request/response envelopes, the listen-token
subscription and its renewal on the same connection, routing by ``subscriptionId``.
``RiskSession`` reads the risk stream's bare events. A session turns received text into
events and says when it is ``interrupted`` (the connection must be replaced) and why.
"""

import json
import logging
import math
from collections.abc import Callable
from typing import Any, NamedTuple

from binance_spot import _backoff
from binance_spot.stream._reconnect import RenewalBudget
from binance_spot.stream.errors import InvalidListenToken, StreamRequestError
from binance_spot.stream.event import Event, parse_event

__all__ = ["MIN_RENEW_SPACING", "RESPONSE_TIMEOUT", "Credential", "Interrupted", "RiskSession", "UserDataSession"]

logger = logging.getLogger("binance_spot.stream")

#: Seconds to wait for the answer to a request before giving the connection up.
RESPONSE_TIMEOUT = 10.0
#: No two token renewals closer together than this (``RenewalBudget`` bounds their rate).
MIN_RENEW_SPACING = 0.01
#: Retries of a failed token request back off up to this (and at most a quarter of the
#: token's remaining life, so that a few retries fit before it expires).
RENEW_RETRY_CAP = 5.0
#: A renewal never waits past this fraction of the token's lifetime.
RENEW_FRACTION = 0.9
INVALID_TOKEN = -1209
IDS_EXHAUSTED = -2042


class Credential(NamedTuple):
    """A listen token (or risk listen key) and the seconds it stays valid from when it was made."""

    secret: str
    lifetime: float

    def __repr__(self) -> str:
        return f"Credential(secret='***', lifetime={self.lifetime!r})"


class Interrupted(NamedTuple):
    """Why a connection must be replaced; ``retry_after`` seconds the server asked to wait;
    ``error`` the refusal of a request, fatal when it was the first subscription."""

    reason: str
    retry_after: float = 0.0
    error: StreamRequestError | None = None


def token_lifetime(expiration_ms: Any, requested: float, wall: float) -> float:
    """Seconds a new token stays valid: its ``expirationTime`` against our clock, unless our
    clock and the server's disagree so much that the answer is absurd; then what we asked for."""
    if isinstance(expiration_ms, (int, float)) and math.isfinite(expiration_ms):
        if expiration_ms > 1e14:  # microseconds, as in one of Binance's examples
            expiration_ms /= 1000.0
        left = expiration_ms / 1000.0 - wall
        if 0 < left <= requested + 1.0:
            return float(left)
    return requested


def _decode(text: str | bytes) -> dict[str, Any] | None:
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to decode
        logger.warning("ignored a frame that is not JSON (%d bytes)", len(text))
        return None
    return message if isinstance(message, dict) else None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class UserDataSession:
    """A listen-token subscription on one WebSocket API connection."""

    def __init__(
        self, renew_before: float, budget: RenewalBudget | None = None, random: Callable[[], float] = lambda: 0.5
    ) -> None:
        self.renew_before = renew_before
        self._budget = budget or RenewalBudget()  # the stream's, shared by its connections
        self._random = random
        self._renew_failures = 0
        self.live = False
        self.finished = False
        self.interrupted: Interrupted | None = None
        self.subscription_ids: set[int] = set()
        self._next_id = 0
        self._pending: dict[str, tuple[str, float, float]] = {}  # id -> (method, sent at, token expiry)
        self._token_at = self._expires_at = math.inf
        self._renew_not_before = -math.inf
        self._wait_until = -math.inf  # a token request was refused with Retry-After until then
        self._closing = False

    def url(self, base: str, credential: Credential) -> str:
        return base

    def _request(self, method: str, params: dict[str, Any], now: float, expiry: float = math.inf) -> str:
        self._next_id += 1
        ident = str(self._next_id)
        self._pending[ident] = (method, now, expiry)
        return json.dumps({"id": ident, "method": method, "params": params}, separators=(",", ":"))

    def open(self, credential: Credential, now: float) -> list[str]:
        """The frames to send once connected: the subscription (the reconnect cap bounds these)."""
        return self._subscribe(credential, now)

    def renew(self, credential: Credential, now: float) -> list[str]:
        """Subscribe again with a new token: Binance extends the subscription on this connection."""
        self._budget.spend(now)
        return self._subscribe(credential, now)

    def _subscribe(self, credential: Credential, now: float) -> list[str]:
        self._renew_not_before = now + MIN_RENEW_SPACING
        expiry = now + credential.lifetime
        params = {"listenToken": credential.secret}
        return [self._request("userDataStream.subscribe.listenToken", params, now, expiry)]

    def renew_failed(self, now: float, retry_after: float = 0.0) -> None:
        """Creating the next token failed: back off (the package's one policy, capped so that
        retries fit in the token's remaining life), never before the ``retry_after`` seconds a
        429/418 asked for (a reconnect waits for them too)."""
        self._renew_failures += 1
        cap = min(RENEW_RETRY_CAP, max(_backoff.MIN_DELAY, (self._expires_at - now) / 4))
        self._wait_until = now + _backoff.server_wait(retry_after)
        self._renew_not_before = now + _backoff.delay(
            _backoff.MIN_DELAY, cap, self._renew_failures, self._random, retry_after
        )

    def renew_at(self) -> float:
        """When to create the next token; infinite while a renewal is on its way or before live."""
        if not self.live or self._closing or any(m.endswith("listenToken") for m, _, _ in self._pending.values()):
            return math.inf
        lifetime = self._expires_at - self._token_at
        due = self._expires_at - min(self.renew_before, RENEW_FRACTION * lifetime)
        return max(due, self._renew_not_before, self._budget.ready_at())

    def deadline(self) -> float:
        """When ``check`` next has something to decide."""
        oldest = min((sent for _, sent, _ in self._pending.values()), default=math.inf)
        return min(self.renew_at(), oldest + RESPONSE_TIMEOUT)

    def check(self, now: float) -> None:
        if any(now - sent >= RESPONSE_TIMEOUT for _, sent, _ in self._pending.values()):
            self.interrupted = self.interrupted or Interrupted("no_response")

    def close(self, now: float) -> list[str]:
        """Unsubscribe (all of this connection's subscriptions) before the socket is closed."""
        self._closing = True
        if not self.subscription_ids:
            self.finished = True
            return []
        return [self._request("userDataStream.unsubscribe", {}, now)]

    def receive(self, text: str | bytes, now: float, wall: float) -> list[Event]:
        message = _decode(text)
        if message is None:
            return []
        payload = message.get("event")
        if isinstance(payload, dict):
            return self._event(payload, message.get("subscriptionId"), now)
        if "id" in message:
            self._response(message, wall)
        return []

    def _event(self, payload: dict[str, Any], subscription_id: Any, now: float) -> list[Event]:
        kind = payload.get("e")
        if subscription_id is None:
            if kind == "serverShutdown":
                self.interrupted = self.interrupted or Interrupted("server_shutdown")
            return []
        try:
            ours = subscription_id in self.subscription_ids and type(subscription_id) is int  # not 7.0, not true
        except TypeError:  # unhashable: garbage
            ours = False
        if not ours:
            return []  # another subscription's event (routed by subscriptionId), or garbage
        if kind == "eventStreamTerminated" or kind == "serverShutdown":
            self._control(kind, subscription_id, now)
            return []
        return [parse_event(payload, subscription_id)]

    def _control(self, kind: str, subscription_id: int, now: float) -> None:
        if kind == "serverShutdown":  # Binance sends it without an id; with one it means the same
            self.interrupted = self.interrupted or Interrupted("server_shutdown")
            return
        self.subscription_ids.discard(subscription_id)
        if self._closing:
            self.finished = not self.subscription_ids
        else:  # a renewal refused with Retry-After: the reconnect waits for it too
            self.interrupted = self.interrupted or Interrupted("subscription_terminated", self._wait_until - now)

    def _response(self, message: dict[str, Any], wall: float) -> None:
        pending = self._pending.pop(str(message.get("id")), None)
        if pending is None:
            return
        method, sent, expiry = pending
        result = message.get("result")
        if message.get("status") == 200:
            if method == "userDataStream.unsubscribe":
                self.finished = True
                return
            ident = result.get("subscriptionId") if isinstance(result, dict) else None
            if type(ident) is not int:  # also not true or 7.0
                self.interrupted = self.interrupted or Interrupted("bad_response")
                return
            # One account per connection: an id other than the last retires it, so the old
            # id's events and its termination are ignored (no duplicates, no false gap).
            self.subscription_ids = {ident}
            self._token_at, self._expires_at = sent, expiry
            self._renew_failures = 0
            self.live = True
            return
        self._failed(method, message, wall)

    def _failed(self, method: str, message: dict[str, Any], wall: float) -> None:
        error = _object(message.get("error"))
        code, msg = error.get("code"), str(error.get("msg", "no message"))
        status = message.get("status") if isinstance(message.get("status"), int) else None
        if code == INVALID_TOKEN:
            raise InvalidListenToken(code, msg, status)
        if self._closing:
            self.finished = True
            return
        refusal = StreamRequestError(code if type(code) is int else None, msg, status)
        logger.warning("%s failed: %s", method, refusal)
        retry_after = _backoff.retry_after_ws(_object(error.get("data")).get("retryAfter"), wall)
        reason = "subscription_ids_exhausted" if code == IDS_EXHAUSTED else "request_failed"
        self.interrupted = self.interrupted or Interrupted(reason, retry_after, refusal)


class RiskSession:
    """The risk stream: a listen key in the URL, bare events, no requests."""

    def __init__(self) -> None:
        self.live = False
        self.finished = False
        self.interrupted: Interrupted | None = None

    def url(self, base: str, credential: Credential) -> str:
        return f"{base}/ws/{credential.secret}"

    def open(self, credential: Credential, now: float) -> list[str]:
        self.live = True
        return []

    def renew(self, credential: Credential, now: float) -> list[str]:
        return []

    def renew_failed(self, now: float, retry_after: float = 0.0) -> None:
        """Keys are kept alive by ``ListenKeyManager``, not by the session."""

    def renew_at(self) -> float:
        return math.inf

    deadline = renew_at

    def check(self, now: float) -> None:
        """No requests, so nothing can time out."""

    def close(self, now: float) -> list[str]:
        self.finished = True
        return []

    def receive(self, text: str | bytes, now: float, wall: float) -> list[Event]:
        message = _decode(text)
        if message is None:
            return []
        if message.get("e") == "listenKeyExpired":
            self.interrupted = self.interrupted or Interrupted("listen_key_expired")
            return []
        return [parse_event(message)]
