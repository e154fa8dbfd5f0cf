"""The records of a ``Pool`` (one per account, one per connection) and the items it delivers."""

import itertools
import json
import math
from collections.abc import Hashable
from typing import Any, NamedTuple

from binance_spot import _backoff
from binance_spot.stream._overlap import Overlap
from binance_spot.stream._protocol import INVALID_TOKEN
from binance_spot.stream.errors import InvalidListenToken, StreamRequestError
from binance_spot.stream.event import Event

__all__ = ["Account", "AccountEvent", "AccountFailed", "Connection", "refusal", "weight_used"]


class AccountEvent(NamedTuple):
    """An event of ``account`` (the id it was added with): a typed ``Event``, or a ``Gap``
    when that account's subscription was interrupted (resync that account by REST)."""

    account: Hashable
    event: Event


class AccountFailed(NamedTuple):
    """``account`` was refused (a revoked key, an invalid token, a 401 on its token call) and
    is no longer followed; the other accounts are not affected."""

    account: Hashable
    error: BaseException


class Account:
    """Where one account stands: its connection, its subscriptions, what it waits for."""

    __slots__ = ("calling", "failures", "gap", "home", "id", "overlap", "queued", "sent_on", "subs", "wanted_at")

    def __init__(self, ident: Hashable) -> None:
        self.id = ident
        self.home: int | None = None  # the connection it lives on or subscribes on
        self.subs: dict[int, int] = {}  # connection -> active subscription id (two while it moves)
        self.calling = False  # its token call runs
        self.sent_on: int | None = None  # the connection its subscribe awaits an answer on
        self.queued = False
        self.wanted_at = -math.inf  # a timer that fires before then is stale
        self.failures = 0
        self.gap: tuple[str, int] | None = None  # (reason, lost at ms) owed once it is live again
        self.overlap: Overlap | None = None  # while it moves from one connection to another

    @property
    def busy(self) -> bool:
        return self.calling or self.sent_on is not None

    def __repr__(self) -> str:
        return f"<Account {self.id!r} home={self.home} subs={self.subs}>"


_idents = itertools.count(1)


class Connection:
    """One WebSocket API connection of the pool and the requests awaiting an answer on it."""

    def __init__(self) -> None:
        self.ident = next(_idents)
        self.open = False
        self.closing = False  # we close it (planned, or because it stopped answering)
        self.retiring: str | None = None  # why its accounts move to another connection
        self.opened_at = self.heard_at = self.ping_at = math.inf
        self.moved_at = -math.inf  # when its last account went live elsewhere
        self.members: set[Account] = set()  # accounts that live or will live on it
        self.parked: list[Account] = []  # members waiting for it to open
        self.by_sid: dict[int, Account] = {}
        self.ids_used = 0
        self.pending: dict[str, tuple[str, tuple[Hashable, float, float], float]] = {}
        self._next = 0

    def request(self, method: str, params: dict[str, Any], about: tuple[Hashable, float, float]) -> str:
        """The frame of a request; ``about`` is (account, sent at, token expiry)."""
        self._next += 1
        ident = str(self._next)
        self.pending[ident] = (method, about, about[1])
        return json.dumps({"id": ident, "method": method, "params": params}, separators=(",", ":"))


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def weight_used(message: dict[str, Any]) -> tuple[Any, Any] | None:
    """(count, limit) of the IP's request weight per minute from a reply's ``rateLimits``."""
    limits = message.get("rateLimits")
    for limit in limits if isinstance(limits, list) else ():
        entry = _object(limit)
        if entry.get("rateLimitType") == "REQUEST_WEIGHT" and entry.get("interval") == "MINUTE":
            if entry.get("intervalNum") == 1:
                return entry.get("count"), entry.get("limit")
    return None


def refusal(message: dict[str, Any], wall: float) -> tuple[Any, StreamRequestError, float]:
    """A refused request's code, its error, and the seconds its ``retryAfter`` asks to wait."""
    error = _object(message.get("error"))
    code, msg = error.get("code"), str(error.get("msg", "no message"))
    status = message.get("status") if type(message.get("status")) is int else None
    kind = InvalidListenToken if code == INVALID_TOKEN else StreamRequestError
    wait = _backoff.retry_after_ws(_object(error.get("data")).get("retryAfter"), wall)
    return code, kind(code if type(code) is int else None, msg, status), wait
