from __future__ import annotations

from collections.abc import Iterator

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts


class DynamicAssetName(Rule):
    """Asset name is not a literal, so the dependency is invisible at design time.

    ## What it does
    Reports asset lookups (`Get-AutomationConnection`, `Get-AutomationVariable`,
    `Get-AutomationPSCredential`, `Get-AutomationCertificate`, `Set-AutomationVariable` and
    the Python `automationassets` functions) whose name is a variable or an expression
    rather than a literal string. When the analyzer can prove the expression is a constant
    within the file (a parameter default, a single assignment), the message says which.

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
    ```

    ## Fix safety
    No automatic fix: replacing the expression with its constant changes what callers can
    pass in.

    ## References
    - learn.microsoft.com azure/automation/automation-connections
    """

    code = "RB101"
    name = "dynamic-asset-name"
    severity = "warning"
    tags = ("dependencies",)

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        for ref in file.refs:
            name = ref.name
            if name is None or not name.dynamic or ref.tags & {"whatif", "unknown-value"}:
                continue
            expression = name.expression or "?"
            if name.resolved is not None:
                message = (
                    f"{ref.kind} name is not a literal: `{expression}` "
                    f'(it resolves to "{name.resolved}" in this file)'
                )
                language = file.runbook.language if file.runbook is not None else ""
                if language == "graphical":
                    help = f"set the activity's Name parameter to the constant '{name.resolved}'"
                elif language == "python":
                    help = f'write the name as a literal: "{name.resolved}"'
                else:
                    help = f"write the name as a literal: -Name '{name.resolved}'"
            else:
                message = (
                    f"{ref.kind} name is not a literal: `{expression}`; "
                    "the dependency cannot be seen at design time"
                )
                help = "pass the asset name as a literal string so the dependency is visible"
            yield self.diagnostic(
                file.path, name.span or ref.span, message, help=help, logical=ref.logical
            )
