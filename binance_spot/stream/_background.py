"""Blocking REST calls (a new listen token, a risk listen key) off the thread or task that
must stay responsive to ``close()``.

A call runs on its own daemon thread; whoever started it looks at it (sync) or awaits it
(asyncio) and may walk away at any time: a call that hangs past ``close()`` is abandoned,
never waited for, and cannot keep the interpreter (or ``asyncio.run``) from exiting.
"""

import asyncio
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Call", "in_thread"]

T = TypeVar("T")


class Call(Generic[T]):
    """``function()`` on a daemon thread; ``done`` is set once it returned or raised."""

    def __init__(self, function: Callable[[], T], name: str) -> None:
        self.done = threading.Event()
        self._function = function
        self._result: T | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def _run(self) -> None:
        try:
            self._result = self._function()
        except BaseException as exc:  # handed to whoever reads the result
            self._error = exc
        finally:
            self.done.set()

    def result(self) -> T:
        """What the call returned (raises what it raised); only once ``done`` is set."""
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]


async def in_thread(function: Callable[[], T], name: str) -> T:
    """``await`` a blocking call run on a daemon thread; cancelling abandons it.

    Unlike ``asyncio.to_thread`` the thread is not the loop's executor's, so a call still
    hanging when the loop ends does not hold ``asyncio.run`` until it returns.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():  # cancelled: the caller walked away
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = function()
        except BaseException as exc:
            error = exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
