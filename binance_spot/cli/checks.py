"""The checks of ``binance-spot doctor``: each calls Binance (or the local server) once or twice
and says, in one line, what it found and what to do when it is wrong.

A check returns a ``Check`` or raises what the client raised; ``doctor`` turns an exception
into a failed check with the one line ``failure_of`` gives it, so no secret reaches the output.
"""

import time
from collections.abc import Callable
from typing import Any, NamedTuple

from binance_spot._operation import Operation, Param

#: Clock offsets (ms): ahead of the server by more than this, Binance refuses signed requests (-1021) ...
MAX_AHEAD_MS = 1000
#: ... and behind it by more than the default recvWindow.
MAX_BEHIND_MS = 5000
#: An offset above this is worth a warning: it eats into the margins above.
WARN_OFFSET_MS = 500
#: The validity (ms) of doctor's listen tokens: long enough to subscribe, short enough to leave nothing behind.
TOKEN_VALIDITY_MS = 60_000
#: Seconds doctor waits for the WebSocket API to confirm the subscription.
SUBSCRIBE_TIMEOUT = 10.0
#: The listen key sent to the retired paths: no account holds it, so nothing is extended or closed.
PROBE_KEY = "binance-spot-doctor-probe"

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"

_ISOLATED_PUT = Operation(
    name="sapi_v1_user_data_stream_isolated_put",
    method="PUT",
    path="/sapi/v1/userDataStream/isolated",
    params=(Param("listen_key", "listenKey", str), Param("symbol", "symbol", str)),
    return_type="object",
    auth=("ApiKeyAuth",),
    accept=("application/json",),
    retired=True,
)


class Check(NamedTuple):
    """One line of the report: ``status`` is ok, warn, fail or skip; ``fix`` says what to do."""

    name: str
    status: str
    message: str
    fix: str | None = None


def clock(client: Any) -> Check:
    """``GET /api/v3/time``: the server answers, and the local clock is within Binance's margins of it."""
    from binance_spot import GeneralApi

    sent = time.time()
    server_ms = GeneralApi(client).api_v3_time_get().server_time
    received = time.time()
    offset = round((sent + received) / 2 * 1000 - server_ms)  # > 0: the local clock is ahead
    where = f"{abs(offset)} ms {'ahead of' if offset > 0 else 'behind'} the server's"
    message = f"answered in {(received - sent) * 1000:.0f} ms; your clock is {where}"
    if offset > MAX_AHEAD_MS or -offset > MAX_BEHIND_MS:
        return Check("clock", FAIL, message, "signed requests get -1021: synchronise the clock (NTP, timedatectl)")
    if abs(offset) > WARN_OFFSET_MS:
        return Check("clock", WARN, message, "synchronise the clock (NTP) before it drifts past Binance's margins")
    return Check("clock", OK, message)


def key(client: Any) -> list[Check]:
    """``GET /sapi/v1/account/apiRestrictions`` (signed): the key, its permissions and its IP restriction."""
    from binance_spot import ApiKeyApi

    if not client.configuration.secret_key:
        fix = "set BINANCE_SECRET_KEY to check the key (the permissions are read by a signed request)"
        return [Check("key", SKIP, "not checked: no secret key", fix)]
    found = ApiKeyApi(client).sapi_v1_account_api_restrictions_get()
    try:
        created = f"created {time.strftime('%Y-%m-%d', time.gmtime(found.create_time / 1000))}"
    except (OverflowError, OSError, ValueError):  # a createTime no calendar holds
        created = "created at an unreadable time"
    checks = [Check("key", OK, f"valid ({created}), signed requests verify")]
    if not found.enable_reading:
        fix = "enable 'Enable Reading' for it in API Management"
        checks.append(Check("reading", FAIL, "the key may not read", fix))
    else:
        checks.append(Check("reading", OK, "the key may read"))
    if not found.enable_margin:
        fix = "enable 'Enable Margin Loan, Repay & Transfer' in API Management if you use margin"
        checks.append(Check("margin", WARN, "margin is not enabled for the key", fix))
    else:
        checks.append(Check("margin", OK, "margin is enabled for the key"))
    if not found.ip_restrict:
        fix = "restrict the key to your servers' IPs in API Management: a leaked key is then useless elsewhere"
        checks.append(Check("ip", WARN, "the key works from any IP", fix))
    else:
        checks.append(Check("ip", OK, "the key works only from its trusted IPs (this one among them)"))
    if found.enable_withdrawals:
        fix = "disable withdrawals unless this program withdraws"
        checks.append(Check("withdrawals", WARN, "the key may withdraw funds", fix))
    return checks


def retired(client: Any) -> Check:
    """The listen-key paths Binance retired on 2026-02-20: which of them answer 410 here."""
    from binance_spot import ApiException, EndpointRetiredException, MarginStreamApi

    probes: dict[str, Callable[[], object]] = {
        "/sapi/v1/userDataStream": lambda: MarginStreamApi(client).sapi_v1_user_data_stream_put(listen_key=PROBE_KEY),
        "/sapi/v1/userDataStream/isolated": lambda: client.call_operation(
            _ISOLATED_PUT, {"listen_key": PROBE_KEY, "symbol": "BTCUSDT"}, {}
        ),
    }
    gone, answering = [], []
    for path, probe in probes.items():
        try:
            probe()
        except EndpointRetiredException:
            gone.append(path)
            continue
        except ApiException as exc:
            if exc.status is None or exc.status >= 500:
                raise
        answering.append(path)  # -1125 for the probe key: the path still serves
    if not answering:
        return Check("retired", OK, f"410 from {' and '.join(gone)}: use listen tokens (binance-spot token)")
    fix = "Binance's production answers 410 there since 2026-02-20: move to listen tokens before you deploy"
    return Check("retired", WARN, f"still answering: {' and '.join(answering)}", fix)


def token(client: Any) -> Check:
    """``POST /sapi/v1/userListenToken``: a short-lived listen token for the cross margin account."""
    from binance_spot.cli.client import create_token

    create_token(client, None, TOKEN_VALIDITY_MS)
    return Check("token", OK, f"created a listen token (valid {TOKEN_VALIDITY_MS // 1000} s)")


def subscribe(client: Any) -> Check:
    """A token created, subscribed on the WebSocket API and unsubscribed (the stream's whole start and end)."""
    from binance_spot.stream import MarginUserDataStream

    validity = TOKEN_VALIDITY_MS / 1000
    stream = MarginUserDataStream(client, token_validity=validity, renew_before=validity / 2, open_timeout=10.0)
    started = time.monotonic()
    with stream:
        subscribed = time.monotonic() - started
    return Check("subscribe", OK, f"subscribed on the WebSocket API in {subscribed:.1f} s, then unsubscribed")


def risk(client: Any) -> Check:
    """``POST`` then ``DELETE /sapi/v1/margin/listen-key``: a risk-stream key created and closed."""
    from binance_spot import MarginRiskStreamApi

    api = MarginRiskStreamApi(client)
    created = api.sapi_v1_margin_listen_key_post().listen_key
    api.sapi_v1_margin_listen_key_delete(created)
    return Check("risk", OK, "created and closed a risk-stream listen key")
