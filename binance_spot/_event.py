"""What the generated event models stand on: typed fields over the raw JSON, the generic event, the gap marker.

The event classes themselves are generated from openapi.yaml (``binance_spot.models``);
this module holds what they share. It sits under them and imports nothing above, so a
model never imports the stream package that delivers it; ``binance_spot.stream.event``
is the public face of these names. An event keeps the decoded dict it came from
(``raw``) and reads each field when it is accessed, so building one costs almost nothing
and a field the server left out fails only when it is read.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar, Generic, Optional, TypeVar, Union, overload

from binance_spot._redact import MASK
from binance_spot.exceptions import EventFieldError

T = TypeVar("T")
P = TypeVar("P", bound="Part")


def _wrong(value: object, expected: str) -> EventFieldError:
    return EventFieldError(f"expected {expected}, got {type(value).__name__}")


def text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _wrong(value, "a string")


def integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _wrong(value, "an integer")


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _wrong(value, "a boolean")


def decimal(value: Any) -> Decimal:
    """Prices and quantities arrive as strings ("0.00100000"): exact, never through float."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            pass
    raise _wrong(value, "a decimal string")


def optional(convert: Callable[[Any], T]) -> Callable[[Any], T | None]:
    def read(value: Any) -> T | None:
        return None if value is None else convert(value)

    return read


def list_of(part: type[P]) -> Callable[[Any], list[P]]:
    def read(value: Any) -> list[P]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise _wrong(value, "a list of objects")
        return [part(item) for item in value]

    return read


class Field(Generic[T]):
    """A field of an event: Binance's key in ``raw`` and how its value is read."""

    __slots__ = ("convert", "key", "name", "secret")

    def __init__(self, key: str, convert: Callable[[Any], T], *, secret: bool = False) -> None:
        self.key, self.convert, self.secret, self.name = key, convert, secret, key

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> "Field[T]": ...

    @overload
    def __get__(self, obj: "Part", owner: type) -> T: ...

    def __get__(self, obj: Optional["Part"], owner: type) -> Union[T, "Field[T]"]:
        if obj is None:
            return self
        try:
            return self.convert(obj.raw.get(self.key))
        except EventFieldError as exc:  # name the field: "ExecutionReport.order_id: expected ..."
            raise EventFieldError(f"{type(obj).__name__}.{self.name}: {exc}") from None


class Part:
    """A JSON object of a stream message with its fields declared as ``Field``s."""

    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    @classmethod
    def fields(cls) -> dict[str, Field[Any]]:
        """The declared fields by Python name, base classes first."""
        found: dict[str, Field[Any]] = {}
        for klass in reversed(cls.__mro__):
            found.update((name, value) for name, value in vars(klass).items() if isinstance(value, Field))
        return found

    def to_dict(self, *, json: bool = False) -> dict[str, Any]:
        """The fields by their Python names (nested parts as dicts, absent ones None).

        With ``json=True`` the values are ready for ``json.dumps``: a ``Decimal`` becomes
        Binance's own string for it (``"0.00100000"``), exact and unrounded.
        """
        return {
            name: _plain(getattr(self, name), json) if f.key in self.raw else None for name, f in self.fields().items()
        }

    def __repr__(self) -> str:
        """The typed values (nested parts as their reprs, decimals unquoted), secrets masked."""
        shown = []
        for name, field in self.fields().items():
            if self.raw.get(field.key) is not None:
                shown.append(f"{name}={MASK if field.secret else _shown(self, name, field)}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.raw == self.raw

    __hash__ = None  # type: ignore[assignment]


def _plain(value: Any, json: bool) -> Any:
    if isinstance(value, list):
        return [_plain(item, json) for item in value]
    if isinstance(value, Part):
        return value.to_dict(json=json)
    return str(value) if json and isinstance(value, Decimal) else value


def _shown(part: Part, name: str, field: Field[Any]) -> str:
    """One value of a repr: typed when it reads, else the raw value (a repr never raises)."""
    try:
        value = getattr(part, name)
    except EventFieldError:
        return repr(part.raw.get(field.key))
    if isinstance(value, list):
        return f"[{', '.join(repr(item) for item in value)}]"
    return str(value) if isinstance(value, Decimal) else repr(value)


class Event(Part):
    """An event of a stream; ``subscription_id`` says which subscription it came through."""

    __slots__ = ("subscription_id",)
    #: The value of ``"e"`` this class models; None for the generic event and the gap marker.
    EVENT_TYPE: ClassVar[str | None] = None

    #: Event type, Binance's ``"e"``.
    event_type = Field("e", optional(text))
    #: Event time in milliseconds since the epoch, Binance's ``"E"``.
    event_time = Field("E", optional(integer))

    def __init__(self, raw: dict[str, Any], subscription_id: int | None = None) -> None:
        self.raw = raw
        self.subscription_id = subscription_id


class UnknownEvent(Event):
    """An event type this version does not model: passed on as it came, read it from ``raw``."""

    __slots__ = ()


class Gap(Event):
    """Events may have been missed between ``lost_at`` and ``resumed_at``: resync by REST now.

    The stream puts one in when a connection or subscription ended for any reason but
    ``close()`` (``reason`` says which) and the new subscription is live again, or when the
    consumer fell so far behind that the queue filled (``reason == "overflow"``).
    Times are milliseconds since the epoch; ``resumed_at`` is None for an overflow.
    """

    __slots__ = ()
    EVENT_TYPE = "binance_spot.gap"

    #: Why the stream was interrupted.
    reason = Field("reason", text)
    #: When the interruption began (ms).
    lost_at = Field("lostAt", integer)
    #: When the new subscription was confirmed (ms).
    resumed_at = Field("resumedAt", optional(integer))

    @classmethod
    def of(cls, reason: str, lost_at_ms: int, resumed_at_ms: int | None) -> "Gap":
        return cls({"e": cls.EVENT_TYPE, "E": resumed_at_ms or lost_at_ms, "reason": reason,
                    "lostAt": lost_at_ms, "resumedAt": resumed_at_ms})  # fmt: skip
