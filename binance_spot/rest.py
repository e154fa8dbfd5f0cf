"""The transport: one urllib3 pool per host, bounded reads, retries, redacted logs.

Works with urllib3 1.26 and 2.x: only APIs both provide are used (``headers`` rather
than the ``getheaders()`` that 2.6 removed).
"""

import json
import logging
import re
import threading
import time
from collections.abc import Mapping
from typing import Any, Optional
from urllib.parse import urlencode, urlsplit

import urllib3

from binance_spot._redact import redact_headers, redact_text
from binance_spot._retry import RetryPolicy, is_retryable_status, parse_retry_after
from binance_spot.configuration import DEFAULT_RETRIES, Configuration, Timeout
from binance_spot.exceptions import (
    ApiConnectionError,
    ApiException,
    ApiValueError,
    ResponseTooLargeException,
    exception_class_for,
)

__all__ = ["ApiException", "RESTClientObject", "RESTResponse"]

logger = logging.getLogger("binance_spot")

_CHUNK = 64 * 1024
# Anything but TAB, printable ASCII and printable Latin-1 (a negated class compiles fast).
_BAD_HEADER_VALUE = re.compile(r"[^\t\x20-\x7e\xa0-\xff]")
# urllib3 would build this per request from retries=False; our own loop does the retrying.
_NO_RETRIES = urllib3.Retry(False, redirect=False)
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class _RedactingFilter(logging.Filter):
    """urllib3 logs request URLs at DEBUG; a listen key in a query string is a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = redact_text(str(record.msg))
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactingFilter())


class RESTResponse:
    """A response whose body has been read: ``status``, ``reason``, ``data``, headers."""

    def __init__(self, resp: Any, data: bytes) -> None:
        self.urllib3_response = resp
        self.status: int = resp.status
        self.reason: str = resp.reason
        self.data = data

    def getheaders(self) -> Mapping[str, str]:
        return self.urllib3_response.headers  # type: ignore[no-any-return]

    def getheader(self, name: str, default: Optional[str] = None) -> Optional[str]:
        return self.urllib3_response.headers.get(name, default)  # type: ignore[no-any-return]


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_timeout(value: Timeout) -> urllib3.Timeout:
    """A urllib3 Timeout from a number or a (connect, read) pair; None is refused."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        connect = read = float(value)
    elif isinstance(value, tuple) and len(value) == 2:
        connect, read = float(value[0]), float(value[1])
    else:
        raise ApiValueError(f"timeout must be a number or a (connect, read) pair of seconds, got {value!r}")
    if connect <= 0 or read <= 0:
        raise ApiValueError(f"timeouts must be positive, got {value!r}")
    return urllib3.Timeout(connect=connect, read=read, total=connect + read)


class RESTClientObject:
    """Sends requests for an ``ApiClient``; safe to share between threads."""

    def __init__(self, configuration: Configuration, pools_size: int = 4, maxsize: Optional[int] = None) -> None:
        self.configuration = configuration
        self.pool_manager = self._make_pool_manager(configuration, pools_size, maxsize)
        # host -> (its pool, the path of the host URL, whether it is plain http to another machine)
        self._pools: dict[str, tuple[Any, str, bool]] = {}
        self._warned: set[str] = set()
        self._lock = threading.Lock()
        # (setting, its urllib3 Timeout), replaced as one object so threads never see half of it
        self._timeout = (configuration.request_timeout, make_timeout(configuration.request_timeout))
        # (the settings it came from, the retry policy), replaced as one object likewise
        self._policy: tuple[tuple[Any, float, float], RetryPolicy] = ((object(), 0.0, 0.0), RetryPolicy(0))

    @staticmethod
    def _make_pool_manager(
        configuration: Configuration, pools_size: int, maxsize: Optional[int]
    ) -> urllib3.PoolManager:
        kwargs: dict[str, Any] = {
            "num_pools": pools_size,
            "maxsize": maxsize or configuration.connection_pool_maxsize,
            "retries": False,
        }
        if configuration.verify_ssl:
            ca_certs = configuration.ssl_ca_cert
            if ca_certs is None:
                import certifi

                ca_certs = certifi.where()
            kwargs.update(cert_reqs="CERT_REQUIRED", ca_certs=ca_certs)
        else:
            kwargs["cert_reqs"] = "CERT_NONE"
        if configuration.cert_file:
            kwargs["cert_file"] = configuration.cert_file
        if configuration.key_file:
            kwargs["key_file"] = configuration.key_file
        if configuration.assert_hostname is not None:
            kwargs["assert_hostname"] = configuration.assert_hostname
        if configuration.proxy:
            return urllib3.ProxyManager(configuration.proxy, proxy_headers=configuration.proxy_headers, **kwargs)
        return urllib3.PoolManager(**kwargs)

    def close(self) -> None:
        """Close every pooled connection."""
        with self._lock:
            self._pools.clear()
        self.pool_manager.clear()

    # the classic interface -------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        query_params: Optional[Any] = None,
        headers: Optional[dict[str, str]] = None,
        body: Any = None,
        post_params: Optional[Any] = None,
        _preload_content: bool = True,
        _request_timeout: Timeout = None,
    ) -> Any:
        """Send one request; a RESTResponse, or the raw urllib3 response when not preloading."""
        method = method.upper()
        headers = dict(headers or {})
        if query_params:
            url = f"{url}?{urlencode(query_params)}"
        payload = encode_body(headers, body, post_params)
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.send(
            method, f"{parts.scheme}://{parts.netloc}", target, headers, payload, _preload_content, _request_timeout
        )

    def GET(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def HEAD(self, url: str, **kwargs: Any) -> Any:
        return self.request("HEAD", url, **kwargs)

    def OPTIONS(self, url: str, **kwargs: Any) -> Any:
        return self.request("OPTIONS", url, **kwargs)

    def DELETE(self, url: str, **kwargs: Any) -> Any:
        return self.request("DELETE", url, **kwargs)

    def POST(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)

    def PUT(self, url: str, **kwargs: Any) -> Any:
        return self.request("PUT", url, **kwargs)

    def PATCH(self, url: str, **kwargs: Any) -> Any:
        return self.request("PATCH", url, **kwargs)

    # the fast path -----------------------------------------------------------

    def send(
        self,
        method: str,
        host: str,
        target: str,
        headers: dict[str, str],
        body: Optional[bytes] = None,
        preload: bool = True,
        timeout: Timeout = None,
    ) -> Any:
        """Send ``method target`` to ``host`` (scheme://netloc), retrying what is safe to retry.

        Raises an ``ApiException`` subclass for an error status, ``ApiConnectionError``
        when no answer could be had.
        """
        _check_headers(headers)
        pool, base_path, in_clear = self._pools.get(host) or self._new_pool(host)
        if base_path:
            target = base_path + target  # a host such as https://proxy/binance keeps its path
        if in_clear and host not in self._warned and any(k.lower() == "x-mbx-apikey" for k in headers):
            self._warned.add(host)
            logger.warning(
                "Sending the API key over plain http to %s: anyone on the path can read it", urlsplit(host).hostname
            )
        urllib3_timeout = self._timeout_for(timeout)
        policy = self._policy_for()
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._attempt(pool, method, target, headers, body, preload, urllib3_timeout)
            except ApiConnectionError as exc:
                if attempt > policy.retries or isinstance(exc.__cause__, urllib3.exceptions.SSLError):
                    raise
                error: ApiException = exc
                retry_after = None
            else:
                if response.status < 400:
                    return response
                error = self._error(response)
                if not is_retryable_status(response.status) or attempt > policy.retries:
                    raise error
                retry_after = error.retry_after
                if retry_after is not None and retry_after > policy.max_wait:
                    raise error
            delay = policy.delay(attempt, retry_after)
            if time.monotonic() - started + delay > policy.max_time:
                raise error
            logger.info(
                "%s %s failed (%s); retry %d of %d in %.2f s",
                method,
                target.split("?", 1)[0],
                error.status or type(error.__cause__).__name__,
                attempt,
                policy.retries,
                delay,
            )
            time.sleep(delay)

    def _policy_for(self) -> RetryPolicy:
        config = self.configuration
        setting = (config.retries, config.max_retry_wait, config.max_retry_time)
        cached_setting, cached = self._policy
        if setting != cached_setting:
            cached = RetryPolicy.from_setting(config.retries, DEFAULT_RETRIES, *setting[1:])
            self._policy = (setting, cached)
        return cached

    def _timeout_for(self, value: Timeout) -> urllib3.Timeout:
        if value is not None:
            return make_timeout(value)
        setting = self.configuration.request_timeout
        cached_setting, cached = self._timeout
        if setting is None or setting != cached_setting:
            cached = make_timeout(setting)  # None (no bound at all) is refused here
            self._timeout = (setting, cached)
        return cached

    def _new_pool(self, host: str) -> tuple[Any, str, bool]:
        parts = urlsplit(host)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiValueError(f"host must be an http:// or https:// URL, got {host!r}")
        with self._lock:
            in_clear = parts.scheme == "http" and not is_loopback(parts.hostname)
            entry = (self.pool_manager.connection_from_url(host), parts.path.rstrip("/"), in_clear)
            self._pools[host] = entry
        return entry

    def _attempt(
        self,
        pool: Any,
        method: str,
        target: str,
        headers: dict[str, str],
        body: Optional[bytes],
        preload: bool,
        timeout: urllib3.Timeout,
    ) -> Any:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("request %s %s headers=%s", method, redact_text(target), redact_headers(headers))
        started = time.monotonic()
        try:
            resp = pool.urlopen(
                method,
                target,
                body=body,
                headers=headers,
                retries=_NO_RETRIES,
                redirect=False,
                assert_same_host=False,
                timeout=timeout,
                preload_content=False,
                release_conn=False,
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _connection_error(method, target, exc) from exc
        if not preload:
            return resp
        deadline = started + float(timeout.total)  # type: ignore[arg-type]
        try:
            data = read_body(resp, self.configuration.max_body_size, deadline)
        except ResponseTooLargeException:
            resp.close()
            raise
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            resp.close()
            raise _connection_error(method, target, exc) from exc
        resp.release_conn()
        if logger.isEnabledFor(logging.DEBUG):
            text = data[:512].decode("utf-8", "replace")
            logger.debug("response %s %s: %s %s", method, target.split("?", 1)[0], resp.status, redact_text(text))
        return RESTResponse(resp, data)

    @staticmethod
    def _error(response: RESTResponse) -> ApiException:
        error = exception_class_for(response.status)(http_resp=response)
        error.retry_after = parse_retry_after(response.getheader("Retry-After"))
        return error


def encode_body(headers: dict[str, str], body: Any, post_params: Optional[Any]) -> Optional[bytes]:
    """The request body: a form from ``post_params`` or JSON from ``body``, with its Content-Type."""
    if post_params and body is not None:
        raise ApiValueError("body parameter cannot be used with post_params parameter.")
    if post_params:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return urlencode(post_params).encode()
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
        return body if isinstance(body, bytes) else json.dumps(body).encode()
    return None


def _check_headers(headers: Mapping[str, str]) -> None:
    """Refuse, before connecting and without echoing it, a value HTTP cannot carry as is.

    CR or LF would inject headers; other control characters and anything beyond Latin-1
    (which ``http.client`` cannot encode) would otherwise fail half-way through sending.
    """
    for name, value in headers.items():
        if isinstance(value, str) and _BAD_HEADER_VALUE.search(value):
            raise ApiValueError(f"header {name} contains a control or non-Latin-1 character; refused before sending")


def _connection_error(method: str, target: str, exc: BaseException) -> ApiConnectionError:
    path = target.split("?", 1)[0]
    return ApiConnectionError(reason=f"{method} {path}: no answer ({type(exc).__name__}: {redact_text(str(exc))})")


def read_body(resp: Any, limit: int, deadline: float) -> bytes:
    """Read the whole body, refusing more than ``limit`` bytes and stopping at ``deadline``.

    Reads from the underlying ``http.client`` response with ``read1`` so that a server
    trickling bytes cannot keep the call alive past the deadline.
    """
    length: Optional[str] = resp.headers.get("Content-Length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise _too_large(resp, limit)
    fp = getattr(resp, "_fp", None)
    read = fp.read1 if fp is not None and hasattr(fp, "read1") else resp.read
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise urllib3.exceptions.ReadTimeoutError(None, None, "the response body took longer than the timeout")  # type: ignore[arg-type]
        chunk = read(_CHUNK)
        if not chunk:
            if fp is not None:
                fp.close()  # marks the response done, so the connection goes back to the pool
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _too_large(resp, limit)
        chunks.append(chunk)


def _too_large(resp: Any, limit: int) -> ResponseTooLargeException:
    error = ResponseTooLargeException(status=resp.status, reason=f"response body larger than {limit} bytes refused")
    error.headers = resp.headers
    return error
