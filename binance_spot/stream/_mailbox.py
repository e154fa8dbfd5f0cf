"""The bounded hand-over between the network thread and the consumer of a sync stream.

A deque with a condition that is only touched when the consumer actually waits: the
common case (events arriving while the consumer is busy) costs an append and a popleft.
"""

import threading
import time
from collections import deque
from typing import Any, Optional

__all__ = ["Mailbox"]


class Mailbox:
    """FIFO of events; ``full()`` tells the producer to stop reading (the overflow policy)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        #: The largest number of items ever held, for tests of the memory bound.
        self.peak = 0
        self._items: deque[Any] = deque()
        self._cond = threading.Condition(threading.Lock())
        self._waiting = False

    def __len__(self) -> int:
        return len(self._items)

    def full(self) -> bool:
        return len(self._items) >= self.capacity

    def put(self, item: Any) -> None:
        self._items.append(item)
        size = len(self._items)
        if size > self.peak:
            self.peak = size
        if self._waiting:
            with self._cond:
                self._cond.notify()

    def get(self, timeout: Optional[float]) -> Any:
        """The oldest item; ``TimeoutError`` when none came within ``timeout`` seconds."""
        try:
            return self._items.popleft()
        except IndexError:
            pass
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._waiting = True
            try:
                while not self._items:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        raise TimeoutError(f"no event within {timeout} s")
                    self._cond.wait(left)
            finally:
                self._waiting = False
            return self._items.popleft()

    def push_front(self, item: Any) -> None:
        """Put an item back at the head (the end marker stays for later calls)."""
        self._items.appendleft(item)
