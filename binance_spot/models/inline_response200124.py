"""InlineResponse200124: a schema of openapi.yaml.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from typing import Any, ClassVar, Optional

from binance_spot._redact import MASK
from binance_spot.configuration import Configuration


class InlineResponse200124:
    """The InlineResponse200124 schema of openapi.yaml.

    ``repr`` and ``to_str`` mask the values of ``secret_attributes`` (bearer secrets
    such as listen keys); ``to_dict`` and the properties give the real values.
    """

    #: Python type of each attribute.
    openapi_types: ClassVar[dict[str, str]] = {
        "listen_key": "str",
    }

    #: JSON name of each attribute.
    attribute_map: ClassVar[dict[str, str]] = {
        "listen_key": "listenKey",
    }

    #: Attributes whose values are secrets, masked in ``repr``.
    secret_attributes: ClassVar[tuple[str, ...]] = ("listen_key",)

    def __init__(
        self,
        listen_key: Optional[str] = None,
        local_vars_configuration: Optional[Configuration] = None,
    ) -> None:
        if local_vars_configuration is None:
            local_vars_configuration = Configuration.get_default_copy()
        self.local_vars_configuration = local_vars_configuration
        self.discriminator = None
        self._listen_key: Optional[str] = None
        self.listen_key = listen_key

    @property
    def listen_key(self) -> Optional[str]:
        """The listenKey field (required)."""
        return self._listen_key

    @listen_key.setter
    def listen_key(self, listen_key: Optional[str]) -> None:
        if self.local_vars_configuration.client_side_validation and listen_key is None:
            raise ValueError("Invalid value for `listen_key`, must not be `None`")
        self._listen_key = listen_key

    def to_dict(self) -> dict[str, Any]:
        """The attributes by their Python names, nested models as dicts."""
        result: dict[str, Any] = {}
        for attr in self.openapi_types:
            value = getattr(self, attr)
            if isinstance(value, list):
                result[attr] = [item.to_dict() if hasattr(item, "to_dict") else item for item in value]
            elif hasattr(value, "to_dict"):
                result[attr] = value.to_dict()
            elif isinstance(value, dict):
                result[attr] = {k: v.to_dict() if hasattr(v, "to_dict") else v for k, v in value.items()}
            else:
                result[attr] = value
        return result

    def to_str(self) -> str:
        """The attributes, pretty-printed, with secrets masked."""
        import pprint

        shown = {k: MASK if k in self.secret_attributes and v is not None else v for k, v in self.to_dict().items()}
        return pprint.pformat(shown)

    def __repr__(self) -> str:
        return self.to_str()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InlineResponse200124):
            return False
        return self.to_dict() == other.to_dict()

    def __ne__(self, other: object) -> bool:
        return not self == other
