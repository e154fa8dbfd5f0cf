"""The hand-over between the network thread and the consumer of a sync stream (bounded by
the ``Supervisor``, which ends the connection once ``max_queue`` events wait).

A deque with a condition that is only touched when the consumer actually waits: the
common case (events arriving while the consumer is busy) costs an append and a popleft.
"""

import threading
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

__all__ = ["Mailbox"]


class Mailbox:
    """FIFO of events.

    One consumer. A waiting consumer sleeps on a bare lock that the producer releases;
    a spurious wake-up (a release left over) only makes it look at the deque again.
    """

    def __init__(self) -> None:
        #: The largest number of items ever held, for tests of the memory bound.
        self.peak = 0
        self._items: deque[Any] = deque()
        self._wakeup = threading.Lock()
        self._wakeup.acquire()
        self._waiting = False

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: Any) -> None:
        self.put_all((item,))

    def put_all(self, batch: "Sequence[Any]") -> None:
        """Append ``batch`` in order, waking the consumer once."""
        if not batch:
            return
        items = self._items
        items.extend(batch)
        if len(items) > self.peak:
            self.peak = len(items)
        if self._waiting:
            try:
                self._wakeup.release()
            except RuntimeError:  # already released: the consumer is waking up anyway
                pass

    def get(self, timeout: float | None) -> Any:
        """The oldest item; ``TimeoutError`` when none came within ``timeout`` seconds."""
        items = self._items
        if items:
            return items.popleft()
        deadline = None if timeout is None else time.monotonic() + timeout
        self._waiting = True
        try:
            while not items:
                left = -1.0 if deadline is None else deadline - time.monotonic()
                if deadline is not None and left <= 0:
                    raise TimeoutError(f"no event within {timeout} s")
                self._wakeup.acquire(timeout=left)
        finally:
            self._waiting = False
        return items.popleft()

    def pop(self) -> Any:
        """The oldest item, or None at once when there is none."""
        items = self._items
        return items.popleft() if items else None

    def clear(self) -> None:
        """Drop every item (the stream closed: nothing more is delivered)."""
        self._items.clear()

    def push_front(self, item: Any) -> None:
        """Put an item back at the head (the end marker stays for later calls)."""
        self._items.appendleft(item)
