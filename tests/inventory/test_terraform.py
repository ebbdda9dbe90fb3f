"""Terraform inventories: every scenario folder under fixtures/inventory/terraform/ has an
expected.json written from the reference (inventory-formats.md §3, §8, §9); the loader's
declarations, coverage, secrets and problems must match it exactly."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.inventory.loader import load_inventory
from analyzer.inventory.model import Declaration, Inventory
from analyzer.inventory.terraform import _FileDeclarations, _Module
from tests.conftest import FIXTURES, ROOT

pytest.importorskip("hcl2")

SCENARIOS = FIXTURES / "inventory" / "terraform"
DECLARATION_KEYS = (
    "file",
    "line",
    "kind",
    "name",
    "raw",
    "account",
    "reason",
    "pattern",
    "connection_type",
    "fields",
    "encrypted",
    "runbook_type",
)


def _relative(path: str, folder: Path) -> str:
    return str(PurePosixPath(path).relative_to(folder.relative_to(ROOT).as_posix()))


def _fields(d: Declaration) -> Any:
    if d.fields is None:
        return None
    if d.kind == "connection_type":
        return [
            {"name": f.name, "encrypted": f.encrypted, "optional": f.optional, "type": f.type}
            for f in d.fields
        ]
    return [f.name for f in d.fields]


def _actual_declaration(d: Declaration, folder: Path) -> dict[str, Any]:
    return {
        "file": _relative(d.source.path, folder),
        "line": d.source.line,
        "kind": d.kind,
        "name": d.name,
        "raw": d.raw,
        "account": d.account,
        "reason": d.reason,
        "pattern": d.pattern,
        "connection_type": d.connection_type,
        "fields": _fields(d),
        "encrypted": d.encrypted,
        "runbook_type": d.runbook_type,
    }


def _order(entry: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(entry.get(k)) for k in ("file", "line", "kind", "name", "raw", "pattern"))


def check_scenario(folder: Path, fmt: str) -> Inventory:
    """Load ``folder`` and compare everything with its expected.json. Reasons in
    expected.json are fragments of the actual reason; all other values are exact."""
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    inventory = load_inventory([str(folder)], cwd=ROOT)
    for d in inventory.user_declarations:
        assert d.source.format == fmt

    actual = sorted(
        (_actual_declaration(d, folder) for d in inventory.user_declarations), key=_order
    )
    wanted = sorted(
        ({k: e.get(k) for k in DECLARATION_KEYS} for e in expected["declarations"]), key=_order
    )
    assert len(actual) == len(wanted), [(a["kind"], a["name"], a["raw"]) for a in actual]
    for got, want in zip(actual, wanted, strict=True):
        if want["reason"] is not None and got["reason"] and want["reason"] in got["reason"]:
            got["reason"] = want["reason"]
    assert actual == wanted

    coverage = sorted(
        (
            {"file": _relative(c.source.path, folder), "kind": c.kind, "account": c.account}
            for c in inventory.coverage
        ),
        key=_order,
    )
    assert coverage == sorted(expected["coverage"], key=_order)

    secrets = sorted(
        (
            {
                "file": _relative(s.source.path, folder),
                "line": s.source.line,
                "kind": s.kind,
                "asset": s.asset,
                "field": s.field,
            }
            for s in inventory.secrets
        ),
        key=_order,
    )
    assert secrets == sorted(expected["secrets"], key=_order)

    problems = sorted(inventory.problems, key=lambda p: (p.path, p.line or 0))
    wanted_problems = sorted(expected["problems"], key=lambda p: (p["file"], p["line"] or 0))
    assert len(problems) == len(wanted_problems), problems
    for problem, want in zip(problems, wanted_problems, strict=True):
        assert _relative(problem.path, folder) == want["file"]
        assert problem.line == want["line"]
        assert want["message"] in problem.message
        assert problem.code == "RB902"
    return inventory


@pytest.mark.parametrize(
    "scenario", sorted(p.name for p in SCENARIOS.iterdir() if (p / "expected.json").is_file())
)
def test_scenario(scenario: str) -> None:
    check_scenario(SCENARIOS / scenario, "terraform")


def test_every_scenario_has_expectations() -> None:
    folders = [p for p in SCENARIOS.iterdir() if p.is_dir()]
    assert len(folders) >= 8
    assert all((p / "expected.json").is_file() for p in folders)


def test_generic_and_typed_connection_merge_into_one_asset() -> None:
    inventory = load_inventory([str(SCENARIOS / "literal")], cwd=ROOT)
    found = inventory.lookup("connection", "azurerunasconnection", "AA-LITERAL")
    assert len(found) == 1
    assert len(found[0].declarations) == 2
    assert found[0].connection_type == "AzureServicePrincipal"
    # Names with spaces are plain names.
    assert inventory.lookup("credential", "Horizon Admin Service Account")


def test_patterns_make_names_possible_not_missing() -> None:
    inventory = load_inventory([str(SCENARIOS / "unresolved")], cwd=ROOT)
    assert not inventory.lookup("connection", "tftest-conn-ab12c")
    possible = inventory.possible("connection", "TFTEST-CONN-ab12c")
    assert [d.pattern for d in possible] == ["tftest-conn-*"]
    assert not inventory.possible("connection", "prod-conn")
    assert inventory.covers("connection", "any-account")


def test_module_inputs_claim_no_coverage() -> None:
    inventory = load_inventory([str(SCENARIOS / "module_inputs")], cwd=ROOT)
    assert inventory.coverage == []
    assert inventory.possible("credential", "Anything")


def test_secret_values_never_enter_the_inventory() -> None:
    values = ("hunter2", "Sup3r$ecret", "sk-live-1234", "MIIKXAIB", "s3cret", "p4ssw0rd", "key-123")
    for scenario in ("literal", "azapi"):
        inventory = load_inventory([str(SCENARIOS / scenario)], cwd=ROOT)
        dump = repr((inventory.declarations, inventory.secrets, inventory.coverage))
        for value in values:
            assert value not in dump


def test_explicit_file_still_reads_its_directory() -> None:
    """``--inventory main.tf`` alone: variables.tf, locals.tf and terraform.tfvars of the
    same directory still resolve the names."""
    inventory = load_inventory([str(SCENARIOS / "variables" / "main.tf")], cwd=ROOT)
    names = sorted(d.name or "?" for d in inventory.user_declarations)
    assert "tftest-prod-region" in names
    assert "DeployCredential" in names
    assert all(d.source.path.endswith("main.tf") for d in inventory.user_declarations)


def test_paths_outside_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "azurerm_automation_variable_string" "v" {\n'
        '  name = "${var.p}-x"\n'
        '  automation_account_name = "aa"\n'
        '  value = "v"\n'
        "}\n",
        encoding="utf-8",
    )
    (tmp_path / "variables.tf").write_text('variable "p" { default = "pre" }\n', encoding="utf-8")
    inventory = load_inventory([str(tmp_path)], cwd=ROOT)
    [decl] = inventory.user_declarations
    assert decl.name == "pre-x"
    assert decl.source.path == (tmp_path / "main.tf").as_posix()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"plain"', "plain"),
        ('"a\\"b\\\\c"', 'a"b\\c'),
        ('"$${literal}"', "${literal}"),
        ('"${"nested"}-x"', "nested-x"),
        ('upper("abc")', "ABC"),
        ("lower(var.v)", "value"),
        ('join("-", ["a", "b", "c"])', "a-b-c"),
        ('replace("a.b", ".", "_")', "a_b"),
        ('trimspace("  s  ")', "s"),
        ('substr("abcdef", 1, 3)', "bcd"),
        ('lookup({a = "x"}, "b", "dflt")', "dflt"),
        ('coalesce("", "second")', "second"),
        ('try(random_id.x.hex, "fallback")', "fallback"),
        ('true ? "yes" : "no"', "yes"),
        ('1 + 2 == 3 ? "math" : "no"', "math"),
        ('local.m["k"]', "mapped"),
        ("keys({b = 1, a = 2})[0]", "a"),
        ('[for s in ["x", "y"] : upper(s)][1]', "Y"),
        ('{for k, v in {a = "1"} : v => k}["1"]', "a"),
        ("<<EOT\nheredoc\nEOT", "heredoc\n"),
        ("<<-EOT\n    indented\n    EOT", "indented\n"),
        ('format("%s-%03d", "n", 7)', "n-007"),
        ('jsondecode("{\\"a\\": \\"b\\"}").a', "b"),
        ("tostring(5)", "5"),
    ],
)
def test_expressions(tmp_path: Path, expression: str, expected: str) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "v" { default = "VALUE" }\n'
        'locals { m = { k = "mapped" } }\n'
        'resource "azurerm_automation_variable_string" "v" {\n'
        f"  name = {expression}\n"
        "}\n",
        encoding="utf-8",
    )
    [decl] = load_inventory([str(tmp_path)], cwd=tmp_path).user_declarations
    assert decl.name == expected, decl.reason


@pytest.mark.parametrize(
    ("expression", "reason", "pattern"),
    [
        ("uuid()", "uuid()", None),
        ('"x-${timestamp()}"', "timestamp()", "x-*"),
        ("var.nope", "not declared", None),
        ("local.nope", "not declared", None),
        ('"${var.a}-${var.b}"', "has no default", "*-*"),
        ("var.a", "has no default", None),
        ('"p-${var.a}-m-${var.b}-s"', "has no default", "p-*-m-*-s"),
        ("local.self", "refers to itself", None),
        ("aws_thing.x.id", "known only after apply", None),
        ("x[*].name", "splat", None),
        ('"%{ if true }x%{ endif }"', "template directive", None),
        ('"[x]-${uuid()}"', "uuid()", "[[]x]-*"),
    ],
)
def test_unknown_names(tmp_path: Path, expression: str, reason: str, pattern: str | None) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "a" {}\nvariable "b" {}\n'
        "locals { self = local.self }\n"
        'resource "azurerm_automation_credential" "c" {\n'
        f"  name = {expression}\n"
        "}\n",
        encoding="utf-8",
    )
    [decl] = load_inventory([str(tmp_path)], cwd=tmp_path).user_declarations
    assert decl.name is None
    assert decl.reason is not None and reason in decl.reason
    assert decl.pattern == pattern


def test_resource_instance_references(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "azurerm_automation_account" "many" {\n'
        '  for_each = toset(["aa-one", "aa-two"])\n'
        "  name = each.key\n"
        "}\n"
        'resource "azurerm_automation_credential" "c" {\n'
        '  name = "cred"\n'
        '  automation_account_name = azurerm_automation_account.many["aa-two"].name\n'
        "}\n"
        'resource "azurerm_automation_credential" "d" {\n'
        '  name = "cred2"\n'
        "  automation_account_name = azurerm_automation_account.many.name\n"
        "}\n",
        encoding="utf-8",
    )
    inventory = load_inventory([str(tmp_path)], cwd=tmp_path)
    accounts = {d.name: d.account for d in inventory.user_declarations}
    assert accounts == {"aa-one": None, "aa-two": None, "cred": "aa-two", "cred2": None}


def test_secret_in_sibling_connection_type(tmp_path: Path) -> None:
    """The encrypted-field table spans the directory: the type lives in another file."""
    (tmp_path / "types.tf").write_text(
        'resource "azurerm_automation_connection_type" "t" {\n'
        '  name = "Twilio"\n'
        '  field {\n    name = "AccountSid"\n    type = "System.String"\n  }\n'
        '  field {\n    name = "AuthToken"\n    type = "System.String"\n'
        "    is_encrypted = true\n  }\n"
        "}\n",
        encoding="utf-8",
    )
    (tmp_path / "main.tf").write_text(
        'resource "azurerm_automation_connection" "c" {\n'
        '  name = "Twilio"\n'
        '  type = "twilio"\n'
        "  values = {\n"
        '    AccountSid = "AC123"\n'
        '    authtoken  = "tok"\n'
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    inventory = load_inventory([str(tmp_path)], cwd=tmp_path)
    assert [
        (s.kind, s.asset, s.field, s.source.path, s.source.line) for s in inventory.secrets
    ] == [("connection", "Twilio", "authtoken", "main.tf", 6)]


def test_hcl2_is_imported_lazily() -> None:
    code = (
        "import sys, analyzer.inventory.terraform, analyzer.inventory.loader;"
        "print('hcl2' in sys.modules, 'lark' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 3000 + "]" * 3000 + "\n",
        'resource "azurerm_automation_variable_string" "v" {\n  name = '
        + "(" * 400
        + '"deep"'
        + ")" * 400
        + "\n}\n",
        'resource "azurerm_automation_variable_string" "v" {\n  name = '
        + " + ".join(["1"] * 5000)
        + "\n}\n",
        'resource "azurerm_automation_variable_string" "v" {\n  name = "'
        + "a" * 1_000_000
        + '"\n}\n',
        'resource "azurerm_automation_variable_string" "v" {\n'
        "  name = [for a in range(1000) : [for b in range(1000) : a * b]]\n}\n",
        '\x00\x01garbage {{{ ]]] "unterminated\n',
        "",
    ],
    ids=["brackets", "parens", "long-chain", "huge-string", "nested-loops", "garbage", "empty"],
)
def test_hostile_input_is_bounded(tmp_path: Path, text: str) -> None:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    started = time.monotonic()
    inventory = load_inventory([str(tmp_path)], cwd=tmp_path)
    assert time.monotonic() - started < 30
    assert all(p.code == "RB902" for p in inventory.problems)
    for d in inventory.user_declarations:
        assert len(d.raw) <= 300


def test_auto_tfvars_override_terraform_tfvars(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "env" { default = "dev" }\n'
        'resource "azurerm_automation_variable_string" "v" {\n'
        '  name = "app-${var.env}"\n'
        "}\n",
        encoding="utf-8",
    )
    (tmp_path / "terraform.tfvars").write_text('env = "test"\n', encoding="utf-8")
    [decl] = load_inventory([str(tmp_path)], cwd=tmp_path).user_declarations
    assert decl.name == "app-test"
    (tmp_path / "z.auto.tfvars").write_text('env = "prod"\n', encoding="utf-8")
    [decl] = load_inventory([str(tmp_path)], cwd=tmp_path).user_declarations
    assert decl.name == "app-prod"


def test_properties_compare_across_formats(tmp_path: Path) -> None:
    """Terraform, Bicep and ARM label printable properties alike, so RB304 sees a real
    difference between formats and none between a typed and a generic connection."""
    from analyzer.rules.rb304_duplicate_asset import differences

    (tmp_path / "main.tf").write_text(
        'resource "azurerm_automation_credential" "c" {\n'
        '  name = "Deploy"\n  automation_account_name = "aa"\n'
        '  username = "alice"\n  password = var.p\n}\n'
        'resource "azurerm_automation_variable_string" "v" {\n'
        '  name = "Region"\n  automation_account_name = "aa"\n  value = "x"\n}\n'
        'resource "azurerm_automation_connection" "g" {\n'
        '  name = "RunAs"\n  automation_account_name = "aa"\n'
        '  type = "AzureServicePrincipal"\n  values = {}\n}\n'
        'resource "azurerm_automation_connection_service_principal" "t" {\n'
        '  name = "RunAs"\n  automation_account_name = "aa"\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "main.bicep").write_text(
        "resource c 'Microsoft.Automation/automationAccounts/credentials@2023-11-01' = {\n"
        "  name: 'aa/Deploy'\n  properties: {\n    userName: 'bob'\n  }\n}\n"
        "resource v 'Microsoft.Automation/automationAccounts/variables@2023-11-01' = {\n"
        "  name: 'aa/Region'\n  properties: {\n    isEncrypted: true\n  }\n}\n",
        encoding="utf-8",
    )
    inventory = load_inventory([str(tmp_path)], cwd=tmp_path)
    [credential] = inventory.lookup("credential", "Deploy", "aa")
    assert [d[0] for d in differences(*credential.declarations)] == ["username"]
    [variable] = inventory.lookup("variable", "Region", "aa")
    assert [d[0] for d in differences(*variable.declarations)] == ["encrypted"]
    [connection] = inventory.lookup("connection", "RunAs", "aa")
    assert differences(*connection.declarations) == []


_ATOMS = st.sampled_from(
    [
        '"x"',
        '"a-${var.a}"',
        "1",
        "true",
        "null",
        "var.a",
        "var.m",
        "var.l",
        "local.b",
        "each.key",
        "each.value.name",
        "count.index",
        "path.module",
        "azurerm_automation_account.aa.id",
        "azurerm_automation_account.aa.name",
        "data.azurerm_automation_account.d.id",
        "module.m.out",
        "random_string.r.result",
        "x",
    ]
)
_FUNCTIONS = st.sampled_from(
    [
        "toset",
        "split",
        "join",
        "element",
        "lookup",
        "merge",
        "keys",
        "length",
        "format",
        "upper",
        "try",
        "coalesce",
        "fileset",
        "jsonencode",
        "concat",
        "range",
        "substr",
        "replace",
        "one",
        "tostring",
        "zipmap",
        "index",
        "min",
        "nope",
    ]
)


def _compound(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda f, a: f"{f}({', '.join(a)})", _FUNCTIONS, st.lists(children, max_size=3)),
        st.lists(children, max_size=3).map(lambda a: "[" + ", ".join(a) + "]"),
        st.lists(children, max_size=3).map(
            lambda a: "{" + ", ".join(f"k{i} = {v}" for i, v in enumerate(a)) + "}"
        ),
        st.builds(lambda c, a, b: f"{c} ? {a} : {b}", children, children, children),
        st.builds(
            lambda a, op, b: f"{a} {op} {b}", children, st.sampled_from(["+", "==", "&&"]), children
        ),
        st.builds(lambda a, b: f"[for k, v in {a} : {b}]", children, children),
        st.builds(lambda a, b: f"{{for k, v in {a} : k => {b}}}", children, children),
        children.map(lambda a: f'"${{{a}}}-s"'),
        st.builds(lambda a, b: f"({a})[{b}]", children, children),
    )


_EXPRESSIONS = st.recursive(_ATOMS, _compound, max_leaves=12)
_RESOURCE_TYPES = st.sampled_from(
    [
        "azurerm_automation_variable_string",
        "azurerm_automation_connection",
        "azurerm_automation_credential",
        "azurerm_automation_account",
        "azapi_resource",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    resource_type=_RESOURCE_TYPES,
    name=_EXPRESSIONS,
    loop=_EXPRESSIONS,
    loop_kind=st.sampled_from(["for_each", "count", "automation_account_id", "parent_id"]),
    value=_EXPRESSIONS,
    local=_EXPRESSIONS,
)
def test_generated_terraform_never_raises(
    resource_type: str, name: str, loop: str, loop_kind: str, value: str, local: str
) -> None:
    text = (
        'variable "a" { default = "va" }\n'
        'variable "m" { default = { k = "v" } }\n'
        'variable "l" { default = ["p", "q"] }\n'
        f"locals {{\n  b = {local}\n}}\n"
        'data "azurerm_automation_account" "d" {\n  name = "dn"\n}\n'
        'resource "azurerm_automation_account" "aa" {\n  name = "an"\n}\n'
        f'resource "{resource_type}" "r" {{\n'
        '  type = "Microsoft.Automation/automationAccounts/connections@2023-11-01"\n'
        f"  name = {name}\n  {loop_kind} = {loop}\n  values = {value}\n"
        f"  body = {{ properties = {value} }}\n  password = {value}\n}}\n"
    )
    module = _Module(ROOT)
    module.add("main.tf", text)
    parsed = module.files["main.tf"]
    if isinstance(parsed, list):
        analysis = _FileDeclarations("main.tf", text, parsed, module).run()
        assert all(d.kind for d in analysis.declarations)
