"""ListenKeyManager's schedule on its own: no thread, no server, every time and random draw injected."""

from email.utils import formatdate

import pytest

from binance_spot._backoff import MAX_SERVER_WAIT, MIN_DELAY
from binance_spot._listen_ops import ListenToken, ListenTokenFunctions
from binance_spot._listen_schedule import Action, Change, Schedule, Step
from binance_spot.exceptions import RateLimitedException, ServiceException

T0 = 1_000.0


def keys(**options: object) -> Schedule:
    settings: dict[str, object] = {
        "uses_tokens": False,
        "interval": 1800.0,
        "expiry": 3600.0,
        "token_margin": 300.0,
        "retry_backoff": (1.0, 60.0),
        "random": lambda: 1.0,  # the top of the jitter range: the backoff's full length
        **options,
    }
    return Schedule(**settings)  # type: ignore[arg-type]


def tokens(**options: object) -> Schedule:
    return keys(uses_tokens=True, **options)


def busy(retry_after: float | None = None) -> ServiceException:
    error = ServiceException(status=503, reason="busy")
    error.retry_after = retry_after
    return error


def test_a_key_is_kept_alive_every_interval_from_its_last_renewal() -> None:
    schedule = keys()
    assert schedule.created("k1", T0) is Change.FIRST
    assert schedule.next(T0) == Step(Action.KEEPALIVE, 1800.0)
    assert schedule.next(T0 + 1000) == Step(Action.KEEPALIVE, 800.0)
    schedule.renewed(T0 + 1800)
    assert schedule.next(T0 + 1800) == Step(Action.KEEPALIVE, 1800.0)
    assert (schedule.last_renewed, schedule.expires_at) == (T0 + 1800, T0 + 5400)
    assert schedule.next(T0 + 9000).wait < 0  # overdue: at once
    assert schedule.to_close() == "k1"


def test_a_gone_key_is_created_again_at_once_and_not_closed() -> None:
    schedule = keys()
    schedule.created("k1", T0)
    schedule.gone()
    assert schedule.next(T0 + 5) == Step(Action.CREATE, 0.0)
    assert schedule.to_close() is None  # Binance forgot it: nothing to close
    assert schedule.created("k2", T0 + 5) is Change.REPLACED
    assert schedule.key == "k2" and schedule.to_close() == "k2"
    assert schedule.next(T0 + 5) == Step(Action.KEEPALIVE, 1800.0)


def test_a_create_that_returns_the_same_key_is_a_renewal() -> None:
    schedule = keys()
    schedule.created("k1", T0)
    assert schedule.created("k1", T0 + 60) is Change.SAME
    assert schedule.last_renewed == T0 + 60


def test_a_token_is_replaced_its_margin_before_expiry_or_at_half_its_life() -> None:
    schedule = tokens(token_margin=60.0)
    assert schedule.created(ListenToken("t1", 600.0), T0) is Change.FIRST
    assert schedule.next(T0) == Step(Action.CREATE, 540.0)
    assert schedule.expires_at == T0 + 600
    assert schedule.created(ListenToken("t2", 100.0), T0 + 540) is Change.REPLACED
    assert schedule.next(T0 + 540) == Step(Action.CREATE, 50.0)  # a margin of 60 would leave 40: half instead
    assert schedule.to_close() is None  # tokens are never closed


def test_a_token_lifetime_follows_the_servers_date_not_the_local_clock() -> None:
    server_now = 1_780_000_000.0
    answer = ({"token": "t", "expirationTime": int((server_now + 600) * 1000)}, 200, {"Date": formatdate(server_now)})
    ops = ListenTokenFunctions(lambda: answer, now=lambda: server_now + 86_400 * 365)  # a year off: ignored
    schedule = tokens(token_margin=60.0)
    schedule.created(ops.create(), T0)
    assert schedule.next(T0).wait == pytest.approx(539.0)  # Date has whole seconds: up to one short


def test_failures_back_off_exponentially_up_to_the_cap_then_success_resets() -> None:
    schedule = keys(retry_backoff=(1.0, 8.0))
    schedule.created("k1", T0)
    waits = []
    for _ in range(6):
        schedule.failed(busy())
        waits.append(schedule.next(T0))
    assert waits == [Step(Action.KEEPALIVE, w) for w in (1.0, 2.0, 4.0, 8.0, 8.0, 8.0)]
    assert isinstance(schedule.last_error, ServiceException)
    schedule.renewed(T0 + 30)
    assert schedule.last_error is None
    assert schedule.next(T0 + 30) == Step(Action.KEEPALIVE, 1800.0)


def test_the_backoff_is_jittered_by_the_one_rule_and_never_below_the_floor() -> None:
    draws = iter([0.0, 0.5])
    schedule = keys(random=lambda: next(draws))
    schedule.created("k1", T0)
    schedule.failed(busy())
    schedule.failed(busy())
    assert schedule.next(T0).wait == 1.0  # half of 2 s
    assert schedule.next(T0).wait == 1.5  # three quarters
    shortest = keys(retry_backoff=(0.05, 0.05), random=lambda: 0.0)
    shortest.created("k1", T0)
    shortest.failed(busy())
    assert shortest.next(T0).wait == MIN_DELAY


def test_the_servers_wait_wins_when_longer_and_is_bounded() -> None:
    schedule = keys()
    schedule.created("k1", T0)
    schedule.failed(RateLimitedException(status=429, reason="slow down"))
    assert schedule.next(T0).wait == 1.0  # no Retry-After: the backoff alone
    schedule.failed(busy(retry_after=7.0))
    assert schedule.next(T0).wait == 7.0
    schedule.failed(busy(retry_after=10**9))
    assert schedule.next(T0).wait == MAX_SERVER_WAIT


def test_a_failed_create_is_retried_as_a_create() -> None:
    schedule = keys()
    schedule.created("k1", T0)
    schedule.gone()
    schedule.failed(busy())
    assert schedule.next(T0) == Step(Action.CREATE, 1.0)
    token = tokens()
    token.created(ListenToken("t1", 600.0), T0)
    token.failed(busy())
    assert token.next(T0) == Step(Action.CREATE, 1.0)


@pytest.mark.parametrize(
    ("setting", "value"),
    [("interval", 3600.0), ("interval", 0.01), ("expiry", 0.5), ("token_margin", 0.0), ("retry_backoff", (2.0, 1.0))],
)
def test_nonsense_settings_are_refused_by_name(setting: str, value: object) -> None:
    with pytest.raises(ValueError, match=setting):
        keys(**{setting: value})
