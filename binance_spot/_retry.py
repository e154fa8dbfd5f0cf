"""The retry loop above the transport: what is tried again, and how long to wait first.

All listen-key calls are safe to repeat (POST returns the active key, PUT and DELETE are
idempotent), so connection failures, 429 and 5xx are retried with capped exponential
backoff and jitter, honouring ``Retry-After`` (the rules are ``_backoff``'s, shared with every
other loop of ours that tries again). 3xx, 418 (an IP ban) and every other
4xx are final: retrying them only lengthens a ban.
"""

import random
import time
from collections.abc import Callable

from binance_spot import _backoff
from binance_spot._logging import logger
from binance_spot.exceptions import ApiConnectionError, ApiException, ApiStatusException, exception_class_for
from binance_spot.settings import RetryPolicy
from binance_spot.transport import BaseTransport, Request, Response


def send(
    transport: BaseTransport, request: Request, policy: RetryPolicy, renew: Callable[[], Request] | None = None
) -> Response:
    """A 2xx response to ``request``, or the exception for the last failure. ``renew`` makes
    the request of each retry (a signed one carries a fresh timestamp and signature)."""
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        if attempt > 1 and renew is not None:
            request = renew()
        try:
            response = transport.handle_request(request)
        except ApiConnectionError as exc:
            if attempt > policy.total or not exc.retryable:
                raise
            error: ApiException = exc
            retry_after = None
        else:
            if 200 <= response.status <= 299:
                return response
            error = error_for(response)
            if not is_retryable_status(response.status) or attempt > policy.total:
                raise error
            retry_after = error.retry_after
            if retry_after is not None and retry_after > policy.max_wait:
                raise error
        delay = _backoff.delay(policy.backoff, policy.backoff_max, attempt, random.random, retry_after)
        if time.monotonic() - started + delay > policy.max_time:
            raise error
        logger.info(
            "%s %s failed (%s); retry %d of %d in %.2f s",
            request.method,
            request.path,
            error.status or type(error.__cause__).__name__,
            attempt,
            policy.total,
            delay,
        )
        time.sleep(delay)


def error_for(response: Response) -> ApiStatusException:
    """The exception for an error status, with Binance's code and ``Retry-After``."""
    error = exception_class_for(response.status)(http_resp=response)
    error.retry_after = _backoff.retry_after_header(response.headers.get("Retry-After"))
    return error


def is_retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599
