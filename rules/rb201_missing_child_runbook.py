from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import closest, quoted_list

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.workspace.workspace import Workspace


class MissingChildRunbook(Rule):
    """A called child runbook does not exist in the scanned tree.

    ## What it does
    Reports child-runbook calls (`Start-AzAutomationRunbook`, `Start-AutomationRunbook`,
    `.\\Child.ps1`, …) whose literal or provably constant name matches no runbook among
    the scanned files nor any runbook declared in the inventory, and suggests the
    closest names.

    ## Why is this bad?
    The parent fails at run time, often after it has already done part of its work.
    Runbook names are file names, so a rename or typo is easy to miss in review.

    ## Example
    ```powershell
    # file: Start-Nightly.ps1
    Start-AzAutomationRunbook -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Name 'Stop-LabVm'  # expect: RB201
    # file: Stop-LabVms.ps1
    Write-Output 'stopping'
    ```

    ## Use instead
    ```powershell
    # file: Start-Nightly.ps1
    Start-AzAutomationRunbook -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Name 'Stop-LabVms'
    # file: Stop-LabVms.ps1
    Write-Output 'stopping'
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - learn.microsoft.com azure/automation/automation-child-runbooks
    """

    code = "RB201"
    name = "missing-child-runbook"
    severity = "error"
    scope = "workspace"
    tags = ("dependencies",)

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        names = [f.runbook.name for f in workspace.runbook_files() if f.runbook is not None]
        if workspace.inventory is not None:
            names.extend(workspace.inventory.names("runbook"))
        for resolved in workspace.all_calls():
            call = resolved.call
            child = call.child.effective
            if resolved.targets or child is None:
                continue
            if workspace.runbook_declared(child, workspace.account_of(resolved.file)):
                continue
            suggestions = closest(child, names)
            message = f'child runbook "{child}" is not in the scanned tree'
            if suggestions:
                message += f"; did you mean {quoted_list(suggestions)}?"
            yield self.diagnostic(
                resolved.file.path,
                call.child.span or call.span,
                message,
                help="fix the name, or include the child runbook's file in the scanned paths",
                logical=call.logical,
            )
