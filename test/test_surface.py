"""The public surface of the classic generated client, name for name."""

import copy
import inspect

import certifi
import pytest

import binance_spot
from binance_spot import rest
from binance_spot.api.margin_stream_api import MarginStreamApi
from binance_spot.models.inline_response200124 import InlineResponse200124


def test_package_exports() -> None:
    names = (
        "Configuration ApiClient MarginStreamApi InlineResponse200124 ApiException UnauthorizedException "
        "ForbiddenException NotFoundException ServiceException OpenApiException ApiTypeError ApiValueError "
        "ApiKeyError __version__ ListenKeyManager"
    ).split()
    assert [name for name in names if getattr(binance_spot, name, None) is None] == []
    for name in ("UnauthorizedException", "ForbiddenException", "NotFoundException", "ServiceException"):
        assert issubclass(getattr(binance_spot, name), binance_spot.ApiException)
    assert binance_spot.__version__ == "1.0.0"


def test_modules_of_the_classic_client() -> None:
    from binance_spot.rest import ApiException as RestApiException

    assert RestApiException is binance_spot.ApiException
    with binance_spot.ApiClient() as client:
        assert type(client.rest_client) is rest.RESTClientObject
    assert isinstance(rest.RESTResponse, type) and rest.RESTResponse.__name__ == "RESTResponse"
    assert MarginStreamApi is binance_spot.MarginStreamApi
    assert InlineResponse200124 is binance_spot.InlineResponse200124


def test_configuration_defaults() -> None:
    config = binance_spot.Configuration()
    assert config.host == "https://api.binance.com"
    assert config.api_key == {} and config.api_key_prefix == {}
    for name in (
        "refresh_api_key_hook username password debug logger logger_file logger_format verify_ssl ssl_ca_cert "
        "cert_file key_file assert_hostname connection_pool_maxsize proxy proxy_headers safe_chars_for_path_param "
        "retries client_side_validation"
    ).split():
        assert hasattr(config, name), name
    assert config.verify_ssl is True and config.client_side_validation is True
    assert config.request_timeout == binance_spot.Timeout(5.0, 15.0)
    for method in ("get_api_key_with_prefix", "auth_settings", "to_debug_report", "get_host_settings"):
        assert callable(getattr(config, method))
    assert config.get_host_from_settings(0) == "https://api.binance.com"
    with pytest.raises(ValueError):
        config.get_host_from_settings(5)


def test_configuration_keywords() -> None:
    config = binance_spot.Configuration(
        host="http://127.0.0.1:1", api_key={"X-MBX-APIKEY": "k"}, api_key_prefix={"X-MBX-APIKEY": "P"},
        username="u", password="p",
    )  # fmt: skip
    assert (config.host, config.username, config.password) == ("http://127.0.0.1:1", "u", "p")
    assert config.get_api_key_with_prefix("X-MBX-APIKEY") == "P k"


@pytest.mark.parametrize("name", ["X-MBX-APIKEY", "ApiKeyAuth"])
def test_api_key_under_header_or_scheme_name(name: str) -> None:
    config = binance_spot.Configuration()
    config.api_key[name] = "abc"
    config.api_key_prefix[name] = "Bearer"
    assert config.auth_settings() == {
        "ApiKeyAuth": {"type": "api_key", "in": "header", "key": "X-MBX-APIKEY", "value": "Bearer abc"}
    }


def test_refresh_api_key_hook_runs_before_each_lookup() -> None:
    config = binance_spot.Configuration()
    config.refresh_api_key_hook = lambda c: c.api_key.update({"X-MBX-APIKEY": "fresh"})
    assert config.get_api_key_with_prefix("X-MBX-APIKEY") == "fresh"


def test_set_default_is_copied_and_never_shared() -> None:
    default = binance_spot.Configuration(host="http://127.0.0.1:9")
    default.api_key["X-MBX-APIKEY"] = "k1"
    binance_spot.Configuration.set_default(default)
    default.api_key["X-MBX-APIKEY"] = "changed after set_default"
    made = binance_spot.Configuration()
    copied = binance_spot.Configuration.get_default_copy()
    assert made.host == copied.host == "http://127.0.0.1:9"
    assert made.api_key == {"X-MBX-APIKEY": "k1"}
    made.api_key["X-MBX-APIKEY"] = "mine"
    assert copied.api_key == {"X-MBX-APIKEY": "k1"}
    assert binance_spot.Configuration(host="http://127.0.0.1:8").api_key == {"X-MBX-APIKEY": "k1"}
    binance_spot.Configuration.set_default(None)
    assert binance_spot.Configuration().host == "https://api.binance.com"


def test_deepcopy_keeps_loggers_shared() -> None:
    config = binance_spot.Configuration()
    clone = copy.deepcopy(config)
    assert clone.logger["package_logger"] is config.logger["package_logger"]
    assert clone.api_key is not config.api_key


def test_ssl_ca_cert_defaults_to_certifi() -> None:
    client = binance_spot.ApiClient(binance_spot.Configuration())
    assert client.transport.pool_manager.connection_pool_kw["ca_certs"] == certifi.where()
    assert client.transport.pool_manager.connection_pool_kw["cert_reqs"] == "CERT_REQUIRED"
    client.close()


def test_api_client_signature_and_members() -> None:
    parameters = list(inspect.signature(binance_spot.ApiClient).parameters)
    assert parameters == ["configuration", "header_name", "header_value", "cookie", "pool_threads", "transport"]
    client = binance_spot.ApiClient(header_name="X-Trace", header_value="1", cookie="c=1")
    assert client.default_headers["X-Trace"] == "1"
    client.set_default_header("X-Other", "2")
    assert client.default_headers["X-Other"] == "2"
    assert client.user_agent.startswith(f"binance_spot/{binance_spot.__version__}")
    for name in (
        "call_api request sanitize_for_serialization deserialize parameters_to_tuples select_header_accept "
        "select_header_content_type update_params_for_auth close"
    ).split():
        assert callable(getattr(client, name)), name
    with client as entered:
        assert entered is client


def test_helpers_of_the_classic_client() -> None:
    client = binance_spot.ApiClient()
    assert client.select_header_accept(["application/json"]) == "application/json"
    assert client.select_header_accept([]) is None
    assert client.select_header_content_type([]) == "application/json"
    assert client.parameters_to_tuples({"a": [1, 2]}, {"a": "multi"}) == [("a", 1), ("a", 2)]
    assert client.parameters_to_tuples({"a": [1, 2]}, {"a": "pipes"}) == [("a", "1|2")]
    model = InlineResponse200124(listen_key="k")
    assert client.sanitize_for_serialization({"m": model}) == {"m": {"listenKey": "k"}}
    client.close()


def test_margin_stream_api_methods() -> None:
    api = MarginStreamApi(binance_spot.ApiClient())
    for name in ("post", "put", "delete"):
        assert callable(getattr(api, f"sapi_v1_user_data_stream_{name}"))
        assert callable(getattr(api, f"sapi_v1_user_data_stream_{name}_with_http_info"))
    assert isinstance(MarginStreamApi().api_client, binance_spot.ApiClient)
    api.api_client.close()


def test_model() -> None:
    model = InlineResponse200124(listen_key="secret-key")
    assert model.listen_key == "secret-key"
    assert model.to_dict() == {"listen_key": "secret-key"}
    assert InlineResponse200124.openapi_types == {"listen_key": "str"}
    assert InlineResponse200124.attribute_map == {"listen_key": "listenKey"}
    assert model == InlineResponse200124(listen_key="secret-key")
    assert model != InlineResponse200124(listen_key="other")
    assert "secret-key" not in repr(model) and "secret-key" not in model.to_str()
    with pytest.raises(ValueError, match="listen_key"):
        InlineResponse200124(listen_key=None)
    lenient = binance_spot.Configuration()
    lenient.client_side_validation = False
    assert InlineResponse200124(local_vars_configuration=lenient).listen_key is None


def test_api_exception_of_the_classic_client() -> None:
    error = binance_spot.ApiException(status=400, reason="Bad Request")
    assert (error.status, error.reason, error.body, error.headers) == (400, "Bad Request", None, None)
    assert "(400)" in str(error) and "Bad Request" in str(error)
    assert error.code is None and error.msg is None and error.retry_after is None
