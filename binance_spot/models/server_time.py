"""ServerTime: a schema of openapi.yaml.

Generated from openapi.yaml by templates/model.mustache; do not edit.
"""

from typing import ClassVar

from binance_spot._model import Model
from binance_spot.configuration import Configuration


class ServerTime(Model):
    """The ServerTime schema of openapi.yaml.

    ``repr`` masks the values of ``secret_attributes``; ``to_dict`` and the properties
    give the real values.
    """

    openapi_types: ClassVar[dict[str, str]] = {
        "server_time": "int",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "server_time": "serverTime",
    }
    secret_attributes: ClassVar[tuple[str, ...]] = ()

    _server_time: int

    def __init__(
        self,
        server_time: int | None = None,
        local_vars_configuration: Configuration | None = None,
    ) -> None:
        super().__init__(local_vars_configuration)
        self.server_time = server_time

    @property
    def server_time(self) -> int:
        """The server's time, in milliseconds since the epoch (required)."""
        return self._server_time

    @server_time.setter
    def server_time(self, server_time: int | None) -> None:
        self._server_time = self._required("server_time", server_time)
