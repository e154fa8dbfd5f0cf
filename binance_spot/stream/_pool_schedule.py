"""The part of a ``Pool`` that decides when: its records, the order accounts wait in, the
timers of renewals and retries, and the tokens and connections the budgets allow now."""

import heapq
import math
import random as _random
from collections import deque
from collections.abc import Callable, Hashable
from typing import NamedTuple

from binance_spot import _backoff
from binance_spot.stream._core import MAX_CONNECTION_AGE
from binance_spot.stream._pool_state import Account, AccountEvent, AccountFailed, Connection
from binance_spot.stream._weights import CONNECT_WEIGHT, PROCESS_ATTEMPTS, SUBSCRIBE_WEIGHT, AttemptWindow, WeightBudget

#: The methods the pool sends.
SUBSCRIBE, UNSUBSCRIBE = "userDataStream.subscribe.listenToken", "userDataStream.unsubscribe"

__all__ = [
    "CLOSE",
    "CONNECT",
    "IDS_PER_CONNECTION",
    "PER_CONNECTION",
    "PING",
    "SEND",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "TOKEN",
    "Action",
    "Schedule",
]

#: What an ``Action`` asks of the driver.
CONNECT = "connect"  # open connection ``conn``; then ``opened`` or ``lost``
SEND = "send"  # send ``frame`` on ``conn``
TOKEN = "token"  # make ``account``'s next listen token off the reading path; then ``token_ready`` / ``token_failed``
CLOSE = "close"  # close ``conn`` (``reason`` None: planned, after a handover or on close); then ``lost``
PING = "ping"  # ping ``conn``; ``heard`` when the pong comes
#: Binance's rules: active subscriptions per connection, subscription ids per connection lifetime.
PER_CONNECTION = 1000
IDS_PER_CONNECTION = 65_535


class Action(NamedTuple):
    kind: str
    conn: int = -1
    account: Hashable = None
    frame: str = ""
    reason: str | None = None


class Schedule:
    """Accounts waiting for a token and a subscribe, in order; connections opened as they fill."""

    def __init__(
        self,
        *,
        per_connection: int = PER_CONNECTION,
        ids_per_connection: int = IDS_PER_CONNECTION,
        budget: WeightBudget | None = None,
        attempts: AttemptWindow | None = None,
        max_age: float = MAX_CONNECTION_AGE,
        renew_before: float = 600.0,
        backoff: tuple[float, float] = (0.5, 30.0),
        random: Callable[[], float] = _random.random,
    ) -> None:
        if type(per_connection) is not int or not 1 <= per_connection <= PER_CONNECTION:
            raise ValueError(f"per_connection must be an integer in [1, {PER_CONNECTION}], got {per_connection!r}")
        if type(ids_per_connection) is not int or not 2 * per_connection <= ids_per_connection <= IDS_PER_CONNECTION:
            raise ValueError("ids_per_connection must be an integer in [2 * per_connection, 65535]")
        self.per_connection, self.ids_per_connection = per_connection, ids_per_connection
        self.budget = budget or WeightBudget()
        self.attempts = attempts or PROCESS_ATTEMPTS
        self.max_age, self.renew_before, self.backoff = max_age, renew_before, backoff
        self._random = random
        self.accounts: dict[Hashable, Account] = {}
        self.connections: dict[int, Connection] = {}
        self.actions: list[Action] = []
        self.items: list[AccountEvent | AccountFailed] = []
        self.closing = False
        self._queue: deque[Account] = deque()  # waiting for a token and a subscribe, in order
        self._timers: list[tuple[float, int, Account]] = []  # (at, n, account): renewals and retries
        self._n = 0
        self._reserved = 0  # tokens asked for whose subscribe is not sent yet (their weight is kept)
        self._unsubscribes: deque[tuple[int, int]] = deque()  # (connection, subscription id)
        self._overlaps: set[Account] = set()
        self._connect_failures = 0
        self._connect_at = -math.inf
        self._check_at = -math.inf

    def _send_unsubscribes(self, now: float) -> None:
        while self._unsubscribes and self.budget.ready_at(now, self._kept(SUBSCRIBE_WEIGHT)) <= now:
            ident, sid = self._unsubscribes.popleft()
            conn = self.connections.get(ident)
            if conn is None or not conn.open or conn.closing:
                continue
            self.budget.spend(now, SUBSCRIBE_WEIGHT)
            frame = conn.request(UNSUBSCRIBE, {"subscriptionId": sid}, (None, now, math.inf))
            self.actions.append(Action(SEND, ident, None, frame))

    def _kept(self, weight: int) -> int:
        return weight + SUBSCRIBE_WEIGHT * self._reserved

    def _subscribe_waiting(self, now: float) -> None:
        """Ask for tokens, in order, while the budget (with the weight of the tokens already on
        their way kept aside) allows a subscribe each."""
        queue, blocked = self._queue, []
        while queue and not self.closing:
            state = queue[0]
            if state.id not in self.accounts or state.busy:
                queue.popleft().queued = False
                continue
            if self.budget.ready_at(now, self._kept(SUBSCRIBE_WEIGHT)) > now:
                break
            conn = self._home(state, now)
            if conn is None:  # it needs a connection that may not be opened yet: others may go on
                blocked.append(queue.popleft())
                continue
            queue.popleft().queued = False
            state.home = conn.ident
            conn.members.add(state)
            if not conn.open:
                conn.parked.append(state)
                continue
            state.calling = True
            self._reserved += 1
            self.actions.append(Action(TOKEN, conn.ident, state.id))
        queue.extendleft(reversed(blocked))

    def _home(self, state: Account, now: float) -> Connection | None:
        """The connection ``state`` subscribes on: its own (a renewal), else the first with room,
        else a new one if an attempt is allowed now."""
        if state.home is not None:
            own = self.connections.get(state.home)
            if own is not None and own.retiring is None and not own.closing:
                return own
            state.home = None
        for conn in self.connections.values():
            if conn.retiring is None and not conn.closing and len(conn.members) < self.per_connection:
                return conn
        if now < self._connect_at or self.budget.ready_at(now, self._kept(CONNECT_WEIGHT)) > now:
            return None
        if not self.attempts.attempt(now):
            return None
        self.budget.spend(now, CONNECT_WEIGHT)
        conn = Connection()
        self.connections[conn.ident] = conn
        self.actions.append(Action(CONNECT, conn.ident))
        return conn

    def _want(self, state: Account, now: float, at: float | None = None) -> None:
        at = now if at is None else at
        if at <= now:
            state.wanted_at = at
            self._enqueue(state)
        else:
            self._timer(state, at)

    def _enqueue(self, state: Account) -> None:
        if not state.queued and not state.busy and state.id in self.accounts:
            state.queued = True
            self._queue.append(state)
            self._check_at = -math.inf

    def _timer(self, state: Account, at: float) -> None:
        self._n += 1
        state.wanted_at = at
        heapq.heappush(self._timers, (at, self._n, state))
        self._check_at = min(self._check_at, at)

    def _retry(self, state: Account, now: float, retry_after: float = 0.0) -> None:
        state.failures += 1
        self._want(state, now, now + _backoff.delay(*self.backoff, state.failures, self._random, retry_after))
