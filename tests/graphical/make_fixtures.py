"""Generate ``fixtures/graphical/``: ``.graphrunbook`` files and their expectations.

Run from the repository root::

    python -m tests.graphical.make_fixtures

Every fixture is built with :mod:`tests.graphical.builder`, and its ``X.expected.json`` is
written here by hand from the format notes and the issue text (what a careful reader of
the runbook expects), never from the analyzer's output. ``test_fixtures.py`` checks that
the files on disk are what this script produces and that the analyzer agrees with them.
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from tests.graphical.builder import (
    MODEL_73,
    ActivityOutput,
    AssetValue,
    AutomationCertificate,
    AutomationConnection,
    AutomationCredential,
    AutomationVariable,
    Code,
    Command,
    Comment,
    Constant,
    EmptyStringConstant,
    Expression,
    GraphBuilder,
    InvokeRunbook,
    Junction,
    Link,
    NullConstant,
    Parameter,
    Runbook,
    RunbookParameter,
    UnknownActivity,
    UnknownDescriptor,
    build_graph,
    container,
    export,
    payload,
)
from tests.graphical.nrbf_writer import serialize_with_info

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "fixtures" / "graphical"
ANY = "*"  # expectation wildcard: any non-empty string

_ASSET_CMDLETS = (
    ("Get-AutomationConnection", "connection", "get"),
    ("Get-AutomationVariable", "variable", "get"),
    ("Get-AutomationPSCredential", "credential", "get"),
    ("Get-AutomationCertificate", "certificate", "get"),
    ("Set-AutomationVariable", "variable", "set"),
)
_NOUN_KIND = {
    "Variable": "variable",
    "Connection": "connection",
    "Credential": "credential",
    "Certificate": "certificate",
}


@dataclass
class Fixture:
    name: str
    data: bytes
    expected: dict[str, Any]


class Expect:
    """Collects the expected facts of one runbook."""

    def __init__(self, spec: Runbook | None, schema: str = "1.10") -> None:
        self.ids = GraphBuilder(spec, schema).entity_ids if spec is not None else {}
        self.refs: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.field_uses: list[dict[str, Any]] = []
        self.parameter_uses: list[dict[str, Any]] = []
        self.problems: list[dict[str, Any]] = []

    def where(self, activity: str, parameter: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {"activity": activity, "parameter": parameter}
        if activity in self.ids:
            out["entity_id"] = self.ids[activity]
        return out

    def ref(
        self,
        kind: str,
        operation: str,
        callee: str,
        activity: str,
        parameter: str | None,
        *,
        name: str | None = None,
        expression: str | None = None,
        resolved: str | None = None,
        enumeration: bool = False,
    ) -> None:
        if enumeration:
            value: dict[str, Any] = {
                "name": None,
                "dynamic": None,
                "expression": None,
                "resolved": None,
            }
        elif name is not None:
            value = {"name": name, "dynamic": False, "expression": None, "resolved": None}
        else:
            value = {"name": None, "dynamic": True, "expression": expression, "resolved": resolved}
        self.refs.append(
            {
                "kind": kind,
                "operation": operation,
                "callee": callee,
                **value,
                "enumeration": enumeration,
                **self.where(activity, parameter),
            }
        )

    def binding(self, noun: str, name: str, activity: str, parameter: str) -> None:
        """A parameter bound straight to an asset through ``Automation{noun}ValueDescriptor``."""
        self.ref(
            _NOUN_KIND[noun],
            "get",
            f"Automation{noun}ValueDescriptor",
            activity,
            parameter,
            name=name,
        )

    def call(
        self,
        callee: str,
        form: str,
        activity: str,
        parameter: str | None,
        *,
        child: str | None = None,
        expression: str | None = None,
        resolved: str | None = None,
    ) -> None:
        self.calls.append(
            {
                "callee": callee,
                "form": form,
                "child": child,
                "dynamic": child is None,
                "expression": expression,
                "resolved": resolved,
                **self.where(activity, parameter),
            }
        )

    def field(
        self, field: str, lookup: tuple[str, str | None], activity: str, parameter: str
    ) -> None:
        self.field_uses.append(
            {"field": field, "lookup": list(lookup), "activity": activity, "parameter": parameter}
        )

    def parameter_use(self, name: str, activity: str, parameter: str) -> None:
        self.parameter_uses.append({"name": name, "activity": activity, "parameter": parameter})

    def problem(
        self,
        code: str,
        fragment: str | list[str],
        activity: str | None = None,
        parameter: str | None = None,
    ) -> None:
        """A problem whose message contains ``fragment``; at ``activity`` (and
        ``parameter``) when given, else a problem of the whole file."""
        item: dict[str, Any] = {"code": code, "message_contains": fragment}
        item["activity"] = activity
        item["parameter"] = parameter
        self.problems.append(item)

    def result(
        self,
        description: str,
        name: str,
        kind: str,
        parameters: list[Parameter],
        undeclared: list[str] | None = None,
    ) -> dict[str, Any]:
        return {
            "description": description,
            "runbook": {
                "name": name,
                "kind": kind,
                "parameters": [
                    {
                        "name": p.name,
                        "default": p.default if isinstance(p.default, str) else None,
                        "mandatory": not p.optional,
                    }
                    for p in parameters
                ],
            },
            "references": self.refs,
            "calls": self.calls,
            "field_uses": self.field_uses,
            "parameter_uses": self.parameter_uses,
            "undeclared_parameters": undeclared or [],
            "problems": self.problems,
        }


def _chain(names: list[str]) -> list[Link]:
    return [Link(a, b) for a, b in pairwise(names)]


def _names(spec: Runbook) -> list[str]:
    return [a.name for a in spec.activities]


def _runbook(seed: str, **kwargs: Any) -> Runbook:
    spec = Runbook(seed=seed, **kwargs)
    if not spec.links:
        spec.links = _chain(_names(spec))
    return spec


# ----------------------------------------------------------------- valid runbooks
def asset_cmdlets_constant() -> list[Fixture]:
    name = "asset-cmdlets-constant"
    spec = _runbook(
        name,
        activities=[
            Command(
                "Get Run As Connection",
                "Get-AutomationConnection",
                "",
                {"Name": Constant("AzureRunAsConnection")},
            ),
            Command(
                "Get Subscription Id",
                "Get-AutomationVariable",
                "Orchestrator.AssetManagement.Cmdlets",
                {"Name": Constant("SubscriptionId")},
                parameter_set="Name",
            ),
            Command(
                "Get SQL Credential",
                "Get-AutomationPSCredential",
                "",
                {"Name": Constant("SqlCredential")},
            ),
            Command(
                "Get Web Certificate",
                "get-automationcertificate",
                "Orchestrator.AssetManagement.Cmdlets",
                {"Name": Constant("WebCertificate")},
                parameter_set="Name",
            ),
            Command(
                "Record Last Run",
                "Set-AutomationVariable",
                "",
                {"Name": Constant("LastRun"), "Value": Expression("(Get-Date).ToString('o')")},
            ),
            Command(
                "Say done",
                "Write-Output",
                "Microsoft.PowerShell.Utility",
                {"InputObject": Constant("done")},
            ),
        ],
    )
    e = Expect(spec)
    e.ref(
        "connection",
        "get",
        "Get-AutomationConnection",
        "Get Run As Connection",
        "Name",
        name="AzureRunAsConnection",
    )
    e.ref(
        "variable",
        "get",
        "Get-AutomationVariable",
        "Get Subscription Id",
        "Name",
        name="SubscriptionId",
    )
    e.ref(
        "credential",
        "get",
        "Get-AutomationPSCredential",
        "Get SQL Credential",
        "Name",
        name="SqlCredential",
    )
    e.ref(
        "certificate",
        "get",
        "get-automationcertificate",
        "Get Web Certificate",
        "Name",
        name="WebCertificate",
    )
    e.ref("variable", "set", "Set-AutomationVariable", "Record Last Run", "Name", name="LastRun")
    expected = e.result(
        "Each asset cmdlet as a command activity with a constant Name; ModuleName empty and "
        "Orchestrator.AssetManagement.Cmdlets; one CommandName in lower case.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec), expected)]


def _matrix_descriptors() -> list[tuple[str, Callable[[str], Any], Callable[..., None]]]:
    """(label, descriptor for a cmdlet noun, expectation writer) for every descriptor kind
    the Name of an asset cmdlet can have."""

    def constant(kind: str) -> Any:
        return Constant(f"{kind}-constant")

    def expect_constant(e: Expect, kind: str, op: str, cmd: str, act: str) -> None:
        e.ref(kind, op, cmd, act, "Name", name=f"{kind}-constant")

    def null(kind: str) -> Any:
        return NullConstant()

    def expect_null(e: Expect, kind: str, op: str, cmd: str, act: str) -> None:
        e.ref(kind, op, cmd, act, "Name", expression="$null")

    def parameter_with_default(kind: str) -> Any:
        return RunbookParameter(f"{kind.capitalize()}NameWithDefault")

    def expect_parameter_with_default(e: Expect, kind: str, op: str, cmd: str, act: str) -> None:
        parameter = f"{kind.capitalize()}NameWithDefault"
        e.ref(kind, op, cmd, act, "Name", expression=f"${parameter}", resolved=f"{kind}-default")
        e.parameter_use(parameter, act, "Name")

    def parameter_without_default(kind: str) -> Any:
        return RunbookParameter(f"{kind.capitalize()}NameRequired")

    def expect_parameter_without_default(e: Expect, kind: str, op: str, cmd: str, act: str) -> None:
        parameter = f"{kind.capitalize()}NameRequired"
        e.ref(kind, op, cmd, act, "Name", expression=f"${parameter}")
        e.parameter_use(parameter, act, "Name")

    def output(kind: str) -> Any:
        return ActivityOutput("Read Config", (f"{kind.capitalize()}Name",))

    def expect_output(e: Expect, kind: str, op: str, cmd: str, act: str) -> None:
        e.ref(
            kind,
            op,
            cmd,
            act,
            "Name",
            expression=f"$ActivityOutput['Read Config'].{kind.capitalize()}Name",
        )

    def literal_expression(kind: str) -> Any:
        return Expression(f"'{kind}-expression'")

    def expect_literal_expression(e: Expect, kind: str, op: str, cmd: str, act: str) -> None:
        e.ref(
            kind,
            op,
            cmd,
            act,
            "Name",
            expression=f"'{kind}-expression'",
            resolved=f"{kind}-expression",
        )

    def expandable_expression(kind: str) -> Any:
        return Expression(f'"{kind}-$Environment"')

    def expect_expandable_expression(e: Expect, kind: str, op: str, cmd: str, act: str) -> None:
        e.ref(kind, op, cmd, act, "Name", expression=f'"{kind}-$Environment"')

    out: list[tuple[str, Callable[[str], Any], Callable[..., None]]] = [
        ("Constant", constant, expect_constant),
        ("NullConstant", null, expect_null),
        ("RunbookParameter with default", parameter_with_default, expect_parameter_with_default),
        (
            "RunbookParameter without default",
            parameter_without_default,
            expect_parameter_without_default,
        ),
        ("ActivityOutput", output, expect_output),
        ("PowerShellExpression literal", literal_expression, expect_literal_expression),
        ("PowerShellExpression expandable", expandable_expression, expect_expandable_expression),
    ]
    for noun in ("Variable", "Connection", "Credential", "Certificate"):

        def asset(kind: str, noun: str = noun) -> Any:
            return AssetValue(noun, f"{noun}-holding-{kind}-name")

        def expect_asset(
            e: Expect, kind: str, op: str, cmd: str, act: str, noun: str = noun
        ) -> None:
            # The name is the value of another asset: dynamic; that asset is a dependency.
            e.ref(kind, op, cmd, act, "Name", expression=ANY)
            e.binding(noun, f"{noun}-holding-{kind}-name", act, "Name")

        out.append((f"Automation{noun}ValueDescriptor", asset, expect_asset))
    return out


def name_descriptor_matrix() -> list[Fixture]:
    name = "name-descriptor-matrix"
    parameters = []
    for _, kind, _ in _ASSET_CMDLETS:
        with_default = f"{kind.capitalize()}NameWithDefault"
        if all(p.name != with_default for p in parameters):
            parameters.append(Parameter(with_default, default=f"{kind}-default"))
            parameters.append(Parameter(f"{kind.capitalize()}NameRequired", optional=False))
    parameters.append(Parameter("Environment", default="prod"))
    activities: list[Any] = [
        Code("Read Config", process="Write-Output ([pscustomobject]@{ ConnectionName = 'x' })")
    ]
    spec = _runbook(name, parameters=parameters, activities=activities)
    rows = []
    for command, kind, operation in _ASSET_CMDLETS:
        for label, make, expect in _matrix_descriptors():
            activity = f"{command} Name from {label}"
            bound: dict[str, Any] = {"Name": make(kind)}
            if operation == "set":
                bound["Value"] = Constant("new value")
            activities.append(Command(activity, command, "", bound))
            rows.append((expect, kind, operation, command, activity))
    spec.links = _chain(_names(spec))
    e = Expect(spec)
    for expect, kind, operation, command, activity in rows:
        expect(e, kind, operation, command, activity)
    expected = e.result(
        "Every value descriptor kind as the Name of Get-AutomationConnection, "
        "Get-AutomationVariable, Get-AutomationPSCredential, Get-AutomationCertificate and "
        "Set-AutomationVariable.",
        name,
        "graphical",
        parameters,
    )
    return [Fixture(name, export(spec), expected)]


def name_empty_string_constant() -> list[Fixture]:
    name = "name-empty-string-constant"
    spec = _runbook(
        name,
        activities=[
            Command(f"{command} with ''", command, "", {"Name": EmptyStringConstant()})
            for command, _, _ in _ASSET_CMDLETS
        ],
    )
    e = Expect(spec)
    for command, kind, operation in _ASSET_CMDLETS:
        # '' is a constant: the literal empty name, as `-Name ''` in a script.
        e.ref(kind, operation, command, f"{command} with ''", "Name", name="")
    expected = e.result(
        "EmptyStringConstantValueDescriptor as the Name: a literal empty string.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec), expected)]


def name_expression_concatenation() -> list[Fixture]:
    name = "name-expression-concatenation"
    spec = _runbook(
        name,
        activities=[
            Command(
                "Get credential by concatenation",
                "Get-AutomationPSCredential",
                "",
                {"Name": Expression("'Sql' + 'Admin'")},
            ),
            Command(
                "Get variable by method call",
                "Get-AutomationVariable",
                "",
                {"Name": Expression("'prefix'.ToUpper() + 'suffix'")},
            ),
        ],
    )
    e = Expect(spec)
    # Not one quoted string: dynamic, the expression kept, no resolved value (and certainly
    # not the text between the outer quotes).
    e.ref(
        "credential",
        "get",
        "Get-AutomationPSCredential",
        "Get credential by concatenation",
        "Name",
        expression="'Sql' + 'Admin'",
    )
    e.ref(
        "variable",
        "get",
        "Get-AutomationVariable",
        "Get variable by method call",
        "Name",
        expression="'prefix'.ToUpper() + 'suffix'",
    )
    expected = e.result(
        "PowerShell expression names that begin and end with a quote but are not one string.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec), expected)]


def runbook_parameters() -> list[Fixture]:
    name = "runbook-parameters"
    parameters = [
        Parameter("ConnectionName", default="AzureRunAsConnection"),
        Parameter("CredentialName", optional=False),
        Parameter("CertificateName", default="WebCertificate", description="certificate asset"),
        Parameter("Retries", type_name="System.Int32", default=3),
        Parameter("WhatIf", type_name="System.Boolean", default=False),
    ]
    spec = _runbook(
        name,
        parameters=parameters,
        activities=[
            Command(
                "Get connection",
                "Get-AutomationConnection",
                "",
                {"Name": RunbookParameter("ConnectionName")},
            ),
            Command(
                "Get credential",
                "Get-AutomationPSCredential",
                "",
                {"Name": RunbookParameter("CredentialName")},
            ),
            Command(
                "Get certificate",
                "Get-AutomationCertificate",
                "",
                {"Name": RunbookParameter("certificatename")},
            ),
            Command(
                "Get variable",
                "Get-AutomationVariable",
                "",
                {"Name": RunbookParameter("VariableNmae")},
            ),
            Command(
                "Wait",
                "Start-Sleep",
                "Microsoft.PowerShell.Utility",
                {"Seconds": RunbookParameter("Retries")},
            ),
        ],
    )
    e = Expect(spec)
    e.ref(
        "connection",
        "get",
        "Get-AutomationConnection",
        "Get connection",
        "Name",
        expression="$ConnectionName",
        resolved="AzureRunAsConnection",
    )
    e.ref(
        "credential",
        "get",
        "Get-AutomationPSCredential",
        "Get credential",
        "Name",
        expression="$CredentialName",
    )
    # Parameter names are case-insensitive: the default of CertificateName applies.
    e.ref(
        "certificate",
        "get",
        "Get-AutomationCertificate",
        "Get certificate",
        "Name",
        expression="$certificatename",
        resolved="WebCertificate",
    )
    # Misspelt, undeclared parameter: no default to resolve to; reported as undeclared.
    e.ref(
        "variable",
        "get",
        "Get-AutomationVariable",
        "Get variable",
        "Name",
        expression="$VariableNmae",
    )
    e.parameter_use("ConnectionName", "Get connection", "Name")
    e.parameter_use("CredentialName", "Get credential", "Name")
    e.parameter_use("certificatename", "Get certificate", "Name")
    e.parameter_use("VariableNmae", "Get variable", "Name")
    e.parameter_use("Retries", "Wait", "Seconds")
    expected = e.result(
        "Names from runbook parameters: with a default, without one, in different case, "
        "and an undeclared (misspelt) parameter; non-string parameter defaults.",
        name,
        "graphical",
        parameters,
        undeclared=["VariableNmae"],
    )
    return [Fixture(name, export(spec), expected)]


def direct_bindings() -> list[Fixture]:
    name = "direct-bindings"
    spec = _runbook(
        name,
        activities=[
            Command(
                "Select subscription",
                "Set-AzContext",
                "Az.Accounts",
                {"SubscriptionId": AutomationVariable("SubscriptionId")},
            ),
            Command(
                "Sign in",
                "Connect-AzAccount",
                "Az.Accounts",
                {
                    "Credential": AutomationCredential("AzureAdmin"),
                    "Tenant": Constant("contoso.onmicrosoft.com"),
                },
            ),
            Command(
                "Call API",
                "Invoke-RestMethod",
                "Microsoft.PowerShell.Utility",
                {
                    "Uri": Constant("https://example.invalid/api"),
                    "Certificate": AutomationCertificate("ApiClientCertificate"),
                },
            ),
            Command(
                "Open session",
                "Connect-Thing",
                "ThingModule",
                {"Connection": AutomationConnection("ThingConnection")},
            ),
            InvokeRunbook(
                "Run worker",
                "Child-Worker",
                {"Credential": AutomationCredential("WorkerCredential")},
            ),
        ],
    )
    e = Expect(spec)
    e.binding("Variable", "SubscriptionId", "Select subscription", "SubscriptionId")
    e.binding("Credential", "AzureAdmin", "Sign in", "Credential")
    e.binding("Certificate", "ApiClientCertificate", "Call API", "Certificate")
    e.binding("Connection", "ThingConnection", "Open session", "Connection")
    e.binding("Credential", "WorkerCredential", "Run worker", "Credential")
    e.call("Child-Worker", "graphical", "Run worker", None, child="Child-Worker")
    expected = e.result(
        "Parameters bound straight to assets through the four Automation*ValueDescriptor "
        "classes, with no lookup activity.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec), expected)]


def management_cmdlets() -> list[Fixture]:
    name = "management-cmdlets"
    account = {
        "ResourceGroupName": Constant("rg-automation"),
        "AutomationAccountName": Constant("aa-prod"),
    }
    parameters = [Parameter("CredentialName", default="AdminCredential")]
    spec = _runbook(
        name,
        parameters=parameters,
        activities=[
            Command(
                "Get connection via ARM",
                "Get-AzAutomationConnection",
                "Az.Automation",
                {**account, "Name": Constant("AzureRunAsConnection")},
                parameter_set="ByName",
            ),
            Command(
                "List connections",
                "Get-AzAutomationConnection",
                "Az.Automation",
                dict(account),
                parameter_set="ByAll",
            ),
            Command(
                "List variables",
                "Get-AzureRmAutomationVariable",
                "AzureRM.Automation",
                dict(account),
                parameter_set="ByAll",
            ),
            Command(
                "Get credential via ARM",
                "Get-AzAutomationCredential",
                "Az.Automation",
                {**account, "Name": RunbookParameter("CredentialName")},
                parameter_set="ByName",
            ),
        ],
    )
    e = Expect(spec)
    e.ref(
        "connection",
        "management",
        "Get-AzAutomationConnection",
        "Get connection via ARM",
        "Name",
        name="AzureRunAsConnection",
    )
    e.ref(
        "connection",
        "management",
        "Get-AzAutomationConnection",
        "List connections",
        None,
        enumeration=True,
    )
    e.ref(
        "variable",
        "management",
        "Get-AzureRmAutomationVariable",
        "List variables",
        None,
        enumeration=True,
    )
    e.ref(
        "credential",
        "management",
        "Get-AzAutomationCredential",
        "Get credential via ARM",
        "Name",
        expression="$CredentialName",
        resolved="AdminCredential",
    )
    e.parameter_use("CredentialName", "Get credential via ARM", "Name")
    expected = e.result(
        "Management cmdlets as activities: with a Name (a lookup through ARM) and without "
        "(an enumeration: no name, not a dependency).",
        name,
        "graphical",
        parameters,
    )
    return [Fixture(name, export(spec), expected)]


def runas_field_paths() -> list[Fixture]:
    name = "runas-field-paths"
    conn = "Get Run As Connection"

    def out(field: str, activity: str = conn) -> ActivityOutput:
        return ActivityOutput(activity, (field,))

    spec = _runbook(
        name,
        activities=[
            Command(
                conn, "Get-AutomationConnection", "", {"Name": Constant("AzureRunAsConnection")}
            ),
            Command(
                "Login with AzureRM",
                "Add-AzureRmAccount",
                "AzureRM.Profile",
                {
                    "ServicePrincipal": Constant(True),
                    "ApplicationId": out("ApplicationId"),
                    "CertificateThumbprint": out("CertificateThumbprint"),
                    "TenantId": out("TenantId", "get run as connection"),
                },
                parameter_set="ServicePrincipalCertificate",
            ),
            Command(
                "Login with Az",
                "Connect-AzAccount",
                "Az.Accounts",
                {
                    "ServicePrincipal": Constant(True),
                    "ApplicationId": out("ApplicationId"),
                    "CertificateThumbprint": out("CertificateThumbprint"),
                    "Tenant": out("TenantId"),
                },
                parameter_set="ServicePrincipalCertificateWithSubscriptionId",
            ),
            Command(
                "Select subscription",
                "Set-AzContext",
                "Az.Accounts",
                {
                    "SubscriptionId": out("SubscriptionId"),
                    "Tenant": Expression(f"$ActivityOutput['{conn}'].TenantId"),
                },
            ),
            Command("Get VMs", "Get-AzVM", "Az.Compute"),
            Command(
                "Stop VM",
                "Stop-AzVM",
                "Az.Compute",
                {
                    "Name": out("Name", "Get VMs"),
                    "ResourceGroupName": out("ResourceGroupName", "Get VMs"),
                    "Force": Constant(True),
                },
            ),
            Code(
                "Handle error",
                process="# AzureRunAsConnection may be missing\nthrow $Error[0].Exception.Message",
            ),
        ],
        links=[
            Link(conn, "Login with AzureRM", link_type="Pipeline"),
            Link("Login with AzureRM", "Login with Az"),
            Link("Login with Az", "Select subscription"),
            Link("Select subscription", "Get VMs"),
            Link("Get VMs", "Stop VM", link_type="Pipeline"),
            Link(conn, "Handle error", stream="Error"),
        ],
    )
    e = Expect(spec, "1.9")
    e.ref(
        "connection", "get", "Get-AutomationConnection", conn, "Name", name="AzureRunAsConnection"
    )
    lookup = (conn, "Name")
    e.field("ApplicationId", lookup, "Login with AzureRM", "ApplicationId")
    e.field("CertificateThumbprint", lookup, "Login with AzureRM", "CertificateThumbprint")
    e.field(
        "TenantId", lookup, "Login with AzureRM", "TenantId"
    )  # activity names are case-insensitive
    e.field("ApplicationId", lookup, "Login with Az", "ApplicationId")
    e.field("CertificateThumbprint", lookup, "Login with Az", "CertificateThumbprint")
    e.field("TenantId", lookup, "Login with Az", "Tenant")
    e.field("SubscriptionId", lookup, "Select subscription", "SubscriptionId")
    e.field(
        "TenantId", lookup, "Select subscription", "Tenant"
    )  # $ActivityOutput[...] in an expression
    expected = e.result(
        "Schema 1.9 Run As sign-in: fields of the connection read through "
        "ActivityOutputValueDescriptor field paths and $ActivityOutput in an expression.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec, "1.9"), expected)]


def activity_output_in_comment() -> list[Fixture]:
    name = "activity-output-in-comment"
    conn = "Get Run As Connection"
    spec = _runbook(
        name,
        activities=[
            Command(
                conn, "Get-AutomationConnection", "", {"Name": Constant("AzureRunAsConnection")}
            ),
            Code(
                "Explain",
                process="\n".join(
                    [
                        f"# Use $ActivityOutput['{conn}'].TenantId for the tenant",
                        f"Write-Output 'not read: $ActivityOutput[''{conn}''].ApplicationId'",
                        f"$tenant = $ActivityOutput['{conn}'].CertificateThumbprint",
                    ]
                ),
            ),
        ],
    )
    e = Expect(spec)
    e.ref(
        "connection", "get", "Get-AutomationConnection", conn, "Name", name="AzureRunAsConnection"
    )
    # Only the last line reads a field; the comment and the single-quoted string do not.
    e.field("CertificateThumbprint", (conn, "Name"), "Explain", "Process")
    expected = e.result(
        "$ActivityOutput[...].Field in code: a real read, one in a comment and one inside a "
        "single-quoted string.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec), expected)]


def code_activities() -> list[Fixture]:
    name = "code-activities"
    process = "\n".join(
        [
            "# $old = Get-AutomationConnection -Name 'CommentedOut'",
            "$conn = Get-AutomationConnection -Name 'AzureRunAsConnection'",
            "if (-not $conn) {",
            '    throw "AzureRunAsConnection not found: '
            "Get-AutomationConnection -Name 'AzureRunAsConnection' failed\"",
            "}",
            "Write-Output $conn.TenantId",
        ]
    )
    end = "\n".join(
        [
            "Write-Output 'Get-AutomationVariable -Name NotACall'",
            "<# Get-AutomationPSCredential -Name 'BlockComment' #>",
            "Start-AzAutomationRunbook -Name 'Child-Report' "
            "-ResourceGroupName 'rg' -AutomationAccountName 'aa'",
        ]
    )
    spec = _runbook(
        name,
        activities=[
            Code(
                "Prepare",
                begin="$prefix = Get-AutomationVariable -Name 'Prefix'",
                process=process,
                end=end,
            ),
            Code(
                "Only mentions",
                process="# Uses the AzureRunAsConnection connection and the Prefix variable\n"
                'Write-Output "Prefix is set"',
            ),
        ],
    )
    e = Expect(spec)
    e.ref("variable", "get", "Get-AutomationVariable", "Prepare", "Begin", name="Prefix")
    e.ref(
        "connection",
        "get",
        "Get-AutomationConnection",
        "Prepare",
        "Process",
        name="AzureRunAsConnection",
    )
    e.field("TenantId", ("Prepare", "Process"), "Prepare", "Process")
    e.call("Start-AzAutomationRunbook", "job", "Prepare", "End", child="Child-Report")
    expected = e.result(
        "Code activities: lookups and a child job started from Begin/Process/End; asset "
        "names in comments and strings are not calls.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec), expected)]


def expression_lookups() -> list[Fixture]:
    name = "expression-lookups"
    spec = _runbook(
        name,
        activities=[
            Command(
                "Select subscription",
                "Set-AzContext",
                "Az.Accounts",
                {"SubscriptionId": Expression("Get-AutomationVariable -Name 'SubscriptionId'")},
            ),
            Command(
                "Write note",
                "Write-Output",
                "Microsoft.PowerShell.Utility",
                {
                    "InputObject": Expression(
                        "# Get-AutomationVariable -Name 'Commented'\n"
                        "'Get-AutomationVariable -Name NotACall'"
                    )
                },
            ),
            Command(
                "Get certificate by looked-up name",
                "Get-AutomationCertificate",
                "",
                {"Name": Expression("(Get-AutomationVariable -Name 'CertificateNameVariable')")},
            ),
        ],
    )
    e = Expect(spec)
    e.ref(
        "variable",
        "get",
        "Get-AutomationVariable",
        "Select subscription",
        "SubscriptionId",
        name="SubscriptionId",
    )
    e.ref(
        "certificate",
        "get",
        "Get-AutomationCertificate",
        "Get certificate by looked-up name",
        "Name",
        expression="(Get-AutomationVariable -Name 'CertificateNameVariable')",
    )
    e.ref(
        "variable",
        "get",
        "Get-AutomationVariable",
        "Get certificate by looked-up name",
        "Name",
        name="CertificateNameVariable",
    )
    expected = e.result(
        "Lookups written inside PowerShellExpressionValueDescriptor text; comments and "
        "strings there are not calls.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec), expected)]


def conditions() -> list[Fixture]:
    name = "conditions"
    spec = _runbook(
        name,
        activities=[
            Command("Get flag", "Get-AutomationVariable", "", {"Name": Constant("FeatureFlag")}),
            Code(
                "Do work",
                process="Write-Output 'work'",
                loop_exit="(Get-AutomationVariable -Name 'LoopDone') -eq 'yes'",
            ),
            Command(
                "Retry",
                "Write-Output",
                "Microsoft.PowerShell.Utility",
                {"InputObject": Constant("retry")},
                loop_exit="# Get-AutomationVariable -Name 'CommentInLoop'\n$RetryCount -gt 3",
            ),
            Junction("Join"),
        ],
        links=[
            Link(
                "Get flag",
                "Do work",
                condition="(Get-AutomationVariable -Name 'WorkEnabled') -eq 'true'",
            ),
            Link(
                "Do work",
                "Retry",
                link_type="Pipeline",
                condition="$ActivityOutput['Do work'] -ne 'Get-AutomationVariable -Name NotACall'"
                " # Get-AutomationConnection -Name 'Comment'",
            ),
            Link("Retry", "Join"),
        ],
    )
    e = Expect(spec)
    e.ref("variable", "get", "Get-AutomationVariable", "Get flag", "Name", name="FeatureFlag")
    e.ref("variable", "get", "Get-AutomationVariable", "Do work", "loop condition", name="LoopDone")
    e.refs.append(
        {
            "kind": "variable",
            "operation": "get",
            "callee": "Get-AutomationVariable",
            "name": "WorkEnabled",
            "dynamic": False,
            "expression": None,
            "resolved": None,
            "enumeration": False,
            "activity": "link Get flag -> Do work",
            "parameter": "condition",
        }
    )
    expected = e.result(
        "Lookups in a link condition and a loop exit condition; comments and strings in "
        "conditions are not calls.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec), expected)]


def child_runbooks() -> list[Fixture]:
    name = "child-runbooks"
    parameters = [
        Parameter("Tag", default="nightly"),
        Parameter("To", optional=False),
        Parameter("ChildName", default="Child-Default"),
    ]
    account = {"ResourceGroupName": Constant("rg"), "AutomationAccountName": Constant("aa")}
    spec = _runbook(
        name,
        parameters=parameters,
        activities=[
            InvokeRunbook(
                "Run cleanup",
                "Child-Cleanup",
                {
                    "VMName": Constant("vm-01"),
                    "Force": Constant(True),
                    "Tag": RunbookParameter("Tag"),
                },
            ),
            InvokeRunbook(
                "Notify the team",
                "Send-Notification",
                {
                    "Recipient": RunbookParameter("To"),
                    "Credential": AutomationCredential("SmtpCredential"),
                },
            ),
            InvokeRunbook("Child-Archive", "Child-Archive"),
            Command(
                "Start report job",
                "Start-AzAutomationRunbook",
                "Az.Automation",
                {"Name": Constant("Child-Report"), **account},
            ),
            Command(
                "Start chosen job",
                "Start-AzAutomationRunbook",
                "Az.Automation",
                {"Name": RunbookParameter("ChildName"), **account},
            ),
        ],
    )
    e = Expect(spec)
    e.call("Child-Cleanup", "graphical", "Run cleanup", None, child="Child-Cleanup")
    e.call("Send-Notification", "graphical", "Notify the team", None, child="Send-Notification")
    e.call("Child-Archive", "graphical", "Child-Archive", None, child="Child-Archive")
    e.call("Start-AzAutomationRunbook", "job", "Start report job", "Name", child="Child-Report")
    e.call(
        "Start-AzAutomationRunbook",
        "job",
        "Start chosen job",
        "Name",
        expression="$ChildName",
        resolved="Child-Default",
    )
    e.binding("Credential", "SmtpCredential", "Notify the team", "Credential")
    e.parameter_use("Tag", "Run cleanup", "Tag")
    e.parameter_use("To", "Notify the team", "Recipient")
    e.parameter_use("ChildName", "Start chosen job", "Name")
    expected = e.result(
        "InvokeRunbookActivity children (the child is RunbookActivityType.CommandName, not the "
        "activity's label) and Start-AzAutomationRunbook activities.",
        name,
        "graphical",
        parameters,
    )
    return [Fixture(name, export(spec), expected)]


def workflow_runbook() -> list[Fixture]:
    name = "workflow-runbook"
    parameters = [Parameter("Target", default="vm-01")]
    spec = _runbook(
        name,
        parameters=parameters,
        activities=[
            Code(
                "Inline work",
                process="InlineScript {\n"
                "    $v = Get-AutomationVariable -Name 'InWorkflow'\n"
                '    Write-Output "$v $Using:Target"\n'
                "}",
            ),
            Command(
                "Get workflow credential",
                "Get-AutomationPSCredential",
                "",
                {"Name": Constant("WorkflowCredential")},
            ),
        ],
    )
    e = Expect(spec)
    e.ref("variable", "get", "Get-AutomationVariable", "Inline work", "Process", name="InWorkflow")
    e.ref(
        "credential",
        "get",
        "Get-AutomationPSCredential",
        "Get workflow credential",
        "Name",
        name="WorkflowCredential",
    )
    expected = e.result(
        "A GraphPowerShellWorkflow runbook: kind graphical-workflow; InlineScript and "
        "$Using: in code.",
        name,
        "graphical-workflow",
        parameters,
    )
    return [Fixture(name, export(spec, runbook_type="GraphPowerShellWorkflow"), expected)]


def _schema_spec(seed: str) -> tuple[Runbook, list[Parameter]]:
    parameters = [
        Parameter("AzureCredentialAssetName", default="AzureCredential"),
        Parameter("ServiceName"),
    ]
    spec = _runbook(
        seed,
        parameters=parameters,
        activities=[
            Command(
                "Get Azure Credential",
                "Get-AutomationPSCredential",
                "",
                {"Name": RunbookParameter("AzureCredentialAssetName")},
            ),
            Command(
                "Get Subscription Id",
                "Get-AutomationVariable",
                "Orchestrator.AssetManagement.Cmdlets",
                {"Name": Constant("AzureSubscriptionId")},
                parameter_set="Name",
            ),
            Command(
                "Connect to Azure",
                "Add-AzureAccount",
                "Azure",
                {"Credential": ActivityOutput("Get Azure Credential")},
            ),
            Command(
                "Get VMs in Service",
                "Get-AzureVM",
                "Azure",
                {"ServiceName": RunbookParameter("ServiceName")},
            ),
            Code(
                "Start VMs",
                process="foreach ($vm in $input) "
                "{ Start-AzureVM -Name $vm.Name -ServiceName $vm.ServiceName }",
            ),
            Junction("Done"),
        ],
        links=[
            Link("Get Azure Credential", "Get Subscription Id"),
            Link("Get Subscription Id", "Connect to Azure"),
            Link("Connect to Azure", "Get VMs in Service", condition="$ServiceName -ne $null"),
            Link("Get VMs in Service", "Start VMs", link_type="Pipeline"),
            Link("Start VMs", "Done"),
            Link("Connect to Azure", "Done", stream="Error"),
        ],
    )
    return spec, parameters


def schema_versions() -> list[Fixture]:
    out = []
    for schema in ("1.0", "1.2", "1.7", "1.9", "1.10"):
        name = f"schema-{schema.replace('.', '-')}"
        spec, parameters = _schema_spec(name)
        e = Expect(spec, schema)
        e.ref(
            "credential",
            "get",
            "Get-AutomationPSCredential",
            "Get Azure Credential",
            "Name",
            expression="$AzureCredentialAssetName",
            resolved="AzureCredential",
        )
        e.ref(
            "variable",
            "get",
            "Get-AutomationVariable",
            "Get Subscription Id",
            "Name",
            name="AzureSubscriptionId",
        )
        e.parameter_use("AzureCredentialAssetName", "Get Azure Credential", "Name")
        e.parameter_use("ServiceName", "Get VMs in Service", "ServiceName")
        runbook_type = "GraphPowerShell"
        expected = e.result(
            f"The same classic-VM runbook in the schema {schema} layout"
            + (" (no RunbookType key)." if schema in ("1.0", "1.2") else "."),
            name,
            "graphical",
            parameters,
        )
        out.append(Fixture(name, export(spec, schema, runbook_type), expected))
    return out


def schema_hand_edited() -> list[Fixture]:
    name = "schema-2-10999"
    spec, parameters = _schema_spec(name)
    e = Expect(spec, "1.10")
    e.ref(
        "credential",
        "get",
        "Get-AutomationPSCredential",
        "Get Azure Credential",
        "Name",
        expression="$AzureCredentialAssetName",
        resolved="AzureCredential",
    )
    e.ref(
        "variable",
        "get",
        "Get-AutomationVariable",
        "Get Subscription Id",
        "Name",
        name="AzureSubscriptionId",
    )
    e.parameter_use("AzureCredentialAssetName", "Get Azure Credential", "Name")
    e.parameter_use("ServiceName", "Get VMs in Service", "ServiceName")
    # The file decodes: every lookup above is a fact, and the version is a note (RB907)
    # that names it and what the content is, not RB902 (which means nothing was read).
    e.problem("RB907", ['schema version "2.10999" is newer', "content is in the schema 1.10 model"])
    expected = e.result(
        'A hand-edited SchemaVersion "2.10999" over a 1.10 payload: read as usual, and the '
        "unknown version noted (RB907, not RB902).",
        name,
        "graphical",
        parameters,
    )
    return [Fixture(name, export(spec, "2.10999"), expected)]


#: A model assembly no real export has: what a portal export of a future schema would hold.
MODEL_74 = MODEL_73.replace("Version=7.3.0.0", "Version=7.4.0.0")


def identity_spec(seed: str) -> Runbook:
    """A managed-identity runbook as the portal's newest exports lay it out: sign in,
    read a variable and a credential (the name from a parameter), hand over to a child."""
    return _runbook(
        seed,
        parameters=[Parameter("SqlCredentialName", default="SqlAdmin")],
        activities=[
            Command(
                "Connect with identity",
                "Connect-AzAccount",
                "Az.Accounts",
                {"Identity": Constant(True)},
                parameter_set="ManagedServiceLogin",
            ),
            Command(
                "Get storage account name",
                "Get-AutomationVariable",
                "Orchestrator.AssetManagement.Cmdlets",
                {"Name": Constant("StorageAccountName")},
            ),
            Command(
                "Get SQL credential",
                "Get-AutomationPSCredential",
                "Orchestrator.AssetManagement.Cmdlets",
                {"Name": RunbookParameter("SqlCredentialName")},
            ),
            InvokeRunbook(
                "Rotate the keys",
                "Rotate-StorageKeys",
                {"StorageAccountName": ActivityOutput("Get storage account name")},
            ),
        ],
    )


def _identity_expect(spec: Runbook) -> Expect:
    e = Expect(spec)
    e.ref(
        "variable",
        "get",
        "Get-AutomationVariable",
        "Get storage account name",
        "Name",
        name="StorageAccountName",
    )
    e.ref(
        "credential",
        "get",
        "Get-AutomationPSCredential",
        "Get SQL credential",
        "Name",
        expression="$SqlCredentialName",
        resolved="SqlAdmin",
    )
    e.call("Rotate-StorageKeys", "graphical", "Rotate the keys", None, child="Rotate-StorageKeys")
    e.parameter_use("SqlCredentialName", "Get SQL credential", "Name")
    return e


def schema_newer() -> list[Fixture]:
    """Schema versions the analyzer does not know, over content it can read: every lookup
    and call is still a fact, and the version is one file-level RB907 note."""
    out = []
    name = "schema-1-11-new-model"
    spec = identity_spec(name)
    e = _identity_expect(spec)
    # A newer header *and* a model assembly no known schema uses: the note says that
    # lookups in new kinds of content may be missing, and what to do.
    e.problem(
        "RB907",
        ['schema version "1.11" is newer', "model 7.4.0.0", "some lookups may be missing"],
    )
    out.append(
        Fixture(
            name,
            container(payload(build_graph(spec, "1.11", MODEL_74)), "1.11"),
            e.result(
                'A future export: SchemaVersion "1.11" and model assembly 7.4.0.0. Lookups, '
                "the parameter-supplied credential and the child call are all read; one RB907 "
                "note names the version and the model.",
                name,
                "graphical",
                spec.parameters,
            ),
        )
    )
    name = "schema-missing"
    spec = identity_spec(name)
    e = _identity_expect(spec)
    e.problem("RB907", ["no SchemaVersion", "content is in the schema 1.10 model"])
    document = {"RunbookDefinition": base64.b64encode(payload(spec)).decode("ascii")}
    document["RunbookType"] = "GraphPowerShell"
    out.append(
        Fixture(
            name,
            json.dumps(document, separators=(",", ":")).encode("utf-8"),
            e.result(
                "A 1.10 export whose SchemaVersion key was removed: read as usual, and noted.",
                name,
                "graphical",
                spec.parameters,
            ),
        )
    )
    return out


def field_path_as_list() -> list[Fixture]:
    out = []
    for schema in ("1.0", "1.2"):
        name = f"field-path-list-{schema.replace('.', '-')}"
        spec = _runbook(
            name,
            activities=[
                Command(
                    "Get Run As Connection",
                    "Get-AutomationConnection",
                    "",
                    {"Name": Constant("AzureRunAsConnection")},
                ),
                Command(
                    "Login",
                    "Add-AzureRmAccount",
                    "AzureRM.Profile",
                    {
                        "ServicePrincipal": Constant(True),
                        "ApplicationId": ActivityOutput(
                            "Get Run As Connection", ("ApplicationId",)
                        ),
                        "TenantId": ActivityOutput("Get Run As Connection", ("TenantId",)),
                    },
                ),
            ],
        )
        e = Expect(spec, schema)
        e.ref(
            "connection",
            "get",
            "Get-AutomationConnection",
            "Get Run As Connection",
            "Name",
            name="AzureRunAsConnection",
        )
        e.field("ApplicationId", ("Get Run As Connection", "Name"), "Login", "ApplicationId")
        e.field("TenantId", ("Get Run As Connection", "Name"), "Login", "TenantId")
        expected = e.result(
            f"Schema {schema}: FieldPath is serialized as a List<string>, not a string[].",
            name,
            "graphical",
            spec.parameters,
        )
        out.append(Fixture(name, export(spec, schema), expected))
    return out


def _small(seed: str) -> tuple[Runbook, Expect]:
    spec = _runbook(
        seed,
        activities=[
            Command(
                "Get Run As Connection",
                "Get-AutomationConnection",
                "",
                {"Name": Constant("AzureRunAsConnection")},
            ),
            Command(
                "Say hello",
                "Write-Output",
                "Microsoft.PowerShell.Utility",
                {"InputObject": Constant("hello")},
            ),
        ],
        comments=[Comment("Get-AutomationVariable -Name 'InComment' is only mentioned here")],
        output_types=["System.String"],
    )
    e = Expect(spec)
    e.ref(
        "connection",
        "get",
        "Get-AutomationConnection",
        "Get Run As Connection",
        "Name",
        name="AzureRunAsConnection",
    )
    return spec, e


def container_variants() -> list[Fixture]:
    out = []
    spec, e = _small("utf8-bom")
    out.append(
        Fixture(
            "utf8-bom",
            export(spec, bom=True),
            e.result("The outer JSON starts with a UTF-8 BOM.", "utf8-bom", "graphical", []),
        )
    )
    spec, e = _small("no-padding")
    out.append(
        Fixture(
            "no-padding",
            export(spec, padding=False),
            e.result("No zero padding after MessageEnd.", "no-padding", "graphical", []),
        )
    )
    spec, e = _small("comments-and-output-types")
    out.append(
        Fixture(
            "comments-and-output-types",
            export(spec),
            e.result(
                "Canvas comments and outputTypes; a cmdlet named in a comment is not a call.",
                "comments-and-output-types",
                "graphical",
                [],
            ),
        )
    )
    spec, e = _small("trailing-garbage")
    data = payload(spec, padding=False)
    data = data + b"\x00" * 64 + b"garbage after the end" + b"\x00" * 43
    e.problem("RB907", "padding")
    out.append(
        Fixture(
            "trailing-garbage",
            container(data),
            e.result(
                "Non-NUL bytes after MessageEnd: the model is still read, with a note.",
                "trailing-garbage",
                "graphical",
                [],
            ),
        )
    )
    return out


def unknown_classes() -> list[Fixture]:
    name = "unknown-classes"
    spec = _runbook(
        name,
        activities=[
            Command(
                "Get Run As Connection",
                "Get-AutomationConnection",
                "",
                {"Name": Constant("AzureRunAsConnection")},
            ),
            UnknownActivity("Fancy step", "FancyNewActivity"),
            Command(
                "Get mystery variable",
                "Get-AutomationVariable",
                "",
                {"Name": UnknownDescriptor("MysteryValueDescriptor", "x")},
            ),
        ],
    )
    e = Expect(spec)
    e.ref(
        "connection",
        "get",
        "Get-AutomationConnection",
        "Get Run As Connection",
        "Name",
        name="AzureRunAsConnection",
    )
    e.ref(
        "variable", "get", "Get-AutomationVariable", "Get mystery variable", "Name", expression=ANY
    )
    e.problem("RB907", "FancyNewActivity", "Fancy step")
    e.problem("RB907", "MysteryValueDescriptor", "Get mystery variable", "Name")
    expected = e.result(
        "An activity class and a value descriptor class the analyzer does not know: noted "
        "at their activity (RB907), and the rest of the runbook still read.",
        name,
        "graphical",
        spec.parameters,
    )
    return [Fixture(name, export(spec), expected)]


# ----------------------------------------------------------------------- corrupt
def _corrupt(name: str, data: bytes, fragment: str, description: str) -> Fixture:
    return Fixture(
        name,
        data,
        {"description": description, "error": {"code": "RB902", "message_contains": fragment}},
    )


def corrupt_files() -> list[Fixture]:
    spec, _ = _small("corrupt")
    good = payload(spec, padding=False)
    _, info = serialize_with_info(build_graph(spec))
    first_ref = next(offset for offset, what in info.int32_fields if what == "ref")
    first_array_length = next(offset for offset, what in info.int32_fields if what == "length")
    first_member_count = next(offset for offset, what in info.int32_fields if what == "count")

    def patch(data: bytes, offset: int, value: int) -> bytes:
        return data[:offset] + struct.pack("<i", value) + data[offset + 4 :]

    wrong_root = Runbook(parameters=[Parameter("X")])
    root_list = GraphBuilder(wrong_root, "1.10")
    not_a_runbook = root_list.list_of("Parameter", [root_list.parameter(Parameter("X"))])
    good_b64 = base64.b64encode(good).decode("ascii")
    return [
        _corrupt(
            "corrupt-invalid-json",
            b'{"SchemaVersion":"1.10","RunbookDefinition":"' + good_b64[:40].encode(),
            "cut off",
            "The JSON container is cut off.",
        ),
        _corrupt(
            "corrupt-merge-conflict",
            b"<<<<<<< HEAD\n"
            + container(good)
            + b"\n=======\n"
            + container(good, "1.9")
            + b"\n>>>>>>> feature/nightly\n",
            "merge-conflict markers",
            "Two exports inside git merge-conflict markers: not JSON at all, and said so.",
        ),
        _corrupt("corrupt-empty-file", b"", "empty", "An empty file."),
        _corrupt(
            "corrupt-json-syntax",
            container(good).replace(b'","RunbookType"', b'" "RunbookType"'),
            "invalid JSON at line 1",
            "A comma lost in a hand edit of the container.",
        ),
        _corrupt(
            "corrupt-json-array",
            json.dumps([{"SchemaVersion": "1.10"}]).encode(),
            "object",
            "The JSON is an array, not an object.",
        ),
        _corrupt(
            "corrupt-missing-definition",
            json.dumps({"SchemaVersion": "1.10", "RunbookType": "GraphPowerShell"}).encode(),
            "RunbookDefinition",
            "No RunbookDefinition key.",
        ),
        _corrupt(
            "corrupt-definition-not-string",
            json.dumps({"SchemaVersion": "1.10", "RunbookDefinition": 42}).encode(),
            "RunbookDefinition",
            "RunbookDefinition is a number.",
        ),
        _corrupt(
            "corrupt-bad-base64",
            container("AAEAAAD/////AQAAAAAAAAAM!!not*base64"),
            "base64",
            "RunbookDefinition is not base64.",
        ),
        _corrupt(
            "corrupt-not-utf8",
            container(good)[:-1] + ',"Note":"caf\xe9"}'.encode("latin-1"),
            "UTF-8",
            "The container holds a Latin-1 byte: not UTF-8.",
        ),
        _corrupt(
            "corrupt-utf16-no-bom",
            container(good).decode("utf-8").encode("utf-16-le"),
            "JSON",
            "The container is UTF-16 without a BOM.",
        ),
        _corrupt(
            "corrupt-truncated-nrbf",
            container(good[: len(good) // 2]),
            "truncated",
            "The NRBF stream stops halfway.",
        ),
        _corrupt(
            "corrupt-newer-schema-truncated",
            container(payload(identity_spec("corrupt-newer"), "1.11", padding=False)[:700], "1.11"),
            "newer than known",
            'A newer SchemaVersion "1.11" does not excuse a payload cut off in the middle: '
            "still unreadable (RB902), and the message names the version.",
        ),
        _corrupt(
            "corrupt-no-message-end",
            container(good[:-1]),
            "MessageEnd",
            "The NRBF stream lacks its MessageEnd record.",
        ),
        _corrupt(
            "corrupt-wrong-header",
            container(b"\x01" + good[1:]),
            "header",
            "The stream does not start with a SerializedStreamHeader.",
        ),
        _corrupt(
            "corrupt-wrong-version",
            container(patch(good, 9, 2)),
            "version",
            "The stream header says version 2.0.",
        ),
        _corrupt(
            "corrupt-unknown-record",
            container(good[:-1] + b"\x63" + good[-1:]),
            "record type",
            "An unknown record type (99) before MessageEnd.",
        ),
        _corrupt(
            "corrupt-dangling-reference",
            container(patch(good, first_ref, 999_999)),
            "999999",
            "A MemberReference to an object that does not exist.",
        ),
        _corrupt(
            "corrupt-huge-array-length",
            container(patch(good, first_array_length, 0x7FFF_FFFF)),
            "array",
            "A BinaryArray that claims 2^31-1 elements.",
        ),
        _corrupt(
            "corrupt-huge-member-count",
            container(patch(good, first_member_count, 0x7FFF_FFFF)),
            "member count",
            "A class record that claims 2^31-1 members.",
        ),
        _corrupt(
            "corrupt-root-not-graphrunbook",
            container(payload(not_a_runbook, padding=False)),
            "GraphRunbook",
            "The root object is a List<Parameter>, not a GraphRunbook.",
        ),
    ]


GENERATORS: tuple[Callable[[], list[Fixture]], ...] = (
    asset_cmdlets_constant,
    name_descriptor_matrix,
    name_empty_string_constant,
    name_expression_concatenation,
    runbook_parameters,
    direct_bindings,
    management_cmdlets,
    runas_field_paths,
    code_activities,
    activity_output_in_comment,
    expression_lookups,
    conditions,
    child_runbooks,
    workflow_runbook,
    schema_versions,
    schema_hand_edited,
    schema_newer,
    field_path_as_list,
    container_variants,
    unknown_classes,
    corrupt_files,
)


RULES_FOLDER = ROOT / "fixtures" / "rules"


def _management_sign_in(seed: str, read: dict[str, str]) -> Runbook:
    """A graphical runbook that reads a connection with the management cmdlet and binds
    ``read`` (parameter → field of its output) into the next activity."""
    account = {
        "ResourceGroupName": Constant("rg-automation"),
        "AutomationAccountName": Constant("aa-ops"),
    }
    get = "Get SPN connection"
    return _runbook(
        seed,
        activities=[
            Command("Sign in", "Connect-AzAccount", "Az.Accounts", {"Identity": Constant(True)}),
            Command(
                get,
                "Get-AzAutomationConnection",
                "Az.Automation",
                {**account, "Name": Constant("ReportingSpn")},
                parameter_set="ByName",
            ),
            Command(
                "Use connection",
                "Write-Output",
                "Microsoft.PowerShell.Utility",
                {parameter: ActivityOutput(get, (field,)) for parameter, field in read.items()},
            ),
        ],
        links=[Link("Sign in", get), Link(get, "Use connection")],
    )


def rule_fixtures() -> dict[str, bytes]:
    """Graphical entries of the per-rule fixtures (``fixtures/rules/<rule>/``), by path
    relative to that folder; their goldens come from ``pytest --update-goldens``."""
    start = identity_spec("Start-NightlyMaintenance")
    good = export(start)
    hand_edited = export(start, "2.10999")
    fields = _management_sign_in("bad_graphical_connection_fields", {"InputObject": "TenantId"})
    metadata = _management_sign_in(
        "ok_graphical_connection_metadata", {"InputObject": "FieldDefinitionValues"}
    )
    return {
        # A management connection's output read as fields: the internal cmdlet was meant.
        "management-cmdlet-in-runbook/bad_graphical_connection_fields.graphrunbook": export(fields),
        "management-cmdlet-in-runbook/ok_graphical_connection_metadata.graphrunbook": export(
            metadata
        ),
        # The real case: a 1.10 export whose header was edited to "2.10999". Readable.
        "unknown-format/bad_hand_edited_schema.graphrunbook": hand_edited,
        "unknown-format/ok_exported_1_10.graphrunbook": good,
        "unreadable-file/ok_hand_edited_schema.graphrunbook": hand_edited,
        # A download cut off halfway through the RunbookDefinition: nothing can be read.
        "unreadable-file/bad_truncated_export.graphrunbook": good[: len(good) // 2],
    }


def all_fixtures() -> list[Fixture]:
    fixtures = [f for generate in GENERATORS for f in generate()]
    names = [f.name for f in fixtures]
    assert len(names) == len(set(names)), "fixture names must be unique"
    return fixtures


def expected_text(fixture: Fixture) -> str:
    return json.dumps(fixture.expected, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    fixtures = all_fixtures()
    keep = set()
    for fixture in fixtures:
        (FOLDER / f"{fixture.name}.graphrunbook").write_bytes(fixture.data)
        (FOLDER / f"{fixture.name}.expected.json").write_text(
            expected_text(fixture), encoding="utf-8"
        )
        keep |= {f"{fixture.name}.graphrunbook", f"{fixture.name}.expected.json"}
    for stale in FOLDER.iterdir():
        if stale.name not in keep and stale.name != "README.md":
            stale.unlink()
    print(f"wrote {len(fixtures)} fixtures to {FOLDER}")
    entries = rule_fixtures()
    for relative, data in entries.items():
        target = RULES_FOLDER / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"wrote {len(entries)} graphical rule fixtures under {RULES_FOLDER}")


if __name__ == "__main__":
    main()
