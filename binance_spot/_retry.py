"""The retry loop above the transport: what is tried again, and how long to wait first.

All listen-key calls are safe to repeat (POST returns the active key, PUT and DELETE are
idempotent), so connection failures, 429 and 5xx are retried with capped exponential
backoff and full jitter, honouring ``Retry-After``. 3xx, 418 (an IP ban) and every other
4xx are final: retrying them only lengthens a ban.
"""

import random
import time

from binance_spot._logging import logger
from binance_spot._validate import ascii_int
from binance_spot.exceptions import ApiConnectionError, ApiException, ApiStatusException, exception_class_for
from binance_spot.settings import RetryPolicy
from binance_spot.transport import BaseTransport, Request, Response

#: No two attempts of one call are closer than this (seconds), whatever the policy or the
#: server's ``Retry-After`` says: a ``Retry-After: 0`` loop cannot become a request storm.
MIN_RETRY_DELAY = 0.1


def send(transport: BaseTransport, request: Request, policy: RetryPolicy) -> Response:
    """A 2xx response to ``request``, or the exception for the last failure."""
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
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
        delay = max(MIN_RETRY_DELAY, retry_after if retry_after is not None else backoff(policy, attempt))
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
    error.retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return error


def is_retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def backoff(policy: RetryPolicy, retry_number: int) -> float:
    """Full jitter over a capped exponential: ``retry_number`` is 1-based."""
    return random.uniform(0, min(policy.backoff_max, policy.backoff * 2 ** min(retry_number - 1, 32)))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if malformed."""
    if not value:
        return None
    seconds = ascii_int(value)
    if seconds is not None:
        return float(seconds)
    if not value.isascii():
        return None
    from email.utils import parsedate_to_datetime  # rare: Binance sends seconds

    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
