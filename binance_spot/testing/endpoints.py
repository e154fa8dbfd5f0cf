"""Binance's REST endpoints on the local server: each path's methods and what it does to an account.

A new endpoint is a function of ``(account, request, now)`` and a ``Route`` in ``ROUTES`` (the
margin account ones: ``margin_endpoints``); the ``Exchange`` has already admitted the API key,
weighed the request and checked its signature.
"""

from binance_spot.testing.accounts import MAX_TOKEN_VALIDITY_MS, Account, ListenKeys
from binance_spot.testing.exchange import Exchange
from binance_spot.testing.margin_endpoints import Route, margin_routes
from binance_spot.testing.params import integer, invalid, require
from binance_spot.testing.records import Recorded
from binance_spot.testing.replies import ApiError, Reply, html_reply, json_reply

__all__ = [
    "API_KEY_RESTRICTIONS",
    "MIN_TOKEN_VALIDITY_MS",
    "RESTRICTIONS_PATH",
    "RETIRED_PATHS",
    "ROUTES",
    "TIME_PATH",
    "RestApi",
]

#: The shortest listen-token ``validity`` (ms) the server grants by default. Binance documents
#: only the maximum (24 h); less than a second is a unit mistake (seconds sent as milliseconds),
#: answered -1130 like any invalid value. ``BinanceServer(min_token_validity_ms=1)`` plays short ones.
MIN_TOKEN_VALIDITY_MS = 1000

#: The margin listen-key paths production retired (410 when ``retired``).
RETIRED_PATHS = ("/sapi/v1/userDataStream", "/sapi/v1/userDataStream/isolated")
_KEY_METHODS = ("POST", "PUT", "DELETE")


def _listen_key(keys: ListenKeys, req: Recorded, now: float, scope: str | None) -> dict[str, object]:
    """POST creates (or extends the active key), PUT extends, DELETE closes; -1125 for a key not active."""
    if req.method == "POST":
        return {"listenKey": keys.create(scope, now)}
    key = require(req, "listenKey")
    if not keys.touch(key, scope, now, close=req.method == "DELETE"):
        raise ApiError(400, -1125, "This listenKey does not exist.")
    return {}


def _margin_key(account: Account, req: Recorded, now: float) -> object:
    return _listen_key(account.listen_keys, req, now, None)


def _isolated_key(account: Account, req: Recorded, now: float) -> object:
    return _listen_key(account.listen_keys, req, now, require(req, "symbol"))


def _risk_key(account: Account, req: Recorded, now: float) -> object:
    return _listen_key(account.risk_keys, req, now, None)


def _listen_token(account: Account, req: Recorded, now: float) -> object:
    isolated = (req.param("isIsolated") or "false").lower()
    if isolated not in ("true", "false"):
        raise invalid()
    scope = require(req, "symbol") if isolated == "true" else None
    validity = integer(req, "validity", MAX_TOKEN_VALIDITY_MS)
    if not 1 <= validity <= MAX_TOKEN_VALIDITY_MS:
        raise invalid()
    token, expiration = account.issue_token(validity, now, scope)
    return {"token": token, "expirationTime": expiration}


def _uid_only(req: Recorded) -> int:
    """No IP weight: Binance counts listen-key and token calls against the account (UID) only."""
    return 0


#: The stream credential endpoints (USER_STREAM: UID weight 1, no IP weight, a signature checked
#: when sent); the margin account endpoints come from ``margin_routes``.
ROUTES: dict[str, Route] = {
    RETIRED_PATHS[0]: Route(_KEY_METHODS, _margin_key, _uid_only),
    RETIRED_PATHS[1]: Route(_KEY_METHODS, _isolated_key, _uid_only),
    "/sapi/v1/margin/listen-key": Route(_KEY_METHODS, _risk_key, _uid_only),
    "/sapi/v1/userListenToken": Route(("POST",), _listen_token, _uid_only),
}


#: ``GET /api/v3/time`` (MARKET_DATA: no API key) answers the server's clock.
TIME_PATH = "/api/v3/time"
#: ``GET /sapi/v1/account/apiRestrictions`` (signed) answers ``RestApi.restrictions``.
RESTRICTIONS_PATH = "/sapi/v1/account/apiRestrictions"
#: What the local server says every key may do, unless a test changes ``BinanceServer.api_key_restrictions``.
API_KEY_RESTRICTIONS: dict[str, object] = {
    "ipRestrict": True,
    "enableReading": True,
    "enableMargin": True,
    "enableSpotAndMarginTrading": True,
    "enableWithdrawals": False,
    "enableInternalTransfer": False,
    "enableFutures": False,
    "permitsUniversalTransfer": False,
    "enableVanillaOptions": False,
    "enablePortfolioMarginTrading": False,
}


class RestApi:
    """Routes a request to its endpoint: 404 / 405 / 410 pages as Binance's front end sends them,
    then the exchange's JSON. ``retired`` switches the retired paths to 410."""

    def __init__(self, exchange: Exchange, retired: bool, min_token_validity_ms: int = MIN_TOKEN_VALIDITY_MS) -> None:
        self.exchange = exchange
        self.retired = retired
        self.min_token_validity_ms = min_token_validity_ms
        self.restrictions = {**API_KEY_RESTRICTIONS, "createTime": int(exchange.clock() * 1000)}
        token_path = "/sapi/v1/userListenToken"
        self.routes = {
            **ROUTES,
            **margin_routes(exchange),
            token_path: ROUTES[token_path]._replace(operation=self._listen_token),
            RESTRICTIONS_PATH: Route(("GET",), self._restrictions, signed=True),
        }

    def _listen_token(self, account: Account, req: Recorded, now: float) -> object:
        if integer(req, "validity", MAX_TOKEN_VALIDITY_MS) < self.min_token_validity_ms:
            raise invalid()
        return _listen_token(account, req, now)

    def _restrictions(self, account: Account, req: Recorded, now: float) -> object:
        return dict(self.restrictions)

    def answer(self, req: Recorded) -> Reply:
        if req.path == TIME_PATH and req.method == "GET":  # MARKET_DATA: no key, no weight per account
            return json_reply(200, {"serverTime": int(self.exchange.clock() * 1000)})
        route = self.routes.get(req.path)
        if route is None:
            return html_reply(404)
        if self.retired and req.path in RETIRED_PATHS:
            return html_reply(410)
        if req.method not in route.methods:
            return html_reply(405, {"Allow": ", ".join(route.methods)})
        api_key = req.header("X-MBX-APIKEY") or ""
        try:
            self.exchange.admit(api_key)
        except ApiError as error:
            return error.reply()
        return self.exchange.execute(req, api_key, route.operation, route.weight(req), signed=route.signed)
