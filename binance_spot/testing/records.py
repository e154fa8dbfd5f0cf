"""What the local server keeps of its clients: the request log tests assert on, and the access log.

The request log and the log of WebSocket messages drop their oldest entries past a count
and past a number of bytes, so a long test or a hostile client cannot grow the server's
memory without bound; the access log masks listen keys, tokens and signatures before they reach a terminal.
"""

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Generic, TextIO, TypeVar

from binance_spot._redact import redact_text

__all__ = ["LOG_BYTES", "REQUEST_LOG_SIZE", "AccessLog", "BoundedLog", "Recorded", "RequestLog"]

#: Requests ``BinanceServer.requests`` keeps by default: the oldest are dropped beyond it.
REQUEST_LOG_SIZE = 10_000
#: Bytes (bodies, headers, messages as sent) each log keeps by default, the oldest dropped beyond.
LOG_BYTES = 32 * 1024 * 1024

T = TypeVar("T")


class BoundedLog(Generic[T]):
    """The newest entries within ``size`` entries and ``budget`` bytes (the newest one is always
    kept). Not locked: its owner locks."""

    def __init__(self, size: int, budget: int) -> None:
        self._entries: deque[tuple[T, int]] = deque()
        self._size, self._budget, self._bytes = size, budget, 0

    def add(self, entry: T, nbytes: int) -> None:
        self._entries.append((entry, nbytes))
        self._bytes += nbytes
        while len(self._entries) > 1 and (len(self._entries) > self._size or self._bytes > self._budget):
            self._bytes -= self._entries.popleft()[1]

    def items(self) -> list[T]:
        return [entry for entry, _ in self._entries]

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0


@dataclass(frozen=True)
class Recorded:
    """One request exactly as the server saw it, so tests can assert on what a client sent."""

    method: str
    path: str
    query: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    client: tuple[str, int]

    def header(self, name: str) -> str | None:
        """Look a header up case-insensitively, as HTTP intends."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    def param(self, name: str) -> str | None:
        """The first value of a decoded parameter, or None."""
        return next((value for key, value in self.params if key == name), None)

    def size(self) -> int:
        """Bytes this record holds, near enough to bound the log by."""
        texts = [self.method, self.path, self.query, *self.headers.keys(), *self.headers.values()]
        return len(self.body) + sum(map(len, texts)) + sum(len(k) + len(v) for k, v in self.params)


class RequestLog:
    """The last ``size`` requests (within ``budget`` bytes) and the count of connections
    accepted, safe from any thread."""

    def __init__(self, size: int, budget: int = LOG_BYTES) -> None:
        self._lock = threading.Lock()
        self._records: BoundedLog[Recorded] = BoundedLog(size, budget)
        self._connections = 0

    def add(self, record: Recorded) -> None:
        with self._lock:
            self._records.add(record, record.size())

    def records(self) -> list[Recorded]:
        with self._lock:
            return self._records.items()

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def connected(self) -> None:
        with self._lock:
            self._connections += 1

    @property
    def connections(self) -> int:
        with self._lock:
            return self._connections


class AccessLog:
    """One line per request on ``stream`` (None: silent): time, client, request line masked, outcome."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def write(self, client: str, request_line: str, outcome: str) -> None:
        if self._stream is not None:
            stamp = time.strftime("%H:%M:%S")
            line = request_line.encode("ascii", "backslashreplace").decode("ascii")
            print(f"{stamp} {client} {redact_text(line)!r} {outcome}", file=self._stream, flush=True)
