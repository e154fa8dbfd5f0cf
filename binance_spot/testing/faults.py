"""Fault playback: the network failures ``BinanceServer.add_fault`` queues, and how each is acted out.

A fault replaces Binance's answer to the next matching requests. Playing one needs only a
few moves on the connection (``Wire``), so the HTTP handler stays a parser and a router.
"""

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, cast

from binance_spot.testing.records import Recorded
from binance_spot.testing.replies import HTML, JSON, Reply, html_page, json_reply, padded_json

__all__ = ["FAULT_KINDS", "Fault", "Faults", "Wire", "play"]

#: What ``BinanceServer.add_fault`` accepts as ``kind``.
FAULT_KINDS = frozenset({"status", "html", "hang", "close", "reset", "invalid_json", "empty", "oversized", "trickle"})

_TIMEOUT_MSG = "Timeout waiting for response from backend server. Send status unknown; execution status unknown."
_DEFAULT_ERRORS = {
    418: (-1003, "Way too many requests; IP banned."),
    429: (-1003, "Too many requests; current limit is 6000 request weight per 1 MINUTE."),
    500: (-1001, "Internal error; unable to process your request. Please try again."),
    502: (-1001, "Internal error; unable to process your request. Please try again."),
    503: (-1001, "Internal error; unable to process your request. Please try again."),
    504: (-1007, _TIMEOUT_MSG),
}
_UNKNOWN_ERROR = (-1000, "An unknown error occurred while processing the request.")


@dataclass
class Fault:
    """One queued failure (see ``checked``); ``times`` counts the requests it still meets."""

    kind: str
    times: int
    status: int | None
    body: bytes | None
    headers: dict[str, str]
    path: str | None
    method: str | None
    size: int | None
    delay: float | None
    api_key: str | None = None

    @classmethod
    def checked(
        cls,
        kind: str,
        times: int = 1,
        *,
        status: int | None = None,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        path: str | None = None,
        method: str | None = None,
        size: int | None = None,
        delay: float | None = None,
        api_key: str | None = None,
    ) -> "Fault":
        """The fault ``add_fault`` describes; ``ValueError`` for one that cannot be played."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if times < 1:
            raise ValueError("times must be at least 1")
        if kind == "status" and status is None:
            raise ValueError("a 'status' fault needs status=")
        if size is not None and size < 2:
            raise ValueError("size must be at least 2 bytes")
        if delay is not None and delay < 0:
            raise ValueError("delay cannot be negative")
        raw = body.encode() if isinstance(body, str) else body
        method = method.upper() if method else None
        return cls(kind, times, status, raw, dict(headers or {}), path, method, size, delay, api_key)

    def matches(self, req: Recorded) -> bool:
        if self.api_key is not None and req.header("X-MBX-APIKEY") != self.api_key:
            return False
        return self.path in (None, req.path) and self.method in (None, req.method)

    def reply(self) -> Reply:
        """The canned answer of the kinds that do answer with a whole response."""
        if self.kind == "status":
            status = cast(int, self.status)  # checked() made sure
            code, msg = _DEFAULT_ERRORS.get(status, _UNKNOWN_ERROR)
            reply = json_reply(status, {"code": code, "msg": msg})
            return self._merged(reply if self.body is None else reply._replace(body=self.body))
        if self.kind == "html":
            status = self.status or 410
            page = html_page(status) if self.body is None else self.body
            return self._merged(Reply(status, page, {"Content-Type": HTML}))
        if self.kind == "invalid_json":
            return Reply(200, b'{"listenKey": "abc', {"Content-Type": JSON})
        if self.kind == "empty":
            return Reply(200, b"", {"Content-Type": JSON})
        return Reply(200, padded_json(self.size or 2 * 1024 * 1024), {"Content-Type": JSON})

    def _merged(self, reply: Reply) -> Reply:
        overridden = {name.lower() for name in self.headers}
        kept = {k: v for k, v in reply.headers.items() if k.lower() not in overridden}
        return reply._replace(headers={**kept, **self.headers})


class Faults:
    """The queue of faults, used in the order they were added; safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._queue.append(fault)

    def take(self, req: Recorded) -> Fault | None:
        """The first queued fault that applies to ``req``, used up once more."""
        with self._lock:
            for fault in self._queue:
                if fault.matches(req):
                    fault.times -= 1
                    if fault.times == 0:
                        self._queue.remove(fault)
                    return fault
        return None

    def clear(self, api_key: str | None = None) -> int:
        """Forget the queued faults (only those scoped to ``api_key`` when given); how many."""
        with self._lock:
            kept = [f for f in self._queue if api_key is not None and f.api_key != api_key]
            cleared = len(self._queue) - len(kept)
            self._queue[:] = kept
        return cleared


class Wire(Protocol):
    """The moves a fault makes on the connection of the request it meets."""

    def send(self, reply: Reply) -> None: ...

    def send_head(self, status: int, headers: Mapping[str, str], length: int) -> None: ...

    def write(self, data: bytes) -> None: ...

    def hang_up(self) -> None:
        """Close the connection once this request is done, answered or not."""

    def reset(self) -> None:
        """Close the connection now with a TCP reset."""


def play(fault: Fault, wire: Wire, stopping: threading.Event) -> str | None:
    """Act ``fault`` out; the access log's outcome when nothing was answered.

    Every wait ends when ``stopping`` is set, so ``stop()`` never waits for a fault.
    """
    if fault.kind == "hang":
        stopping.wait(fault.delay)
        wire.hang_up()
        return "- (fault hang)"
    if fault.kind == "trickle":
        _trickle(fault, wire, stopping)
        return None
    if (fault.delay and stopping.wait(fault.delay)) or fault.kind == "close":
        wire.hang_up()  # "close" answers nothing; a delay cut short by stop() neither
        return f"- (fault {fault.kind})"
    if fault.kind == "reset":
        wire.send_head(200, {"Content-Type": JSON}, 1000)
        wire.write(b'{"listenKe')
        stopping.wait(0.05)  # let the client read what was sent before the RST discards it
        wire.reset()
        return None
    wire.send(fault.reply())
    return None


def _trickle(fault: Fault, wire: Wire, stopping: threading.Event) -> None:
    body = padded_json(fault.size or 100)
    delay = 0.2 if fault.delay is None else fault.delay
    wire.send_head(200, {"Content-Type": JSON}, len(body))
    for index in range(len(body)):
        if stopping.wait(delay):
            wire.hang_up()
            return
        wire.write(body[index : index + 1])
