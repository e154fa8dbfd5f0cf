"""MarginRiskListenKey: a schema of openapi.yaml.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from decimal import Decimal
from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration


class MarginRiskListenKey(Model):
    """The MarginRiskListenKey schema of openapi.yaml.

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "listen_key": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "listen_key": "listenKey",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ("listen_key",)

    _listen_key: str

    def __init__(
        self,
        listen_key: str | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.listen_key = listen_key

    @property
    def listen_key(self) -> str:
        """The risk data stream listen key (required)."""
        return self._listen_key

    @listen_key.setter
    def listen_key(self, listen_key: str | None) -> None:
        self._listen_key = self._required("listen_key", listen_key)
