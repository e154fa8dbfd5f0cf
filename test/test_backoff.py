"""The one retry policy (``binance_spot._backoff``) that the REST loop, the manager, the
reconnector and the renewals share: its rules, with injected randomness and clocks."""

import math
from email.utils import formatdate

import pytest

from binance_spot._backoff import (
    MAX_SERVER_WAIT,
    MIN_DELAY,
    delay,
    exponential,
    jitter,
    retry_after_header,
    retry_after_ws,
    server_wait,
)


def constant(value: float):  # type: ignore[no-untyped-def]
    return lambda: value


def test_exponential_doubles_from_first_and_is_capped() -> None:
    assert [exponential(0.1, 1.0, n) for n in range(1, 7)] == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0])
    assert exponential(0.1, 1.0, 0) == 0.1  # a count below one is the first failure
    assert exponential(1.0, 8.0, 10**9) == 8.0  # no overflow for absurd counts


def test_the_one_jitter_rule_keeps_half_of_every_delay() -> None:
    assert jitter(4.0, constant(0.0)) == 2.0
    assert jitter(4.0, constant(0.5)) == 3.0
    assert jitter(4.0, constant(1.0)) == 4.0
    for wild in (-3.0, 7.0, math.nan, math.inf):  # a broken random source cannot shorten or stretch it
        assert 2.0 <= jitter(4.0, constant(wild)) <= 4.0


def test_delay_grows_with_failures_and_a_planned_retry_does_not() -> None:
    half = constant(0.0)
    assert [delay(1.0, 60.0, n, half) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert delay(1.0, 60.0, 9, half, planned=True) == 0.5


def test_the_server_wait_wins_when_longer_and_is_bounded() -> None:
    half = constant(0.0)
    assert delay(1.0, 60.0, 1, half, server=30) == 30.0
    assert delay(1.0, 60.0, 3, half, server=0.5) == 2.0
    assert delay(1.0, 60.0, 1, half, server=10**9) == MAX_SERVER_WAIT
    for garbage in (math.nan, math.inf, -5, "30", None, True, [1]):
        assert delay(1.0, 60.0, 1, half, server=garbage) == 0.5


def test_no_input_makes_a_delay_shorter_than_the_floor() -> None:
    assert delay(0.0, 0.0, 1, constant(0.0)) == MIN_DELAY
    assert delay(0.0, 0.0, 1, constant(0.0), server=0) == MIN_DELAY
    assert delay(1e-9, 1e-9, 5, constant(math.nan), planned=True) == MIN_DELAY


def test_server_wait_reads_only_finite_numbers() -> None:
    assert server_wait(12) == 12.0
    assert server_wait(-1) == 0.0
    assert server_wait(7200, most=60) == 60
    assert server_wait(False) == 0.0


def test_retry_after_header_reads_seconds_and_dates() -> None:
    now = 1_780_000_000.0
    assert retry_after_header("7") == 7.0
    assert retry_after_header(formatdate(now + 42, usegmt=True), now=now) == 42.0
    assert retry_after_header(formatdate(now - 42, usegmt=True), now=now) == 0.0
    for malformed in ("soon", "", None, "٣", "-5", "1e3"):
        assert retry_after_header(malformed) is None


def test_retry_after_ws_reads_epoch_milliseconds() -> None:
    wall = 1_800_000_000.0
    assert retry_after_ws(1_800_000_030_000, wall) == pytest.approx(30.0)  # ms since the epoch
    assert retry_after_ws(1_800_000_030_000_000, wall) == pytest.approx(30.0)  # microseconds
    assert retry_after_ws(1_799_999_999_000, wall) == 0.0  # already past
    assert retry_after_ws(5, wall) == 5.0  # no such time: seconds
    assert retry_after_ws(2_000_000_000_000, wall) == MAX_SERVER_WAIT  # years ahead: at most an hour
    for garbage in ("5", None, math.nan, True, [5]):
        assert retry_after_ws(garbage, wall) == 0.0
