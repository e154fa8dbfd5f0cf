"""Binance's WebSocket side on the local server: the WebSocket API's listen-token
subscriptions and the margin risk stream, on the same port as the REST endpoints.

``StreamHub`` holds the connections (each a ``Session``, which knows Binance's rules for
its subscriptions) and does their I/O; ``BinanceServer`` hands it the upgraded requests and
lets tests push account events, announce ``serverShutdown``, cut connections, shorten the
connection lifetime and read back what clients sent. Like Binance, it pings every
connection and drops one that does not answer in time. Tokens and risk keys are the
``Exchange``'s, with their expiry on its clock. Standard library only (``websocket.py``
speaks the protocol).
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from binance_spot.testing.exchange import Exchange, Owner
from binance_spot.testing.records import LOG_BYTES, BoundedLog
from binance_spot.testing.sessions import SUBSCRIBE, Quota, Session, error
from binance_spot.testing.stream_limits import StreamLimits
from binance_spot.testing.websocket import WebSocketClosed, WebSocketConnection, accept_key

__all__ = ["API_PATH", "MAX_STREAM_CONNECTIONS", "RISK_PATH", "StreamHub", "StreamMessage"]

API_PATH = "/ws-api/v3"
RISK_PATH = "/ws/"
#: Binance closes every connection after 24 hours; tests set ``stream_lifetime`` shorter.
DEFAULT_LIFETIME = 24 * 3600.0
#: WebSocket connections served at once (each holds a thread of the server's ``MAX_CONNECTIONS``):
#: more are refused with 503, so REST clients always find a free one.
MAX_STREAM_CONNECTIONS = 48
#: Binance pings every 20 s and drops a connection whose pong has not come within a minute.
PING_INTERVAL, PONG_TIMEOUT = 20.0, 60.0
#: Client messages ``received()`` keeps at most (and at most ``log_bytes`` of them).
STREAM_LOG_SIZE = 100_000
_TICK = 0.01


@dataclass(frozen=True)
class StreamMessage:
    """One message a client sent over a WebSocket, decoded when it was JSON."""

    connection: int
    path: str
    message: Any


class StreamHub:
    """Every WebSocket connection of one server, and the timer that expires what they hold.

    It serves between ``start()`` and ``stop()``; its timer thread runs only while there are
    connections (a server whose clients use only REST has none), and ``stop()`` ends it.
    """

    def __init__(self, exchange: Exchange, log_bytes: int = LOG_BYTES) -> None:
        self._exchange = exchange
        self._lock = threading.Lock()
        self._clients: list[Session] = []
        self._messages: BoundedLog[StreamMessage] = BoundedLog(STREAM_LOG_SIZE, log_bytes)
        self._opened = 0
        self.lifetime = DEFAULT_LIFETIME
        self.ping_interval, self.pong_timeout = PING_INTERVAL, PONG_TIMEOUT
        self.quota = Quota()
        self.limits = StreamLimits(exchange)
        self._serving = False
        self._timer: threading.Thread | None = None
        self._timer_stop = threading.Event()

    def start(self) -> None:
        with self._lock:
            self._serving = True

    def stop(self) -> None:
        """Refuse new connections and end the timer; the server has cut the connections already."""
        with self._lock:
            self._serving, timer, self._timer = False, self._timer, None
            self._timer_stop.set()
        if timer is not None:
            timer.join()

    def now_ms(self) -> int:
        return int(self._exchange.clock() * 1000)

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        """Complete the handshake of an ``Upgrade: websocket`` request and serve it until it ends."""
        path = handler.path.partition("?")[0]
        key = handler.headers.get("Sec-WebSocket-Key")
        listen_key = path[len(RISK_PATH) :] if path.startswith(RISK_PATH) else None
        if path != API_PATH and listen_key is None:
            return _refuse(handler, 404, {"code": -1000, "msg": "No WebSocket service at this path."})
        if listen_key is not None and listen_key not in self._exchange.risk_keys():
            return _refuse(handler, 400, {"code": -1125, "msg": "This listenKey does not exist."})
        accept = accept_key(key) if key else None
        if accept is None or handler.headers.get("Sec-WebSocket-Version") != "13":
            return _refuse(handler, 400, {"code": -1000, "msg": "Not a WebSocket handshake."})
        peer = str(handler.client_address[0])
        refusal = self.limits.connect(peer) if listen_key is None else None
        if refusal is not None:
            return _refuse(handler, *refusal)
        handler.close_connection = True
        handler.connection.settimeout(None)  # the hub's pings find dead peers
        with self._lock:  # registered before the handshake completes: a push right after it is queued
            if not self._serving:
                return  # the server is stopping: this connection is cut already
            full = len(self._clients) >= MAX_STREAM_CONNECTIONS
            client = None if full else self._register(handler, path, listen_key, peer)
        if client is None:
            busy = {"code": -1008, "msg": "Server is currently overloaded with other requests. Please try again later."}
            return _refuse(handler, 503, busy, {"Retry-After": "1"})
        ws = client.ws
        try:
            handler.send_response(101)
            handler.send_header("Upgrade", "websocket")
            handler.send_header("Connection", "Upgrade")
            handler.send_header("Sec-WebSocket-Accept", accept)
            handler.end_headers()
            ws.start_sending()
            while True:
                self._request(client, ws.receive())
        except (WebSocketClosed, OSError):
            pass
        finally:
            ws.finish()
            with self._lock:
                self._clients.remove(client)

    def _register(self, handler: BaseHTTPRequestHandler, path: str, listen_key: str | None, peer: str) -> Session:
        """A new connection's ``Session``, served by the timer from now on (the lock is held)."""
        self._opened += 1
        ws = WebSocketConnection(handler.connection, handler.rfile)
        client = Session(self._opened, ws, path, time.monotonic(), listen_key, peer)
        self._clients.append(client)
        if self._timer is None:
            self._timer_stop = threading.Event()
            self._timer = threading.Thread(
                target=self._tick, args=(self._timer_stop,), name="BinanceServer-streams", daemon=True
            )
            self._timer.start()
        return client

    def _request(self, client: Session, data: str | bytes) -> None:
        try:
            message = json.loads(data)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
            message = data
        with self._lock:
            self._messages.add(StreamMessage(client.ident, client.path, message), len(data))
        if client.listen_key is not None:
            return  # the risk stream takes no requests (Binance ignores them too)
        if not isinstance(message, dict) or not isinstance(message.get("method"), str):
            return client.ws.send(json.dumps(error(None, 400, -1000, "Malformed request.")))
        refused: dict[str, Any] | None = None
        rate_limits: list[dict[str, Any]] = []
        if message["method"] == SUBSCRIBE:
            refused, rate_limits = self.limits.subscribe(client.peer, message.get("id"))
        with self._lock:
            ended: list[int] = []
            if refused is None:
                reply, ended = client.answer(message, self._exchange.token_grant, self.now_ms(), self.quota)
            else:
                reply = refused
            params = message.get("params")
            if rate_limits and not (isinstance(params, dict) and params.get("returnRateLimits") is False):
                reply["rateLimits"] = rate_limits
            client.ws.send(json.dumps(reply))
            for sid in ended:
                self._terminate(client, sid)

    def _terminate(self, client: Session, sid: int) -> None:
        event = {"subscriptionId": sid, "event": {"e": "eventStreamTerminated", "E": self.now_ms()}}
        try:
            client.ws.send(json.dumps(event, separators=(",", ":")))
        except WebSocketClosed:
            pass

    def push(self, payload: dict[str, Any], owner: Owner | None = None) -> int:
        """Send a user-data event to the live subscriptions of ``owner`` (None: every one), on
        whatever connections they are; the number of deliveries."""
        frame = json.dumps(payload, separators=(",", ":"))

        def frames(client: Session) -> list[str]:
            if client.listen_key is not None:
                return []
            return [f'{{"subscriptionId":{sid},"event":{frame}}}' for sid in client.sids_of(owner)]

        return self._deliver(frames)

    def push_risk(self, payload: dict[str, Any], listen_key: str | None = None) -> int:
        """Send a risk-stream event to the connections of ``listen_key`` (None: every one)."""
        frame = json.dumps(payload, separators=(",", ":"))

        def frames(client: Session) -> list[str]:
            matches = client.listen_key is not None and listen_key in (None, client.listen_key)
            return [frame] if matches else []

        return self._deliver(frames)

    def _deliver(self, frames_of: Callable[[Session], list[str]]) -> int:
        """Send each connection the frames ``frames_of`` gives it; how many were queued."""
        sent = 0
        with self._lock:
            for client in self._clients:
                frames = frames_of(client)
                if not frames:
                    continue
                try:
                    client.ws.send_many(frames)
                    sent += len(frames)
                except WebSocketClosed:
                    pass
        return sent

    def shutdown(self) -> int:
        """``serverShutdown`` to every WebSocket API connection; the number of connections."""
        clients = self._snapshot()
        for client in clients:
            if client.listen_key is None:
                event = {"event": {"e": "serverShutdown", "E": self.now_ms()}}
                try:
                    client.ws.send(json.dumps(event))
                except WebSocketClosed:
                    pass
        return len(clients)

    def drop(self, connection: int | None = None) -> int:
        """Cut every connection (or only number ``connection``) without a close frame; the
        number of connections cut."""
        clients = self._snapshot()
        if connection is not None:
            clients = [c for c in clients if c.ident == connection]
            if not clients:
                raise ValueError(f"no open WebSocket connection number {connection!r}")
        for client in clients:
            client.ws.drop()
        return len(clients)

    def _snapshot(self) -> list[Session]:
        with self._lock:
            return list(self._clients)

    def received(self) -> list[StreamMessage]:
        """What clients sent (the last 100,000 messages, within ``log_bytes``), oldest first."""
        with self._lock:
            return self._messages.items()

    def connections_opened(self) -> int:
        with self._lock:
            return self._opened

    def subscriptions(self) -> dict[int, list[int]]:
        """Active listen-token subscription ids by connection number."""
        with self._lock:
            return {c.ident: list(c.subscriptions) for c in self._clients if c.listen_key is None}

    def subscribers(self) -> dict[int, dict[int, Owner]]:
        """Whose each active subscription is (API key, isolated symbol), by connection number and id."""
        with self._lock:
            return {
                c.ident: {sid: held.owner for sid, held in c.subscriptions.items()}
                for c in self._clients
                if c.listen_key is None
            }

    def _tick(self, stopped: threading.Event) -> None:
        """Expire subscriptions and risk keys, end connections past their lifetime; end with the last one."""
        while not stopped.wait(_TICK):
            now_ms, now = self.now_ms(), time.monotonic()
            risk_keys = self._exchange.risk_keys()
            with self._lock:
                if not self._clients:
                    if self._timer is threading.current_thread():
                        self._timer = None
                    return
                clients = list(self._clients)
                for client in clients:
                    for sid in client.expire(now_ms):
                        self._terminate(client, sid)
            for client in clients:
                beat = client.heartbeat(now, self.ping_interval, self.pong_timeout)
                if beat == "drop" or client.ws.overdue(now):
                    client.ws.drop()  # a peer that does not answer pings, or does not read
                elif beat == "ping":
                    try:
                        client.ws.ping(b"")
                    except WebSocketClosed:
                        pass
                if now - client.opened >= self.lifetime:
                    client.ws.close(1000, "connection lifetime reached")
                elif client.listen_key is not None and client.listen_key not in risk_keys:
                    expired = {"e": "listenKeyExpired", "E": now_ms, "listenKey": client.listen_key}
                    try:
                        client.ws.send(json.dumps(expired))
                    except WebSocketClosed:
                        pass
                    client.ws.close(1000, "listen key expired")


def _refuse(
    handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
