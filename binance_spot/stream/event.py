"""What the streams deliver: typed events over the raw JSON, the generic event, the gap marker.

The base classes and field converters live in ``binance_spot._event``, under the generated
event models; this module is their public face and turns a decoded payload into its event
by the table the generated code emits (``binance_spot.models._events``).
"""

import functools
from typing import Any

from binance_spot._event import (
    Event,
    Field,
    Gap,
    Part,
    UnknownEvent,
    boolean,
    decimal,
    integer,
    list_of,
    optional,
    text,
)
from binance_spot.exceptions import EventFieldError

__all__ = [
    "Event",
    "EventFieldError",
    "Field",
    "Gap",
    "Part",
    "UnknownEvent",
    "boolean",
    "decimal",
    "integer",
    "list_of",
    "optional",
    "parse_event",
    "text",
]


@functools.cache
def _events() -> dict[str, type[Event]]:
    """The event models by ``"e"``, imported with the first event (not with the package)."""
    from binance_spot.models._events import EVENTS

    return EVENTS


def parse_event(raw: dict[str, Any], subscription_id: int | None = None) -> Event:
    """The typed event for a decoded payload; an unknown ``"e"`` (also one that is not a
    string) gives an ``UnknownEvent``."""
    try:
        cls = _events().get(raw.get("e"), UnknownEvent)  # type: ignore[arg-type]
    except TypeError:  # unhashable: a list or an object
        cls = UnknownEvent
    return cls(raw, subscription_id)
