"""Settings of a client: host, API key, TLS, timeouts, retries and logging.

Compatible with the classic generated ``Configuration``: the same attributes and methods,
``set_default`` honoured by ``Configuration()``, and the API key found under the header
name (``X-MBX-APIKEY``) as well as under the security scheme name (``ApiKeyAuth``).
The settings that bound a call are checked when set, and the error names the setting.
"""

import logging
import os
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from binance_spot import _spec
from binance_spot._classic_configuration import ClassicConfiguration
from binance_spot._logging import LOGGER_NAME, set_debug, set_log_file
from binance_spot._redact import MASK
from binance_spot._validate import check_host
from binance_spot.exceptions import ApiTypeError, ApiValueError
from binance_spot.settings import RetryPolicy, Timeout, TimeoutSetting

#: The environment variable that, when set, replaces the spec's host as the default.
HOST_ENVIRONMENT = "BINANCE_HOST"
#: Bodies longer than this are refused rather than read into memory.
DEFAULT_MAX_BODY_SIZE = 1024 * 1024


def _whole(setting: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ApiValueError(f"{setting} must be a whole number from {low} to {high}, got {value!r}")
    return value


class Configuration(ClassicConfiguration):
    """Everything an ``ApiClient`` needs to know, and nothing it shares with another.

    Each instance owns its dictionaries: copying a default or passing one in never lets
    two clients see each other's keys.
    """

    _default: ClassVar["Configuration | None"] = None
    _default_lock: ClassVar[threading.Lock] = threading.Lock()

    temp_folder_path: str | None
    api_key: dict[str, str]
    api_key_prefix: dict[str, str]
    refresh_api_key_hook: Callable[["Configuration"], None] | None
    username: str | None
    password: str | None
    logger: dict[str, logging.Logger]
    logger_stream_handler: logging.Handler | None
    logger_file_handler: logging.Handler | None
    ssl_ca_cert: str | None
    cert_file: str | None
    key_file: str | None
    assert_hostname: bool | str | None
    proxy: str | None
    proxy_headers: dict[str, str] | None

    def __init__(
        self,
        host: str | None = None,
        api_key: dict[str, str] | None = None,
        api_key_prefix: dict[str, str] | None = None,
        username: str | None = None,
        password: str | None = None,
        secret_key: str | None = None,
    ) -> None:
        default = Configuration._default
        if default is not None:
            import copy

            self.__dict__.update(copy.deepcopy(default).__dict__)
        else:
            self._set_defaults()
        if host is not None:
            self.host = host
        elif default is None and os.environ.get(HOST_ENVIRONMENT):
            self._host = check_host(HOST_ENVIRONMENT, os.environ[HOST_ENVIRONMENT])
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
        self._host = _spec.DEFAULT_HOST
        self.temp_folder_path = None
        self.api_key = {}
        self.api_key_prefix = {}
        self.refresh_api_key_hook = None
        self.username = None
        self.password = None
        self._secret_key: str | None = None
        self._recv_window = 5000
        self.logger = {
            "package_logger": logging.getLogger(LOGGER_NAME),
            "urllib3_logger": logging.getLogger("urllib3"),
        }
        self.logger_format = "%(asctime)s %(levelname)s %(message)s"
        self.logger_stream_handler = None
        self.logger_file_handler = None
        self._logger_file: str | None = None
        self._debug = False
        self.verify_ssl = True
        self.ssl_ca_cert = None
        self.cert_file = None
        self.key_file = None
        self.assert_hostname = None
        self._connection_pool_maxsize = 10
        self.proxy = None
        self.proxy_headers = None
        self.safe_chars_for_path_param = ""
        self._retries = RetryPolicy()
        self._request_timeout = Timeout()
        self._max_body_size = DEFAULT_MAX_BODY_SIZE
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
        keys = {name: MASK for name in self.api_key}
        return f"<Configuration host={self.host!r} api_key={keys!r} debug={self.debug}>"

    @classmethod
    def set_default(cls, default: "Configuration | None") -> None:
        """Make ``Configuration()`` and ``get_default_copy()`` start from a copy of ``default``."""
        import copy

        with cls._default_lock:
            cls._default = copy.deepcopy(default) if default is not None else None

    @classmethod
    def get_default_copy(cls) -> "Configuration":
        """A copy of the default set with ``set_default``, or a fresh ``Configuration()``."""
        return cls()

    # settings checked when set ---------------------------------------------

    @property
    def host(self) -> str:
        """The base URL, e.g. https://api.binance.com (default: $BINANCE_HOST, else the spec's)."""
        return self._host

    @host.setter
    def host(self, value: str) -> None:
        self._host = check_host("host", value)

    @property
    def request_timeout(self) -> Timeout:
        """Bound of each attempt: a ``Timeout``, one number, or a ``(connect, read)`` pair."""
        return self._request_timeout

    @request_timeout.setter
    def request_timeout(self, value: TimeoutSetting) -> None:
        self._request_timeout = Timeout.coerce(value)

    @property
    def retries(self) -> RetryPolicy:
        """A ``RetryPolicy``; set a count (0 for none), a policy, a urllib3 ``Retry`` or None (default)."""
        return self._retries

    @retries.setter
    def retries(self, value: object) -> None:
        self._retries = RetryPolicy.coerce(value, self._retries)

    @property
    def max_retry_wait(self) -> float:
        """A ``Retry-After`` longer than this (seconds) raises at once instead of waiting."""
        return self._retries.max_wait

    @max_retry_wait.setter
    def max_retry_wait(self, value: float) -> None:
        self._retries = self._retries.replace(max_wait=value)

    @property
    def max_retry_time(self) -> float:
        """No retry starts that would wait beyond this many seconds from the start of the call."""
        return self._retries.max_time

    @max_retry_time.setter
    def max_retry_time(self, value: float) -> None:
        self._retries = self._retries.replace(max_time=value)

    @property
    def secret_key(self) -> str | None:
        """Binance secret key; when set, requests that accept a signature are signed."""
        return self._secret_key

    @secret_key.setter
    def secret_key(self, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise ApiTypeError(f"secret_key must be a str, got {type(value).__name__}")
        if value is not None and (not value or not value.isprintable() or value != value.strip()):
            raise ApiValueError("secret_key must be non-empty printable text without surrounding spaces")
        self._secret_key = value

    @property
    def recv_window(self) -> int:
        """Milliseconds a signed request stays valid (Binance's ``recvWindow``, 1 to 60000)."""
        return self._recv_window

    @recv_window.setter
    def recv_window(self, value: int) -> None:
        self._recv_window = _whole("recv_window", value, 1, 60000)

    @property
    def max_body_size(self) -> int:
        """Bytes of a response body this client reads at most; a larger one is refused."""
        return self._max_body_size

    @max_body_size.setter
    def max_body_size(self, value: int) -> None:
        self._max_body_size = _whole("max_body_size", value, 1, 1 << 30)

    @property
    def connection_pool_maxsize(self) -> int:
        """Connections kept open per host (read when a client is made)."""
        return self._connection_pool_maxsize

    @connection_pool_maxsize.setter
    def connection_pool_maxsize(self, value: int) -> None:
        self._connection_pool_maxsize = _whole("connection_pool_maxsize", value, 1, 1000)

    # logging -------------------------------------------------------------

    @property
    def logger_file(self) -> str | None:
        """A file that receives this package's (redacted) log."""
        return self._logger_file

    @logger_file.setter
    def logger_file(self, value: str | None) -> None:
        self._logger_file = value
        set_log_file(self, value)

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
        set_debug(self, self._debug)

    # authentication ------------------------------------------------------

    def get_api_key_with_prefix(self, identifier: str, alias: str | None = None) -> str | None:
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
