from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import closest, lookup_references, quoted_list, sources_text

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.workspace.workspace import Workspace


class MissingAsset(Rule):
    """A runbook uses an asset that the inventory does not declare.

    ## What it does
    Checks every asset lookup whose name is a literal (or a constant the analyzer can
    prove) against the inventory (`--inventory`: ARM, Bicep, Terraform, exports, local
    asset stores). When a source lists all assets of that kind for the runbook's account
    and nothing matches, not even an unresolved declaration such as
    `parameters('connectionName')` or a partly known name, the asset is **missing**
    (error) and the closest declared names are suggested. When only unresolved
    declarations could match, it is **possibly missing** (info). Names that differ only
    in letter case are RB105's business. Without an inventory the rule is silent.

    ## Why is this bad?
    The lookup fails when the job runs, typically after the runbook has done half its
    work. Run As connections (`AzureRunAsConnection`) retired in 2023 are the most common
    real case.

    ## Example
    ```powershell
    # file: Start-Vm.ps1
    $conn = Get-AutomationConnection -Name 'OpsConection'  # expect: RB102
    # file: inventory/account.json
    {"kind": "azure-automation-inventory", "version": 1,
     "connections": [{"name": "OpsConnection", "connectionType": "AzureServicePrincipal"}]}
    ```

    ## Use instead
    ```powershell
    # file: Start-Vm.ps1
    $conn = Get-AutomationConnection -Name 'OpsConnection'
    # file: inventory/account.json
    {"kind": "azure-automation-inventory", "version": 1,
     "connections": [{"name": "OpsConnection", "connectionType": "AzureServicePrincipal"}]}
    ```

    ## Fix safety
    No automatic fix: either the name or the inventory is wrong.

    ## References
    - ../shared/reference/inventory-formats.md §9.4
    """

    code = "RB102"
    name = "missing-asset"
    severity = "error"
    scope = "workspace"
    tags = ("dependencies", "inventory")

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        inventory = workspace.inventory
        if inventory is None:
            return
        data = platform()["run-as"]
        retired = data["retired"]
        run_as = {n.lower() for n in (*data["connections"], *data["certificates"])}
        for file, ref, name, account in lookup_references(workspace):
            if inventory.lookup(ref.kind, name, account):
                continue  # found (exactly or differing in case: RB105)
            covered = inventory.covers(ref.kind, account)
            possible = inventory.possible(ref.kind, name, account)
            known = inventory.names(ref.kind, account)
            suggestions = closest(name, known)
            hint = f"; did you mean {quoted_list(suggestions)}?" if suggestions else ""
            where = f' for account "{account}"' if account else ""
            if name.lower() in run_as:
                hint += f"; Run As accounts were retired on {retired}"
            if covered and not possible:
                checked = sources_text(c.source.path for c in covered)
                yield self.diagnostic(
                    file.path,
                    ref.name.span if ref.name and ref.name.span else ref.span,
                    f'{ref.kind} "{name}" is not in the inventory{where}{hint}',
                    help=f"fix the name or declare the {ref.kind} (checked against {checked})",
                    logical=ref.logical,
                )
            elif possible or known:
                if possible:
                    first = possible[0]
                    at = (
                        f"{first.source.path}:{first.source.line}"
                        if first.source.line
                        else first.source.path
                    )
                    detail = (
                        f"; {len(possible)} declaration(s) with unknown names could be it "
                        f"(`{first.raw}` at {at})"
                    )
                    help = "pass the parameter file or variables that name it to --inventory"
                else:
                    detail = f"; the inventory does not list every {ref.kind}"
                    help = f"declare the {ref.kind}, or add an export of the account to --inventory"
                yield self.diagnostic(
                    file.path,
                    ref.name.span if ref.name and ref.name.span else ref.span,
                    f'{ref.kind} "{name}" is possibly missing{where}{detail}{hint}',
                    help=help,
                    logical=ref.logical,
                    severity="info",
                )
