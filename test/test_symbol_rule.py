"""One symbol rule, Binance's (upper-case letters and digits), with one message in the CLI and the library."""

import pytest

import binance_spot
from binance_spot.cli import main
from binance_spot.stream import MarginUserDataStream
from binance_spot.testing import BinanceServer

MESSAGE = "symbol must be upper-case letters and digits, such as BNBUSDT; got "


@pytest.mark.parametrize("bad", ["BNB_USDT", "bnb-usdt", "bnbusdt", "BNB USDT", "É", "A" * 21, ""])
@pytest.mark.parametrize("command", [["token"], ["keep", "--token"], ["stream"]])
def test_the_cli_refuses_before_sending(
    command: list[str], bad: str, server: BinanceServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*command, "--isolated", bad, "--api-key", "k", "--host", server.url])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"binance-spot: error: argument --isolated: {MESSAGE}{bad!r:.40}")
    assert server.requests == []


@pytest.mark.parametrize("bad", ["BNB_USDT", "bnb-usdt", "bnbusdt", 7])
def test_the_library_says_the_same(bad: object, client: binance_spot.ApiClient) -> None:
    with pytest.raises(ValueError) as refused:
        MarginUserDataStream(client, symbol=bad)  # type: ignore[arg-type]
    assert str(refused.value) == f"{MESSAGE}{bad!r}"


def test_binances_symbols_pass(server: BinanceServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--isolated", "BNBUSDT", "--api-key", "k", "--host", server.url]) == 0
    assert server.requests[0].param("symbol") == "BNBUSDT"
    assert "1000SATSUSDT" == binance_spot._validate.check_symbol("1000SATSUSDT")
