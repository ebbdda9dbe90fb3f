from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import fitted, name_span, related_place, run_as_asset

from analyzer.engine.rule import Rule, RuleContext
from analyzer.frontends.literals import string_literal
from analyzer.model.diagnostic import Diagnostic, Edit, Fix
from analyzer.model.facts import AssetRef, FileFacts


class DynamicAssetName(Rule):
    """Asset name is not a literal, so the dependency is invisible at design time.

    ## What it does
    Reports asset lookups (`Get-AutomationConnection`, `Get-AutomationVariable`,
    `Get-AutomationPSCredential`, `Get-AutomationCertificate`, `Set-AutomationVariable` and
    the Python `automationassets` functions) whose name is a variable or an expression
    rather than a literal string. When the analyzer can prove the expression is a constant
    within the file (a parameter default, a single assignment), the message says which;
    when the variable is never assigned and is no parameter, it says that.

    A lookup inside a function whose name is the function's parameter is resolved through
    the calls in the file: each call is a lookup of the name it passes, reported (by
    RB101, RB102, …) at the call, so a reusable `Connect-…` wrapper called with literals
    is not reported. Not reported either: names that are dynamic by design in management
    code (a loop over the assets a management cmdlet lists, `"Test" + (Get-Random)`, a
    per-run variable the script itself creates or removes with `New-AzAutomationVariable`
    or `Remove-AzAutomationVariable`),
    management cmdlets in admin scripts, and Run As names (RB107 reports those).

    ## Why is this bad?
    Microsoft advises against variables in `-Name`: nobody can see at design time which
    runbook depends on which asset, so deleting or renaming an asset breaks runbooks
    without warning, and tools (including this one) cannot check that the asset exists.

    ## Example
    ```powershell
    param([string]$ConnectionName = 'OpsConnection')
    $conn = Get-AutomationConnection -Name $ConnectionName  # expect: RB101
    ```

    ## Use instead
    ```powershell
    $conn = Get-AutomationConnection -Name 'OpsConnection'

    function Connect-Ops([string]$Name) {
        $c = Get-AutomationConnection -Name $Name
        Connect-AzAccount -ServicePrincipal -Tenant $c.TenantId -ApplicationId $c.ApplicationId -CertificateThumbprint $c.CertificateThumbprint
    }
    Connect-Ops -Name 'OpsConnection'
    ```

    ## Fix safety
    Unsafe (`--unsafe-fixes`), where the message names the constant and the name is one
    plain variable: the variable is replaced by the constant as a literal, in every lookup
    of the finding (PowerShell single quotes, Python quotes). The analyzer proved the
    value within this file, but the fix still changes what callers can pass in (a
    runbook parameter's default, a variable a dot-sourced script sets), so a reader must
    confirm the name is meant to be fixed.

    ## References
    - learn.microsoft.com azure/automation/automation-connections
    """

    code = "RB101"
    name = "dynamic-asset-name"
    severity = "warning"
    tags = ("dependencies",)
    fix = "unsafe"

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        runs_as_job = file.runbook is None or file.runbook.runs_as_job
        language = file.runbook.language if file.runbook is not None else ""
        groups: dict[tuple[object, ...], list[AssetRef]] = {}
        for ref in file.refs:
            name = ref.name
            if name is None or not name.dynamic or _NOT_REPORTED & ref.tags:
                continue
            if name.origin in _BY_DESIGN or (ref.operation == "management" and not runs_as_job):
                continue  # management code: listing or creating assets is not a dependency
            source = file.refs[ref.name_from] if ref.name_from is not None else None
            if run_as_asset(ref) is not None or (
                source is not None and run_as_asset(source) is not None
            ):
                continue  # RB107 reports the retired asset; hard-coding it is no advice
            # One cause, one finding: the same expression of the same kind of asset.
            key = (ref.kind, (name.expression or "").lower(), name.resolved, name.origin)
            groups.setdefault(key, []).append(ref)
        for first, *others in groups.values():
            name = first.name
            assert name is not None
            ref = first
            expression = name.expression or "?"
            severity = None
            if name.origin == "function-parameter":
                message = (
                    f"{ref.kind} name `{expression}` is a function parameter and no call in "
                    "this file passes it; the callers decide the asset"
                )
                help = "call the function with a literal name so the dependency is visible"
                severity = "info"
            elif name.resolved is not None and name.origin == "parameter":
                message = (
                    f"{ref.kind} name is the runbook parameter `{expression}` (default "
                    f'"{name.resolved}"); a schedule, webhook or parent can pass another asset'
                )
                help = (
                    f"if no caller passes another name, write -Name '{name.resolved}'; "
                    "otherwise list the allowed names with [ValidateSet(...)]"
                )
            elif name.resolved is not None:
                message = (
                    f"{ref.kind} name is not a literal: `{expression}` "
                    f'(it resolves to "{name.resolved}" in this file)'
                )
                help = _LITERAL_HELP.get(language, _LITERAL_HELP["powershell"]).format(
                    name=name.resolved
                )
            elif name.origin == "unassigned":
                message = (
                    f"{ref.kind} name `{expression}` is never assigned in this file and is not "
                    "a parameter; the dependency cannot be seen at design time"
                )
                help = "pass the asset name as a literal string, or assign it in this file"
            else:
                message = (
                    f"{ref.kind} name is not a literal: `{expression}`; "
                    "the dependency cannot be seen at design time"
                )
                help = "pass the asset name as a literal string so the dependency is visible"
            if others:
                message = fitted(message, f" ({len(others) + 1} lookups)")
            yield self.diagnostic(
                file.path,
                name.span or ref.span,
                message,
                help=help,
                logical=ref.logical,
                severity=severity,  # type: ignore[arg-type]
                fix=_constant_fix(file, [first, *others]),
                related=tuple(
                    related_place(
                        file.path, name_span(other), other.logical, "the same name is used here"
                    )
                    for other in others
                ),
            )


#: ``-WhatIf`` probes; wrapper lookups reported at their calls; graphical names bound by a
#: value class the analyzer does not know (RB907 notes those).
_NOT_REPORTED = frozenset({"whatif", "resolved-at-calls", "unknown-value"})
#: Names that are dynamic on purpose: random test names, a loop over listed assets, an
#: asset the script creates or removes itself (Update Management's per-run variable).
_BY_DESIGN = frozenset({"random", "enumeration", "managed"})
_LITERAL_HELP = {
    "graphical": "set the activity's Name parameter to the constant '{name}'",
    "python": 'write the name as a literal: "{name}"',
    "powershell": "write the name as a literal: -Name '{name}'",
}


def _constant_fix(file: FileFacts, refs: list[AssetRef]) -> Fix | None:
    """Each lookup's variable replaced by the constant the message names."""
    name = refs[0].name
    runbook = file.runbook
    if (
        name is None
        or name.resolved is None
        or name.origin == "function-parameter"
        or runbook is None
    ):
        return None
    literal = string_literal(name.resolved, runbook.language, python2=runbook.kind == "python2")
    if literal is None:
        return None
    edits: list[Edit] = []
    for ref in refs:
        value = ref.name
        if (
            value is None
            or not value.variable
            or value.span is None
            or ref.logical is not None
            or "fallback" in ref.tags
        ):
            return None
        edits.append(Edit(value.span, literal))
    unique = tuple(dict.fromkeys(edits))
    return Fix("unsafe", f"write {literal} in place of `{name.expression}`", unique)
