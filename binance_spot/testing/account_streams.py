"""Whose subscriptions a user-data event goes to: the ``StreamHub`` that knows each connection's account.

Binance sends an account's events only to the subscriptions opened with that account's
listen tokens. The hub remembers, per connection, the account (API key and isolated symbol)
of the token it subscribed with, and ``push_to`` sends to those connections only; a change
made while none is live reaches nobody, as on Binance. A connection serves one account at a
time here (subscribing again with another account's token moves it to that account).
"""

import json
from typing import Any
from weakref import WeakKeyDictionary

from binance_spot.testing.exchange import Exchange, Owner
from binance_spot.testing.sessions import Session
from binance_spot.testing.streams import StreamHub
from binance_spot.testing.websocket import WebSocketClosed

__all__ = ["AccountHub"]

_SUBSCRIBE = "userDataStream.subscribe.listenToken"


class AccountHub(StreamHub):
    """A ``StreamHub`` whose events can target one account's subscriptions."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__(exchange)
        self._accounts = exchange
        self._owners: WeakKeyDictionary[Session, Owner] = WeakKeyDictionary()  # gone with the connection

    def _request(self, client: Session, data: str | bytes) -> None:
        # The owner is known before the answer is sent: a push right after the client reads it arrives.
        owner = self._owner_of(data)
        if owner is not None:
            with self._lock:
                self._owners[client] = owner
        super()._request(client, data)

    def _owner_of(self, data: str | bytes) -> Owner | None:
        try:
            message = json.loads(data)
        except (ValueError, RecursionError):
            return None
        if not isinstance(message, dict) or message.get("method") != _SUBSCRIBE:
            return None
        params = message.get("params")
        token = params.get("listenToken") if isinstance(params, dict) else None
        return self._accounts.token_owner(token) if isinstance(token, str) else None

    def push_to(self, payload: dict[str, Any], owner: Owner) -> int:
        """Send a user-data event to the live subscriptions of ``owner``; the number of deliveries."""
        frame = json.dumps(payload, separators=(",", ":"))
        sent = 0
        with self._lock:
            for client in self._clients:
                if client.listen_key is not None or self._owners.get(client) != owner:
                    continue
                frames = [f'{{"subscriptionId":{sid},"event":{frame}}}' for sid in client.subscriptions]
                try:
                    client.ws.send_many(frames)
                    sent += len(frames)
                except WebSocketClosed:
                    pass
        return sent
