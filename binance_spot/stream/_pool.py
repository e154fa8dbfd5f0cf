"""Many accounts on few connections, without I/O: which connection an account goes on, when its
token is made and its subscribe sent, when a connection is opened, replaced or given up, and
which account each event, gap and failure belongs to.

A driver (``_many_sync``, ``_many_async``) owns the sockets, the clock and the token calls. It
tells the ``Pool`` what happened (``opened``, ``receive``, ``token_ready`` ...), calls ``poll``
at ``deadline()`` at the latest, and executes ``actions`` (``Action``) and hands ``items``
(``AccountEvent``, ``AccountFailed``) to the consumer, in order, after each call.
"""

import heapq
import json
import math
from collections.abc import Hashable
from typing import Any

from binance_spot import _backoff
from binance_spot.stream._core import PING_INTERVAL, POLL, SILENCE
from binance_spot.stream._overlap import LINGER, NEW, OLD, Overlap
from binance_spot.stream._pool_schedule import (
    CLOSE,
    CONNECT,
    PING,
    SEND,
    SUBSCRIBE,
    TOKEN,
    UNSUBSCRIBE,
    Action,
    Schedule,
)
from binance_spot.stream._pool_state import Account, AccountEvent, AccountFailed, Connection, refusal, weight_used
from binance_spot.stream._protocol import IDS_EXHAUSTED, INVALID_TOKEN, RENEW_FRACTION, RESPONSE_TIMEOUT, Credential
from binance_spot.stream._reconnect import check_time
from binance_spot.stream._weights import SUBSCRIBE_WEIGHT
from binance_spot.stream.event import Gap, parse_event

__all__ = ["CLOSE", "CONNECT", "PING", "SEND", "TOKEN", "Action", "Pool"]


class Pool(Schedule):
    """The accounts, the connections they are packed on, and the budgets both spend from."""

    # the consumer's calls -------------------------------------------------------

    def add(self, account: Hashable, now: float) -> None:
        if account in self.accounts:
            raise ValueError(f"account {account!r:.60} is already followed")
        if self.closing:
            raise RuntimeError("the stream is closed")
        self.accounts[account] = state = Account(account)
        self._want(state, now)

    def remove(self, account: Hashable, now: float) -> None:
        """Stop following ``account`` now (nothing more is delivered for it); unsubscribe it."""
        state = self.accounts.pop(account, None)
        if state is None:
            raise KeyError(account)
        self._forget(state)

    def close(self) -> None:
        """Close every connection (the server ends their subscriptions with them)."""
        self.closing = True
        for conn in self.connections.values():
            if not conn.closing:
                conn.closing = True
                self.actions.append(Action(CLOSE, conn.ident))

    # what happened --------------------------------------------------------------

    def opened(self, ident: int, now: float) -> None:
        conn = self.connections[ident]
        conn.open, conn.opened_at, conn.heard_at, conn.ping_at = True, now, now, now + PING_INTERVAL
        for state in conn.parked:
            if state.home == ident:
                self._enqueue(state)
        conn.parked.clear()
        self._check_at = -math.inf

    def heard(self, ident: int, now: float) -> None:
        conn = self.connections.get(ident)
        if conn is not None:
            conn.heard_at = max(conn.heard_at, now)

    def token_ready(self, account: Hashable, credential: Credential, now: float) -> None:
        self._reserved -= 1
        state = self.accounts.get(account)
        if state is None:
            return
        state.calling = False
        conn = self.connections.get(state.home) if state.home is not None else None
        if conn is None or not conn.open or conn.closing:
            self._want(state, now)
            return
        state.sent_on = conn.ident
        self.budget.spend(now, SUBSCRIBE_WEIGHT)
        conn.ids_used += 1
        expiry = min(now + credential.lifetime, credential.expires_at)
        frame = conn.request(SUBSCRIBE, {"listenToken": credential.secret}, (account, now, expiry))
        self.actions.append(Action(SEND, conn.ident, account, frame))
        if conn.retiring is None and conn.ids_used + len(conn.members) >= self.ids_per_connection:
            self._retire(conn, "subscription_ids_low", now)

    def token_failed(
        self, account: Hashable, error: BaseException, fatal: bool, retry_after: float, now: float
    ) -> None:
        """The token call failed: ``fatal`` (a refused key, a 401) removes the account and
        reports it; otherwise it is tried again after the backoff (and a 429's wait, which
        holds for every account: they share the IP)."""
        self._reserved -= 1
        state = self.accounts.get(account)
        if state is None:
            return
        state.calling = False
        if fatal:
            self._fail(state, error)
            return
        if retry_after > 0:
            self.budget.block(now, retry_after)
        self._retry(state, now, retry_after)

    def receive(self, ident: int, text: str | bytes, now: float, wall: float) -> None:
        conn = self.connections.get(ident)
        if conn is None:
            return
        conn.heard_at = now
        try:
            message = json.loads(text)
        except (ValueError, RecursionError):
            return
        if not isinstance(message, dict):
            return
        payload = message.get("event")
        if isinstance(payload, dict):
            self._event(conn, payload, message.get("subscriptionId"), now, wall)
        elif "id" in message:
            self._response(conn, message, now, wall)

    def lost(self, ident: int, now: float, wall: float, reason: str | None, retry_after: float = 0.0) -> None:
        """Connection ``ident`` ended (or its attempt failed): every account on it is owed a gap
        (unless it already lives on another connection) and subscribes again."""
        conn = self.connections.pop(ident, None)
        if conn is None:
            return
        reason = reason or "connection_lost"
        if not conn.open:
            self._connect_failures += 1
            self._connect_at = now + _backoff.delay(*self.backoff, self._connect_failures, self._random, retry_after)
        for state in {*conn.members, *conn.by_sid.values(), *conn.parked}:
            self._leave(state, conn, reason, now, wall)
        self._check_at = -math.inf

    # the schedule ----------------------------------------------------------------

    def deadline(self) -> float:
        return self._check_at

    def poll(self, now: float, wall: float) -> None:
        """Take every decision that is due at ``now``."""
        now = check_time(now)
        if now < self._check_at:
            return
        while self._timers and self._timers[0][0] <= now:
            at, _, state = heapq.heappop(self._timers)
            if at == state.wanted_at:  # not a stale one
                self._enqueue(state)
        for state in [s for s in self._overlaps if s.overlap is None or s.overlap.over(now)]:
            state.overlap = None
            self._overlaps.discard(state)
        for conn in list(self.connections.values()):
            self._check_connection(conn, now, wall)
        self._send_unsubscribes(now)
        self._subscribe_waiting(now)
        later = [now + POLL]
        if self._timers:
            later.append(self._timers[0][0])
        self._check_at = min(later)

    def _check_connection(self, conn: Connection, now: float, wall: float) -> None:
        if not conn.open or conn.closing:
            return
        oldest = next(iter(conn.pending.values()), None)
        if oldest is not None and now - oldest[2] >= RESPONSE_TIMEOUT:
            self._close(conn, "no_response")
        elif now >= conn.heard_at + SILENCE:
            self._close(conn, "silent")
        elif now >= conn.opened_at + self.max_age:
            self._retire(conn, "connection_age", now)
        if now >= conn.ping_at and not conn.closing:
            conn.ping_at = now + PING_INTERVAL
            self.actions.append(Action(PING, conn.ident))
        if conn.retiring is not None and not conn.closing and self._moved(conn, now):
            conn.closing = True
            self.actions.append(Action(CLOSE, conn.ident))

    def _moved(self, conn: Connection, now: float) -> bool:
        """Every account of a retiring connection lives on another one since ``LINGER``."""
        if conn.members or now < conn.moved_at + LINGER:
            return False
        return all(s.id not in self.accounts or (s.home is not None and s.home in s.subs) for s in conn.by_sid.values())

    # what the server said ------------------------------------------------------------

    def _event(self, conn: Connection, payload: dict[str, Any], sid: Any, now: float, wall: float) -> None:
        kind = payload.get("e")
        if sid is None or kind == "serverShutdown":
            if kind == "serverShutdown":
                self._retire(conn, "server_shutdown", now)
            return
        try:
            state = conn.by_sid.get(sid) if type(sid) is int else None
        except TypeError:
            state = None
        if state is None or state.id not in self.accounts:
            return
        if kind == "eventStreamTerminated":
            if state.subs.get(conn.ident) == sid:
                del conn.by_sid[sid], state.subs[conn.ident]
                self._leave(state, conn, "subscription_terminated", now, wall)
            return
        event = parse_event(payload, sid)
        if state.overlap is not None and not state.overlap.admit(OLD if state.home != conn.ident else NEW, [event]):
            return
        self.items.append(AccountEvent(state.id, event))

    def _response(self, conn: Connection, message: dict[str, Any], now: float, wall: float) -> None:
        pending = conn.pending.pop(str(message.get("id")), None)
        if pending is None:
            return
        method, (account, sent, expiry), _ = pending
        used = weight_used(message)
        if used is not None:
            self.budget.observe(*used, now)
        if method == UNSUBSCRIBE:
            return
        state = self.accounts.get(account)
        result = message.get("result")
        sid = result.get("subscriptionId") if isinstance(result, dict) else None
        if state is None:  # removed meanwhile: end that subscription
            if message.get("status") == 200 and type(sid) is int:
                self._unsubscribes.append((conn.ident, sid))
            return
        if state.sent_on == conn.ident:
            state.sent_on = None
        if message.get("status") == 200 and type(sid) is int:
            self._live(state, conn, sid, now, sent, expiry, wall)
        elif state.home != conn.ident:  # it moves: its new connection is asked
            self._enqueue(state)
        elif message.get("status") == 200:
            self._retry(state, now)
        else:
            self._refused(state, conn, message, now, wall, expiry)

    def _live(
        self, state: Account, conn: Connection, sid: int, now: float, sent: float, expiry: float, wall: float
    ) -> None:
        old = state.subs.get(conn.ident)
        if old is not None and old != sid:
            conn.by_sid.pop(old, None)
        conn.by_sid[sid] = state
        state.subs[conn.ident] = sid
        self._connect_failures = 0
        if conn.retiring is not None:  # it went live on a connection that is being replaced
            self._move(state, conn, conn.retiring, now)
        if state.home != conn.ident:
            self._enqueue(state)
            return
        lifetime = max(expiry - sent, 0.0)
        self._timer(state, expiry - min(self.renew_before, RENEW_FRACTION * lifetime))
        if state.overlap is not None:
            state.overlap.went_live(now)
        for ident in [i for i in state.subs if i != conn.ident]:
            moved_from = self.connections.get(ident)
            if moved_from is not None:
                moved_from.members.discard(state)
                moved_from.moved_at = max(moved_from.moved_at, now)
        if state.gap is not None:
            reason, lost_at = state.gap
            state.gap = None
            self.items.append(AccountEvent(state.id, Gap.of(reason, lost_at, int(wall * 1000))))

    def _refused(
        self, state: Account, conn: Connection, message: dict[str, Any], now: float, wall: float, expiry: float
    ) -> None:
        code, error, wait = refusal(message, wall)
        if code == INVALID_TOKEN and now < expiry:
            self._fail(state, error)
        elif code == IDS_EXHAUSTED:
            self._retire(conn, "subscription_ids_exhausted", now)
            self._want(state, now)
        else:  # a token dead on its way, a 429/418, -2035 (the subscription it has works on), a
            # server error: this account tries again after the backoff
            if error.status in (418, 429):
                self.budget.block(now, wait or 1.0)
            self._retry(state, now, wait)

    # an account's moves -------------------------------------------------------------

    def _retire(self, conn: Connection, reason: str, now: float) -> None:
        """A planned end: every account live on ``conn`` subscribes on another connection first."""
        if conn.retiring is not None or conn.closing:
            return
        conn.retiring = reason
        for state in list(conn.members):
            if conn.ident in state.subs:
                self._move(state, conn, reason, now)

    def _move(self, state: Account, conn: Connection, reason: str, now: float) -> None:
        """``state`` subscribes elsewhere while its subscription on ``conn`` still works."""
        if state.home == conn.ident:
            for ident in [i for i in state.subs if i != conn.ident]:  # an older one it is still on:
                self._drop(state, ident)  # leave it now, so that an account is on two at most
            previous = state.overlap
            state.overlap = previous.handed_on(reason) if previous is not None else Overlap(None, reason)
            self._overlaps.add(state)
            state.home = None
        self._enqueue(state)

    def _drop(self, state: Account, ident: int) -> None:
        """Leave ``state``'s subscription on connection ``ident``: stop reading it and end it
        on the server too, so that no subscription the pool ignores is counted as a live one
        (its events would be lost)."""
        sid = state.subs.pop(ident)
        older = self.connections.get(ident)
        if older is not None:
            older.by_sid.pop(sid, None)
            older.members.discard(state)
            self._unsubscribes.append((ident, sid))

    def _close(self, conn: Connection, reason: str) -> None:
        conn.closing = True
        self.actions.append(Action(CLOSE, conn.ident, reason=reason))

    def _leave(self, state: Account, conn: Connection, reason: str, now: float, wall: float) -> None:
        """``state`` is no longer subscribed on ``conn``."""
        conn.members.discard(state)
        was_live = state.subs.pop(conn.ident, None) is not None
        if state.overlap is not None and state.home != conn.ident:
            state.overlap.ended(now, wall)
        if state.sent_on == conn.ident:
            state.sent_on = None
        if state.id not in self.accounts:
            return
        lives_elsewhere = bool(state.subs)  # another subscription still works (it moves, or moved)
        if was_live and not lives_elsewhere and state.gap is None:
            state.gap = (reason, int(wall * 1000))
        if state.home == conn.ident:
            state.home = None
        if state.home is None:
            self._enqueue(state)

    def _fail(self, state: Account, error: BaseException) -> None:
        if self.accounts.pop(state.id, None) is not None:
            self._forget(state)
            self.items.append(AccountFailed(state.id, error))

    def _forget(self, state: Account) -> None:
        for ident, sid in state.subs.items():
            conn = self.connections.get(ident)
            if conn is not None:
                conn.by_sid.pop(sid, None)
                self._unsubscribes.append((ident, sid))
        for conn in self.connections.values():
            conn.members.discard(state)
        state.subs.clear()
        self._check_at = -math.inf
