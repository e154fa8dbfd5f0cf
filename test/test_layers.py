"""The design a reader relies on: few frames to the socket, imports pointing down, one tree."""

import ast
import inspect
from pathlib import Path

import pytest

import binance_spot
from binance_spot.testing import BinanceServer, FunctionTransport, respond
from binance_spot.transport import Request, Response

PACKAGE = Path(binance_spot.__file__).parent
GENERATED = ("api/", "models/", "__init__.py", "_spec.py")


def test_a_call_crosses_at_most_five_frames_of_ours(server: BinanceServer) -> None:
    from binance_spot._urllib3 import Urllib3Transport

    seen: list[list[str]] = []

    class Watching(Urllib3Transport):
        def handle_request(self, request: Request) -> Response:
            ours = [f.function for f in inspect.stack() if f.filename.startswith(str(PACKAGE))]
            seen.append(ours)
            return super().handle_request(request)

    config = binance_spot.Configuration(host=server.url, api_key={"X-MBX-APIKEY": "k"})
    with binance_spot.ApiClient(config, transport=Watching(config)) as client:
        binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    (frames,) = seen
    # ... and the transport's handle_request, which calls urllib3, is the fifth.
    assert frames == ["send", "_complete", "call_operation", "sapi_v1_user_data_stream_post"]


def _imports(path: Path) -> set[str]:
    """The binance_spot modules ``path`` imports when it is imported (not under TYPE_CHECKING, not lazily)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in [node] if not isinstance(node, ast.If) else node.body:
            if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("binance_spot"):
                found.add(child.module)
                found.update(f"{child.module}.{alias.name}" for alias in child.names)
            elif isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("binance_spot"))
    return found


def test_runtime_imports_have_no_cycles() -> None:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, f"import cycle: {' -> '.join([*visiting, name])}"
        if name in done:
            return
        visiting.append(name)
        for imported in sorted(graph[name]):
            if imported != "binance_spot":  # every module's package is imported first, by Python
                visit(imported)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
    assert len(done) >= 20


def test_hand_written_modules_are_small_and_named_by_role() -> None:
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(GENERATED) or relative in ("testing/server.py",):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 350, f"{relative} has {lines} lines"


def test_dir_shows_every_export() -> None:
    listed = dir(binance_spot)
    assert set(binance_spot.__all__) <= set(listed)
    for name in binance_spot.__all__:
        assert getattr(binance_spot, name) is not None, name
    for package in (binance_spot.api, binance_spot.models):
        assert set(package.__all__) <= set(dir(package))


def test_the_exception_tree() -> None:
    answered = [
        binance_spot.RedirectException,
        binance_spot.BadRequestException,
        binance_spot.UnauthorizedException,
        binance_spot.ForbiddenException,
        binance_spot.NotFoundException,
        binance_spot.EndpointRetiredException,
        binance_spot.IpBannedException,
        binance_spot.RateLimitedException,
        binance_spot.ServiceException,
    ]
    unanswered = [
        binance_spot.ApiConnectionError,
        binance_spot.ApiTimeoutError,
        binance_spot.ResponseTooLargeException,
        binance_spot.InvalidResponseException,
    ]
    for kind in answered:
        assert issubclass(kind, binance_spot.ApiStatusException) and not issubclass(
            kind, binance_spot.ApiNoAnswerException
        )
    for kind in unanswered:
        assert issubclass(kind, binance_spot.ApiNoAnswerException) and not issubclass(
            kind, binance_spot.ApiStatusException
        )
    for branch in (binance_spot.ApiStatusException, binance_spot.ApiNoAnswerException):
        assert issubclass(branch, binance_spot.ApiException)
    assert issubclass(binance_spot.ApiException, binance_spot.OpenApiException)
    assert issubclass(binance_spot.ApiTimeoutError, binance_spot.ApiConnectionError)
    tree = binance_spot.exceptions.__doc__ or ""
    for kind in [*answered, *unanswered, binance_spot.ApiStatusException, binance_spot.ApiNoAnswerException]:
        assert kind.__name__ in tree


def test_the_transport_seam_retries_above_the_transport() -> None:
    answers = iter([respond(503, {"code": -1001, "msg": "busy"}), respond(200, {"listenKey": "k"})])
    transport = FunctionTransport(lambda request: next(answers))
    config = binance_spot.Configuration(api_key={"X-MBX-APIKEY": "key"})
    config.retries = binance_spot.RetryPolicy(total=1, backoff=0.0)
    with binance_spot.ApiClient(config, transport=transport) as client:
        assert binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post().listen_key == "k"
    first, second = transport.requests
    assert (first.method, first.target, first.headers["X-MBX-APIKEY"]) == ("POST", "/sapi/v1/userDataStream", "key")
    assert second.timeout == binance_spot.Timeout()


def test_a_404_off_the_retired_paths_says_nothing_of_the_retirement() -> None:
    transport = FunctionTransport(lambda request: respond(404, b"<html>not here</html>"))
    with binance_spot.ApiClient(transport=transport) as client:
        with pytest.raises(binance_spot.NotFoundException) as risk:
            binance_spot.MarginRiskStreamApi(client).sapi_v1_margin_listen_key_post()
        with pytest.raises(binance_spot.NotFoundException) as retired:
            binance_spot.MarginStreamApi(client).sapi_v1_user_data_stream_post()
    assert "2026-02-20" not in str(risk.value) and risk.value.hint is None
    assert "2026-02-20" in str(retired.value)
    assert str(risk.value).splitlines()[0] == "HTTP 404 Not Found"
