"""The local server's admin endpoint: ``POST /_admin/<action>`` drives it from another process.

``python -m binance_spot.testing push-event ...`` (``testing/control.py``) talks to it, so a
server started in one terminal can be fed events, have its streams cut and its clock moved
from a second. Only a loopback client is served (403 for any other: the server may listen on
``0.0.0.0``), and only a JSON body (a web page's cross-site form cannot send one without a
preflight this server never answers), for a loopback ``Host`` (a DNS-rebound page names its
own). Admin requests are not recorded and meet no fault.
"""

import ipaddress
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from binance_spot.testing.records import Recorded
from binance_spot.testing.replies import Reply, json_reply

if TYPE_CHECKING:
    from binance_spot.testing.trading import ExchangeAccount

__all__ = ["ADMIN_ACTIONS", "ADMIN_PREFIX", "MAX_ADVANCE", "Admin", "Controls"]

ADMIN_PREFIX = "/_admin/"
#: The longest step ``advance-clock`` takes at once (seconds): a year.
MAX_ADVANCE = 365 * 86_400.0


class Controls(Protocol):
    """What the admin endpoint drives (``BinanceServer`` is one)."""

    def push_event(self, event: dict[str, Any], api_key: str | None = None, isolated: str | None = None) -> int: ...
    def push_risk_event(self, event: dict[str, Any], listen_key: str | None = None) -> int: ...
    def drop_streams(self, connection: int | None = None) -> int: ...
    def shutdown_streams(self) -> int: ...
    def expire_all(self) -> None: ...
    def account(self, api_key: str, isolated: str | None = None) -> "ExchangeAccount": ...


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _event(body: Any) -> dict[str, Any]:
    if not (isinstance(body, dict) and isinstance(body.get("e"), str)):
        raise _Refused(400, 'the body must be an event: a JSON object with a string "e", e.g. {"e": "balanceUpdate"}')
    return body


def _text(body: dict[str, Any], name: str, required: bool = True) -> Any:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise _Refused(400, f'"{name}" must be a non-empty string')
    return value


def _order_id(body: dict[str, Any]) -> int:
    value = body.get("order_id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Refused(400, '"order_id" must be an integer (the one place-order answered)')
    return value


def _seconds(body: Any) -> float:
    seconds = body.get("seconds") if isinstance(body, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= MAX_ADVANCE:
        limit = f"{MAX_ADVANCE:.0f}"  # NaN and infinities fail the comparison too
        raise _Refused(400, f'the body must be {{"seconds": N}}, N a number of seconds above 0 and at most {limit}')
    return float(seconds)


class Admin:
    """Answers ``/_admin/<action>`` for ``controls``; ``advance`` moves the server's clock (None: it cannot)."""

    def __init__(self, controls: Controls, advance: Callable[[float], float] | None) -> None:
        self._controls = controls
        self._advance = advance
        self._actions: dict[str, Callable[[Any], dict[str, Any]]] = {
            "push-event": self._push_event,
            "push-risk-event": lambda body: {"reached": controls.push_risk_event(_event(body))},
            "drop-streams": lambda body: {"dropped": controls.drop_streams()},
            "shutdown-streams": lambda body: {"announced": controls.shutdown_streams()},
            "expire-keys": self._expire_keys,
            "advance-clock": self._advance_clock,
            "place-order": lambda body: {"order_id": self._on_account(body, _place)},
            "fill-order": lambda body: {"trade_id": self._on_account(body, _fill)},
            "cancel-order": lambda body: {"canceled": self._on_account(body, _cancel)},
            "transfer": lambda body: {"transferred": self._on_account(body, _transfer)},
        }

    def answer(self, req: Recorded) -> Reply:
        try:
            return json_reply(200, self._run(req))
        except _Refused as refused:
            return json_reply(refused.status, {"error": str(refused)})

    def _run(self, req: Recorded) -> dict[str, Any]:
        if not _loopback(req.client[0]):
            raise _Refused(403, "the admin endpoint answers only clients on this machine (loopback)")
        host = (req.header("Host") or "").rsplit(":", 1)[0].strip("[]")
        if host != "localhost" and not _loopback(host):  # a DNS-rebound web page names its own host
            raise _Refused(403, "the admin endpoint answers only requests for a loopback Host")
        action = self._actions.get(req.path[len(ADMIN_PREFIX) :])
        if action is None:
            raise _Refused(404, f"unknown action; expected one of {', '.join(ADMIN_ACTIONS)}")
        if req.method != "POST":
            raise _Refused(405, "admin actions are POST requests")
        if not (req.header("Content-Type") or "").lower().startswith("application/json"):
            raise _Refused(415, "admin requests carry Content-Type: application/json")
        try:
            body = json.loads(req.body or b"{}")
        except (ValueError, RecursionError):  # bad UTF-8, or nested past the parser's depth
            raise _Refused(400, "the body is not JSON (or nests too deep)") from None
        return action(body)

    def _on_account(self, body: Any, act: Callable[["ExchangeAccount", dict[str, Any]], Any]) -> Any:
        """``act`` on the account the body names (``api_key``, optional ``isolated`` symbol); a
        refusal of the exchange (an unknown order, an amount that is not one) is a 400."""
        if not isinstance(body, dict):
            raise _Refused(400, "the body must be a JSON object")
        account = self._controls.account(_text(body, "api_key"), _text(body, "isolated", required=False))
        try:
            return act(account, body)
        except (KeyError, TypeError, ValueError) as refused:
            raise _Refused(400, str(refused).strip("'\"")) from None

    def _push_event(self, body: Any) -> dict[str, Any]:
        """The body is the event (to every subscription), or ``{"event": ..., "api_key": ...,
        "isolated": ...}`` for one account's subscriptions."""
        if not (isinstance(body, dict) and "event" in body and "e" not in body):
            return {"reached": self._controls.push_event(_event(body))}
        api_key, isolated = _text(body, "api_key"), _text(body, "isolated", required=False)
        try:
            return {"reached": self._controls.push_event(_event(body["event"]), api_key, isolated)}
        except ValueError as refused:  # a key the server refuses, a symbol it does not trade
            raise _Refused(400, str(refused)) from None

    def _expire_keys(self, body: Any) -> dict[str, Any]:
        self._controls.expire_all()
        return {}

    def _advance_clock(self, body: Any) -> dict[str, Any]:
        seconds = _seconds(body)
        if self._advance is None:
            raise _Refused(409, "this server's clock cannot be moved (give it a ManualClock or an OffsetClock)")
        return {"now": self._advance(seconds)}


def _place(account: "ExchangeAccount", body: dict[str, Any]) -> int:
    return account.place_order(_text(body, "symbol"), _text(body, "side"), body.get("quantity"), body.get("price"))


def _fill(account: "ExchangeAccount", body: dict[str, Any]) -> int:
    return account.fill(_order_id(body), body.get("quantity"), body.get("price"))


def _cancel(account: "ExchangeAccount", body: dict[str, Any]) -> int:
    order_id = _order_id(body)
    account.cancel(order_id)
    return order_id


def _transfer(account: "ExchangeAccount", body: dict[str, Any]) -> str:
    account.transfer(_text(body, "asset"), body.get("amount"))
    return str(body.get("amount"))


#: The actions of the admin endpoint, in the order ``--help`` lists them.
ADMIN_ACTIONS = (
    "push-event", "push-risk-event", "drop-streams", "shutdown-streams", "expire-keys", "advance-clock",
    "place-order", "fill-order", "cancel-order", "transfer",
)  # fmt: skip


def _loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None  # ::ffff:127.0.0.1
    return (mapped or address).is_loopback
