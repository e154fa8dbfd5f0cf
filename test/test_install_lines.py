"""Every install command we print or document names only what is safe to install.

On the public package index ``binance_spot`` (and so ``binance_spot[stream]``) is an
unrelated project: a user who copies such a line installs someone else's code. Allowed
are our own checkout (``.``, ``.[extra]``, the requirements files) and the stream extra's
own requirement, which must stay the one ``pyproject.toml`` declares.
"""

import re
import shlex
from pathlib import Path

import binance_spot.stream
from binance_spot.stream.errors import INSTALL_HINT

ROOT = Path(__file__).resolve().parents[1]
WEBSOCKETS = "websockets>=13.0,<18"
ALLOWED = {".", ".[stream]", ".[bench]", "requirements.txt", "test-requirements.txt", WEBSOCKETS, "matplotlib"}
#: ``pip install`` and its arguments, up to the end of a code span, a shell operator, a comment or a bracket.
COMMAND = re.compile(r"pip install((?:[^`\n&|;#()]|'[^'\n]*')*)")


def targets(text: str) -> list[str]:
    """What each ``pip install`` in ``text`` would install (options and their flags left out)."""
    found = []
    for arguments in COMMAND.findall(text):
        found += [word for word in shlex.split(arguments) if not word.startswith("-")]
    return found


def documents() -> dict[str, str]:
    paths = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    texts = {path.name: path.read_text(encoding="utf-8") for path in paths}
    texts["INSTALL_HINT"] = INSTALL_HINT
    texts["binance_spot.stream"] = binance_spot.stream.__doc__ or ""
    return texts


def test_every_install_line_names_only_what_is_ours_or_the_extras_requirement() -> None:
    seen = {name: targets(text) for name, text in documents().items()}
    unsafe = {name: [t for t in found if t not in ALLOWED] for name, found in seen.items()}
    assert {name: found for name, found in unsafe.items() if found} == {}
    assert WEBSOCKETS in seen["INSTALL_HINT"] and ".[stream]" in seen["INSTALL_HINT"]
    assert ".[stream]" in seen["Streams.md"] and WEBSOCKETS in seen["README.md"]


def test_the_allowed_requirement_is_the_extras_own() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'stream = ["{WEBSOCKETS}"]' in pyproject


def test_the_check_catches_the_unrelated_project() -> None:
    assert targets("run `pip install 'binance_spot[stream]'` first") == ["binance_spot[stream]"]
    assert targets(".venv/bin/pip install -e . -r test-requirements.txt && pytest") == [".", "test-requirements.txt"]
