"""The local exchange: Binance's rules across accounts, apart from HTTP.

It admits API keys (-2014 / -2015), checks signatures and timestamps (-1022 / -1021),
counts request weight per account and per IP, and answers every request under one lock,
so the rules see one consistent state whatever the number of client threads.
"""

import hashlib
import hmac
import re
import threading
from collections.abc import Callable, Iterable, Mapping

from binance_spot.testing.accounts import Account, MinuteWeight
from binance_spot.testing.params import integer, invalid, is_form, require
from binance_spot.testing.records import Recorded
from binance_spot.testing.replies import ApiError, Reply, json_reply

__all__ = ["Exchange", "Operation"]

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
        self, api_keys: Iterable[str] | None, clock: Callable[[], float], secret_keys: Mapping[str, str] | None
    ) -> None:
        self.clock = clock
        self._api_keys = None if api_keys is None else frozenset(api_keys)
        self._secret_keys = dict(secret_keys or {})
        self._lock = threading.Lock()
        self._accounts: dict[str, Account] = {}
        self._ip_weights: dict[str, MinuteWeight] = {}

    def admit(self, api_key: str) -> None:
        """Raise Binance's error for an API key it would refuse."""
        if not _API_KEY.fullmatch(api_key):
            raise ApiError(401, -2014, "API-key format invalid.")
        if self._api_keys is not None and api_key not in self._api_keys:
            raise ApiError(401, -2015, "Invalid API-key, IP, or permissions for action.")

    def execute(self, req: Recorded, api_key: str, operation: Operation) -> Reply:
        """Weigh the request, check its signature and run ``operation`` on the key's account."""
        with self._lock:
            now = self.clock()
            account = self._accounts.setdefault(api_key, Account())
            ip_weight = self._ip_weights.setdefault(req.client[0], MinuteWeight())
            weights = {
                "X-SAPI-USED-UID-WEIGHT-1M": str(account.uid_weight.add(1, now)),
                "X-SAPI-USED-IP-WEIGHT-1M": str(ip_weight.add(1, now)),
            }
            try:
                self._verify_signature(req, api_key, now)
                return json_reply(200, operation(account, req, now), weights)
            except ApiError as error:
                return error.reply(weights)

    def _verify_signature(self, req: Recorded, api_key: str, now: float) -> None:
        """Check a signed request like Binance does; unsigned ones pass (USER_STREAM)."""
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
            return next((a.tokens[token] for a in self._accounts.values() if token in a.tokens), None)

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
