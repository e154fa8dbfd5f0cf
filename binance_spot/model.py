"""What every generated model shares: conversion to dicts, a masked repr, equality.

The generated classes declare their fields (``openapi_types``, ``attribute_map``,
``secret_attributes``) and properties; the behaviour lives here once.
"""

from typing import Any, ClassVar, Optional

from binance_spot._redact import MASK
from binance_spot.configuration import Configuration


class Model:
    """Base of the models of openapi.yaml, with the classic generated client's methods."""

    #: Python type of each attribute.
    openapi_types: ClassVar[dict[str, str]] = {}
    #: JSON name of each attribute.
    attribute_map: ClassVar[dict[str, str]] = {}
    #: Attributes whose values are secrets (listen keys, tokens), masked in ``repr``.
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, local_vars_configuration: Optional[Configuration]) -> None:
        if local_vars_configuration is None:
            local_vars_configuration = Configuration.get_default_copy()
        self.local_vars_configuration = local_vars_configuration
        self.discriminator = None

    def _validate_required(self, name: str, value: Any) -> None:
        if value is None and self.local_vars_configuration.client_side_validation:
            raise ValueError(f"Invalid value for `{name}`, must not be `None`")

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
