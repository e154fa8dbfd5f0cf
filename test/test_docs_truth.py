"""The docs agree with the code, where a machine can tell: types, names, error kinds."""

import importlib
import re
from decimal import Decimal
from pathlib import Path

import pytest

import binance_spot.manager
import binance_spot.stream
import binance_spot.testing
from binance_spot._event import Event, Part
from binance_spot.models import _events

ROOT = Path(__file__).resolve().parents[1]
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
SPANS = [span for doc in DOCS for span in re.findall(r"`([^`\n]+)`", doc.read_text(encoding="utf-8"))]
#: Upper-case names of the docs that are not ours: environment variables, Binance's event names,
#: the standard library's constants.
NOT_OURS = {"BINANCE_API_KEY", "BINANCE_HOST", "BINANCE_SECRET_KEY", "BINANCE_WS_URL", "BINANCE_RISK_URL",
            "HYPOTHESIS_PROFILE", "MARGIN_LEVEL_STATUS_CHANGE", "USER_LIABILITY_CHANGE", "RUSAGE_SELF",
            "TYPE_CHECKING"}  # fmt: skip
PUBLIC = (binance_spot, binance_spot.manager, binance_spot.stream, binance_spot.testing)


def read_type(part: type[Part], name: str) -> str:
    """What a field really gives, found by feeding it each kind of JSON value."""
    for sample in ("1.5", 1, True, [{}], "x"):
        try:
            value = getattr(part({part.fields()[name].key: sample}), name)
        except ValueError:
            continue
        if value is not None:
            return {Decimal: "Decimal", str: "str", int: "int", bool: "bool", list: "list"}[type(value)]
    raise AssertionError(f"{part.__name__}.{name} reads nothing")


def parts() -> list[type[Part]]:
    found: set[type[Part]] = set()
    for event in _events.EVENTS.values():
        found.add(event)
        for field in event.fields().values():
            nested = getattr(field.convert, "__closure__", None) or ()
            found.update(c.cell_contents for c in nested if isinstance(c.cell_contents, type))
    return sorted(found, key=lambda klass: klass.__name__)


@pytest.mark.parametrize("part", parts(), ids=lambda part: part.__name__)
def test_model_docs_name_the_python_types(part: type[Part]) -> None:
    doc = (ROOT / "docs" / f"{part.__name__}.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\*\*(\w+)\*\* \(`[^`]+`\) \| \[?\*\*([\w\[\]]+)\*\*", doc, re.MULTILINE))
    assert set(rows) == set(part.fields()), part.__name__
    for name, shown in rows.items():
        assert shown.split("[")[0] == read_type(part, name), f"{part.__name__}.{name}: the doc says {shown}"
    assert issubclass(part, Event) or "event_type" not in rows


def test_every_constant_the_docs_name_exists() -> None:
    constants = {m for span in SPANS for m in re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", span)}
    missing = {name for name in constants - NOT_OURS if not any(hasattr(module, name) for module in PUBLIC)}
    assert not missing, f"named in the docs, exported by no public module: {sorted(missing)}"


def test_every_dotted_name_the_docs_use_resolves() -> None:
    for dotted in {m for span in SPANS for m in re.findall(r"\bbinance_spot(?:\.\w+)+", span)}:
        module, _, attribute = dotted.rpartition(".")
        try:
            importlib.import_module(dotted)
        except ImportError:
            assert hasattr(importlib.import_module(module), attribute), dotted


@pytest.mark.parametrize("module", [binance_spot.testing, binance_spot.stream, binance_spot.manager])
def test_every_public_name_is_documented(module: object) -> None:
    spanned = " ".join(SPANS)
    undocumented = [name for name in module.__all__ if not re.search(rf"\b{name}\b", spanned)]  # type: ignore[attr-defined]
    assert not undocumented, f"{module.__name__}: {undocumented}"  # type: ignore[attr-defined]


def test_every_json_error_kind_is_in_cli_md() -> None:
    source = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "binance_spot" / "cli").rglob("*.py"))
    kinds = set(re.findall(r"Failure\(\s*EXIT_\w+,\s*\"(\w+)\"", source))
    assert {"usage", "missing_extra", "api", "network"} <= kinds
    documented = set(re.findall(r"`(\w+)`", (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")))
    assert kinds <= documented, sorted(kinds - documented)


def test_the_generated_examples_ask_for_what_the_server_grants() -> None:
    from binance_spot.testing import MAX_TOKEN_VALIDITY_MS
    from binance_spot.testing.endpoints import MIN_TOKEN_VALIDITY_MS

    asked = [
        int(n)
        for doc in (ROOT / "docs").glob("*Api.md")
        for n in re.findall(r"^validity = (\d+)", doc.read_text(), re.M)
    ]
    assert asked and all(MIN_TOKEN_VALIDITY_MS <= n <= MAX_TOKEN_VALIDITY_MS for n in asked), asked
    symbols = [
        s for doc in (ROOT / "docs").glob("*Api.md") for s in re.findall(r"^symbol = '([^']*)'", doc.read_text(), re.M)
    ]
    assert symbols and all(binance_spot._validate.check_symbol(s) for s in symbols)
