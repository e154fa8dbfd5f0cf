"""Readable events: short CLI lines, typed reprs, JSON-ready dicts, field errors that name the field."""

import json
from decimal import Decimal

import pytest

from binance_spot.cli.lines import MAX_LINE, MAX_UNKNOWN, amount, event_line
from binance_spot.stream import EventFieldError, Gap, parse_event

ORDER = {"e": "executionReport", "E": 1, "s": "BTCUSDT", "c": "web_1", "S": "BUY", "o": "LIMIT", "f": "GTC",
         "q": "0.00100000", "p": "30000.00000000", "P": "0", "F": "0", "g": -1, "C": "", "x": "TRADE",
         "X": "PARTIALLY_FILLED", "r": "NONE",
         "i": 42, "l": "0.00040000", "z": "0.00050000", "L": "29999.50000000", "n": "0", "N": None,
         "T": 2, "t": 7, "I": 8, "w": True, "m": False, "O": 1, "Z": "15", "Y": "12", "Q": "0"}  # fmt: skip
POSITION = {"e": "outboundAccountPosition", "E": 1, "u": 2, "B": [{"a": "BTC", "f": "0.01000000", "l": "0"}]}


def test_an_order_is_one_line_a_trader_reads() -> None:
    line = event_line(parse_event(ORDER))
    assert line == "BUY BTCUSDT LIMIT PARTIALLY_FILLED: 0.001 @ 30000, filled 0.0005 (last 0.0004 @ 29999.5), order 42"


def test_balances_show_asset_and_amounts() -> None:
    assert event_line(parse_event(POSITION)) == "balances: BTC free 0.01 locked 0"
    update = parse_event({"e": "balanceUpdate", "E": 1, "a": "BNB", "d": "-0.50000000", "T": 1})
    assert event_line(update) == "balance BNB -0.5"
    assert amount(Decimal("1E+3")) == "1000"


def test_gaps_unknown_and_malformed_events_still_get_a_line() -> None:
    assert event_line(Gap.of("dropped", 0, 1000)).startswith("GAP (dropped): events may be missing from 00:00:00 UTC")
    unknown = event_line(parse_event({"e": "somethingNew", "E": 1, "x": "y" * 500}))
    assert unknown.startswith("somethingNew: ") and len(unknown) == MAX_UNKNOWN
    broken = event_line(parse_event({**ORDER, "i": None}))
    assert broken.startswith("ExecutionReport (malformed: ExecutionReport.order_id: expected an integer, got NoneType)")


def test_repr_shows_typed_nested_values_and_unquoted_decimals() -> None:
    assert repr(parse_event(POSITION)) == (
        "OutboundAccountPosition(event_type='outboundAccountPosition', event_time=1, last_update_time=2, "
        "balances=[AccountBalance(asset='BTC', free=0.01000000, locked=0)])"
    )
    update = parse_event({"e": "balanceUpdate", "E": 1, "a": "BNB", "d": "0.5", "T": "late"})
    assert "balance_delta=0.5," in repr(update) and "clear_time='late'" in repr(update)  # a repr never raises


def test_to_dict_json_keeps_binances_strings() -> None:
    event = parse_event(POSITION)
    assert event.to_dict()["balances"][0]["free"] == Decimal("0.01")
    ready = event.to_dict(json=True)
    assert json.loads(json.dumps(ready))["balances"] == [{"asset": "BTC", "free": "0.01000000", "locked": "0"}]


def test_a_field_error_names_the_event_and_the_field() -> None:
    with pytest.raises(EventFieldError, match=r"^ExecutionReport\.order_id: expected an integer, got NoneType$"):
        _ = parse_event({"e": "executionReport"}).order_id
    with pytest.raises(EventFieldError, match=r"^AccountBalance\.free: expected a decimal string"):
        _ = parse_event({**POSITION, "B": [{"a": "BTC", "f": 1}]}).balances[0].free


def test_a_server_cannot_paint_the_terminal_or_flood_a_line() -> None:
    hostile = event_line(parse_event({**ORDER, "s": "BTC\x1b[2J\rUSDT" + "X" * 5000}))
    assert hostile.startswith("BUY BTC?[2J?USDTXXX") and len(hostile) == MAX_LINE and hostile.isprintable()
    assert event_line(parse_event({"e": "new\x07", "E": 1})).isprintable()
