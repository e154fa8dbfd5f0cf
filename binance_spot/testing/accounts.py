"""What the local exchange keeps per API key: an ``Account``, its margin books, listen keys and tokens.

Binance ties every stream credential to an account, so an account's balances and orders
(``margin.Book``: the cross margin one and one per isolated symbol) live here, next to the
keys and tokens whose streams report on them.
"""

import secrets
import string

from binance_spot.testing.margin import Book, Ids

__all__ = ["LISTEN_KEY_VALIDITY", "MAX_IPS", "MAX_TOKEN_VALIDITY_MS", "Account", "ListenKeys", "Window", "Windows"]

#: Seconds a listen key lives after its creation or last keepalive.
LISTEN_KEY_VALIDITY = 3600.0
#: Default and maximum ``validity`` of a listen token, in milliseconds (24 hours).
MAX_TOKEN_VALIDITY_MS = 86_400_000

#: Client addresses whose counts are kept before the idle ones are forgotten.
MAX_IPS = 4096

_ALNUM = string.ascii_letters + string.digits


def random_string(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


class ListenKeys:
    """One kind of listen key of one account: at most one active key per scope, as on Binance.

    The scope is None for cross margin and the symbol for an isolated margin account.
    """

    def __init__(self) -> None:
        self._keys: dict[str, tuple[str | None, float]] = {}  # key -> (scope, expiry)

    def create(self, scope: str | None, now: float) -> str:
        """Return the scope's active key, extended, or a new one."""
        for key, (owner, expiry) in list(self._keys.items()):
            if owner == scope:
                del self._keys[key]
                if expiry > now:
                    self._keys[key] = (scope, now + LISTEN_KEY_VALIDITY)
                    return key
        key = random_string(60)
        self._keys[key] = (scope, now + LISTEN_KEY_VALIDITY)
        return key

    def touch(self, key: str, scope: str | None, now: float, *, close: bool) -> bool:
        """Extend (or close) the scope's active ``key``; False if there is no such key."""
        entry = self._keys.get(key)
        if entry is None or entry[0] != scope or entry[1] <= now:
            return False
        if close:
            del self._keys[key]
        else:
            self._keys[key] = (scope, now + LISTEN_KEY_VALIDITY)
        return True

    def active(self, now: float) -> dict[str, float]:
        return {key: expiry for key, (_, expiry) in self._keys.items() if expiry > now}

    def expire(self, key: str) -> bool:
        return self._keys.pop(key, None) is not None

    def expire_all(self) -> None:
        self._keys.clear()


class Window:
    """A count in the current clock window of ``length`` seconds (Binance's limits count in
    fixed windows: a minute of request weight, five minutes of connection attempts)."""

    def __init__(self, length: float = 60.0) -> None:
        self.length = length
        self._window, self._used = 0, 0

    def add(self, amount: int, now: float) -> int:
        """Count ``amount`` at ``now``; the window's running total."""
        window = int(now // self.length)
        self._used = self._used + amount if window == self._window else amount
        self._window = window
        return self._used

    def idle(self, now: float) -> bool:
        """Nothing was counted in the window holding ``now``."""
        return int(now // self.length) != self._window

    def ends(self, now: float) -> float:
        """When the window holding ``now`` ends, on the clock."""
        return (now // self.length + 1) * self.length


class Windows:
    """A ``Window`` per client address; past ``MAX_IPS`` addresses the idle ones are forgotten,
    so clients from many addresses (IPv6) cannot grow it without bound."""

    def __init__(self, length: float = 60.0) -> None:
        self._length = length
        self._by_ip: dict[str, Window] = {}

    def add(self, ip: str, amount: int, now: float) -> tuple[int, float]:
        """Count ``amount`` for ``ip`` at ``now``: its window's total, and when that window ends."""
        window = self._by_ip.get(ip)
        if window is None:
            if len(self._by_ip) >= MAX_IPS:
                self._by_ip = {key: kept for key, kept in self._by_ip.items() if not kept.idle(now)}
            window = self._by_ip[ip] = Window(self._length)
        return window.add(amount, now), window.ends(now)

    def __len__(self) -> int:
        """Addresses counted now."""
        return len(self._by_ip)


class Account:
    """One API key's state on the exchange (not thread-safe: the ``Exchange`` lock guards it)."""

    def __init__(self, api_key: str, token_index: dict[str, str]) -> None:
        self.api_key = api_key
        self._token_index = token_index  # the exchange's: listen token -> API key
        self.listen_keys = ListenKeys()  # margin user data: cross and isolated
        self.risk_keys = ListenKeys()  # the margin risk stream
        self.tokens: dict[str, int] = {}  # listen token -> expirationTime (ms)
        self.token_scopes: dict[str, str | None] = {}  # listen token -> isolated symbol (None: cross)
        self.uid_weight = Window()  # the minute's weight, as X-SAPI-USED-UID-WEIGHT-1M reports it
        self.books: dict[str | None, Book] = {}  # None: cross margin; else the isolated symbol

    def issue_token(self, validity_ms: int, now: float, scope: str | None = None) -> tuple[str, int]:
        """A new listen token of the cross margin account (or the isolated ``scope``), and its expirationTime (ms)."""
        token = random_string(64)
        self.tokens[token] = expiration = int(now * 1000) + validity_ms
        self.token_scopes[token] = scope
        self._token_index[token] = self.api_key
        return token, expiration

    def book(self, scope: str | None, ids: Ids) -> Book:
        """The margin book of ``scope``, opened empty the first time."""
        book = self.books.get(scope)
        if book is None:
            book = self.books[scope] = Book(scope, ids)
        return book
