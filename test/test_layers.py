"""The design a reader relies on: few frames to the socket, imports pointing down, one tree."""

import ast
import inspect
import re
from collections.abc import Sequence
from fnmatch import fnmatch
from pathlib import Path

import pytest

import binance_spot
from binance_spot.testing import BinanceServer, FunctionTransport, respond
from binance_spot.transport import Request, Response

PACKAGE = Path(binance_spot.__file__).parent
README = PACKAGE.parent / "README.md"
ARCHITECTURE = PACKAGE.parent / "docs" / "Architecture.md"
GENERATED = ("api/", "models/", "__init__.py", "_spec.py")
MAX_LINES = 400

#: The layers of binance_spot, bottom to top: (name, globs of paths under binance_spot/).
#: A module may import from its own layer and those below; README's Development section
#: and docs/Architecture.md show this same table.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("_redact.py", "_lazy.py", "_spec.py", "_query.py", "exceptions.py", "_validate.py", "_backoff.py",
                    "_logging.py", "_signing.py", "_urllib3_retry.py", "settings.py", "_classic_configuration.py",
                    "configuration.py")),
    ("base", ("_model.py", "_operation.py", "_event.py")),
    ("models", ("models/*",)),
    ("runtime", ("transport.py", "_deadline.py", "_urllib3.py", "_retry.py", "_auth.py", "_client.py")),
    ("classic", ("_classic.py", "rest.py", "api_client.py")),
    ("api", ("api/*",)),
    ("listen keys", ("_listen_ops.py", "_listen_schedule.py", "manager.py")),
    ("stream", ("stream/*",)),
    ("account", ("account/*",)),
    ("testing", ("testing/*",)),
    ("package", ("__init__.py", "_exports.py")),
    ("cli", ("cli/*", "__main__.py")),
]  # fmt: skip


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


def module_name(path: str, package: str) -> str:
    """``stream/_core.py`` -> ``binance_spot.stream._core``; ``__init__.py`` is its package."""
    parts = [package, *path.removesuffix(".py").split("/")]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_imports(root: Path) -> dict[str, set[str]]:
    """Every module under ``root`` (a package directory) by path, with the paths of the modules
    of the package it imports: at module level, inside functions, under TYPE_CHECKING, relative."""
    package = root.name
    paths = {p.relative_to(root).as_posix() for p in root.rglob("*.py")}
    by_name = {module_name(path, package): path for path in paths}
    graph: dict[str, set[str]] = {}
    for path in sorted(paths):
        here = module_name(path, package).split(".")
        if not path.endswith("__init__.py"):
            here.pop()  # the package a relative import starts from
        found: set[str] = set()
        for node in ast.walk(ast.parse((root / path).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*here[: len(here) - node.level + 1], *filter(None, [base])])
                submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in by_name]
                targets = submodules if len(submodules) == len(node.names) else [*submodules, base]
            else:
                continue
            for target in targets:
                while target and target not in by_name:  # ``import a.b.c`` of a name inside a module
                    target = target.rpartition(".")[0]
                if target in by_name and by_name[target] != path:
                    found.add(by_name[target])
        graph[path] = found
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Some import cycle of ``graph`` (its modules in order, the first repeated at the end), or None."""
    done: set[str] = set()
    visiting: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in visiting:
            return [*visiting[visiting.index(module) :], module]
        if module in done:
            return None
        visiting.append(module)
        for imported in sorted(graph[module]):
            cycle = visit(imported)
            if cycle:
                return cycle
        visiting.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module)
        if cycle:
            return cycle
    return None


def layer_of(path: str, layers: Sequence[tuple[str, Sequence[str]]]) -> int:
    """The index of the one layer whose globs match ``path``; AssertionError if none or several do."""
    matches = [index for index, (_, globs) in enumerate(layers) if any(fnmatch(path, glob) for glob in globs)]
    assert len(matches) == 1, f"{path} is in {len(matches)} layers of the table; put it in exactly one"
    return matches[0]


def upward_imports(graph: dict[str, set[str]], layers: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """Each import from a lower layer to a higher one, as ``"low.py (layer) -> high.py (layer)"``."""
    found = []
    for module, imported in sorted(graph.items()):
        low = layer_of(module, layers)
        for target in sorted(imported):
            high = layer_of(target, layers)
            if high > low:
                found.append(f"{module} ({layers[low][0]}) -> {target} ({layers[high][0]})")
    return found


def test_no_import_cycle() -> None:
    graph = read_imports(PACKAGE)
    assert len(graph) >= 40
    cycle = find_cycle(graph)
    assert not cycle, f"import cycle: {' -> '.join(cycle or [])}"


def test_no_import_upward() -> None:
    assert upward_imports(read_imports(PACKAGE), LAYERS) == []


def test_the_checks_fail_on_a_cycle_and_on_an_import_upward(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    sources = {
        "__init__.py": "",
        "low.py": "def later():\n    from pkg.sub import high\n",
        "sub/__init__.py": "",
        "sub/high.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .. import low\n",
        "sub/a.py": "from . import b\n",
        "sub/b.py": "import pkg.sub.a\n",
    }
    for path, source in sources.items():
        (root / path).write_text(source, encoding="utf-8")
    graph = read_imports(root)
    assert graph["low.py"] == {"sub/high.py"} and graph["sub/high.py"] == {"low.py"}
    assert find_cycle({path: graph[path] for path in ("sub/a.py", "sub/b.py")}) == ["sub/a.py", "sub/b.py", "sub/a.py"]
    assert find_cycle(graph) == ["low.py", "sub/high.py", "low.py"]
    layers = [("bottom", ("low.py", "__init__.py")), ("top", ("sub/*",))]
    assert upward_imports(graph, layers) == ["low.py (bottom) -> sub/high.py (top)"]
    with pytest.raises(AssertionError, match=r"sub/a\.py is in 0 layers"):
        upward_imports(graph, [("bottom", ("low.py", "__init__.py", "sub/high.py", "sub/__init__.py"))])


@pytest.mark.parametrize(("document", "heading"), [(README, "## Development"), (ARCHITECTURE, "## Layers")])
def test_the_docs_show_the_layers_of_the_test(document: Path, heading: str) -> None:
    section = document.read_text(encoding="utf-8").split(heading, 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([a-z ]+) \| (`.+`) \|$", section, re.MULTILINE)
    assert [(name, tuple(re.findall(r"`([^`]+)`", globs))) for name, globs in rows] == LAYERS


def test_a_subpackage_keeps_its_internal_modules() -> None:
    """Internal names start with ``_``. One inside a hand-written subpackage (``stream._core``) is
    imported only from that subpackage; those at the top (``_retry``) and the generated tables
    (``models._rest``) are there for the layers above."""
    for module, imported in read_imports(PACKAGE).items():
        for target in imported:
            package, _, name = target.rpartition("/")
            internal = name.startswith("_") and not name.startswith("__")
            hand_written = package and not f"{package}/".startswith(GENERATED)
            if internal and hand_written and not module.startswith(f"{package}/"):
                pytest.fail(f"{module} imports {target}, internal to {package}/")


def test_hand_written_modules_are_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(GENERATED):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{relative} has {lines} lines"


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
