"""Requests to the new endpoints are signed when a secret key is configured, and only then."""

import hashlib
import hmac
from collections.abc import Iterator

import pytest

import binance_spot
from binance_spot.testing import BinanceServer

SIGNING_KEY = "signing-test-key"
SECRET = "s3cret-Key_for/tests+only"


@pytest.fixture
def signing_server() -> Iterator[BinanceServer]:
    # Signatures carry the real time, so this server keeps the real clock.
    with BinanceServer(secret_keys={SIGNING_KEY: SECRET}) as server:
        yield server


def token_api(server: BinanceServer, secret: object = None) -> binance_spot.MarginListenTokenApi:
    config = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": SIGNING_KEY})
    config.secret_key = secret  # type: ignore[assignment]
    return binance_spot.MarginListenTokenApi(binance_spot.ApiClient(config))


def test_signed_request_carries_timestamp_window_and_hmac(signing_server: BinanceServer) -> None:
    token = token_api(signing_server, SECRET).sapi_v1_user_listen_token_post(symbol="BNBUSDT", is_isolated=True)
    assert token.token in signing_server.tokens
    (request,) = signing_server.requests
    payload, _, signature = request.query.rpartition("&signature=")
    assert payload.startswith("symbol=BNBUSDT&isIsolated=true&timestamp=")
    assert request.param("recvWindow") == "5000"
    assert signature == hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()


def test_payload_is_percent_encoded_before_signing(signing_server: BinanceServer) -> None:
    # A symbol Binance would refuse, but the signature must still match what was sent.
    api = token_api(signing_server, SECRET)
    with pytest.raises(binance_spot.ApiException) as caught:
        api.sapi_v1_user_listen_token_post(symbol="BNB USDT/é", validity=0)
    assert caught.value.code == -1130  # validity refused: the signature itself was accepted
    (request,) = signing_server.requests
    assert request.query.startswith("symbol=BNB%20USDT%2F%C3%A9&validity=0&timestamp=")


def test_without_a_secret_only_the_api_key_goes(signing_server: BinanceServer) -> None:
    token_api(signing_server).sapi_v1_user_listen_token_post()
    (request,) = signing_server.requests
    assert request.query == "" and request.header("X-MBX-APIKEY") == SIGNING_KEY


def test_the_legacy_endpoints_are_never_signed(signing_server: BinanceServer) -> None:
    config = binance_spot.Configuration(host=signing_server.url, api_key={"X-MBX-APIKEY": SIGNING_KEY})
    config.secret_key = SECRET
    binance_spot.MarginStreamApi(binance_spot.ApiClient(config)).sapi_v1_user_data_stream_post()
    assert signing_server.requests[0].query == ""


def test_a_wrong_secret_is_refused_by_the_server(signing_server: BinanceServer) -> None:
    with pytest.raises(binance_spot.BadRequestException) as caught:
        token_api(signing_server, "not-the-secret").sapi_v1_user_listen_token_post()
    assert caught.value.code == -1022
    assert "not-the-secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("secret", "error"),
    [
        ("", binance_spot.ApiValueError),
        (" padded ", binance_spot.ApiValueError),
        ("line\nbreak", binance_spot.ApiValueError),
        (b"bytes", binance_spot.ApiTypeError),
    ],
)
def test_bad_secrets_are_refused_before_sending(signing_server: BinanceServer, secret: object, error: type) -> None:
    with pytest.raises(error) as caught:
        token_api(signing_server, secret).sapi_v1_user_listen_token_post()
    assert "secret_key" in str(caught.value)
    if isinstance(secret, str) and secret.strip():
        assert secret.strip() not in str(caught.value)
    assert signing_server.requests == []


def test_bad_recv_window_is_refused_before_sending(signing_server: BinanceServer) -> None:
    api = token_api(signing_server, SECRET)
    with pytest.raises(binance_spot.ApiValueError, match="recv_window must be a whole number from 1 to 60000"):
        api.api_client.configuration.recv_window = 120_000
    with pytest.raises(binance_spot.ApiValueError, match="recv_window"):
        api.api_client.configuration.recv_window = True  # type: ignore[assignment]
    assert api.api_client.configuration.recv_window == 5000
    assert signing_server.requests == []


def test_the_secret_never_shows(signing_server: BinanceServer) -> None:
    api = token_api(signing_server, SECRET)
    config = api.api_client.configuration
    assert SECRET not in repr(config) and SECRET not in config.to_debug_report()
    assert "Secret key configured: yes" in config.to_debug_report()
