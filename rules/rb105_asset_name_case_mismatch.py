from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import declaration_span, lookups_by_asset, name_span, related_place

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.workspace.workspace import Workspace


class AssetNameCaseMismatch(Rule):
    """Asset reference and declaration differ only in letter case.

    ## What it does
    Reports lookups whose name matches a declared asset only when letter case is
    ignored, and names the declaration. A lookup spelled as any declaration of the asset
    spells it (a template and an export may differ) is fine. Once per asset per file: the
    first lookup that differs is the finding, the declaration and the file's other
    differing lookups (in whatever spelling) are related locations. Such a lookup is
    found, so RB102 never reports it as missing.

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
        for file, account, lookups in lookups_by_asset(workspace):
            found = inventory.lookup(lookups[0][0].kind, lookups[0][1], account)
            if not found:
                continue  # not declared in any case: RB102's business
            spelled = {d.name for asset in found for d in asset.declarations if d.name}
            differing = [(ref, name) for ref, name in lookups if name not in spelled]
            if not differing:
                continue
            asset = found[0]
            declaration = asset.declarations[0]  # the one that spells asset.name
            (first, name), *others = differing
            times = f" ({len(differing)} lookups)" if others else ""
            yield self.diagnostic(
                file.path,
                name_span(first),
                f'{first.kind} "{name}" differs only in case from the declared "{asset.name}"'
                f"{times}",
                help=f'write "{asset.name}" as declared',
                logical=first.logical,
                related=(
                    Related(
                        declaration.source.path,
                        declaration_span(declaration.source.line),
                        f'"{asset.name}" is declared here',
                    ),
                    *(
                        related_place(
                            file.path, name_span(ref), ref.logical, f'written "{other}" here too'
                        )
                        for ref, other in others
                    ),
                ),
            )
