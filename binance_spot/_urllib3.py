"""The default transport: urllib3 pools, TLS and proxies, each attempt bounded in size and time.

Works with urllib3 1.26 and 2.x: only APIs both provide are used (``headers`` rather
than the ``getheaders()`` that 2.6 removed).
"""

import http.client
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import urllib3

from binance_spot import _deadline
from binance_spot._logging import install_redaction, logger
from binance_spot._redact import redact_headers, redact_text
from binance_spot.configuration import Configuration
from binance_spot.exceptions import ApiConnectionError, ApiTimeoutError, ResponseTooLargeException
from binance_spot.settings import Timeout
from binance_spot.transport import Request, Response

_CHUNK = 64 * 1024
# urllib3 would build this per request from retries=False; the retry loop is ours.
_NO_RETRIES = urllib3.Retry(False, redirect=False)
# ValueError: http.client reading a response whose connection was aborted.
_FAILURES = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError)
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class Urllib3Transport:
    """Sends requests through one urllib3 pool per host; safe to share between threads."""

    def __init__(self, configuration: Configuration, pools_size: int = 4) -> None:
        install_redaction()
        self.configuration = configuration
        self.pool_manager = _pool_manager(configuration, pools_size)
        # host -> (its pool, the path of the host URL, whether it is plain http to another machine)
        self._pools: dict[str, tuple[Any, str, bool]] = {}
        self._timeouts: dict[Timeout, urllib3.Timeout] = {}
        self._in_flight: set[_deadline.Attempt] = set()
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close every pooled connection and abort the requests in flight."""
        with self._lock:
            in_flight, self._in_flight = self._in_flight, set()
            self._pools.clear()
        for attempt in in_flight:
            attempt.abort()
        self.pool_manager.clear()

    def handle_request(self, request: Request) -> Response:
        pool, base_path, in_clear = self._pools.get(request.host) or self._new_pool(request.host)
        target = base_path + request.target if base_path else request.target
        if in_clear and request.host not in self._warned:
            self._warn_in_clear(request)
        if logger.isEnabledFor(10):  # DEBUG
            headers = redact_headers(request.headers)
            logger.debug("request %s %s headers=%s", request.method, redact_text(target), headers)
        timeout = request.timeout
        attempt = _deadline.Attempt(time.monotonic() + timeout.total, timeout.read)
        with self._lock:
            self._in_flight.add(attempt)
        _deadline.begin(attempt)
        try:
            resp = pool.urlopen(
                request.method,
                target,
                body=request.body,
                headers=request.headers,
                retries=_NO_RETRIES,
                redirect=False,
                assert_same_host=False,
                timeout=self._urllib3_timeout(timeout),
                preload_content=False,
                release_conn=False,
            )
            try:
                data = read_body(resp, self.configuration.max_body_size)
            except BaseException:
                resp.close()
                raise
        except _FAILURES as exc:
            raise _connection_error(request, exc) from exc
        finally:
            _deadline.end(attempt)
            with self._lock:
                self._in_flight.discard(attempt)
        resp.release_conn()
        if logger.isEnabledFor(10):
            text = redact_text(data[:512].decode("utf-8", "replace"))
            logger.debug("response %s %s: %s %s", request.method, request.path, resp.status, text)
        return Response(resp.status, resp.reason or "", resp.headers, data)

    def _urllib3_timeout(self, timeout: Timeout) -> urllib3.Timeout:
        cached = self._timeouts.get(timeout)
        if cached is None:
            cached = urllib3.Timeout(connect=min(timeout.connect, timeout.total), read=timeout.read)
            if len(self._timeouts) < 64:  # per-call timeouts are few; never grow without bound
                self._timeouts[timeout] = cached
        return cached

    def _new_pool(self, host: str) -> tuple[Any, str, bool]:
        parts = urlsplit(host)
        with self._lock:
            in_clear = parts.scheme == "http" and not is_loopback(parts.hostname or "")
            entry = (self.pool_manager.connection_from_url(host), parts.path.rstrip("/"), in_clear)
            self._pools[host] = entry
        return entry

    def _warn_in_clear(self, request: Request) -> None:
        if any(name.lower() == "x-mbx-apikey" for name in request.headers):
            self._warned.add(request.host)
            logger.warning(
                "Sending the API key over plain http to %s: anyone on the path can read it",
                urlsplit(request.host).hostname,
            )


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _pool_manager(configuration: Configuration, pools_size: int) -> urllib3.PoolManager:
    kwargs: dict[str, Any] = {
        "num_pools": pools_size,
        "maxsize": configuration.connection_pool_maxsize,
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
        manager: urllib3.PoolManager = urllib3.ProxyManager(
            configuration.proxy, proxy_headers=configuration.proxy_headers, **kwargs
        )
    else:
        manager = urllib3.PoolManager(**kwargs)
    manager.pool_classes_by_scheme = _deadline.POOL_CLASSES
    return manager


def _connection_error(request: Request, exc: BaseException) -> ApiConnectionError:
    # NewConnectionError (refused, name not resolved) subclasses ConnectTimeoutError in urllib3.
    timed_out = isinstance(exc, (urllib3.exceptions.TimeoutError, TimeoutError)) and not isinstance(
        exc, urllib3.exceptions.NewConnectionError
    )
    kind = ApiTimeoutError if timed_out else ApiConnectionError
    cause = redact_text(str(exc))
    error = kind(reason=f"{request.method} {request.path}: no answer ({type(exc).__name__}: {cause})")
    error.retryable = not isinstance(exc, urllib3.exceptions.SSLError)
    return error


def read_body(resp: Any, limit: int) -> bytes:
    """Read the whole body, refusing more than ``limit`` bytes.

    Reads from the underlying ``http.client`` response with ``read1``, so each read
    returns what has arrived; the attempt's deadline bounds the reads themselves.
    """
    length: str | None = resp.headers.get("Content-Length")
    if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
        raise _too_large(resp, limit)
    fp = getattr(resp, "_fp", None)
    read = fp.read1 if fp is not None and hasattr(fp, "read1") else resp.read
    chunks: list[bytes] = []
    size = 0
    while True:
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
