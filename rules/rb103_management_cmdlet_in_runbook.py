from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import callee_span, is_management_script

from analyzer.engine.rule import Rule, RuleContext
from analyzer.frontends.powershell.cmdlets import INTERNAL_EQUIVALENT
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts


class ManagementCmdletInRunbook(Rule):
    """Management cmdlet reads an asset inside a runbook; the internal cmdlet was meant.

    ## What it does
    Reports `Get-AzAutomationConnection`, `Get-AzureRmAutomationConnection` and their
    Variable, Credential and Certificate siblings (and the classic `Get-AzureAutomation*`
    forms) called with `-Name` inside a runbook or DSC configuration.

    ## Why is this bad?
    The management cmdlets return the asset's *metadata*: a connection object without
    usable field values, a variable whose encrypted value is `$null`, a credential without
    its password. They also need a sign-in, a resource group and an account name. Inside a
    job the internal cmdlets (`Get-AutomationConnection` and friends) return the values
    and need nothing. Calls without `-Name` enumerate assets; that is legitimate in audit
    runbooks and is not reported, and neither are files that enumerate Automation accounts
    (`Get-AzAutomationAccount`): those are management scripts that run outside jobs.

    ## Example
    ```powershell
    $conn = Get-AzAutomationConnection -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Name 'OpsConnection'  # expect: RB103
    ```

    ## Use instead
    ```powershell
    $conn = Get-AutomationConnection -Name 'OpsConnection'
    ```

    ## Fix safety
    Detection only for now; the fix to the internal cmdlet is planned as safe where the
    arguments are only `-ResourceGroupName`, `-AutomationAccountName` and `-Name`.

    ## References
    - learn.microsoft.com azure/automation/automation-connections
    - Azure/azure-powershell #8570
    """

    code = "RB103"
    name = "management-cmdlet-in-runbook"
    severity = "warning"
    languages = ("powershell", "graphical")
    tags = ("correctness",)

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        if file.runbook is None or not file.runbook.is_runbook or is_management_script(file):
            return
        for ref in file.refs:
            if ref.operation != "management" or ref.name is None or "enumeration" in ref.tags:
                continue
            internal = INTERNAL_EQUIVALENT[ref.kind]
            where = (
                "a DSC configuration" if file.runbook.kind == "dsc-configuration" else "a runbook"
            )
            shown = ref.name.literal or ref.name.resolved
            argument = f" -Name '{shown}'" if shown else ""
            yield self.diagnostic(
                file.path,
                callee_span(ref.span, ref.callee) if ref.logical is None else ref.span,
                f"{ref.callee} returns the {ref.kind}'s metadata, not its value; "
                f"inside {where} use {internal}",
                help=f"replace it with `{internal}{argument}`",
                logical=ref.logical,
            )
