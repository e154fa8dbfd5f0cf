"""What the local server keeps of its clients: the request log tests assert on, and the access log.

The request log is a ring buffer, so a long test cannot grow the server's memory without
bound; the access log masks listen keys, tokens and signatures before they reach a terminal.
"""

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TextIO

from binance_spot._redact import redact_text

__all__ = ["REQUEST_LOG_SIZE", "AccessLog", "Recorded", "RequestLog"]

#: Requests ``BinanceServer.requests`` keeps by default: the oldest are dropped beyond it.
REQUEST_LOG_SIZE = 10_000


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


class RequestLog:
    """The last ``size`` requests and the count of connections accepted, safe from any thread."""

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._records: deque[Recorded] = deque(maxlen=size)
        self._connections = 0

    def add(self, record: Recorded) -> None:
        with self._lock:
            self._records.append(record)

    def records(self) -> list[Recorded]:
        with self._lock:
            return list(self._records)

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
