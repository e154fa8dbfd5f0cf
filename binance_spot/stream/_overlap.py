"""A planned reconnect without a gap: the old connection stays subscribed until the new one is
live, and an event that arrives on both is delivered once. Sans-I/O, like ``_core``.

Binance allows one subscription per account per connection, so two connections may both be
subscribed for a while; during that overlap each event may come on either or both. They are
matched by the event itself: its exact payload (the raw JSON object, compared canonically),
never by guessing from times or ids.
"""

import json
import math
from collections import Counter
from typing import Any

from binance_spot.stream.event import Event, Gap

__all__ = ["DRAIN", "HANDOVER", "LINGER", "OVERLAP_EVENTS", "Overlap"]

#: Interruptions announced while the subscription still works: hand over instead of dropping.
HANDOVER = frozenset({"server_shutdown", "connection_age"})
#: Once the new connection is live the old one is read this much longer (events in flight on
#: it come on the new one too), and payloads are matched this much longer again.
LINGER = 1.0
#: After that, what is already received on the old connection is read for at most this long.
DRAIN = 1.0
#: At most this many unmatched payloads are remembered per side (the overlap is seconds long).
OVERLAP_EVENTS = 10_000
OLD, NEW = 0, 1


def _key(event: Event) -> str:
    raw: Any = getattr(event, "raw", None)
    return json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)


class Overlap:
    """The old connection's session while it hands over to the next one."""

    def __init__(self, session: Any, reason: str) -> None:
        self.session = session
        self.reason = reason
        self.ended_at: float | None = None  # the old connection closed (wall seconds)
        self._live_at = math.inf  # the new connection went live (monotonic seconds)
        self._ended_mono = math.inf
        self.full = False  # the consumer's queue filled up: stop reading the old connection
        self._seen: tuple[Counter[str], Counter[str]] = (Counter(), Counter())

    def admit(self, side: int, events: list[Event]) -> list[Event]:
        """``events`` of one side without those the other side already delivered."""
        mine, other = self._seen[side], self._seen[1 - side]
        out: list[Event] = []
        for event in events:
            if type(event) is Gap:
                out.append(event)
                continue
            key = _key(event)
            if other[key]:
                other[key] -= 1
                if not other[key]:
                    del other[key]
                continue
            if len(mine) < OVERLAP_EVENTS:
                mine[key] += 1
            out.append(event)
        return out

    def handed_on(self, reason: str) -> "Overlap":
        """The overlap of the next move, when the new connection is replaced in turn before the
        old one closed (the old one is then left at once): the new side becomes the old one, and
        what the old side delivered that it has not yet is still matched against it."""
        following = Overlap(self.session, reason)
        following._seen = (self._seen[NEW], self._seen[OLD])
        return following

    def went_live(self, now: float) -> None:
        self._live_at = min(self._live_at, now)

    def old_wait(self, now: float, poll: float) -> float | None:
        """How long the driver waits for the old connection's next message: until the new one
        is live and ``LINGER`` more; then only what is already there (0: a read that finds
        nothing ends it, so nothing received is left unread); None: close it now (past
        ``DRAIN`` more, so a peer flooding the old connection cannot keep it open)."""
        until = self._live_at + LINGER
        if self.full:
            return None
        if now < until:
            return min(poll, until - now)
        return 0.0 if now < until + DRAIN else None

    def ended(self, now: float, wall: float) -> None:
        self.ended_at, self._ended_mono = wall, now

    def over(self, now: float) -> bool:
        """Nothing more to match: the old one is closed and its last events are long past."""
        return self.ended_at is not None and now >= self._ended_mono + LINGER
