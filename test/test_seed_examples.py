"""The examples of the seed document run verbatim against the local server."""

import contextlib
import io
import re
from pathlib import Path

import pytest

import binance_spot
from binance_spot.testing import BinanceServer

SEED = Path(__file__).resolve().parent / "seed" / "MarginStreamApi.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", SEED.read_text(), re.S)


def run_example(source: str, server: BinanceServer) -> str:
    default = binance_spot.Configuration(host=server.url)
    binance_spot.Configuration.set_default(default)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(SEED), "exec"), {"__name__": "__example__"})
    return out.getvalue()


def test_there_are_three_examples() -> None:
    assert len(EXAMPLES) == 3


def test_create_example(server: BinanceServer) -> None:
    (source,) = [e for e in EXAMPLES if "sapi_v1_user_data_stream_post()" in e]
    printed = run_example(source, server)
    assert printed == "{'listen_key': '***'}\n"  # repr masks the key: it is a bearer secret
    (request,) = server.requests
    assert (request.method, request.path, request.query) == ("POST", "/sapi/v1/userDataStream", "")
    assert request.header("X-MBX-APIKEY") == "YOUR_API_KEY"
    assert list(server.listen_keys)


@pytest.mark.parametrize(("operation", "method"), [("put", "PUT"), ("delete", "DELETE")])
def test_keepalive_and_close_examples(server: BinanceServer, operation: str, method: str) -> None:
    (source,) = [e for e in EXAMPLES if f"sapi_v1_user_data_stream_{operation}(listen_key" in e]
    printed = run_example(source, server)
    # 'listen_key_example' was never created: Binance answers -1125 and the example prints it.
    assert printed.startswith(f"Exception when calling MarginStreamApi->sapi_v1_user_data_stream_{operation}: ")
    assert "Binance error -1125: This listenKey does not exist." in printed
    (request,) = server.requests
    assert (request.method, request.query) == (method, "listenKey=listen_key_example")
    assert request.header("X-MBX-APIKEY") == "YOUR_API_KEY"
