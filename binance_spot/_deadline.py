"""One deadline for everything an attempt reads: status line, headers, chunk sizes, body.

urllib3's read timeout applies to each ``recv``; ``http.client`` reads a header line of
up to 64 KiB, so a server sending a byte a second would hold a call forever. The pools
below make ``http.client`` read through ``_DeadlineReader``, which gives each ``recv``
only what is left of the attempt's time. The attempt is announced per thread, because
urllib3 picks the connection inside ``urlopen``.
"""

import http.client
import io
import socket
import threading
import time
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class Attempt:
    """The bound of one attempt, and the socket it reads from once there is one."""

    __slots__ = ("deadline", "per_read", "shortened", "sock")

    def __init__(self, deadline: float, per_read: float) -> None:
        self.deadline = deadline
        self.per_read = per_read
        self.sock: socket.socket | None = None
        #: Whether a read ran with less than ``per_read`` left (the socket's timeout was cut).
        self.shortened = False

    def abort(self) -> None:
        """End the attempt from another thread: its next or current read fails at once."""
        self.deadline = 0.0
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: the attempt is over anyway


_current = threading.local()


def begin(attempt: Attempt) -> None:
    _current.attempt = attempt


def end(attempt: Attempt) -> None:
    """Forget the attempt; leave its socket with the plain read timeout for the next one."""
    _current.attempt = None
    sock = attempt.sock
    if sock is not None and attempt.shortened:
        try:
            sock.settimeout(attempt.per_read)
        except OSError:
            pass  # closed by the pool or by abort(): nothing to restore


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: socket.socket, attempt: Attempt) -> None:
        self._sock = sock
        self._attempt = attempt

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        attempt = self._attempt
        remaining = attempt.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the attempt's total timeout passed")
        if remaining < attempt.per_read:  # urllib3 set per_read on the socket: cut it only near the end
            attempt.shortened = True
            self._sock.settimeout(remaining)
        return self._sock.recv_into(buffer)


class _DeadlineSocket:
    """What ``http.client.HTTPResponse`` asks of its socket: only ``makefile``."""

    def __init__(self, sock: socket.socket, attempt: Attempt) -> None:
        self._sock = sock
        self._attempt = attempt

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._attempt))


class _DeadlineResponse(http.client.HTTPResponse):
    #: Until ``__init__`` has run: a Ctrl-C inside it leaves a half-made response whose finalizer
    #: calls ``close()``, which reads ``fp`` (else "Exception ignored ... no attribute 'fp'").
    fp = None  # type: ignore[assignment]

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        attempt: Attempt | None = getattr(_current, "attempt", None)
        if attempt is not None:
            attempt.sock = sock
            sock = _DeadlineSocket(sock, attempt)
        super().__init__(sock, *args, **kwargs)


class _HTTPConnection(HTTPConnection):
    response_class = _DeadlineResponse


class _HTTPSConnection(HTTPSConnection):
    response_class = _DeadlineResponse


class _HTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


#: For ``PoolManager.pool_classes_by_scheme``.
POOL_CLASSES = {"http": _HTTPConnectionPool, "https": _HTTPSConnectionPool}
