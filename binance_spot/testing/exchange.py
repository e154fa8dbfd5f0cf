"""The local exchange: Binance's rules across accounts, apart from HTTP.

It admits API keys (-2014 / -2015), checks signatures and timestamps (-1022 / -1021),
counts request weight per account and per IP (429 past ``ip_weight_limit``), and answers
every request and every change of an account under one lock, so the rules see one
consistent state whatever the number of client threads.
"""

import hashlib
import hmac
import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from binance_spot.testing.accounts import Account, Windows
from binance_spot.testing.margin import Book, Ids
from binance_spot.testing.params import integer, invalid, is_form, mandatory, require
from binance_spot.testing.records import Recorded
from binance_spot.testing.replies import ApiError, Reply, json_reply

__all__ = ["DEFAULT_PAIRS", "Exchange", "Operation", "Owner"]

T = TypeVar("T")
#: An account's subscriptions: its API key and the isolated symbol (None: cross margin).
Owner = tuple[str, str | None]
#: The cross margin pairs (symbol -> base, quote) of a server not given any.
DEFAULT_PAIRS: Mapping[str, tuple[str, str]] = {
    "BTCUSDT": ("BTC", "USDT"),
    "ETHUSDT": ("ETH", "USDT"),
    "ETHBTC": ("ETH", "BTC"),
    "BNBUSDT": ("BNB", "USDT"),
    "BNBBTC": ("BNB", "BTC"),
}
_SYMBOL = re.compile(r"[A-Z0-9]{2,20}")
_ASSET = re.compile(r"[A-Z0-9]{1,10}")

_API_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: What an endpoint does to the caller's account: the JSON answer, or an ``ApiError`` raised.
Operation = Callable[[Account, Recorded, float], object]


def _unsigned(raw: bytes) -> bytes:
    """``raw`` without its ``signature=`` pair: the bytes the client had to sign."""
    return b"&".join(part for part in raw.split(b"&") if not part.startswith(b"signature="))


class Exchange:
    """Accounts by API key, and the rules every request meets before it reaches one.

    ``api_keys`` (None: any well-formed key) are the keys accepted; ``secret_keys`` the
    secrets signed requests are checked with; ``clock`` the exchange's time in seconds.
    """

    def __init__(
        self,
        api_keys: Iterable[str] | None,
        clock: Callable[[], float],
        secret_keys: Mapping[str, str] | None,
        pairs: Mapping[str, tuple[str, str]] | None = None,
        ip_weight_limit: int | None = None,
    ) -> None:
        self.clock = clock
        self._api_keys = None if api_keys is None else set(api_keys)
        self._secret_keys = dict(secret_keys or {})
        self._lock = threading.Lock()
        self._accounts: dict[str, Account] = {}
        self._token_index: dict[str, str] = {}  # listen token -> the API key that holds it
        self._ip_weights = Windows()  # per IP, per clock minute
        self.pairs = checked_pairs(DEFAULT_PAIRS if pairs is None else pairs)
        self.ip_weight_limit = ip_weight_limit
        self.ids = Ids()

    def register(self, secret_keys: Mapping[str, str]) -> None:
        """Accept these API keys (also when ``api_keys`` restricts them) with their secrets."""
        for api_key in secret_keys:
            if not _API_KEY.fullmatch(api_key):
                raise ValueError(f"an API key is 1 to 64 letters, digits, '-' or '_', got {api_key!r}")
        with self._lock:
            if self._api_keys is not None:
                self._api_keys.update(secret_keys)
            self._secret_keys.update(secret_keys)

    def admit(self, api_key: str) -> None:
        """Raise Binance's error for an API key it would refuse."""
        if not _API_KEY.fullmatch(api_key):
            raise ApiError(401, -2014, "API-key format invalid.")
        if self._api_keys is not None and api_key not in self._api_keys:
            raise ApiError(401, -2015, "Invalid API-key, IP, or permissions for action.")

    def execute(
        self, req: Recorded, api_key: str, operation: Operation, weight: int = 1, *, signed: bool = False
    ) -> Reply:
        """Weigh the request, check its signature (required when ``signed``: USER_DATA) and run
        ``operation`` on the key's account; 429 with ``Retry-After`` past the IP budget."""
        with self._lock:
            now = self.clock()
            account = self._account(api_key)
            used, reopens = self._weigh(req.client[0], weight, now)
            if not weight:  # UID-limited only: the IP's budget does not apply
                reopens = None
            weights = {
                "X-SAPI-USED-UID-WEIGHT-1M": str(account.uid_weight.add(1, now)),
                "X-SAPI-USED-IP-WEIGHT-1M": str(used),
            }
            try:
                if reopens is not None:
                    weights["Retry-After"] = str(max(1, math.ceil(reopens - now)))
                    raise self.too_much_weight(req.client[0])
                if signed and req.param("signature") is None:
                    raise mandatory("signature")
                self._verify_signature(req, api_key, now)
                return json_reply(200, operation(account, req, now), weights)
            except ApiError as error:
                return error.reply(weights)

    def weigh(self, ip: str, weight: int) -> tuple[int, float | None]:
        """Count ``weight`` against ``ip``'s budget of the clock minute (REST and WebSocket API alike):
        the minute's total, and when the budget opens again if this broke it (None: within it)."""
        with self._lock:
            return self._weigh(ip, weight, self.clock())

    def _weigh(self, ip: str, weight: int, now: float) -> tuple[int, float | None]:
        used, ends = self._ip_weights.add(ip, weight, now)
        broken = self.ip_weight_limit is not None and used > self.ip_weight_limit
        return used, ends if broken else None

    def too_much_weight(self, ip: str) -> ApiError:
        """Binance's answer to an IP past its weight budget (429, -1003)."""
        return ApiError(429, -1003, f"Too many requests; current limit of IP({ip}) is "
                        f"{self.ip_weight_limit} requests per minute.")  # fmt: skip

    def _verify_signature(self, req: Recorded, api_key: str, now: float) -> None:
        """Check a signed request like Binance does; unsigned ones pass (USER_STREAM, MARKET_DATA)."""
        signature = req.param("signature")
        if signature is None:
            return
        require(req, "timestamp")
        timestamp = integer(req, "timestamp", 0)
        window = integer(req, "recvWindow", 5000)
        if not 0 < window <= 60_000:
            raise invalid()
        now_ms = int(now * 1000)
        if timestamp > now_ms + 1000 or now_ms - timestamp > window:
            raise ApiError(400, -1021, "Timestamp for this request is outside of the recvWindow.")
        # http.server decodes the request line as Latin-1, so this restores the bytes sent.
        payload = _unsigned(req.query.encode("latin-1"))
        if is_form(req.header("Content-Type")):
            payload += _unsigned(req.body)
        secret = self._secret_keys.get(api_key)
        expected = "" if secret is None else hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
        if not expected or not hmac.compare_digest(expected.encode(), signature.lower().encode()):
            raise ApiError(400, -1022, "Signature for this request is not valid.")

    # What tests and the WebSocket side read and change, each under the lock.

    def change(self, api_key: str, scope: str | None, action: Callable[[Book], T]) -> T:
        """Run ``action`` on the margin book of ``api_key`` (cross, or the isolated ``scope``)."""
        self.admit(api_key)
        self._check_scope(scope)
        with self._lock:
            account = self._account(api_key)
            return action(account.book(scope, self.ids))

    def checked_owner(self, api_key: str, scope: str | None) -> Owner:
        """``(api_key, scope)`` when the exchange would have that account; ValueError saying why not."""
        try:
            self.admit(api_key)
        except ApiError as refused:
            raise ValueError(f"the server refuses this API key: {refused.msg}") from None
        self._check_scope(scope)
        return api_key, scope

    def _check_scope(self, scope: str | None) -> None:
        if scope is not None and scope not in self.pairs:
            raise ValueError(f"isolated symbol {scope!r} is not one of the pairs {sorted(self.pairs)}")

    def issue_token(self, api_key: str, scope: str | None, validity_ms: int) -> str:
        """A listen token of ``api_key``'s cross account (or its isolated ``scope``), as the REST
        endpoint would issue it, for tests that need many without a request each."""
        self.checked_owner(api_key, scope)
        with self._lock:
            account = self._account(api_key)
            return account.issue_token(validity_ms, self.clock(), scope)[0]

    def token_grant(self, token: str) -> tuple[Owner, int] | None:
        """What a listen token opens: its account's key and isolated symbol, and its
        ``expirationTime`` (ms); None if it was never issued here."""
        with self._lock:
            api_key = self._token_index.get(token)
            if api_key is None:
                return None
            account = self._accounts[api_key]
            return (api_key, account.token_scopes[token]), account.tokens[token]

    def _account(self, api_key: str) -> Account:
        """The account of ``api_key``, opened empty the first time (the lock is held)."""
        account = self._accounts.get(api_key)
        if account is None:
            account = self._accounts[api_key] = Account(api_key, self._token_index)
        return account

    def risk_keys_of(self, api_key: str) -> list[str]:
        """The active risk-stream listen keys of one account."""
        with self._lock:
            account = self._accounts.get(api_key)
            return [] if account is None else list(account.risk_keys.active(self.clock()))

    def listen_keys(self) -> dict[str, float]:
        """Active margin listen keys of every account -> expiry."""
        with self._lock:
            now = self.clock()
            return {k: e for account in self._accounts.values() for k, e in account.listen_keys.active(now).items()}

    def risk_keys(self) -> dict[str, float]:
        """Active risk-stream listen keys of every account -> expiry."""
        with self._lock:
            now = self.clock()
            return {k: e for account in self._accounts.values() for k, e in account.risk_keys.active(now).items()}

    def tokens(self) -> dict[str, int]:
        """Every listen token issued -> its ``expirationTime`` (ms)."""
        with self._lock:
            return {t: e for account in self._accounts.values() for t, e in account.tokens.items()}

    def token_expiry(self, token: str) -> int | None:
        """A token's ``expirationTime`` (ms), None if it was never issued here."""
        with self._lock:
            api_key = self._token_index.get(token)
            return None if api_key is None else self._accounts[api_key].tokens[token]

    def expire(self, listen_key: str) -> bool:
        """Drop one listen key (margin or risk) of whichever account holds it; False if none does."""
        with self._lock:
            accounts = self._accounts.values()
            return any(a.listen_keys.expire(listen_key) or a.risk_keys.expire(listen_key) for a in accounts)

    def expire_all(self) -> None:
        with self._lock:
            for account in self._accounts.values():
                account.listen_keys.expire_all()
                account.risk_keys.expire_all()


def checked_pairs(pairs: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """``pairs`` (symbol -> base, quote) as a dict, or ValueError naming the entry Binance could not have."""
    checked = {}
    for symbol, (base, quote) in pairs.items():
        if not (_SYMBOL.fullmatch(symbol) and _ASSET.fullmatch(base) and _ASSET.fullmatch(quote) and base != quote):
            raise ValueError(f"pair {symbol!r}: ({base!r}, {quote!r}) is not an upper-case symbol of two assets")
        checked[symbol] = (base, quote)
    if not checked:
        raise ValueError("pairs must hold at least one symbol")
    return checked
