"""What every generated model shares, and how JSON becomes models.

The generated classes declare their fields (``openapi_types``, ``attribute_map``,
``secret_attributes``) and properties; the behaviour lives here once. ``from_json`` is
the one way an answer's data becomes the type an operation returns, for the generated
methods and the classic ``ApiClient.deserialize`` alike; it finds a model by name in the
table it is given (the generated ``binance_spot.models._rest.MODELS``), as this module
sits under the models and imports none of them.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, TypeVar

from binance_spot._redact import MASK
from binance_spot.configuration import Configuration

T = TypeVar("T")

# What the JSON value of each primitive type must be: never coerced (a number is not a key).
_PRIMITIVES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "long": (int,),
    "float": (int, float),
    "bool": (bool,),
}


class Model:
    """Base of the models of openapi.yaml, with the classic generated client's methods."""

    #: Python type of each attribute.
    openapi_types: ClassVar[dict[str, str]] = {}
    #: JSON name of each attribute.
    attribute_map: ClassVar[dict[str, str]] = {}
    #: Attributes whose values are secrets (listen keys, tokens), masked in ``repr``.
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, local_vars_configuration: Configuration | None) -> None:
        if local_vars_configuration is None:
            local_vars_configuration = Configuration.get_default_copy()
        self.local_vars_configuration = local_vars_configuration
        self.discriminator = None

    def _required(self, name: str, value: T | None) -> T:
        """``value`` of a required field; None is refused unless ``client_side_validation`` is off."""
        if value is None and self.local_vars_configuration.client_side_validation:
            raise ValueError(f"Invalid value for `{name}`, must not be `None`")
        return value  # type: ignore[return-value]  # None only where validation was turned off

    def to_dict(self) -> dict[str, Any]:
        """The attributes by their Python names, nested models as dicts."""
        return {attr: _plain(getattr(self, attr)) for attr in self.openapi_types}

    def to_str(self) -> str:
        """The attributes, pretty-printed, with secrets masked."""
        import pprint

        shown = {k: MASK if k in self.secret_attributes and v is not None else v for k, v in self.to_dict().items()}
        return pprint.pformat(shown)

    def __repr__(self) -> str:
        return self.to_str()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.to_dict() == other.to_dict()

    def __ne__(self, other: object) -> bool:
        return not self == other


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value.to_dict() if isinstance(value, Model) else value


def from_json(
    data: Any, klass: str, models: Mapping[str, type[Model]], configuration: Configuration | None = None
) -> Any:
    """``data`` (parsed JSON) as ``klass``: a name in ``models``, ``list[...]``, ``dict(str, ...)``,
    a primitive, ``Decimal`` (from a string), ``date``, ``datetime`` or ``object``.
    TypeError or ValueError if it is not one."""
    if data is None or klass == "object":
        return data
    if klass.startswith("list["):
        _expect(data, list, klass)
        return [from_json(item, klass[5:-1], models, configuration) for item in data]
    if klass.startswith("dict("):
        _expect(data, dict, klass)
        value_type = klass[5:-1].split(", ", 1)[1]
        return {key: from_json(value, value_type, models, configuration) for key, value in data.items()}
    primitive = _PRIMITIVES.get(klass)
    if primitive is not None:
        if not isinstance(data, primitive) or (klass != "bool" and isinstance(data, bool)):
            raise TypeError(f"expected {klass}, got {type(data).__name__}")
        return data
    if klass == "Decimal":
        return _decimal(data)
    if klass in ("date", "datetime"):
        _expect(data, str, klass)
        from dateutil.parser import parse

        parsed: datetime.datetime = parse(data)
        return parsed.date() if klass == "date" else parsed
    model = models.get(klass)
    if model is None:
        raise TypeError(f"unknown type {klass!r}")
    _expect(data, dict, klass)
    kwargs = {
        attr: from_json(data[wire], model.openapi_types[attr], models, configuration)
        for attr, wire in model.attribute_map.items()
        if wire in data
    }
    return model(local_vars_configuration=configuration, **kwargs)


#: The largest exponent an amount may have either way: "1e999999999" is short to send but a
#: gigabyte to print, and no balance, price or quantity needs more than a few dozen digits.
_MAX_EXPONENT = 100


def _decimal(data: Any) -> Decimal:
    """A decimal string exactly (``"0.1"`` stays 0.1); a number, NaN, infinity or an absurd exponent is refused."""
    _expect(data, str, "Decimal")
    try:
        value = Decimal(data)
    except InvalidOperation:
        raise ValueError(f"not a decimal string: {data[:40]!r}") from None
    if not value.is_finite() or (value and abs(value.adjusted()) > _MAX_EXPONENT):
        raise ValueError(f"not a finite decimal amount: {data[:40]!r}")
    return value


def _expect(data: Any, kind: type, klass: str) -> None:
    if not isinstance(data, kind):
        raise TypeError(f"{klass} expects a JSON {kind.__name__}, got {type(data).__name__}")
