"""Settings of a client: host, API key, TLS, timeouts, retries and logging.

Compatible with the classic generated ``Configuration``: the same attributes and methods,
``set_default`` honoured by ``Configuration()``, and the API key found under the header
name (``X-MBX-APIKEY``) as well as under the security scheme name (``ApiKeyAuth``).
"""

import logging
import sys
import threading
from typing import Any, Callable, ClassVar, Optional, Union

from binance_spot import _spec
from binance_spot._redact import MASK
from binance_spot.exceptions import ApiValueError

#: (connect, read) seconds; no call waits longer than this per attempt.
DEFAULT_TIMEOUT = (5.0, 15.0)
#: Attempts after the first one, for connection errors, 429 and 5xx.
DEFAULT_RETRIES = 3
#: A Retry-After longer than this (seconds) is not waited out: the error is raised at once.
DEFAULT_MAX_RETRY_WAIT = 60.0
#: No retry starts that would wait beyond this many seconds from the start of the call.
DEFAULT_MAX_RETRY_TIME = 120.0
#: Bodies longer than this are refused rather than read into memory.
DEFAULT_MAX_BODY_SIZE = 1024 * 1024

PACKAGE_LOGGER = "binance_spot"

Timeout = Union[None, float, tuple[float, float]]


class Configuration:
    """Everything an ``ApiClient`` needs to know, and nothing it shares with another.

    Each instance owns its dictionaries: copying a default or passing one in never lets
    two clients see each other's keys.
    """

    _default: ClassVar[Optional["Configuration"]] = None
    _default_lock: ClassVar[threading.Lock] = threading.Lock()

    temp_folder_path: Optional[str]
    api_key: dict[str, str]
    api_key_prefix: dict[str, str]
    refresh_api_key_hook: Optional[Callable[["Configuration"], None]]
    username: Optional[str]
    password: Optional[str]
    secret_key: Optional[str]
    logger: dict[str, logging.Logger]
    logger_stream_handler: Optional[logging.Handler]
    logger_file_handler: Optional[logging.Handler]
    _logger_file: Optional[str]
    ssl_ca_cert: Optional[str]
    cert_file: Optional[str]
    key_file: Optional[str]
    assert_hostname: Union[bool, str, None]
    proxy: Optional[str]
    proxy_headers: Optional[dict[str, str]]
    retries: Any
    request_timeout: Timeout

    def __init__(
        self,
        host: Optional[str] = None,
        api_key: Optional[dict[str, str]] = None,
        api_key_prefix: Optional[dict[str, str]] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        secret_key: Optional[str] = None,
    ) -> None:
        default = Configuration._default
        if default is not None:
            import copy

            self.__dict__.update(copy.deepcopy(default).__dict__)
        else:
            self._set_defaults()
        if host is not None:
            self.host = host
        if api_key is not None:
            self.api_key = dict(api_key)
        if api_key_prefix is not None:
            self.api_key_prefix = dict(api_key_prefix)
        if username is not None:
            self.username = username
        if password is not None:
            self.password = password
        if secret_key is not None:
            self.secret_key = secret_key

    def _set_defaults(self) -> None:
        self.host = _spec.DEFAULT_HOST
        self.temp_folder_path = None
        self.api_key = {}
        self.api_key_prefix = {}
        self.refresh_api_key_hook = None
        self.username = None
        self.password = None
        #: Binance secret key; when set, requests that accept a signature are signed.
        self.secret_key = None
        #: Milliseconds a signed request stays valid (Binance's ``recvWindow``).
        self.recv_window = 5000
        self.logger = {
            "package_logger": logging.getLogger(PACKAGE_LOGGER),
            "urllib3_logger": logging.getLogger("urllib3"),
        }
        self.logger_format = "%(asctime)s %(levelname)s %(message)s"
        self.logger_stream_handler = None
        self.logger_file_handler = None
        self._logger_file = None
        self._debug = False
        self.verify_ssl = True
        self.ssl_ca_cert = None
        self.cert_file = None
        self.key_file = None
        self.assert_hostname = None
        self.connection_pool_maxsize = 10
        self.proxy = None
        self.proxy_headers = None
        self.safe_chars_for_path_param = ""
        #: None for the default (3 attempts more), an int, 0 for none, or a urllib3 ``Retry``.
        self.retries = None
        self.max_retry_wait = DEFAULT_MAX_RETRY_WAIT
        self.max_retry_time = DEFAULT_MAX_RETRY_TIME
        #: (connect, read) seconds, or one number for both.
        self.request_timeout = DEFAULT_TIMEOUT
        self.max_body_size = DEFAULT_MAX_BODY_SIZE
        self.client_side_validation = True

    def __deepcopy__(self, memo: dict[int, Any]) -> "Configuration":
        import copy

        clone = Configuration.__new__(Configuration)
        memo[id(self)] = clone
        for key, value in self.__dict__.items():
            shared = key in ("logger", "logger_stream_handler", "logger_file_handler")
            clone.__dict__[key] = copy.copy(value) if shared else copy.deepcopy(value, memo)
        return clone

    def __repr__(self) -> str:
        # The keys and the password are secrets: show only which are set.
        return f"<Configuration host={self.host!r} api_key={self._masked_keys()!r} debug={self.debug}>"

    def _masked_keys(self) -> dict[str, str]:
        return {name: MASK for name in self.api_key}

    @classmethod
    def set_default(cls, default: Optional["Configuration"]) -> None:
        """Make ``Configuration()`` and ``get_default_copy()`` start from a copy of ``default``."""
        import copy

        with cls._default_lock:
            cls._default = copy.deepcopy(default) if default is not None else None

    @classmethod
    def get_default_copy(cls) -> "Configuration":
        """A copy of the default set with ``set_default``, or a fresh ``Configuration()``."""
        return cls()

    # logging -------------------------------------------------------------

    @property
    def logger_file(self) -> Optional[str]:
        """A file that receives this package's (redacted) log."""
        return self._logger_file

    @logger_file.setter
    def logger_file(self, value: Optional[str]) -> None:
        self._logger_file = value
        package_logger = self.logger["package_logger"]
        if self.logger_file_handler is not None:
            package_logger.removeHandler(self.logger_file_handler)
            self.logger_file_handler = None
        if value:
            self.logger_file_handler = logging.FileHandler(value)
            self.logger_file_handler.setFormatter(logging.Formatter(self.logger_format))
            package_logger.addHandler(self.logger_file_handler)

    @property
    def debug(self) -> bool:
        """Log each request and response of this package at DEBUG, redacted.

        Unlike the classic client this never touches ``http.client``'s process-wide
        debug switch, which prints the API key to stdout.
        """
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = bool(value)
        package_logger = self.logger["package_logger"]
        if value:
            package_logger.setLevel(logging.DEBUG)
            if self.logger_stream_handler is None and self.logger_file_handler is None:
                self.logger_stream_handler = logging.StreamHandler(sys.stderr)
                self.logger_stream_handler.setFormatter(logging.Formatter(self.logger_format))
                package_logger.addHandler(self.logger_stream_handler)
        else:
            package_logger.setLevel(logging.NOTSET)  # the application's level applies again
            if self.logger_stream_handler is not None:
                package_logger.removeHandler(self.logger_stream_handler)
                self.logger_stream_handler = None

    # authentication ------------------------------------------------------

    def get_api_key_with_prefix(self, identifier: str, alias: Optional[str] = None) -> Optional[str]:
        """The key stored under ``identifier`` (or ``alias``), with its prefix if one is set."""
        if self.refresh_api_key_hook is not None:
            self.refresh_api_key_hook(self)
        for name in (identifier, alias):
            if name is not None and name in self.api_key:
                key = self.api_key[name]
                prefix = self.api_key_prefix.get(name)
                return f"{prefix} {key}" if prefix else key
        return None

    def auth_settings(self) -> dict[str, dict[str, Any]]:
        """The credentials of each security scheme of the spec that has a key configured."""
        settings = {}
        for scheme in _spec.SECURITY_SCHEMES:
            value = self.get_api_key_with_prefix(scheme.key_name, alias=scheme.name)
            if value is not None:
                settings[scheme.name] = {
                    "type": "api_key",
                    "in": scheme.location,
                    "key": scheme.key_name,
                    "value": value,
                }
        return settings

    def to_debug_report(self) -> str:
        """A report for bug reports: versions and settings, never a secret."""
        import platform

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

    # hosts ---------------------------------------------------------------

    def get_host_settings(self) -> list[dict[str, Any]]:
        """The servers of the spec."""
        return [{"url": url, "description": description, "variables": {}} for url, description in _spec.SERVERS]

    def get_host_from_settings(
        self,
        index: Optional[int],
        variables: Optional[dict[str, str]] = None,
        servers: Optional[list[dict[str, Any]]] = None,
    ) -> str:
        """The URL of server ``index`` (``self.host`` when ``index`` is None)."""
        if index is None:
            return self.host
        servers = servers if servers is not None else self.get_host_settings()
        if not 0 <= index < len(servers):
            raise ApiValueError(
                f"Invalid index {index} when selecting the host settings. Must be less than {len(servers)}"
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
