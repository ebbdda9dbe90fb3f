from __future__ import annotations

import re
from collections.abc import Iterator

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts

#: Azure Automation runbook names: a letter, then letters, digits, "-" and "_" (63 at most).
_RUNBOOK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,62}")
_NAME_RULE = 'a runbook name is a letter, then letters, digits, "-" or "_"'


def _valid(name: str) -> bool:
    return _RUNBOOK_NAME.fullmatch(name) is not None


def _nearest_valid(name: str) -> str | None:
    """``name`` with each run of other characters turned into "-" (``Patch.Wave`` →
    ``Patch-Wave``), or None when nothing usable is left."""
    candidate = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_")
    candidate = re.sub(r"^[^A-Za-z]+", "", candidate)[:63].rstrip("-_")
    return candidate or None


def _rename_help(keyword: str, declared: str, file_name: str) -> str:
    """Only names the platform accepts: a runbook's name is its file name, so a name
    that is no valid runbook name is never suggested for either side."""
    if _valid(file_name) and _valid(declared):
        return f'rename the {keyword} to "{file_name}" or the file to "{declared}.ps1"'
    if _valid(file_name):
        return f'rename the {keyword} to "{file_name}" ({_NAME_RULE})'
    if _valid(declared):
        return f'rename the file to "{declared}.ps1" ({_NAME_RULE}; "{file_name}" is not one)'
    suggestion = _nearest_valid(file_name) or _nearest_valid(declared)
    if suggestion is None:
        return f"give the file and the {keyword} one name ({_NAME_RULE})"
    return (
        f'rename the file to "{suggestion}.ps1" and the {keyword} to "{suggestion}" ({_NAME_RULE})'
    )


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
    The help suggests only valid runbook names (a letter, then letters, digits, `-` and
    `_`): for `Stop-AzureVMs.v2.ps1` holding `workflow Stop-AzureVMs` it says to rename
    the file, since `Stop-AzureVMs.v2` cannot be a runbook's name.

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
            help=_rename_help(keyword, first.name, runbook.name),
        )
