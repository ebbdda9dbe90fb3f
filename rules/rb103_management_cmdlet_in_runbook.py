from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from analyzer.rules._helpers import callee_span, related_place, run_as_asset

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic, Edit, Fix
from analyzer.model.facts import AssetRef, FileFacts
from analyzer.model.span import LogicalLocation, Span


class ManagementCmdletInRunbook(Rule):
    """Management cmdlet reads an asset inside a runbook; the internal cmdlet was meant.

    ## What it does
    Reports `Get-AzAutomationConnection`, `Get-AzureRmAutomationConnection` and their
    Variable, Credential and Certificate siblings (and the classic `Get-AzureAutomation*`
    forms) in a runbook or DSC configuration **when the result is used as the asset's
    value**: a connection field read (`$c.TenantId`), a credential's password
    (`$cred.GetNetworkCredential()`, `-Credential $cred`), a certificate's key, or the
    `.Value` of a variable that the inventory declares encrypted.

    It stays silent on deliberate management use: existence checks
    (`$null = Get-AzAutomationVariable …`, `if (-not (Get-Az… ))`), metadata reads
    (`.Description`, `.CreationTime`, `.FieldDefinitionValues`, `.Thumbprint`, …), reads
    from another account (an `-AutomationAccountName` that is not a constant, such as a
    loop over accounts), enumerations without `-Name`, and admin scripts that never run as
    a job (interactive sign-in, `Read-Host`, `Out-GridView`, `#Requires
    -RunAsAdministrator`, enumeration of Automation accounts). A Run As asset is left to
    RB107: pointing to the internal cmdlet for a retired asset would be no advice.

    ## Why is this bad?
    The management cmdlets return the asset's *metadata*: a connection object without
    its fields, a credential without its password, a certificate without its key, and a
    variable whose value is `$null` when it is encrypted. They also need a sign-in with
    rights on the account. Inside a job the internal cmdlets (`Get-AutomationConnection`
    and friends) return the values and need nothing. The `.Value` of an unencrypted
    variable does work (runbooks rely on it), so a variable is reported only when the
    inventory declares it encrypted; then its management value is `$null`.

    ## Example
    ```powershell
    Connect-AzAccount -Identity | Out-Null
    $conn = Get-AzAutomationConnection -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Name 'OpsConnection'  # expect: RB103
    Connect-AzAccount -ServicePrincipal -Tenant $conn.TenantId -ApplicationId $conn.ApplicationId -CertificateThumbprint $conn.CertificateThumbprint
    ```

    ## Use instead
    ```powershell
    $conn = Get-AutomationConnection -Name 'OpsConnection'
    Connect-AzAccount -ServicePrincipal -Tenant $conn.TenantId -ApplicationId $conn.ApplicationId -CertificateThumbprint $conn.CertificateThumbprint
    ```

    ## Fix safety
    Safe, for connections, credentials and certificates: the call becomes the internal
    cmdlet with the name argument as written
    (`Get-AzAutomationConnection -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Name 'X'`
    → `Get-AutomationConnection -Name 'X'`), where the finding already shows the value was
    meant and the call is plain PowerShell: not graphical, not recovered from a region
    that did not parse, no splatting, the name a literal or a constant and passed as
    `-Name`, and nothing bound besides `-Name`, `-ResourceGroupName`,
    `-AutomationAccountName`, `-DefaultProfile` (`-Profile` for the classic cmdlets) and
    common parameters, the dropped ones given as literals or variables (dropping a
    command's output could drop what it does). No fix for variables: the internal cmdlet
    returns the value itself, so the `.Value` read after it must go too, which is
    another place than the call.

    ## References
    - learn.microsoft.com azure/automation/automation-connections
    - Azure/azure-powershell #8570
    """

    code = "RB103"
    name = "management-cmdlet-in-runbook"
    severity = "warning"
    languages = ("powershell", "graphical")
    tags = ("correctness",)
    fix = "safe"

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        if file.runbook is None or not file.runbook.runs_as_job:
            return
        results = platform()["management-results"]
        generic = {m.lower() for m in platform()["object-members"]["generic"]}
        evidence: dict[int, list[tuple[str, Span | None, LogicalLocation | None]]] = {}
        for use in file.result_uses:
            ref = file.refs[use.ref]
            if ref.operation != "management":
                continue
            shown = _value_use(use.how, use.member, use.parameter, results[ref.kind], generic)
            if shown is not None:
                evidence.setdefault(use.ref, []).append((shown, use.span, use.logical))
        for field_use in file.field_uses:  # graphical: activity outputs read by path
            ref = file.refs[field_use.ref]
            if ref.operation == "management":
                shown = _value_use("member", field_use.field, None, results[ref.kind], generic)
                if shown is not None:
                    evidence.setdefault(field_use.ref, []).append(
                        (shown, field_use.span, field_use.logical)
                    )
        for index, ref in enumerate(file.refs):
            uses = evidence.get(index)
            if not uses or ref.name is None or {"enumeration", "whatif"} & ref.tags:
                continue
            if ref.account is not None and ref.account.effective is None:
                continue  # another account's asset: the internal cmdlet cannot read it
            if run_as_asset(ref) is not None:
                continue  # RB107: the asset is retired, so the internal cmdlet is no advice
            if ref.kind == "variable" and not self._encrypted(file, ref, context):
                continue  # .Value of an unencrypted variable works; runbooks rely on it
            yield self._finding(file, ref, uses, results[ref.kind]["internal"], context)

    def _finding(
        self,
        file: FileFacts,
        ref: AssetRef,
        uses: list[tuple[str, Span | None, LogicalLocation | None]],
        internal: str,
        context: RuleContext,
    ) -> Diagnostic:
        name = ref.name.effective if ref.name is not None else None
        argument = f" -Name '{name}'" if name else ""
        members = list(dict.fromkeys(shown for shown, _, _ in uses))
        read = ", ".join(members[:3]) + (" …" if len(members) > 3 else "")
        if ref.kind == "connection":
            message = f"{ref.callee} returns metadata without the connection's fields, but the runbook reads {read}"
            help = f"use `{internal}{argument}`: inside the job it returns the fields"
        elif ref.kind == "credential":
            message = f"{ref.callee} returns the credential without its password, but it is used as a credential ({read})"
            help = f"use `{internal}{argument}`: inside the job it returns a PSCredential"
        elif ref.kind == "certificate":
            message = f"{ref.callee} returns the certificate's metadata, but it is used as a certificate ({read})"
            help = f"use `{internal}{argument}`: inside the job it returns the certificate"
        else:
            message = f'{ref.callee} returns $null as the value of encrypted variable "{name}", and .Value is read'
            help = f"use `{internal}{argument}` and drop .Value: it returns the decrypted value"
        related = tuple(
            related_place(file.path, span, logical, _said(shown))
            for shown, span, logical in uses
            if span is not None or logical is not None
        )
        return self.diagnostic(
            file.path,
            callee_span(ref.span, ref.callee, ref.logical),
            message,
            help=help,
            logical=ref.logical,
            related=related,
            fix=_internal_cmdlet_fix(ref, internal),
        )

    @staticmethod
    def _encrypted(file: FileFacts, ref: AssetRef, context: RuleContext) -> bool:
        """The inventory declares the variable encrypted (its management value is $null)."""
        workspace = context.workspace
        name = ref.name.effective if ref.name is not None else None
        if workspace.inventory is None or name is None:
            return False
        assets = workspace.inventory.lookup("variable", name, workspace.account_of(file))
        return any(d.encrypted for asset in assets for d in asset.declarations)


#: What a management call binds that the internal cmdlet has no use for: the account it
#: reads from (the job's own, as the finding proved) and the sign-in context.
_ACCOUNT_ARGUMENTS = frozenset(
    {"ResourceGroupName", "AutomationAccountName", "DefaultProfile", "Profile"}
)


def _internal_cmdlet_fix(ref: AssetRef, internal: str) -> Fix | None:
    """``Get-AzAutomationConnection -ResourceGroupName … -AutomationAccountName … -Name X``
    → ``Get-AutomationConnection -Name X``: the command name replaced, the account
    arguments dropped with the blanks (and line continuations) before them."""
    shape = ref.command
    name = ref.name
    if (
        shape is None
        or ref.kind == "variable"
        or name is None
        or name.effective is None
        or ref.logical is not None
        or {"fallback", "positional", "through-function"} & ref.tags
    ):
        return None
    previous_end = (shape.name.end_line, shape.name.end_column)
    drops: list[Span] = []
    for argument in shape.arguments:
        end = (argument.span.end_line, argument.span.end_column)
        if argument.parameter in _ACCOUNT_ARGUMENTS:
            if argument.value not in ("literal", "variable"):
                return None
            if drops and (drops[-1].end_line, drops[-1].end_column) == previous_end:
                start = (drops[-1].line, drops[-1].column)
                drops[-1] = Span(*start, *end)
            else:
                drops.append(Span(*previous_end, *end))
        elif argument.parameter != "Name" and not argument.common:
            return None
        previous_end = end
    if not drops:
        return None
    edits = (Edit(shape.name, internal), *(Edit(span, "") for span in drops))
    return Fix("safe", f"call {internal}, dropping the account arguments", edits)


def _said(shown: str) -> str:
    return f"{shown} here" if shown.startswith("passed") else f"{shown} is read here"


def _value_use(
    how: str,
    member: str | None,
    parameter: str | None,
    result: dict[str, Any],
    generic: set[str],
) -> str | None:
    """How a use reads the asset's value (for the message), or None for metadata use."""
    if how == "member" and member is not None:
        lowered = member.lower()
        if lowered in {m.lower() for m in result["metadata"]} or lowered in generic:
            return None
        if lowered in {m.lower() for m in result.get("value", ())} or result.get(
            "any-other-member-is-value"
        ):
            return f".{member}"
        return None
    if how == "passed" and parameter is not None:
        patterns = result.get("value-parameters", ())
        if any(fnmatchcase(parameter.lower(), p.lower()) for p in patterns):
            return f"passed as -{parameter}"
    return None
