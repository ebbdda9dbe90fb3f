"""ARM template loader: declaration forms, expressions, parameter files, copy loops,
secrets, malformed shapes; the expression evaluator on its own; conformance with the
hand-labelled public samples in ../shared/samples/inventory/arm."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.inventory import arm
from analyzer.inventory.arm_expressions import (
    MAX_EXPRESSION_LENGTH,
    Evaluator,
    ExpressionError,
    Supplied,
    Unknown,
    Unresolved,
    escape_literal,
    is_expression,
    parse,
)
from analyzer.inventory.jsonc import JObject, loads
from analyzer.inventory.loader import InventoryFile, LoadContext, load_inventory, read_files
from analyzer.inventory.model import Declaration, LoadResult
from tests.conftest import samples_missing

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "inventory" / "arm"
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "inventory"
EXPECTED = sorted(FIXTURES.rglob("*.expected.json"))
ACCOUNT = "Microsoft.Automation/automationAccounts"


def template_text(*resources: dict[str, Any], parameters: dict[str, Any] | None = None) -> str:
    return json.dumps({"parameters": parameters or {}, "resources": list(resources)})


CREDENTIAL_TEMPLATE = template_text(
    {"type": f"{ACCOUNT}/credentials", "name": "[concat('aa/', parameters('n'))]"},
    parameters={"n": {"type": "string"}},
)


def load_template(template: Path) -> LoadResult:
    """Run the ARM loader on one template with the context load_inventory would give it
    (every inventory file of the template's directory, parameter files included)."""
    files, problems = read_files([str(template.parent)], cwd=FIXTURES)
    assert problems == []
    context = LoadContext(
        parameter_files=[(f.path, f.document) for f in files if f.format == "arm-parameters"],
        cwd=FIXTURES,
        files={f.path: f for f in files},
    )
    wanted = template.relative_to(FIXTURES).as_posix()
    (file,) = [f for f in files if f.path == wanted]
    assert file.format == "arm"
    return arm.load(file, context)


def load_text(text: str, path: str = "t.json", params: list[tuple[str, str]] = ()) -> LoadResult:
    document = loads(text)
    parameter_files = [(p, loads(body)) for p, body in params]
    return arm.load(InventoryFile(path, text, "arm", document), LoadContext(parameter_files))


def _fields(declaration: Declaration) -> Any:
    if declaration.fields is None:
        return None
    if declaration.kind == "connection_type":
        return [
            {"name": f.name, "encrypted": f.encrypted, "optional": f.optional, "type": f.type}
            for f in declaration.fields
        ]
    return [f.name for f in declaration.fields]


def _check_declaration(actual: Declaration, expected: dict[str, Any], where: str) -> None:
    for key in ("kind", "name", "raw", "account", "line"):
        got = actual.source.line if key == "line" else getattr(actual, key)
        assert got == expected[key], f"{where}: {key}"
    for key in ("pattern", "connection_type", "encrypted", "runbook_type"):
        assert getattr(actual, key) == expected.get(key), f"{where}: {key}"
    assert _fields(actual) == expected.get("fields"), f"{where}: fields"
    assert actual.source.format == "arm"
    reasons = expected.get("reason")
    if actual.name is not None:
        assert actual.reason is None, where
    else:
        assert reasons, f"{where}: an unresolved expectation needs a reason fragment"
        for fragment in [reasons] if isinstance(reasons, str) else reasons:
            assert fragment in (actual.reason or ""), f"{where}: reason {actual.reason!r}"
    if "properties" in expected:
        assert [list(p) for p in actual.properties] == expected["properties"], where


@pytest.mark.parametrize(
    "expected_path", EXPECTED, ids=[p.relative_to(FIXTURES).as_posix() for p in EXPECTED]
)
def test_fixture(expected_path: Path) -> None:
    template = expected_path.with_name(expected_path.name.replace(".expected.json", ".json"))
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    result = load_template(template)

    shown = [(d.kind, d.name, d.source.line) for d in result.declarations]
    assert len(result.declarations) == len(expected["declarations"]), shown
    for index, (actual, wanted) in enumerate(
        zip(result.declarations, expected["declarations"], strict=True)
    ):
        _check_declaration(actual, wanted, f"declaration {index} {wanted['name']!r}")

    secrets = [
        {
            "kind": s.kind,
            "asset": s.asset,
            "field": s.field,
            "file": Path(s.source.path).name,
            "line": s.source.line,
        }
        for s in result.secrets
    ]
    wanted_secrets = [{"file": template.name, **s} for s in expected["secrets"]]
    assert secrets == wanted_secrets

    coverage = [{"kind": c.kind, "account": c.account} for c in result.coverage]
    assert coverage == expected["coverage"]
    assert all(c.source.path == template.relative_to(FIXTURES).as_posix() for c in result.coverage)

    problems = sorted((p.line or 0, p.message) for p in result.problems)
    wanted_problems = sorted((p["line"], p["message"]) for p in expected["problems"])
    assert len(problems) == len(wanted_problems), problems
    for (line, message), (wanted_line, fragment) in zip(problems, wanted_problems, strict=True):
        assert line == wanted_line and fragment in message, problems

    # Secrets are recorded by location only: no value may reach the model.
    dump = repr((result.declarations, result.secrets, result.problems, result.coverage))
    for value in expected.get("secret_values", []):
        assert value not in dump


def test_secret_values_never_stored_anywhere() -> None:
    """Every literal secret in the fixtures, checked against the whole inventory."""
    inventory = load_inventory([str(FIXTURES)], cwd=FIXTURES)
    dump = repr((inventory.declarations, inventory.secrets, inventory.problems, inventory.coverage))
    for secret in (
        "Pa55w.rd",
        "ChangeMe123!",
        "tok-0f3a9c",
        "s3cr3t-connection-string",
        "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "Winter2024!",
        "dev-only-Passw0rd",
        "d1b3f7c2a9e84d6f",
    ):
        assert secret not in dump


def test_whole_fixture_tree_through_load_inventory() -> None:
    inventory = load_inventory([str(FIXTURES)], cwd=FIXTURES)
    assert not [p for p in inventory.problems if p.code == "RB906"]
    assert inventory.lookup("connection", "azurerunasconnection", "ops-automation")
    assert inventory.lookup("runbook", "Report-Costs", "import-aa")
    assert inventory.possible("credential", "cred-42", "expr-aa")
    assert inventory.covers("credential", "sec-aa")
    twilio = inventory.connection_type("Twilio")
    assert twilio is not None
    assert [f.name for f in twilio.fields or () if f.encrypted] == ["AuthToken"]


# --------------------------------------------------------------------------- loader units


def test_document_parsed_when_not_given() -> None:
    text = template_text({"type": ACCOUNT, "name": "a"})
    result = arm.load(InventoryFile("t.json", text, "arm"), LoadContext())
    assert [(d.kind, d.name) for d in result.declarations] == [("account", "a")]


def test_invalid_json_is_a_problem_not_a_crash() -> None:
    result = arm.load(InventoryFile("t.json", '{"resources": [', "arm"), LoadContext())
    assert result.declarations == []
    assert result.problems and "invalid JSON" in result.problems[0].message


def test_not_an_object() -> None:
    result = arm.load(InventoryFile("t.json", "[1]", "arm", loads("[1]")), LoadContext())
    assert result.problems[0].message == "not an ARM template"


def test_name_line_falls_back_to_object_line() -> None:
    text = template_text({"type": ACCOUNT, "name": "x"}).replace("}, {", "},\n{")
    text = text[:-2] + ',\n{"type": "Microsoft.Automation/automationAccounts", "name": "y"}]}'
    result = load_text(text)
    assert [(d.name, d.source.line) for d in result.declarations] == [("x", 1), ("y", 2)]


def test_key_lines_ignore_strings_and_comments() -> None:
    text = '{\n  // "name": {\n  "a": "{ \\" [",\n  /* {\n */ "name":\n "v"\n}'
    document = loads(text)
    assert arm.KeyLines(text).line(document, "NAME") == 5


def test_short_type_at_top_level_is_ignored() -> None:
    text = '{"resources": [{"type": "connections", "name": "c"}]}'
    result = load_text(text)
    assert result.declarations == [] and result.problems == []


def test_existing_as_string_and_symbolic_nested() -> None:
    text = """{"languageVersion": "2.0", "resources": {
      "aa": {"type": "Microsoft.Automation/automationAccounts", "name": "sym", "existing": "true"},
      "c": {"type": "Microsoft.Automation/automationAccounts/connections", "name": "sym/c",
            "properties": {"connectionType": {"name": "Azure"}}}}}"""
    result = load_text(text)
    assert [(d.kind, d.name, d.account) for d in result.declarations] == [
        ("connection", "c", "sym")
    ]


def test_copy_count_over_limit_and_not_a_number() -> None:
    template = template_text(
        {
            "type": f"{ACCOUNT}/variables",
            "name": "[concat('a/v', copyIndex())]",
            "copy": {"name": "l", "count": 5000},
        },
        {
            "type": f"{ACCOUNT}/variables",
            "name": "[concat('a/w', copyIndex())]",
            "copy": {"name": "m", "count": "[concat('x', 'y')]"},
        },
    )
    result = load_text(template)
    reasons = [d.reason for d in result.declarations]
    assert reasons == [
        "copy loop count 5000 exceeds ARM's limit of 800",
        "copy loop count is not a number",
    ]
    assert [d.account for d in result.declarations] == ["a", "a"]


def test_parameter_file_modern_and_bare_give_the_same_values() -> None:
    template = CREDENTIAL_TEMPLATE
    modern = (
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
        'deploymentParameters.json#", "parameters": {"N": {"value": "Cred"}}}'
    )
    bare = '{"n": {"value": "Cred"}}'
    for body in (modern, bare):
        result = load_text(template, "d/t.json", [("d/t.parameters.json", body)])
        assert [d.name for d in result.declarations] == ["Cred"]


def test_parameter_file_values_are_never_evaluated() -> None:
    template = CREDENTIAL_TEMPLATE
    result = load_text(template, "t.json", [("t.parameters.json", '{"n": {"value": "[x]"}}')])
    assert [d.name for d in result.declarations] == ["[x]"]


def test_key_vault_reference_stays_unknown() -> None:
    template = CREDENTIAL_TEMPLATE.replace('"string"', '"string", "defaultValue": "d"')
    params = '{"n": {"reference": {"keyVault": {"id": "kv"}, "secretName": "s"}}}'
    result = load_text(template, "t.json", [("t.parameters.json", params)])
    (declaration,) = result.declarations
    assert declaration.name is None
    assert "Key Vault reference in t.parameters.json" in (declaration.reason or "")


@pytest.mark.parametrize(
    ("template", "parameter_files", "expected"),
    [
        ("a/deploy.json", ["a/deploy.parameters.json", "b/deploy.parameters.json"], [0]),
        ("a/deploy.json", ["a/DEPLOY.Parameters.prod.json", "a/deploy-parameters.json"], [0, 1]),
        ("a/deploy.json", ["a/deploy.params.json"], [0]),
        ("a/main.json", ["a/azuredeploy.parameters.json"], [0]),
        ("a/main.json", ["a/other.parameters.json", "a/main.parameters.json"], [1]),
        ("deploy.json", ["deploy.parameters.json"], [0]),
        ("a/x.json", [], []),
    ],
)
def test_parameter_file_pairing(
    template: str, parameter_files: list[str], expected: list[int]
) -> None:
    context = LoadContext(parameter_files=[(p, JObject()) for p in parameter_files])
    found = [p for p, _ in arm.parameter_files_for(template, context)]
    assert found == [parameter_files[i] for i in expected]


def test_orphan_parameter_file_skips_templates_it_names() -> None:
    files = {
        "a/one.json": InventoryFile("a/one.json", "", "arm"),
        "a/two.json": InventoryFile("a/two.json", "", "arm"),
    }
    context = LoadContext(
        parameter_files=[("a/two.parameters.json", JObject()), ("a/shared.json", JObject())],
        files=files,
    )
    assert [p for p, _ in arm.parameter_files_for("a/one.json", context)] == ["a/shared.json"]
    assert [p for p, _ in arm.parameter_files_for("a/two.json", context)] == [
        "a/two.parameters.json"
    ]


def test_nested_deployments_are_bounded() -> None:
    inner = '{"type": "Microsoft.Automation/automationAccounts", "name": "deep"}'
    for _ in range(arm.MAX_DEPLOYMENT_DEPTH + 2):
        inner = (
            '{"type": "Microsoft.Resources/deployments", "name": "d", '
            f'"properties": {{"template": {{"resources": [{inner}]}}}}}}'
        )
    result = load_text(f'{{"resources": [{inner}]}}')
    assert result.declarations == []
    assert any("nested too deeply" in p.message for p in result.problems)


# --------------------------------------------------------------------------- evaluator

PARAMETERS = loads(
    """{
  "account": {"type": "string", "defaultValue": "acct"},
  "Location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
  "conn": {"type": "string"},
  "derived": {"type": "string", "defaultValue": "[concat(parameters('conn'), '-x')]"},
  "list": {"type": "array", "defaultValue": [{"name": "One"}, {"name": "Two"}]},
  "secret": {"type": "securestring", "defaultValue": "hunter2"},
  "loop": {"type": "string", "defaultValue": "[parameters('loop')]"}
}"""
)
VARIABLES = loads(
    """{
  "dsc": {"xAD": {"ModuleName": "xActiveDirectory", "url": "[concat(parameters('account'), '!')]"}},
  "a": "[variables('b')]",
  "b": "[variables('a')]",
  "items": ["p", "q"],
  "copy": [{"name": "disks", "count": 2, "input": {}}]
}"""
)


def evaluator(**kwargs: Any) -> Evaluator:
    return Evaluator(PARAMETERS, VARIABLES, template_path="t.json", **kwargs)


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("plain", "plain"),
        ("[[literal]", "[literal]"),
        ("[[", "["),
        ("parameters('x')]", "parameters('x')]"),
        ("[ 'spaced' ]", "spaced"),
        ("['it''s']", "it's"),
        ("[parameters('ACCOUNT')]", "acct"),
        ("[PARAMETERS('account')]", "acct"),
        ("[concat(parameters('account'), '/', 'c')]", "acct/c"),
        ("[concat('n', 1)]", "n1"),
        ("[concat(variables('items'), createArray('r'))]", ["p", "q", "r"]),
        ("[format('{0}/{1}', 'a', 'b')]", "a/b"),
        ("[format('{{{0}}}', 'x')]", "{x}"),
        ("[toLower('ABC')]", "abc"),
        ("[toUpper('abc')]", "ABC"),
        ("[string(42)]", "42"),
        ("[string(variables('items'))]", '["p","q"]'),
        ("[variables('DSC').xad.moduleName]", "xActiveDirectory"),
        ("[variables('dsc')['xAD'].ModuleName]", "xActiveDirectory"),
        ("[variables('dsc').xAD.url]", "acct!"),
        ("[parameters('list')[1].name]", "Two"),
        ("[length(parameters('list'))]", 2),
        ("[first(variables('items'))]", "p"),
        ("[last(variables('items'))]", "q"),
        ("[take('abcdef', 3)]", "abc"),
        ("[skip('abcdef', 4)]", "ef"),
        ("[replace('a-b-c', '-', '_')]", "a_b_c"),
        ("[trim('  x ')]", "x"),
        ("[if(equals(parameters('account'), 'acct'), 'yes', 'no')]", "yes"),
        ("[if(empty(''), 'e', 'f')]", "e"),
        ("[not(true())]", False),
        ("[bool('True')]", True),
        ("[int('7')]", 7),
        ("[variables('dsc')?.missing]", None),
        ("[-3]", -3),
    ],
)
def test_evaluate(expression: str, value: Any) -> None:
    assert evaluator().evaluate(expression) == value


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("[parameters('conn')]", "parameter 'conn' has no default value; pass a parameter file"),
        ("[parameters('nope')]", "parameter 'nope' is not declared in the template"),
        ("[parameters('derived')]", "parameter 'conn' has no default value"),
        ("[parameters('location')]", "uses resourceGroup(), known only at deployment"),
        ("[uniqueString(resourceGroup().id)]", "uses uniqueString(), known only at deployment"),
        ("[concat('DSC-', take(guid(resourceGroup().id), 5))]", "uses guid(), known only"),
        ("[subscription().subscriptionId]", "uses subscription(), known only at deployment"),
        ("[newGuid()]", "uses newGuid()"),
        ("[utcNow()]", "uses utcNow()"),
        ("[reference('x').outputs]", "uses reference()"),
        ("[listKeys('x', '2020-01-01').keys[0].value]", "uses listKeys()"),
        ("[deployment().name]", "uses deployment()"),
        ("[base64('x')]", "uses base64(), which is not evaluated statically"),
        ("[ns.helper('x')]", "uses the user-defined function ns.helper()"),
        ("[variables('a')]", "refers to itself"),
        ("[parameters('loop')]", "parameter 'loop' refers to itself"),
        ("[variables('disks')]", "variable 'disks' is built by a copy loop"),
        ("[variables('none')]", "variable 'none' is not declared in the template"),
        ("[variables('items')[5]]", "index 5 is outside the array (length 2)"),
        ("[variables('dsc').nothing]", "the object has no property 'nothing'"),
        ("[copyIndex()]", "copyIndex() is used outside a copy loop"),
        ("[format('{0:D2}', 1)]", "format specifier"),
        ("[concat('a', ]", "malformed expression"),
        ("[concat('a']", "malformed expression"),
        ("['unterminated]", "malformed expression: unterminated string"),
        ("[]", "malformed expression: empty expression"),
        ("[a b]", "malformed expression"),
        ("[concat('a') extra]", "malformed expression"),
        ("[#]", "malformed expression"),
    ],
)
def test_unresolved(expression: str, reason: str) -> None:
    with pytest.raises(Unresolved) as caught:
        evaluator().evaluate(expression)
    assert reason in caught.value.reason


def test_expression_error_is_unresolved() -> None:
    with pytest.raises(ExpressionError):
        parse("[concat(]")
    assert issubclass(ExpressionError, Unresolved)


def test_parameter_file_wins_and_reports_origin() -> None:
    supplied = {"conn": Supplied(escape_literal("[FromFile]"), "t.parameters.json", 4)}
    ev = evaluator(supplied=supplied, supplied_from="t.parameters.json")
    value, origins = ev.evaluate_tracked("[concat(parameters('conn'), '/', parameters('secret'))]")
    assert value == "[FromFile]/hunter2"
    assert [(o.parameter, o.via, o.path, o.line, o.secure) for o in origins] == [
        ("conn", "file", "t.parameters.json", 4, False),
        ("secret", "default", "t.json", PARAMETERS["secret"].line, True),
    ]
    other = evaluator(
        supplied={"account": Supplied("a", "t.parameters.json", 3)},
        supplied_from="t.parameters.json",
    )
    with pytest.raises(Unresolved, match=r"t\.parameters\.json does not set it"):
        other.evaluate("[parameters('derived')]")


def test_copy_scope() -> None:
    ev = evaluator()
    with ev.copy_scope("myLoop", 1):
        assert ev.evaluate("[parameters('list')[copyIndex()].name]") == "Two"
        assert ev.evaluate("[copyIndex('MyLoop', 10)]") == 11
        with pytest.raises(Unresolved, match="outside copy loop 'other'"):
            ev.evaluate("[copyIndex('other')]")
    with pytest.raises(Unresolved):
        ev.evaluate("[copyIndex()]")


@pytest.mark.parametrize(
    ("expression", "parts"),
    [
        ("literal/x", ["literal/x"]),
        ("[concat('a', '/', 'b')]", ["a/b"]),
        ("[concat(parameters('conn'), '/', parameters('account'))]", [None, "/acct"]),
        (
            "[format('{0}/{1}-rb', parameters('account'), parameters('conn'))]",
            ["acct/", None, "-rb"],
        ),
        ("[toLower(concat('AB', parameters('conn')))]", ["ab", None]),
        ("[parameters('derived')]", [None, "-x"]),
        ("[uniqueString('x')]", [None]),
        ("[concat('a'", ["[concat('a'"]),
        ("[concat(]", [None]),
    ],
)
def test_parts(expression: str, parts: list[str | None]) -> None:
    got = evaluator().parts(expression)
    assert [None if isinstance(p, Unknown) else p for p in got] == parts


def test_is_expression() -> None:
    assert is_expression("[x()]")
    assert not is_expression("[[x()]")
    assert not is_expression("x()]")
    assert not is_expression("[x()")
    assert not is_expression(3)


def test_limits() -> None:
    with pytest.raises(ExpressionError, match="too long"):
        parse("[" + "'a'," * MAX_EXPRESSION_LENGTH + "]")
    deep = "[" + "concat(" * 200 + "'x'" + ")" * 200 + "]"
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse(deep)
    # Variables that double at every step: bounded by the value size.
    variables = {"v0": "[concat('ab', 'cd')]"}
    for i in range(1, 40):
        variables[f"v{i}"] = f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
    with pytest.raises(Unresolved, match="too large"):
        Evaluator({}, variables).evaluate("[variables('v39')]")
    # A long chain of variables: bounded by the evaluation depth.
    chain = {f"c{i}": f"[variables('c{i + 1}')]" for i in range(500)}
    chain["c500"] = "end"
    with pytest.raises(Unresolved, match="nested too deeply"):
        Evaluator({}, chain).evaluate("[variables('c0')]")


TOKENS = [*"[]()',. ?abcpvx019{}/-", "parameters(", "variables(", "concat(", "format("]
TOKENS += ["copyIndex(", "'account'", "'dsc'", "'list'", "'a'", "toLower(", "guid("]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_evaluator_never_raises_anything_else(text: str) -> None:
    ev = evaluator()
    for candidate in (text, f"[{text}]"):
        with contextlib.suppress(Unresolved):
            ev.evaluate(candidate)
        ev.parts(candidate)


# --------------------------------------------------------------------------- samples

KIND_MAP = {
    "automationAccount": "account",
    "configuration": "dsc_configuration",
    "connectionType": "connection_type",
}


@pytest.mark.samples
@pytest.mark.skipif(not SAMPLES.is_dir(), reason=samples_missing("inventory"))
def test_conformance_with_public_samples() -> None:
    labels = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    files = [f for f in labels["files"] if f["file"].startswith("arm/")]
    assert files
    inventory = load_inventory([str(SAMPLES / "arm")], cwd=SAMPLES)
    assert not inventory.problems
    actual = sorted(
        (d.source.path, d.source.line, d.kind, d.name, d.raw) for d in inventory.user_declarations
    )
    wanted = sorted(
        (
            entry["file"],
            asset["line"],
            KIND_MAP.get(asset["kind"], asset["kind"]),
            asset["name"],
            asset["raw"],
        )
        for entry in files
        for asset in entry["assets"]
    )
    assert actual == wanted
    by_site = {(d.source.path, d.source.line): d for d in inventory.user_declarations}
    for entry in files:
        for asset in entry["assets"]:
            declaration = by_site[(entry["file"], asset["line"])]
            assert declaration.resolved == (asset["name"] is not None)
            if "connection_type" in asset:
                assert declaration.connection_type == asset["connection_type"]
            if "fields" in asset:
                assert [f.name for f in declaration.fields or ()] == asset["fields"]
            if "runbook_type" in asset:
                assert declaration.runbook_type == asset["runbook_type"]
            if "isEncrypted" in asset:
                assert declaration.encrypted is bool(asset["isEncrypted"])


KEYS = ["type", "name", "resources", "properties", "copy", "count", "existing", "password"]
KEYS += ["isEncrypted", "value", "connectionType", "fieldDefinitionValues", "fieldDefinitions"]
KEYS += ["parameters", "variables", "defaultValue", "template", "expressionEvaluationOptions"]
SCALARS = [
    ACCOUNT,
    f"{ACCOUNT}/connections",
    "connections",
    "Microsoft.Resources/deployments",
    "inner",
    "[parameters('name')]",
    "[variables('type')]",
    "[concat('a/', copyIndex())]",
    "[length(parameters('resources'))]",
    "a/b",
    "x",
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | st.sampled_from(SCALARS),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=5))
def test_loader_never_raises_on_odd_shapes(template: dict[str, Any]) -> None:
    text = json.dumps(template, indent=1)
    result = arm.load(InventoryFile("t.json", text, "arm", loads(text)), LoadContext())
    assert isinstance(result, LoadResult)
    for declaration in result.declarations:
        assert declaration.name is not None or declaration.reason
