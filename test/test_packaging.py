"""Packaging habits: PEP 621 metadata, the version in one place, the licence the metadata names."""

import re
from importlib import metadata
from pathlib import Path

import binance_spot

ROOT = Path(__file__).parent.parent


def test_the_version_has_one_source() -> None:
    config = (ROOT / "openapi-generator.yaml").read_text(encoding="utf-8")
    (version,) = re.findall(r"^\s*packageVersion:\s*(\S+)\s*$", config, re.M)
    assert binance_spot.__version__ == version
    assert metadata.version("binance_spot") == version
    assert version not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # read, not repeated
    assert version not in (ROOT / "setup.py").read_text(encoding="utf-8")


def test_metadata_comes_from_pyproject_and_names_only_the_four_dependencies() -> None:
    meta = metadata.metadata("binance_spot")
    assert meta["Requires-Python"] == ">=3.10"
    runtime = sorted(r.split(">")[0].split("<")[0] for r in meta.get_all("Requires-Dist") or () if "extra ==" not in r)
    assert runtime == ["certifi", "python-dateutil", "six", "urllib3"]
    assert "setup(" in (ROOT / "setup.py").read_text(encoding="utf-8")
    assert "install_requires" not in (ROOT / "setup.py").read_text(encoding="utf-8")


def test_the_licence_file_matches_the_metadata() -> None:
    assert metadata.metadata("binance_spot")["License-Expression"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def test_the_changelog_records_the_classic_keywords_we_refuse_or_removed() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    for name in ("_content_type", "response_type", "collection_formats", "_host_index", "urllib3_response",
                 "NATIVE_TYPES_MAPPING", "_preload_content", "EndpointRetiredException"):  # fmt: skip
        assert name in changelog, name
