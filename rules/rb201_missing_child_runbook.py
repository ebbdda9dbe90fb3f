from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import closest, quoted_list

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic, Related, Severity
from analyzer.workspace.workspace import ResolvedCall, Workspace

_HELP = "fix the name, or include the child runbook's file in the scanned paths"
_INLINE_HELP = (
    "include the child runbook's file in the scanned paths (publish it before this "
    "workflow), or fix the name"
)
_LIKELY_HELP = {
    "unapproved-verb": (
        '"{verb}" is no approved verb (Get-Verb), so modules rarely export it; if one '
        "does, include the module's source in the scanned paths, otherwise add the runbook"
    ),
    "lowercase-word": (
        "no cmdlet, alias or known program has this name; if it is a program, call it "
        "with its extension ({name}.exe), otherwise add the child runbook"
    ),
}


class MissingChildRunbook(Rule):
    """A called child runbook does not exist in the scanned tree.

    ## What it does
    Reports child-runbook calls (`Start-AzAutomationRunbook`, `Start-AutomationRunbook`,
    `.\\Child.ps1`, a workflow's bare `Child-Name`, …) whose literal or provably constant
    name matches no runbook among the scanned files, none declared in the inventory and
    none a scanned script creates (`Import-AzAutomationRunbook`, `New-AzAutomationRunbook`,
    `Publish-AzAutomationRunbook`), and suggests the closest names. One finding per child
    and file, at the first call; the other calls are related locations.

    A workflow runbook calls its inline children by bare name. A bare command that names
    no known runbook is reported only when it cannot be anything else: not defined in any
    scanned file, not an activity, keyword, alias or known program, not Verb-Noun with an
    approved verb. A name that is not Verb-Noun at all (`childVmDelete`) is an error;
    an unapproved verb (`Delete-OldSnapshots`) is a warning, since a module may still
    export such a function; an all-lowercase word is a note, since it may be a program.

    ## Why is this bad?
    The parent fails at run time, often after it has already done part of its work. A
    workflow binds its inline children when it is published, so there the publish fails.
    Runbook names are file names, so a rename or typo is easy to miss in review.

    ## Example
    ```powershell
    # file: Start-Nightly.ps1
    Start-AzAutomationRunbook -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Name 'Stop-LabVm'  # expect: RB201
    # file: Stop-LabVms.ps1
    Write-Output 'stopping'
    ```

    ```powershell
    # file: Stop-AllVms.ps1
    workflow Stop-AllVms {
        param([string]$SubscriptionName)
        Checkpoint-Workflow
        childVmDelete -SubscriptionName $SubscriptionName  # expect: RB201
    }
    ```

    ## Use instead
    ```powershell
    # file: Start-Nightly.ps1
    Start-AzAutomationRunbook -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Name 'Stop-LabVms'
    # file: Stop-LabVms.ps1
    Write-Output 'stopping'
    ```

    ```powershell
    # file: Stop-AllVms.ps1
    workflow Stop-AllVms {
        param([string]$SubscriptionName)
        Checkpoint-Workflow
        childVmDelete -SubscriptionName $SubscriptionName
    }
    # file: childVmDelete.ps1
    workflow childVmDelete {
        param([string]$SubscriptionName)
        Get-AzVM | Remove-AzVM -Force
    }
    ```

    ```powershell
    # file: Deploy-Cleanup.ps1
    $source = @'
    param([string]$ResourceGroup)
    Get-AzVM -ResourceGroupName $ResourceGroup | Stop-AzVM -Force
    '@
    $path = Join-Path $env:TEMP 'Stop-GroupVms.ps1'
    Set-Content -Path $path -Value $source
    Import-AzAutomationRunbook -Path $path -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Type PowerShell -Published
    Start-AzAutomationRunbook -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Name 'Stop-GroupVms'
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - learn.microsoft.com azure/automation/automation-child-runbooks
    - learn.microsoft.com powershell/scripting/developer/cmdlet/approved-verbs-for-windows-powershell-commands
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
        # One cause, one finding: the calls of one missing child in one file.
        missing: dict[tuple[str, str], list[ResolvedCall]] = {}
        for resolved in workspace.all_calls():
            child = resolved.call.child.effective
            if resolved.targets or resolved.created or child is None:
                continue
            if workspace.runbook_declared(child, workspace.account_of(resolved.file)):
                continue
            missing.setdefault((resolved.file.path, child.lower()), []).append(resolved)
        for calls in missing.values():
            yield self._finding(calls, names)

    def _finding(self, calls: list[ResolvedCall], names: list[str]) -> Diagnostic:
        first = calls[0]
        # The strongest evidence among the calls decides what the finding says.
        lead = min(calls, key=lambda c: (c.inferred is not None, not c.strong))
        child = first.call.child.effective or ""
        severity: Severity = "error"
        help_text = _HELP
        if lead.inferred is None:
            message = f'child runbook "{child}" is not in the scanned tree'
        elif lead.strong:
            message = (
                f'child runbook "{child}" is not in the scanned tree; the workflow calls it '
                "inline, so publishing the workflow fails"
            )
            help_text = _INLINE_HELP
        else:
            message = (
                f'"{child}" is likely a child runbook the workflow calls inline, and none is '
                "in the scanned tree; if so, publishing fails"
            )
            help_text = _LIKELY_HELP[lead.inferred].format(verb=child.partition("-")[0], name=child)
            severity = "warning" if lead.inferred == "unapproved-verb" else "info"
        # A runbook is never its own missing child; do not offer it as the fix.
        own = first.file.runbook.name.lower() if first.file.runbook else ""
        suggestions = closest(child, [n for n in names if n.lower() != own])
        if suggestions:
            message += f"; did you mean {quoted_list(suggestions)}?"
        related = tuple(
            Related(
                other.file.path,
                other.call.child.span or other.call.span,
                f'"{child}" is called here too',
            )
            for other in calls[1:]
        )
        # The file also creates a runbook whose name it cannot prove: that may be this
        # child, so the finding is a likelihood, not a certainty.
        unnamed = [d for d in first.file.runbook_definitions if d.name.effective is None]
        if unnamed and severity == "error":
            severity = "warning"
        related += tuple(
            Related(
                first.file.path,
                definition.name.span or definition.span,
                "this file also creates a runbook whose name cannot be known; it may be the child",
            )
            for definition in unnamed
        )
        return self.diagnostic(
            first.file.path,
            first.call.child.span or first.call.span,
            message,
            help=help_text,
            logical=first.call.logical,
            related=related,
            severity=severity,
        )
