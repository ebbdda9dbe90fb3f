from __future__ import annotations

from collections.abc import Iterator

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts


class RunbookNameMismatch(Rule):
    """Workflow or DSC configuration name differs from its file name.

    ## What it does
    In a PowerShell Workflow runbook (a file whose script starts with `workflow`) or a
    DSC configuration (one that starts with `configuration`), reports when no declared
    workflow or configuration has the file's name.

    ## Why is this bad?
    Import and source-control sync require a single workflow or configuration named like
    the file: "The configuration name in the script must match the configuration name".
    The import fails, or the runbook's own name silently differs from what callers use.

    ## Example
    ```powershell
    # file: Stop-LabVms.ps1
    workflow Stop-Lab {  # expect: RB401
        Write-Output 'stopping'
    }
    ```

    ## Use instead
    ```powershell
    # file: Stop-LabVms.ps1
    workflow Stop-LabVms {
        Write-Output 'stopping'
    }
    ```

    ## Fix safety
    No automatic fix: callers may use either name.

    ## References
    - Import-AzAutomationRunbook, Import-AzAutomationDscConfiguration help
    - Azure/azure-powershell #1803
    """

    code = "RB401"
    name = "runbook-name-mismatch"
    severity = "error"
    languages = ("powershell",)
    tags = ("correctness",)

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        runbook = file.runbook
        if runbook is None or runbook.kind not in ("powershell-workflow", "dsc-configuration"):
            return
        keyword = "workflow" if runbook.kind == "powershell-workflow" else "configuration"
        declared = [d for d in runbook.declarations if d.keyword == keyword]
        if not declared or any(d.name.lower() == runbook.name.lower() for d in declared):
            return
        first = declared[0]
        others = ""
        if len(declared) == 2:
            others = f" (nor does the other {keyword} in this file)"
        elif len(declared) > 2:
            others = f" (nor do the other {len(declared) - 1} in this file)"
        yield self.diagnostic(
            file.path,
            first.span,
            f'{keyword} "{first.name}" does not match the file name "{runbook.name}"{others}; '
            "import requires them to be equal",
            help=f'rename the {keyword} to "{runbook.name}" or the file to "{first.name}.ps1"',
        )
