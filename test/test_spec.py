"""openapi.yaml is valid, the generated files match it, and the docs agree with it."""

import re
import subprocess
import sys
from pathlib import Path

import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parent.parent
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())
# The document this project is built from, kept beside the tests so CI can diff against it.
SEED = ROOT / "test" / "seed" / "MarginStreamApi.md"


def operations() -> list[tuple[str, str, str, str, str]]:
    """(class, operationId, METHOD, path, summary) of every operation of the spec."""
    found = []
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            api = operation["tags"][0].replace(" ", "") + "Api"
            found.append((api, operation["operationId"], method.upper(), path, operation["summary"]))
    return sorted(found)


def test_spec_validates() -> None:
    validate(SPEC)


def test_pinned_model_names_and_error_schema() -> None:
    post = SPEC["paths"]["/sapi/v1/userDataStream"]["post"]
    schema = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/InlineResponse200124"}
    error = SPEC["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "msg"}


def test_margin_stream_doc_equals_the_seed() -> None:
    generated = (ROOT / "docs" / "MarginStreamApi.md").read_text()
    assert generated == SEED.read_text()


def test_regenerate_check_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "regenerate"), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_built_in_template_writes_a_file() -> None:
    written = (ROOT / ".openapi-generator" / "FILES").read_text().split()
    for path in written:
        assert path.startswith(("binance_spot/", "docs/")), path
    assert (ROOT / ".openapi-generator" / "VERSION").read_text().strip() == "7.26.0"


def test_readme_endpoint_table_agrees_with_the_spec() -> None:
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(
        r"^\*(\w+)\* \| \[\*\*(\w+)\*\*\]\(docs/(\w+)\.md#(\w+)\) \| \*\*(\w+)\*\* (\S+) \| (.+)$", readme, re.M
    )
    table = sorted((api, op, method, path, summary) for api, op, doc, anchor, method, path, summary in rows)
    assert table == operations()
    for api, op, doc, anchor, *_ in rows:
        assert doc == api and anchor == op
        assert f"# **{op}**" in (ROOT / "docs" / f"{doc}.md").read_text()


def test_readme_model_list_agrees_with_the_spec() -> None:
    readme = (ROOT / "README.md").read_text()
    listed = re.findall(r"^ - \[(\w+)\]\(docs/(\w+)\.md\)$", readme, re.M)
    models = sorted(name for name, schema in SPEC["components"]["schemas"].items() if not schema.get("x-internal"))
    assert [name for name, _ in listed] == models
    for name, doc in listed:
        assert name == doc and (ROOT / "docs" / f"{doc}.md").exists()
