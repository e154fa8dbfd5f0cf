"""Binance's WebSocket side on the local server: the WebSocket API's listen-token
subscriptions and the margin risk stream, on the same port as the REST endpoints.

``BinanceServer`` gets these methods from ``StreamsMixin``: tests push account events,
announce ``serverShutdown``, cut connections, shorten the connection lifetime and read back
what clients sent. Tokens are those the server issued over REST, with their expiry on the
server's clock. Standard library only (``websocket.py`` speaks the protocol).
"""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Union

from binance_spot.testing.websocket import WebSocketClosed, WebSocketConnection, accept_key

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler

    from binance_spot.testing.server import _Exchange

__all__ = ["API_PATH", "StreamMessage", "StreamsMixin"]

API_PATH = "/ws-api/v3"
RISK_PATH = "/ws/"
#: Binance closes every connection after 24 hours; tests set ``stream_lifetime`` shorter.
DEFAULT_LIFETIME = 24 * 3600.0
#: Subscription ids one connection may use (Binance: 65,535), then -2042.
SUBSCRIPTION_IDS = 65_535
_TICK = 0.01


@dataclass(frozen=True)
class StreamMessage:
    """One message a client sent over a WebSocket, decoded when it was JSON."""

    connection: int
    path: str
    message: Any


@dataclass(eq=False)
class _Client:
    ident: int
    ws: WebSocketConnection
    path: str
    opened: float
    listen_key: Optional[str] = None
    subscriptions: dict[int, int] = field(default_factory=dict)  # id -> token expiry (ms)
    ids_used: int = 0


def _error(ident: Any, status: int, code: int, msg: str) -> dict[str, Any]:
    return {"id": ident, "status": status, "error": {"code": code, "msg": msg}}


class _Hub:
    def __init__(self, exchange: "_Exchange", stopping: threading.Event) -> None:
        self.exchange = exchange
        self.stopping = stopping
        self.lock = threading.Lock()
        self.clients: list[_Client] = []
        self.messages: deque[StreamMessage] = deque(maxlen=100_000)
        self.opened = 0
        self.lifetime = DEFAULT_LIFETIME
        self.id_limit = SUBSCRIPTION_IDS
        self.timer = threading.Thread(target=self._tick, name="BinanceServer-streams", daemon=True)
        self.timer.start()

    def now_ms(self) -> int:
        return int(self.exchange.clock() * 1000)

    def serve(self, handler: "BaseHTTPRequestHandler") -> None:
        path = handler.path.partition("?")[0]
        key = handler.headers.get("Sec-WebSocket-Key")
        listen_key = path[len(RISK_PATH) :] if path.startswith(RISK_PATH) else None
        if path != API_PATH and listen_key is None:
            return _refuse(handler, 404, {"code": -1000, "msg": "No WebSocket service at this path."})
        if listen_key is not None and listen_key not in self._risk_keys():
            return _refuse(handler, 400, {"code": -1125, "msg": "This listenKey does not exist."})
        if not key or handler.headers.get("Sec-WebSocket-Version") != "13":
            return _refuse(handler, 400, {"code": -1000, "msg": "Not a WebSocket handshake."})
        handler.close_connection = True
        handler.connection.settimeout(None)
        with self.lock:  # registered before the handshake completes: a push right after it arrives
            self.opened += 1
            ws = WebSocketConnection(handler.connection, handler.rfile)
            client = _Client(self.opened, ws, path, time.monotonic(), listen_key)
            self.clients.append(client)
            handler.send_response(101)
            handler.send_header("Upgrade", "websocket")
            handler.send_header("Connection", "Upgrade")
            handler.send_header("Sec-WebSocket-Accept", accept_key(key))
            handler.end_headers()
        try:
            while True:
                self._request(client, client.ws.receive())
        except WebSocketClosed:
            pass
        finally:
            client.ws.drop()
            with self.lock:
                self.clients.remove(client)

    def _risk_keys(self) -> dict[str, float]:
        with self.exchange.lock:
            return self.exchange.risk.active(self.exchange.clock())

    def _request(self, client: _Client, data: Union[str, bytes]) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            message = data
        with self.lock:
            self.messages.append(StreamMessage(client.ident, client.path, message))
        if client.listen_key is not None:
            return  # the risk stream takes no requests (Binance ignores them too)
        if not isinstance(message, dict) or not isinstance(message.get("method"), str):
            return client.ws.send(json.dumps(_error(None, 400, -1000, "Malformed request.")))
        ident, params = message.get("id"), message.get("params")
        params = params if isinstance(params, dict) else {}
        method = message["method"]
        with self.lock:
            if method == "userDataStream.subscribe.listenToken":
                reply = self._subscribe(client, ident, params)
            elif method == "userDataStream.unsubscribe":
                reply, ended = self._unsubscribe(client, ident, params)
            elif method == "session.subscriptions":
                result = [{"subscriptionId": sid} for sid in client.subscriptions]
                reply = {"id": ident, "status": 200, "result": result}
            else:
                reply = _error(ident, 400, -1000, f"Unknown method {method!r}.")
            client.ws.send(json.dumps(reply))
            if method == "userDataStream.unsubscribe":
                for sid in ended:
                    self._terminate(client, sid)

    def _subscribe(self, client: _Client, ident: Any, params: dict[str, Any]) -> dict[str, Any]:
        token = params.get("listenToken")
        with self.exchange.lock:
            expiry = self.exchange.tokens.get(token) if isinstance(token, str) else None
        if expiry is None or expiry <= self.now_ms():
            return _error(ident, 400, -1209, "Invalid listenToken.")
        if client.subscriptions:  # the same account again: extend the active subscription
            sid = next(iter(client.subscriptions))
        elif client.ids_used >= self.id_limit:
            return _error(ident, 400, -2042, "Maximum subscription ID reached for this connection.")
        else:
            client.ids_used += 1
            sid = client.ids_used - 1
        client.subscriptions[sid] = expiry
        return {"id": ident, "status": 200, "result": {"subscriptionId": sid, "expirationTime": expiry * 1000}}

    def _unsubscribe(self, client: _Client, ident: Any, params: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
        wanted = params.get("subscriptionId")
        ended = [sid for sid in client.subscriptions if wanted is None or sid == wanted]
        for sid in ended:
            del client.subscriptions[sid]
        return {"id": ident, "status": 200, "result": {}}, ended

    def _terminate(self, client: _Client, sid: int) -> None:
        event = {"subscriptionId": sid, "event": {"e": "eventStreamTerminated", "E": self.now_ms()}}
        try:
            client.ws.send(json.dumps(event, separators=(",", ":")))
        except WebSocketClosed:
            pass

    def push(self, payload: dict[str, Any], listen_key: Optional[str], risk: bool) -> int:
        """Send an event to every matching connection; the number of deliveries."""
        sent = 0
        with self.lock:
            for client in self.clients:
                if risk and client.listen_key is not None and listen_key in (None, client.listen_key):
                    frames = [json.dumps(payload, separators=(",", ":"))]
                elif not risk and client.listen_key is None:
                    frames = [
                        json.dumps({"subscriptionId": sid, "event": payload}, separators=(",", ":"))
                        for sid in client.subscriptions
                    ]
                else:
                    continue
                try:
                    client.ws.send_many(frames)
                    sent += len(frames)
                except WebSocketClosed:
                    pass
        return sent

    def each(self, action: str) -> int:
        """``shutdown`` (serverShutdown to every API connection) or ``drop`` (cut every connection)."""
        with self.lock:
            clients = list(self.clients)
        for client in clients:
            if action == "drop":
                client.ws.drop()
            elif client.listen_key is None:
                event = {"event": {"e": "serverShutdown", "E": self.now_ms()}}
                try:
                    client.ws.send(json.dumps(event))
                except WebSocketClosed:
                    pass
        return len(clients)

    def _tick(self) -> None:
        """Expire subscriptions and risk keys, end connections past their lifetime."""
        while not self.stopping.wait(_TICK):
            now_ms, now = self.now_ms(), time.monotonic()
            risk_keys = self._risk_keys()
            with self.lock:
                clients = list(self.clients)
                for client in clients:
                    for sid, expiry in list(client.subscriptions.items()):
                        if expiry <= now_ms:
                            del client.subscriptions[sid]
                            self._terminate(client, sid)
            for client in clients:
                if now - client.opened >= self.lifetime:
                    client.ws.close(1000, "connection lifetime reached")
                elif client.listen_key is not None and client.listen_key not in risk_keys:
                    expired = {"e": "listenKeyExpired", "E": now_ms, "listenKey": client.listen_key}
                    try:
                        client.ws.send(json.dumps(expired))
                    except WebSocketClosed:
                        pass
                    client.ws.close(1000, "listen key expired")


def _refuse(handler: "BaseHTTPRequestHandler", status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class StreamsMixin:
    """The WebSocket half of ``BinanceServer`` (see the module docstring)."""

    _exchange: "_Exchange"
    _stopping: threading.Event
    _hub_lock = threading.Lock()
    _hub_instance: Optional[_Hub] = None

    @property
    def _hub(self) -> _Hub:
        with self._hub_lock:
            if self._hub_instance is None or not self._hub_instance.timer.is_alive():
                self._hub_instance = _Hub(self._exchange, self._stopping)
            return self._hub_instance

    def _serve_websocket(self, handler: "BaseHTTPRequestHandler") -> None:
        """Called by the HTTP handler for a request with ``Upgrade: websocket``."""
        self._hub.serve(handler)

    def push_event(self, event: dict[str, Any]) -> int:
        """Send a user-data event (``{"e": ..., "E": ..., ...}``) to every live listen-token
        subscription, wrapped as Binance does; returns how many subscriptions it reached."""
        return self._hub.push(event, None, risk=False)

    def push_risk_event(self, event: dict[str, Any], listen_key: Optional[str] = None) -> int:
        """Send a risk-stream event to the connections of ``listen_key`` (default: all)."""
        return self._hub.push(event, listen_key, risk=True)

    def shutdown_streams(self) -> int:
        """Announce ``serverShutdown`` on every WebSocket API connection (they stay open)."""
        return self._hub.each("shutdown")

    def drop_streams(self) -> int:
        """Cut every WebSocket connection without a close frame, as a network failure would."""
        return self._hub.each("drop")

    @property
    def stream_lifetime(self) -> float:
        """Seconds a WebSocket connection may live before the server ends it (Binance: 24 h)."""
        return self._hub.lifetime

    @stream_lifetime.setter
    def stream_lifetime(self, seconds: float) -> None:
        if not seconds > 0:
            raise ValueError("stream_lifetime must be positive")
        self._hub.lifetime = float(seconds)

    @property
    def subscription_id_limit(self) -> int:
        """Subscription ids a connection may use before -2042 (Binance: 65,535)."""
        return self._hub.id_limit

    @subscription_id_limit.setter
    def subscription_id_limit(self, limit: int) -> None:
        self._hub.id_limit = int(limit)

    @property
    def stream_messages(self) -> list[StreamMessage]:
        """Every message clients sent over WebSockets (the last 100,000), in arrival order."""
        with self._hub.lock:
            return list(self._hub.messages)

    @property
    def stream_connections_opened(self) -> int:
        """WebSocket connections accepted so far."""
        with self._hub.lock:
            return self._hub.opened

    @property
    def stream_subscriptions(self) -> dict[int, list[int]]:
        """Active listen-token subscription ids by connection number."""
        with self._hub.lock:
            return {c.ident: list(c.subscriptions) for c in self._hub.clients if c.listen_key is None}
