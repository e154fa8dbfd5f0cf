"""When to create, keep alive or replace a listen key (or token): ``ListenKeyManager``'s schedule.

No threads, no I/O, no clock of its own: the driver reports what happened at what time
(``created``, ``renewed``, ``gone``, ``failed``) and asks what to do next (``next``). So
every decision (renewal times, token margins, backoff after failures, the key to close)
is a plain function of its inputs, tested without waiting.
"""

import enum
import random as _random
from collections.abc import Callable
from typing import NamedTuple

from binance_spot import _backoff
from binance_spot._listen_ops import ListenToken
from binance_spot.exceptions import ApiValueError
from binance_spot.settings import seconds

__all__ = ["DAY", "MIN_REQUEST_GAP", "Action", "Change", "Schedule", "Step"]

#: Seconds of real time (``time.monotonic``) between the starts of two requests of one manager, at least.
MIN_REQUEST_GAP = 0.05
#: The bound of every setting in seconds: keys live an hour on Binance, a day at most anywhere.
DAY = 86_400.0


class Action(enum.Enum):
    CREATE = "create"  # a new key (the first, or after Binance forgot it), or a new token
    KEEPALIVE = "keepalive"


class Step(NamedTuple):
    """Do ``action`` after ``wait`` seconds."""

    action: Action
    wait: float


class Change(enum.Enum):
    """What a create brought: the first key, another key (``on_new_key``) or the same one (``on_renewed``)."""

    FIRST = "first"
    REPLACED = "replaced"
    SAME = "same"


class Schedule:
    """The state of one managed key and the rules that say what comes next.

    Times are on the driver's clock. ``random`` (``[0, 1)``) jitters the backoff after
    failures; a test passes a constant. Not thread-safe: the driver holds a lock around it.
    """

    def __init__(
        self,
        *,
        uses_tokens: bool,
        interval: float,
        expiry: float,
        token_margin: float,
        retry_backoff: tuple[float, float],
        random: Callable[[], float] = _random.random,
    ) -> None:
        expiry = seconds("expiry", expiry, zero=True, least=1.0, most=DAY)
        interval = seconds("interval", interval, zero=True, least=MIN_REQUEST_GAP, most=DAY)
        if interval >= expiry:
            raise ApiValueError(f"interval ({interval:g} s) must be shorter than the key's expiry ({expiry:g} s)")
        token_margin = seconds("token_margin", token_margin, zero=True, least=MIN_REQUEST_GAP, most=DAY)
        if not (isinstance(retry_backoff, tuple) and len(retry_backoff) == 2):
            raise ApiValueError(f"retry_backoff must be (first, maximum) seconds, got {retry_backoff!r}")
        first = seconds("retry_backoff[0]", retry_backoff[0], zero=True, least=MIN_REQUEST_GAP, most=3600.0)
        cap = seconds("retry_backoff[1]", retry_backoff[1], zero=True, least=first, most=3600.0)
        self.uses_tokens = uses_tokens
        self.interval = interval
        self._expiry, self._token_margin = expiry, token_margin
        self._backoff = (first, cap)
        self._random = random
        self.key: str | None = None
        self.last_renewed: float | None = None
        self.expires_at: float | None = None
        self.last_error: BaseException | None = None
        self._failures = 0
        self._gone = False

    def next(self, now: float) -> Step:
        """What to do next and how long to wait before it, ``now`` being the clock's time."""
        action = Action.CREATE if self.uses_tokens or self._gone else Action.KEEPALIVE
        if self._failures:
            server = getattr(self.last_error, "retry_after", None)
            first, cap = self._backoff
            return Step(action, _backoff.delay(first, cap, self._failures, self._random, server=server))
        if self._gone:
            return Step(action, 0.0)
        assert self.last_renewed is not None and self.expires_at is not None, "next() before the first created()"
        if self.uses_tokens:
            lifetime = self.expires_at - self.last_renewed
            due = self.expires_at - min(self._token_margin, lifetime / 2)
        else:
            due = self.last_renewed + self.interval
        return Step(action, due - now)

    def created(self, result: str | ListenToken | tuple[str, float], now: float) -> Change:
        """A create returned ``result`` (a key, or a token and its lifetime) at ``now``."""
        key, lifetime = ListenToken(*result) if isinstance(result, tuple) else (result, self._expiry)
        old, self.key, self._gone = self.key, key, False
        self._succeeded(now, lifetime)
        if old is None:
            return Change.FIRST
        return Change.REPLACED if old != key else Change.SAME

    def renewed(self, now: float) -> None:
        """A keepalive succeeded at ``now``."""
        self._succeeded(now, self._expiry)

    def gone(self) -> None:
        """Binance no longer knows the key (-1125): create a new one at once."""
        self._gone = True

    def failed(self, error: BaseException) -> None:
        """A request failed: back off (longer with each failure in a row, at least the server's ``retry_after``)."""
        self.last_error = error
        self._failures += 1

    def to_close(self) -> str | None:
        """The key a stop should close: None for tokens, before the first key, or when Binance forgot it."""
        return None if self.uses_tokens or self._gone else self.key

    def _succeeded(self, now: float, lifetime: float) -> None:
        self.last_renewed, self.expires_at = now, now + lifetime
        self.last_error, self._failures = None, 0
