"""MarginListenToken: a schema of openapi.yaml.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from decimal import Decimal
from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration


class MarginListenToken(Model):
    """The MarginListenToken schema of openapi.yaml.

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "token": "str",
        "expiration_time": "int",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "token": "token",
        "expiration_time": "expirationTime",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ("token",)

    _token: str
    _expiration_time: int

    def __init__(
        self,
        token: str | None = None,
        expiration_time: int | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.token = token
        self.expiration_time = expiration_time

    @property
    def token(self) -> str:
        """The token to subscribe with (required)."""
        return self._token

    @token.setter
    def token(self, token: str | None) -> None:
        self._token = self._required("token", token)

    @property
    def expiration_time(self) -> int:
        """When the token expires, in milliseconds since the epoch (required)."""
        return self._expiration_time

    @expiration_time.setter
    def expiration_time(self, expiration_time: int | None) -> None:
        self._expiration_time = self._required("expiration_time", expiration_time)
