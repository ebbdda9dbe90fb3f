"""Bicep inventories: the tolerant reader against scenario folders under
fixtures/inventory/bicep/ (expected.json written from the reference, §2, §8, §9), plus
the reader's own contract: bounded work and no exception on any text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.inventory.bicep import analyse, parse_bicep
from analyzer.inventory.loader import load_inventory
from tests.conftest import FIXTURES, ROOT
from tests.inventory.test_terraform import check_scenario

SCENARIOS = FIXTURES / "inventory" / "bicep"


@pytest.mark.parametrize(
    "scenario", sorted(p.name for p in SCENARIOS.iterdir() if (p / "expected.json").is_file())
)
def test_scenario(scenario: str) -> None:
    check_scenario(SCENARIOS / scenario, "bicep")


def test_every_scenario_has_expectations() -> None:
    folders = [p for p in SCENARIOS.iterdir() if p.is_dir()]
    assert len(folders) >= 8
    assert all((p / "expected.json").is_file() for p in folders)


def test_secret_values_never_enter_the_inventory() -> None:
    values = ("P@ssw0rd-default", "inline-secret", "storage-key-value", "token-value")
    values += ("Default-P@ss", "inline-pass", "TestEncryptedValue")
    for scenario in ("parent_and_nested", "connection_types", "avm_module"):
        inventory = load_inventory([str(SCENARIOS / scenario)], cwd=ROOT)
        dump = repr((inventory.declarations, inventory.secrets, inventory.coverage))
        for value in values:
            assert value not in dump


def test_lookups_over_bicep_declarations() -> None:
    inventory = load_inventory([str(SCENARIOS)], cwd=ROOT)
    assert inventory.lookup("connection", "azurerunasconnection", "AA-BICEP")
    assert inventory.lookup("variable", "KnownChild", "whatever-account")  # account unknown
    assert [d.pattern for d in inventory.possible("connection", "conn-x1y2")] == ["conn-*"]
    assert inventory.covers("credential", "aa-avm-max")
    assert not inventory.covers("credential", "aa-unrelated") or inventory.covers(
        "credential", None
    )


def _names(text: str, tmp_path: Path) -> list[tuple[str | None, str | None, str | None]]:
    (tmp_path / "main.bicep").write_text(text, encoding="utf-8")
    inventory = load_inventory([str(tmp_path)], cwd=tmp_path)
    assert inventory.problems == []
    return [
        (d.name, d.account, d.reason) for d in inventory.user_declarations if d.kind != "account"
    ]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'plain'", "plain"),
        ("'it\\'s'", "it's"),
        ("'a\\\\b'", "a\\b"),
        ("'\\${literal}'", "${literal}"),
        ("'\\u{41}BC'", "ABC"),
        ("toLower('ABC')", "abc"),
        ("toUpper(prefix)", "PRE"),
        ("'${prefix}-${length(items)}'", "pre-3"),
        ("format('{0}-{1:D}', prefix, 7)", "pre-7"),
        ("replace('a.b', '.', '_')", "a_b"),
        ("split('x/y', '/')[1]", "y"),
        ("join(items, ',')", "a,b,c"),
        ("first(items)", "a"),
        ("last(items)", "c"),
        ("items[1]", "b"),
        ("settings.name", "from-object"),
        ("settings['name']", "from-object"),
        ("settings.?missing ?? 'fallback'", "fallback"),
        ("true ? 'yes' : 'no'", "yes"),
        ("length(items) > 2 && !empty(items) ? 'long' : 'short'", "long"),
        ("string(42)", "42"),
        ("concat('a', 'b', prefix)", "abpre"),
        ("trim('  t  ')", "t"),
        ("substring('abcdef', 1, 3)", "bcd"),
        ("sys.concat('x', 'y')", "xy"),
        ("'${'${prefix}'}'", "pre"),
        ('json(\'{"a": "b"}\').a', "b"),
        ("union(settings, {other: 1}).name", "from-object"),
        ("(prefix)", "pre"),
        ("loadTextContent('name.txt')", "from-file"),
        ("loadJsonContent('names.json').name", "from-json"),
    ],
)
def test_expressions(tmp_path: Path, expression: str, expected: str) -> None:
    (tmp_path / "name.txt").write_text("from-file", encoding="utf-8")
    (tmp_path / "names.json").write_text('{"name": "from-json"}', encoding="utf-8")
    text = (
        "param prefix string = 'pre'\n"
        "var items = [\n  'a'\n  'b'\n  'c'\n]\n"
        "var settings = {\n  name: 'from-object'\n}\n"
        "resource v 'Microsoft.Automation/automationAccounts/variables@2023-11-01' = {\n"
        f"  name: 'acct/${{{expression}}}'\n"
        "}\n"
    )
    assert _names(text, tmp_path) == [(expected, "acct", None)]


@pytest.mark.parametrize(
    ("expression", "reason", "pattern"),
    [
        ("uniqueString(resourceGroup().id)", "uniqueString()", None),
        ("'x-${newGuid()}'", "newGuid()", "x-*"),
        ("noDefault", "parameter 'noDefault' has no default value", None),
        ("undeclared", "'undeclared' is not declared", None),
        ("selfRef", "refers to itself", None),
        ("storage.properties.x", "known only at deployment", None),
        ("mod.outputs.name", "module output", None),
        ("map(items, i => i)", "uses map()", None),
        ("'[a]*?-${utcNow()}'", "utcNow()", "[[]a][*][?]-*"),
    ],
)
def test_unknown_names(tmp_path: Path, expression: str, reason: str, pattern: str | None) -> None:
    text = (
        "param noDefault string\n"
        "var selfRef = selfRef\n"
        "var items = ['a']\n"
        "resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'st'\n}\n"
        "module mod './m.bicep' = {\n  name: 'm'\n}\n"
        "resource v 'Microsoft.Automation/automationAccounts/variables@2023-11-01' = {\n"
        "  parent: acct\n"
        f"  name: {expression}\n"
        "}\n"
        "resource acct 'Microsoft.Automation/automationAccounts@2023-11-01' existing = {\n"
        "  name: 'acct'\n}\n"
    )
    (tmp_path / "main.bicep").write_text(text, encoding="utf-8")
    [decl] = load_inventory([str(tmp_path)], cwd=tmp_path).user_declarations
    assert decl.name is None
    assert decl.reason is not None and reason in decl.reason, decl.reason
    assert decl.pattern == pattern
    assert decl.account == "acct"


def test_tolerates_unknown_syntax(tmp_path: Path) -> None:
    """Constructs the reader does not model are skipped statement by statement."""
    text = """
import { myType } from 'types.bicep'
import * as shared from 'shared.bicep'
extension microsoftGraphV1
metadata description = 'x'
type pair = {
  name: string
  value: int?
}
func greet(name string) string => 'Hello ${name}'
@minLength(3)
@allowed([
  'aa-tolerant'
])
param accountName string = 'aa-tolerant'
var typed string = 'typed-var'
var lambdaUser = filter([1, 2], (x, i) => x > i)
resource acct 'Microsoft.Automation/automationAccounts@2023-11-01' = {
  name: accountName, location: 'westeurope'
  properties: { sku: { name: 'Basic' }, weird: @@@ garbage ### }
}
resource v 'Microsoft.Automation/automationAccounts/variables@2023-11-01' = {
  parent: acct
  name: typed
  properties: {
    value: '"${greet('x')}"'
  }
}
this line is not bicep at all ???
resource c 'Microsoft.Automation/automationAccounts/credentials@2023-11-01' = {
  parent: acct
  name: 'AfterGarbage'
}
"""
    (tmp_path / "main.bicep").write_text(text, encoding="utf-8")
    inventory = load_inventory([str(tmp_path)], cwd=tmp_path)
    assert inventory.problems == []
    assert sorted((d.kind, d.name, d.account) for d in inventory.user_declarations) == [
        ("account", "aa-tolerant", None),
        ("credential", "AfterGarbage", "aa-tolerant"),
        ("variable", "typed-var", "aa-tolerant"),
    ]


def test_bicep_reader_imports_nothing_heavy() -> None:
    parsed = parse_bicep("param x string = 'y'\n")
    assert parsed.params["x"].default is not None


@pytest.mark.parametrize(
    "text",
    [
        "var x = " + "[" * 5000 + "]" * 5000,
        "var x = " + "(" * 60 + "1" + ")" * 60,
        "var x = " + "'${" * 100 + "1" + "}'" * 100,
        "var x = " + "!" * 100_000 + "true",
        "var x = " + " + ".join(["1"] * 100_000),
        "var x = a" + ".b" * 100_000,
        "var x = '" + "a" * 2_000_000 + "'",
        "resource r 'Microsoft.Automation/automationAccounts/variables@2023-11-01' = "
        "[for a in range(0, 100000): [for b in range(0, 100000): { name: 'x/${a}${b}' }]]",
        "var a = b\nvar b = a\nresource r 'Microsoft.Automation/automationAccounts/variables@x' = "
        "{\n  name: a\n}\n",
        "resource r 'Microsoft.Automation/automationAccounts/variables@x' = {\n  name: r.name\n}\n",
    ],
    ids=[
        "brackets",
        "parens",
        "interpolations",
        "unary",
        "operators",
        "members",
        "huge-string",
        "nested-loops",
        "cyclic-vars",
        "self-name",
    ],
)
def test_hostile_input_is_bounded(text: str) -> None:
    started = time.monotonic()
    result = analyse("hostile.bicep", text, None)
    assert time.monotonic() - started < 30
    assert all(p.code == "RB902" for p in result.problems)
    assert all(d.name is None or len(d.name) < 1000 for d in result.declarations)


_BICEP_ALPHABET = st.sampled_from(
    [
        "resource ",
        "param ",
        "var ",
        "module ",
        "existing ",
        "for ",
        " in ",
        "if ",
        "@secure()\n",
        "'Microsoft.Automation/automationAccounts/variables@2023-11-01'",
        "name: ",
        "parent: ",
        "'${",
        "}'",
        "'''",
        "'",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ":",
        ",",
        ".",
        "?",
        "=",
        "=>",
        "\n",
        "\r\n",
        "//",
        "/*",
        "*/",
        "\\",
        "x",
        "acct",
        "1",
        " ",
        "!",
        "@",
        "é",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BICEP_ALPHABET, max_size=80).map("".join))
def test_random_bicep_like_text_never_raises(text: str) -> None:
    result = analyse("random.bicep", text, None)
    assert all(p.line is None or p.line >= 1 for p in result.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    analyse("random.bicep", text, None)


def test_secrets_the_template_determines(tmp_path: Path) -> None:
    """Like the ARM loader reading ``bicep build`` output: a value from a parameter default
    or a variable is written in the template (reported at that declaration); a parameter
    without default, a deploy-time function or another resource is not."""
    text = """param plainDefault string = 'from-default'
@secure()
param noDefault string
var fromVar = 'from-var'
resource a 'Microsoft.Automation/automationAccounts/credentials@2023-11-01' = {
  name: 'aa/A'
  properties: {
    password: plainDefault
  }
}
resource b 'Microsoft.Automation/automationAccounts/credentials@2023-11-01' = {
  name: 'aa/B'
  properties: {
    password: fromVar
  }
}
resource c 'Microsoft.Automation/automationAccounts/credentials@2023-11-01' = {
  name: 'aa/C'
  properties: {
    password: '${fromVar}-suffix'
  }
}
resource d 'Microsoft.Automation/automationAccounts/credentials@2023-11-01' = {
  name: 'aa/D'
  properties: {
    password: noDefault
  }
}
resource e 'Microsoft.Automation/automationAccounts/credentials@2023-11-01' = {
  name: 'aa/E'
  properties: {
    password: newGuid()
  }
}
resource f 'Microsoft.Automation/automationAccounts/variables@2023-11-01' = {
  name: 'aa/F'
  properties: {
    value: '"not encrypted"'
  }
}
"""
    (tmp_path / "main.bicep").write_text(text, encoding="utf-8")
    inventory = load_inventory([str(tmp_path)], cwd=tmp_path)
    assert sorted((s.asset, s.field, s.source.line) for s in inventory.secrets) == [
        ("A", "password", 1),
        ("B", "password", 4),
        ("C", "password", 20),
    ]
