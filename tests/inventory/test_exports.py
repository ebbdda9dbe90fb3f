"""Exports: REST pages, Get-AzAutomation* | ConvertTo-Json, the azure-automation-inventory file,
and the canonical writer.

Fixtures under fixtures/inventory/exports/ with a hand-labelled expected.json; the REST spec
examples in ../shared/samples/inventory/api/ are checked against the samples' expected.json.
The helpers at the top are shared with the module and local-asset tests.
"""

from __future__ import annotations

import codecs
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.inventory import canonical, exports
from analyzer.inventory.jsonc import loads
from analyzer.inventory.loader import (
    LOADERS,
    InventoryFile,
    LoadContext,
    classify_json,
    load_inventory,
    read_files,
)
from analyzer.inventory.model import Declaration, Inventory, LoadResult, SourceRef
from analyzer.textio import decode
from tests.conftest import sample_params, samples_missing

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "inventory"
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "inventory"
SECRET = "SECRET"

# ----------------------------------------------------------------------------- shared helpers


def load_directory(root: Path) -> dict[str, tuple[str, LoadResult]]:
    """Every inventory file under ``root`` → (detected format, its loader's result), with
    the whole directory as context (as ``--inventory root`` would load it)."""
    files, problems = read_files([str(root)], cwd=root)
    assert problems == []
    context = LoadContext(cwd=root, files={f.path: f for f in files})
    results = {}
    for file in files:
        module = importlib.import_module(f"analyzer.inventory.{LOADERS[file.format]}")
        results[file.path] = (file.format, module.load(file, context))
    return results


def declaration_dict(d: Declaration) -> dict[str, Any]:
    """A declaration as expected.json writes it: optional keys only when known."""
    out: dict[str, Any] = {"kind": d.kind, "name": d.name, "raw": d.raw, "line": d.source.line}
    if d.account is not None:
        out["account"] = d.account
    if d.connection_type is not None:
        out["connection_type"] = d.connection_type
    if d.fields is not None:
        if d.kind == "connection_type":
            out["fields"] = [
                {"name": f.name, "encrypted": f.encrypted, "optional": f.optional, "type": f.type}
                for f in d.fields
            ]
        else:
            out["fields"] = [f.name for f in d.fields]
    if d.encrypted is not None:
        out["encrypted"] = d.encrypted
    if d.runbook_type is not None:
        out["runbook_type"] = d.runbook_type
    if d.properties:
        out["properties"] = dict(d.properties)
    return out


def _order(entry: dict[str, Any]) -> tuple[str, str, int]:
    return (entry["kind"], entry.get("name") or "", entry.get("line") or 0)


def check_file(path: str, fmt: str, result: LoadResult, expected: dict[str, Any]) -> None:
    """Compare one loaded file with its expected.json entry, item by item."""
    assert fmt == expected["format"]
    got = sorted((declaration_dict(d) for d in result.declarations), key=_order)
    assert got == sorted(expected["declarations"], key=_order)
    for d in result.declarations:
        assert d.source == SourceRef(path, d.source.line, fmt)
    coverage = sorted((c.kind, c.account or "", c.source.line or 0) for c in result.coverage)
    wanted = sorted((c["kind"], c["account"] or "", c["line"]) for c in expected["coverage"])
    assert coverage == wanted
    assert all(c.source.path == path and c.source.format == fmt for c in result.coverage)
    problems = [(p.line, p.message) for p in result.problems]
    assert len(problems) == len(expected["problems"]), problems
    for want in expected["problems"]:
        assert any(line == want["line"] and want["message"] in msg for line, msg in problems), (
            want,
            problems,
        )
    assert all(p.path == path and p.code == "RB902" for p in result.problems)
    assert SECRET not in repr(result)


def fixture_cases(directory: str) -> tuple[Path, dict[str, Any]]:
    root = FIXTURES / directory
    return root, json.loads((root / "expected.json").read_text(encoding="utf-8"))["files"]


SAMPLE_KINDS = {"connectionType": "connection_type", "configuration": "dsc_configuration"}


def sample_cases(folder: str) -> list[tuple[str, dict[str, Any]]]:
    """(sample file, its expected.json entry) for one folder; empty where ../shared is absent."""
    expected = SAMPLES / "expected.json"
    if not expected.is_file():
        return []
    files = json.loads(expected.read_text(encoding="utf-8"))["files"]
    return [(f["file"], f) for f in files if f["file"].startswith(folder + "/")]


def check_sample(sample: str, expected: dict[str, Any]) -> None:
    """Names, kinds, account, connection types, fields and lines where the labels give them."""
    results = load_directory(SAMPLES / sample.split("/")[0])
    _, result = results[sample.split("/", 1)[1]]
    assert result.problems == []
    got = [d for d in result.declarations if d.kind != "account"]
    assert len(got) == len(expected["assets"])
    for declaration, want in zip(got, expected["assets"], strict=True):
        assert declaration.kind == SAMPLE_KINDS.get(want["kind"], want["kind"])
        assert declaration.name == want["name"]
        assert declaration.raw == want["raw"]
        if want.get("line") is not None:
            assert declaration.source.line == want["line"]
        if "account" in want:
            assert declaration.account == want["account"]
        if "connection_type" in want:
            assert declaration.connection_type == want["connection_type"]
        if "fields" in want:
            assert declaration.fields is not None
            if want["fields"] and isinstance(want["fields"][0], dict):
                assert [
                    {
                        "name": f.name,
                        "type": f.type,
                        "isEncrypted": f.encrypted,
                        "isOptional": f.optional,
                    }
                    for f in declaration.fields
                ] == want["fields"]
            else:
                assert [f.name for f in declaration.fields] == want["fields"]
    # Sample values (variable values, passwords, connection field values) never leave the
    # loader, whatever their key's case.
    text = decode((SAMPLES / sample).read_bytes()).text
    leaked = [v for v in secret_values(loads(text)) if v in repr(result)]
    assert leaked == []


_VALUE_KEYS = {"value", "password", "username", "thumbprint", "certpath"}
_VALUE_MAPS = {"fielddefinitionvalues", "valuefields"}


def secret_values(node: Any, under_map: bool = False) -> list[str]:
    """String values a loader must not keep: those of value-like keys, and every value
    of a field-value map (at least 4 characters, so names cannot match by accident)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and len(value) >= 4:
                if under_map or key.lower() in _VALUE_KEYS:
                    found.append(value)
            else:
                found += secret_values(value, key.lower() in _VALUE_MAPS)
    elif isinstance(node, list):
        for item in node:
            found += secret_values(item)
    return found


def round_trip(result: LoadResult, tmp_path: Path) -> tuple[LoadResult, dict[str, Any]]:
    """load → to_canonical → write → load."""
    document = canonical.to_canonical(Inventory([result], builtins=False), None)
    target = tmp_path / "automation-inventory.json"
    target.write_text(canonical.render(document), encoding="utf-8")
    (file,), problems = read_files([str(target)], cwd=tmp_path)
    assert problems == []
    assert file.format == "inventory"
    return exports.load(file, LoadContext(cwd=tmp_path)), document


def comparable(declarations: list[Declaration]) -> set[tuple[Any, ...]]:
    """What the canonical format keeps of a declaration (field order is sorted there)."""
    return {
        (
            d.kind,
            d.name,
            d.raw,
            d.account,
            d.connection_type,
            None if d.fields is None else tuple(sorted(d.fields, key=lambda f: f.name.lower())),
            d.encrypted,
            d.runbook_type,
            d.properties if d.kind == "account" else (),
        )
        for d in declarations
    }


def check_round_trip(result: LoadResult, tmp_path: Path) -> None:
    inventory = Inventory([result], builtins=False)
    dropped = {id(d) for d, _ in canonical.left_out(inventory, None)}
    again, document = round_trip(result, tmp_path)
    assert again.problems == []
    assert comparable(again.declarations) == comparable(
        [d for d in result.declarations if id(d) not in dropped]
    )
    representable = {kind for _, kind in canonical.SECTIONS}
    before = {(c.kind, c.account) for c in result.coverage if c.kind in representable}
    after = {(c.kind, c.account) for c in again.coverage}
    assert before <= after
    assert SECRET not in canonical.render(document)


# ----------------------------------------------------------------------------- fixtures

EXPORTS, EXPORTS_EXPECTED = fixture_cases("exports")


@pytest.fixture(scope="module")
def exports_loaded() -> dict[str, tuple[str, LoadResult]]:
    return load_directory(EXPORTS)


def test_every_fixture_is_labelled(exports_loaded: dict[str, tuple[str, LoadResult]]) -> None:
    assert set(exports_loaded) == set(EXPORTS_EXPECTED)


@pytest.mark.parametrize("path", sorted(EXPORTS_EXPECTED))
def test_fixture(path: str, exports_loaded: dict[str, tuple[str, LoadResult]]) -> None:
    fmt, result = exports_loaded[path]
    check_file(path, fmt, result, EXPORTS_EXPECTED[path])


@pytest.mark.parametrize("path", sorted(EXPORTS_EXPECTED))
def test_round_trip(
    path: str, exports_loaded: dict[str, tuple[str, LoadResult]], tmp_path: Path
) -> None:
    check_round_trip(exports_loaded[path][1], tmp_path)


# ----------------------------------------------------------------------------- REST paging


def _file(path: str, text: str) -> InventoryFile:
    document = loads(text)
    return InventoryFile(path, text, classify_json(document) or "", document)


def _rest_page(names: list[str], next_link: str | None, account: str = "aa") -> str:
    base = (
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/"
        f"automationAccounts/{account}"
    )
    items = [{"id": f"{base}/variables/{n}", "name": n, "properties": {}} for n in names]
    return json.dumps({"value": items, "nextLink": next_link})


def test_first_page_alone_covers_nothing() -> None:
    page = _file("p1.json", _rest_page(["a", "b"], "https://next"))
    result = exports.load(page, LoadContext(files={page.path: page}))
    assert [d.name for d in result.declarations if d.kind == "variable"] == ["a", "b"]
    assert result.coverage == []


def test_pages_cover_together_and_per_account() -> None:
    first = _file("p1.json", _rest_page(["a"], "https://next"))
    last = _file("p2.json", _rest_page(["b"], None))
    other = _file("p3.json", _rest_page(["c"], "https://next", account="other"))
    context = LoadContext(files={f.path: f for f in (first, last, other)})
    assert [(c.kind, c.account) for c in exports.load(first, context).coverage] == [
        ("variable", "aa")
    ]
    assert [(c.kind, c.account) for c in exports.load(last, context).coverage] == [
        ("variable", "aa")
    ]
    assert exports.load(other, context).coverage == []


def test_later_example_page_covers_nothing() -> None:
    text = json.dumps(
        {
            "parameters": {"automationAccountName": "aa", "$skip": 100},
            "responses": {"200": {"body": json.loads(_rest_page(["x"], None))}},
        }
    )
    page = _file("next100.json", text)
    assert page.format == "rest"
    assert exports.load(page, LoadContext(files={page.path: page})).coverage == []


def test_single_get_covers_nothing_and_keeps_no_values() -> None:
    text = json.dumps(
        {
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/"
            "automationAccounts/aa/variables/Secret",
            "name": "Secret",
            "properties": {"isEncrypted": False, "value": '"SECRET-value"'},
        }
    )
    result = exports.load(_file("get.json", text), LoadContext())
    assert result.coverage == []
    assert SECRET not in repr(result)


def test_list_of_accounts() -> None:
    text = json.dumps(
        {
            "value": [
                {
                    "id": "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Automation/"
                    "automationAccounts/aa-one",
                    "name": "aa-one",
                    "type": "Microsoft.Automation/AutomationAccounts",
                }
            ]
        }
    )
    result = exports.load(_file("accounts.json", text), LoadContext())
    assert [(d.kind, d.name, d.properties) for d in result.declarations] == [
        ("account", "aa-one", (("resourceGroup", "rg1"),))
    ]


# ----------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("document", "fmt"),
    [
        ('{"parameters": {}, "responses": {"200": {"body": {"value": []}}}}', "rest"),
        (
            '{"Value": [1, 2], "Encrypted": false, "Name": "v", "AutomationAccountName": "a"}',
            "ps-export",
        ),
        ('{"AutomationAccountName": {"value": "a"}, "Name": {"value": "n"}}', "arm-parameters"),
        ('{"value": []}', "rest"),
        ('{"parameters": {}, "responses": {"200": {"body": {"value": [{"id": "/x"}]}}}}', None),
        ('{"kind": "azure-automation-inventory", "version": 1}', "inventory"),
    ],
)
def test_classify(document: str, fmt: str | None) -> None:
    assert classify_json(loads(document)) == fmt


def test_utf16_export_through_the_loader() -> None:
    inventory = load_inventory([str(EXPORTS / "ps" / "variable.utf16.json")], cwd=EXPORTS)
    assert inventory.problems == []
    assert inventory.lookup("variable", "sqladminpassword", "AA-CONTOSO-PROD")
    assert inventory.covers("variable", "aa-contoso-prod")


def test_utf16_bytes_are_real() -> None:
    assert (EXPORTS / "ps" / "variable.utf16.json").read_bytes().startswith(codecs.BOM_UTF16_LE)


# ----------------------------------------------------------------------------- key lines


def test_key_lines_minified_and_commented() -> None:
    text = (
        '[{"Name": "a"}, {"Name": "b"},\n // {"Name": "c"}\n {"x": {"Name": "d"},\n "Name": "e"}]'
    )
    document = loads(text)
    lines = exports.KeyLines(text)
    assert [lines.line(o, "name", o["Name"]) for o in document] == [1, 1, 4]
    assert lines.line(document[2]["x"], "Name", "d") == 3
    assert lines.line(document[0], "missing") == 1
    assert lines.line("not an object", "Name") is None


# ----------------------------------------------------------------------------- canonical writer


def test_merged_canonical_matches_golden(update_goldens: bool) -> None:
    inventory = load_inventory([str(EXPORTS)], cwd=EXPORTS)
    document = canonical.to_canonical(inventory, "AA-CONTOSO-PROD")
    text = canonical.render(document)
    golden = EXPORTS / "merged-canonical.golden"
    if update_goldens:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert SECRET not in text
    assert canonical.render(canonical.to_canonical(inventory, "AA-CONTOSO-PROD")) == text
    left = {
        (d.kind, d.name, reason.split(" ")[0])
        for d, reason in canonical.left_out(inventory, "aa-contoso-prod")
    }
    assert ("python_package", "requests", "the") in left
    assert ("variable", "FromIdOnly", "belongs") in left


def test_unknown_names_keep_a_kind_out() -> None:
    source = SourceRef("deploy.json", 3, "arm")
    inventory = Inventory(
        [
            LoadResult(
                declarations=[
                    Declaration("credential", "Known", "Known", source, account="aa"),
                    Declaration(
                        "credential",
                        None,
                        "[parameters('credentialName')]",
                        source,
                        account="aa",
                        reason="parameter 'credentialName' has no value",
                    ),
                    Declaration("variable", "Plain", "Plain", source, account="aa"),
                ]
            )
        ],
        builtins=False,
    )
    document = canonical.to_canonical(inventory, None)
    assert document["account"] == "aa"
    assert "credentials" not in document
    assert document["variables"] == [{"name": "Plain"}]
    reasons = [reason for _, reason in canonical.left_out(inventory, None)]
    assert any("parameter 'credentialName' has no value" in r for r in reasons)
    assert any("list is incomplete" in r for r in reasons)


def test_several_accounts_without_a_choice() -> None:
    source = SourceRef("x.json", 1, "rest")
    inventory = Inventory(
        [
            LoadResult(
                declarations=[
                    Declaration("variable", "b", "b", source, account="one"),
                    Declaration("variable", "A", "A", source, account="two"),
                ]
            )
        ],
        builtins=False,
    )
    document = canonical.to_canonical(inventory, None)
    assert document["account"] is None
    assert [v["name"] for v in document["variables"]] == ["A", "b"]
    assert canonical.to_canonical(inventory, "one")["variables"] == [{"name": "b"}]


def test_builtin_connection_types_are_not_written() -> None:
    document = canonical.to_canonical(Inventory(), None)
    assert document == {
        "kind": "azure-automation-inventory",
        "version": 1,
        "account": None,
        "resourceGroup": None,
    }


def test_docstring_documents_every_section() -> None:
    doc = canonical.__doc__ or ""
    for key, _ in canonical.SECTIONS:
        assert f"``{key}``" in doc
        assert f"{key} = @(" in doc  # the PowerShell script writes every array


# ----------------------------------------------------------------------------- robustness

_KEYS = st.sampled_from(
    [
        "value", "id", "name", "type", "properties", "nextLink", "connectionType",
        "fieldDefinitionValues", "fieldDefinitions", "isEncrypted", "runbookType", "Name",
        "AutomationAccountName", "ConnectionTypeName", "FieldDefinitionValues", "Encrypted",
        "ConnectionFields", "kind", "version", "account", "connections", "variables",
        "connectionTypes", "fields", "responses", "200", "body", "parameters", "$skip",
    ]
)  # fmt: skip
_IDS = st.sampled_from(
    [
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/a",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/a/connections/c",
        "/subscriptions/s/providers/Microsoft.Automation/automationAccounts",
        "/automationAccounts/",
        "",
    ]
)  # fmt: skip
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | st.text(max_size=4) | _IDS
    | st.just("azure-automation-inventory"),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=25,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_JSON, st.sampled_from(["rest", "ps-export", "inventory"]))
def test_never_raises(value: Any, fmt: str) -> None:
    text = json.dumps(value)
    document = loads(text)
    result = exports.load(InventoryFile("x.json", text, fmt, document), LoadContext())
    assert isinstance(result, LoadResult)


API_SAMPLES = sample_cases("api")


@pytest.mark.parametrize(("sample", "expected"), sample_params(API_SAMPLES, "inventory"))
def test_sample_conformance(sample: str, expected: dict[str, Any]) -> None:
    check_sample(sample, expected)


def test_samples_present_or_skipped() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(samples_missing("inventory"))
    assert API_SAMPLES


def test_secret_value_walker_finds_sample_values() -> None:
    document = loads(
        '{"value": [{"properties": {"value": "\\"server9\\"", "fieldDefinitionValues":'
        ' {"Key": "abcd1234"}}, "name": "n"}], "Password": "hunter2"}'
    )
    assert sorted(secret_values(document)) == ['"server9"', "abcd1234", "hunter2"]
