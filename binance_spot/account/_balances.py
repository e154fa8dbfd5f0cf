"""Balances of one account and how events and snapshots decide them.

Times: every absolute value (a snapshot, an ``outboundAccountPosition`` at ``u``) is kept
with the server time it is as of. A snapshot has no server time of its own, only the
window ``[sent - skew, received + skew]`` of local wall time; an asset's time after a snapshot is the window's start.

An event's time ``t`` is judged against its asset's time and the last snapshot window:
``t`` before the asset's time -> old, ignored; equal to it -> a duplicate if it agrees, else
AMBIGUOUS (two changes within one ms cannot be ordered); ``t`` inside the window
-> the snapshot may or may not include it: if it agrees with what is held it is taken,
else the balance is AMBIGUOUS and the core takes the account again; ``t`` after both ->
the event wins.

``balanceUpdate`` is a delta that Binance follows by an ``outboundAccountPosition`` of the
same asset: it is applied provisionally when it is newer than the window and the asset's
last absolute time, and only once (by clear time and amount); the next absolute value
supersedes it. A delta inside the window is not applied: its absolute follow-up decides.
A ``USER_LIABILITY_CHANGE`` is a delta of borrowed/interest with no absolute follow-up: inside
the window it makes the balance ambiguous, after it it is applied once (``liability_change``).
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from binance_spot.account._parse import net_of
from binance_spot.account.changes import BalanceChange
from binance_spot.account.state import Balance
from binance_spot.models.balance_update import BalanceUpdate
from binance_spot.models.outbound_account_position import OutboundAccountPosition
from binance_spot.models.user_liability_change import UserLiabilityChange
from binance_spot.stream.event import Event

__all__ = ["BALANCE_EVENTS", "Balances", "changed_assets", "diff", "liability_change"]

BALANCE_EVENTS = (OutboundAccountPosition, BalanceUpdate, UserLiabilityChange)
_ZERO = Decimal(0)
#: Liability changes remembered per asset between snapshots (to apply each once).
MAX_MARKS = 1000


def liability_change(event: UserLiabilityChange) -> tuple[Decimal, Decimal]:
    """How much ``borrowed`` and ``interest`` move by a ``USER_LIABILITY_CHANGE``.

    UNCERTAIN: Binance calls ``p`` and ``i`` the "Principle Quantity" and "Interest Quantity"
    of a borrow, repayment or interest calculation, and its portfolio-margin analogue carries
    the total apart (``l``); so they are read as the AMOUNTS of this change: BORROW adds ``p``
    and ``i``, REPAY subtracts them, any other type (interest) adds ``i``. If that proves
    wrong, this is the one place to change.
    """
    kind = (event.liability_type or "").upper()
    if kind == "BORROW":
        return event.principal, event.interest
    if kind == "REPAY":
        return -event.principal, -event.interest
    return _ZERO, event.interest


@dataclass
class _Asset:
    value: Balance
    time: int
    liability_time: int
    deltas: set[tuple[int, Decimal]] = field(default_factory=set)
    liabilities: set[tuple[int, Decimal, Decimal]] = field(default_factory=set)


class Balances:
    def __init__(self) -> None:
        self._assets: dict[str, _Asset] = {}
        self.window: tuple[int, int] | None = None

    def view(self) -> dict[str, Balance]:
        return {name: asset.value for name, asset in self._assets.items()}

    def snapshot(self, balances: dict[str, Balance], window: tuple[int, int]) -> None:
        """The account as REST gave it, requested and received within ``window`` (ms)."""
        self.window = window
        self._assets = {name: _Asset(value, window[0] - 1, window[0] - 1) for name, value in balances.items()}

    def apply(self, event: Event) -> tuple[list[BalanceChange], bool]:
        """The changes ``event`` makes, and whether it left a balance ambiguous."""
        if isinstance(event, OutboundAccountPosition):
            results = [
                self._absolute(b.asset, event.last_update_time, event, free=b.free, locked=b.locked)
                for b in event.balances
            ]
        elif isinstance(event, BalanceUpdate):
            results = [self._delta(event)]
        elif isinstance(event, UserLiabilityChange) and event.event_time is not None:
            results = [self._liability(event, event.event_time)]
        else:
            return [], False
        return [c for c, _ in results if c is not None], any(ambiguous for _, ambiguous in results)

    def _asset(self, name: str) -> _Asset:
        if name not in self._assets:  # not in the snapshot: it held nothing then
            start = (self.window[0] - 1) if self.window else -1
            self._assets[name] = _Asset(Balance(name, _ZERO, _ZERO), start, start)
        return self._assets[name]

    def _judge(self, time: int, last: int) -> str:
        if time <= last:
            return "old"
        if self.window is not None and time <= self.window[1]:
            return "inside"
        return "new"

    def _absolute(self, name: str, time: int, event: Event, **values: Decimal) -> tuple[BalanceChange | None, bool]:
        asset = self._asset(name)
        verdict = self._judge(time, asset.time)
        agrees = all(getattr(asset.value, k) == v for k, v in values.items())
        if verdict == "old":  # same time, other values: two changes in one ms cannot be ordered
            return None, time == asset.time and not agrees
        if verdict == "inside" and not agrees:
            return None, True
        asset.time = time
        asset.deltas = {d for d in asset.deltas if d[0] > time}
        if agrees:  # nothing moves: a snapshot's netAsset stays the latest word
            return None, False
        return self._set(asset, event, values, {}), False

    def _liability(self, event: UserLiabilityChange, time: int) -> tuple[BalanceChange | None, bool]:
        """A liability delta: the snapshot window decides it like an absolute value (inside it
        the snapshot may or may not hold it: ambiguous), and it is applied once."""
        asset = self._asset(event.asset)
        borrowed, interest = liability_change(event)
        mark = (time, borrowed, interest)
        verdict = self._judge(time, asset.liability_time)
        if verdict == "old" or mark in asset.liabilities:
            return None, False
        if verdict == "inside":
            return None, True
        asset.liabilities.add(mark)
        if len(asset.liabilities) > MAX_MARKS:
            asset.liabilities.discard(min(asset.liabilities))
        values = {"borrowed": asset.value.borrowed + borrowed, "interest": asset.value.interest + interest}
        return self._set(asset, event, values, {"liabilities_from": "stream"}), False

    def _delta(self, event: BalanceUpdate) -> tuple[BalanceChange | None, bool]:
        asset = self._asset(event.asset)
        mark = (event.clear_time, event.balance_delta)
        if self._judge(event.clear_time, asset.time) != "new" or mark in asset.deltas:
            return None, False
        asset.deltas.add(mark)
        return self._set(asset, event, {"free": asset.value.free + event.balance_delta}, {}), False

    def _set(
        self, asset: _Asset, event: Event, values: dict[str, Decimal], extra: dict[str, str]
    ) -> BalanceChange | None:
        old = asset.value
        new = replace(old, **values, **extra)  # type: ignore[arg-type]
        new = replace(new, net=net_of(new.free, new.locked, new.borrowed, new.interest))
        asset.value = new
        if _same(old, new):
            return None
        return BalanceChange(new.asset, old, new, event.event_type or type(event).__name__)


def _same(a: Balance | None, b: Balance | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.free, a.locked, a.borrowed, a.interest) == (b.free, b.locked, b.borrowed, b.interest)


def changed_assets(old: dict[str, Balance], new: dict[str, Balance]) -> set[str]:
    """Assets whose free or locked differ (an asset absent counts as zero)."""

    def held(b: Balance | None) -> tuple[Decimal, Decimal]:
        return (_ZERO, _ZERO) if b is None else (b.free, b.locked)

    return {name for name in old.keys() | new.keys() if held(old.get(name)) != held(new.get(name))}


def diff(old: dict[str, Balance], new: dict[str, Balance], cause: str) -> list[BalanceChange]:
    """A change for every asset that differs between two views."""
    return [
        BalanceChange(name, old.get(name), new.get(name), cause)
        for name in sorted(old.keys() | new.keys())
        if not _same(old.get(name), new.get(name))
    ]
