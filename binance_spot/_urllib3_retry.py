"""Translate a urllib3 ``Retry`` into ``RetryPolicy`` fields, or refuse it.

Classic code sets ``configuration.retries = urllib3.Retry(...)``. Its count and backoff
map onto our policy; a field we do not implement (per-kind counts, status lists, method
lists, ...) is refused by name when it differs from urllib3's default, never dropped.
"""

from typing import Any

from binance_spot.exceptions import ApiValueError

# Fields whose urllib3 default is all we can honour: our policy decides these itself.
_FIXED = (
    "connect",
    "read",
    "status",
    "other",
    "redirect",
    "status_forcelist",
    "allowed_methods",
    "raise_on_redirect",
    "raise_on_status",
    "respect_retry_after_header",
    "remove_headers_on_redirect",
    "backoff_jitter",
    "retry_after_max",
)


def translate(retry: Any) -> dict[str, Any]:
    """``total``, ``backoff`` and ``backoff_max`` of ``retry``; ApiValueError for anything else set."""
    # Retry(total=False) also turns redirects off by itself: compare with that default.
    default = type(retry)(total=False) if retry.total is False else type(retry)()
    changed = [name for name in _FIXED if getattr(retry, name, None) != getattr(default, name, None)]
    if changed:
        raise ApiValueError(
            f"retries: urllib3 Retry fields {', '.join(changed)} are not supported "
            "(connection errors, 429 and 5xx are retried, Retry-After is honoured); use a RetryPolicy"
        )
    total = retry.total
    if total is False:
        total = 0
    if not isinstance(total, int):
        raise ApiValueError(f"retries: urllib3 Retry total must be a whole number, got {total!r}")
    # urllib3 2.x keeps backoff_max on the instance, 1.26 only as a class default.
    backoff_max = getattr(retry, "backoff_max", None) or type(retry).DEFAULT_BACKOFF_MAX
    return {"total": total, "backoff": float(retry.backoff_factor), "backoff_max": float(backoff_max)}
