"""One WebSocket connection of the local server, and Binance's rules for its subscriptions.

A ``Session`` answers the WebSocket API's requests (``userDataStream.subscribe.listenToken``,
``userDataStream.unsubscribe``, ``session.subscriptions``) and expires what it holds; it
neither reads nor writes the socket, so ``StreamHub`` keeps the I/O and the locking.

Each subscription belongs to the account (API key and isolated symbol) of the token it was
opened with: one connection carries many accounts, one subscription each (at most
``Quota.active`` at once, ``Quota.ids`` ids in its life). A subscribe with another token of an
account already subscribed renews that account's subscription; the token that holds it already
is refused with -2035 (it would extend nothing).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from binance_spot.testing.exchange import Owner
from binance_spot.testing.websocket import WebSocketConnection

__all__ = [
    "ACTIVE_SUBSCRIPTIONS",
    "SUBSCRIBE",
    "SUBSCRIPTION_IDS",
    "Grant",
    "Quota",
    "Session",
    "Subscription",
    "error",
]

Reply = dict[str, Any]
SUBSCRIBE = "userDataStream.subscribe.listenToken"
#: What a listen token opens: its account, and its expirationTime (ms).
Grant = tuple[Owner, int]
#: Subscriptions one connection may hold at once (Binance: 1,000), then -1034.
ACTIVE_SUBSCRIPTIONS = 1000
#: Subscription ids one connection may use in its life (Binance: 65,535), then -2042.
SUBSCRIPTION_IDS = 65_535


@dataclass(frozen=True)
class Quota:
    """A connection's limits: subscriptions active at once, and ids in its life."""

    active: int = ACTIVE_SUBSCRIPTIONS
    ids: int = SUBSCRIPTION_IDS


def error(ident: Any, status: int, code: int, msg: str) -> Reply:
    """A WebSocket API error answer."""
    return {"id": ident, "status": status, "error": {"code": code, "msg": msg}}


@dataclass
class Subscription:
    """One account's subscription on a connection: whose it is, and when its token expires (ms)."""

    owner: Owner
    expiry: int
    token: str


@dataclass(eq=False)
class Session:
    """A connection: its path, and its risk-stream key or its listen-token subscriptions."""

    ident: int
    ws: WebSocketConnection
    path: str
    opened: float  # time.monotonic()
    listen_key: str | None = None  # a risk-stream connection's key; None on the WebSocket API
    peer: str = ""  # the client's IP address, whose limits it counts against
    subscriptions: dict[int, Subscription] = field(default_factory=dict)  # by subscription id
    by_owner: dict[Owner, int] = field(default_factory=dict)  # the one subscription id of each account
    ids_used: int = 0
    pinged_at: float | None = None  # time.monotonic() of the ping not answered yet

    def heartbeat(self, now: float, interval: float, timeout: float) -> Literal["ping", "drop"] | None:
        """Binance's keepalive: a ping every ``interval`` seconds after the last answer, and the
        connection dropped when the pong has not come within ``timeout``."""
        if self.pinged_at is not None and self.ws.pong_at >= self.pinged_at:
            self.pinged_at = None
        if self.pinged_at is not None:
            return "drop" if now - self.pinged_at >= timeout else None
        if now - max(self.opened, self.ws.pong_at) >= interval:
            self.pinged_at = now
            return "ping"
        return None

    def sids_of(self, owner: Owner | None) -> list[int]:
        """The subscription ids an event of ``owner`` goes to (None: every subscription)."""
        if owner is None:
            return list(self.subscriptions)
        sid = self.by_owner.get(owner)
        return [] if sid is None else [sid]

    def answer(
        self, message: dict[str, Any], grant: Callable[[str], Grant | None], now_ms: int, quota: Quota
    ) -> tuple[Reply, list[int]]:
        """The answer to one request (``message["method"]`` is a str), and the subscriptions it ended."""
        ident, params = message.get("id"), message.get("params")
        params = params if isinstance(params, dict) else {}
        method = message["method"]
        if method == SUBSCRIBE:
            return self._subscribe(ident, params, grant, now_ms, quota), []
        if method == "userDataStream.unsubscribe":
            wanted = params.get("subscriptionId")
            ended = [sid for sid in self.subscriptions if wanted is None or sid == wanted]
            self._end(ended)
            return {"id": ident, "status": 200, "result": {}}, ended
        if method == "session.subscriptions":
            result = [{"subscriptionId": sid} for sid in self.subscriptions]
            return {"id": ident, "status": 200, "result": result}, []
        return error(ident, 400, -1000, f"Unknown method {method!r}."), []

    def _subscribe(
        self, ident: Any, params: dict[str, Any], grant: Callable[[str], Grant | None], now_ms: int, quota: Quota
    ) -> Reply:
        token = params.get("listenToken")
        granted = grant(token) if isinstance(token, str) else None
        if granted is None or granted[1] <= now_ms:
            return error(ident, 400, -1209, "Invalid listenToken.")
        owner, expiry = granted
        sid = self.by_owner.get(owner)
        if sid is not None and self.subscriptions[sid].token == token:
            return error(ident, 400, -2035, "User Data Stream subscription already active.")
        if sid is None:  # a new account on this connection
            if len(self.subscriptions) >= quota.active:
                msg = f"Too many active subscriptions on this connection; current limit is {quota.active}."
                return error(ident, 400, -1034, msg)
            if self.ids_used >= quota.ids:
                return error(ident, 400, -2042, "Maximum subscription ID reached for this connection.")
            sid, self.ids_used = self.ids_used, self.ids_used + 1
            self.by_owner[owner] = sid
        self.subscriptions[sid] = Subscription(owner, expiry, str(token))  # a renewal extends it
        return {"id": ident, "status": 200, "result": {"subscriptionId": sid, "expirationTime": expiry * 1000}}

    def expire(self, now_ms: int) -> list[int]:
        """End the subscriptions whose token has expired; their ids."""
        ended = [sid for sid, held in self.subscriptions.items() if held.expiry <= now_ms]
        self._end(ended)
        return ended

    def _end(self, sids: list[int]) -> None:
        for sid in sids:
            del self.by_owner[self.subscriptions.pop(sid).owner]
