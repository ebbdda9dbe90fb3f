from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import declaration_span, lookup_references

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.workspace.workspace import Workspace


class AssetNameCaseMismatch(Rule):
    """Asset reference and declaration differ only in letter case.

    ## What it does
    Reports lookups whose name matches a declared asset only when letter case is
    ignored, and names the declaration.

    ## Why is this bad?
    Asset names compare case-insensitively in the service, so the runbook works; but
    searches, dependency reports, reviews and tools that match names exactly (scripts,
    Python dictionaries of asset names) do not, and the inconsistency spreads.

    ## Example
    ```powershell
    # file: Report.ps1
    $region = Get-AutomationVariable -Name 'region'  # expect: RB105
    # file: inventory/account.json
    {"kind": "azure-automation-inventory", "version": 1, "variables": [{"name": "Region"}]}
    ```

    ## Use instead
    ```powershell
    # file: Report.ps1
    $region = Get-AutomationVariable -Name 'Region'
    # file: inventory/account.json
    {"kind": "azure-automation-inventory", "version": 1, "variables": [{"name": "Region"}]}
    ```

    ## Fix safety
    No automatic fix yet; changing the case of the literal is safe.
    """

    code = "RB105"
    name = "asset-name-case-mismatch"
    severity = "info"
    scope = "workspace"
    tags = ("style", "inventory")

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        inventory = workspace.inventory
        if inventory is None:
            return
        for file, ref, name, account in lookup_references(workspace):
            found = inventory.lookup(ref.kind, name, account)
            if not found or any(a.name == name for a in found):
                continue
            asset = found[0]
            declaration = asset.declarations[0]
            yield self.diagnostic(
                file.path,
                ref.name.span if ref.name and ref.name.span else ref.span,
                f'{ref.kind} "{name}" differs only in case from the declared "{asset.name}"',
                help=f'write "{asset.name}" as declared',
                logical=ref.logical,
                related=(
                    Related(
                        declaration.source.path,
                        declaration_span(declaration.source.line),
                        f'"{asset.name}" is declared here',
                    ),
                ),
            )
