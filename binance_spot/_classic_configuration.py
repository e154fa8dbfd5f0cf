"""The classic generated ``Configuration``'s report and server-selection methods."""

from typing import TYPE_CHECKING, Any

from binance_spot import _spec
from binance_spot.exceptions import ApiValueError


class ClassicConfiguration:
    """Mixed into ``Configuration``: ``to_debug_report``, ``get_host_settings``, ``get_host_from_settings``."""

    if TYPE_CHECKING:  # what Configuration provides
        host: str
        api_key: dict[str, str]
        secret_key: str | None

    def to_debug_report(self) -> str:
        """A report for bug reports: versions and settings, never a secret."""
        import platform
        import sys

        import urllib3

        return (
            "Python SDK Debug Report:\n"
            f"OS: {sys.platform}\n"
            f"Python Version: {platform.python_version()}\n"
            f"urllib3 Version: {urllib3.__version__}\n"  # type: ignore[attr-defined]
            f"Version of the API: {_spec.API_VERSION}\n"
            f"SDK Package Version: {_spec.PACKAGE_VERSION}\n"
            f"Host: {self.host}\n"
            f"API keys configured: {sorted(self.api_key) or 'none'}\n"
            f"Secret key configured: {'yes' if self.secret_key else 'no'}"
        )

    def get_host_settings(self) -> list[dict[str, Any]]:
        """The servers of the spec."""
        return [{"url": url, "description": description, "variables": {}} for url, description in _spec.SERVERS]

    def get_host_from_settings(
        self,
        index: int | None,
        variables: dict[str, str] | None = None,
        servers: list[dict[str, Any]] | None = None,
    ) -> str:
        """The URL of server ``index`` (``self.host`` when ``index`` is None)."""
        if index is None:
            return self.host
        servers = servers if servers is not None else self.get_host_settings()
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(servers):
            raise ApiValueError(
                f"Invalid index {index!r} when selecting the host settings. Must be less than {len(servers)}"
            )
        server = servers[index]
        url: str = server["url"]
        variables = variables or {}
        for name, spec in server.get("variables", {}).items():
            value = variables.get(name, spec["default_value"])
            if "enum_values" in spec and value not in spec["enum_values"]:
                raise ApiValueError(f"The variable `{name}` in the host URL has invalid value {value}.")
            url = url.replace("{" + name + "}", value)
        return url
