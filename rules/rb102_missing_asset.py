from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import (
    declaration_span,
    fitted,
    lookups_by_asset,
    name_span,
    quoted_list,
    related_place,
    sources_text,
    suggested_names,
)

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic, Related
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
    declarations could match, it is **possibly missing** (info), and those declarations
    are related locations. Names that differ only in letter case are found, so they are
    RB105's business and never missing. Without an inventory the rule is silent.

    One missing asset is one cause: a file that looks it up several times (a retry path,
    one helper per step) gets one finding at the first lookup, naming the count, with the
    other lookups as related locations; another file gets its own. For a retired Run As
    name the advice is the managed identity, as RB107 says, not to declare it again.

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
        run_as = {n.lower() for n in (*data["connections"], *data["certificates"])}
        for file, account, lookups in lookups_by_asset(workspace):
            (first, name), *others = lookups
            kind = first.kind
            if inventory.lookup(kind, name, account):
                continue  # found (exactly or differing in case: RB105)
            covered = inventory.covers(kind, account)
            possible = inventory.possible(kind, name, account)
            known = inventory.names(kind, account)
            if not covered and not possible and not known:
                continue  # the inventory says nothing of this kind for this account
            suggestions = suggested_names(inventory, kind, name, account)
            where = f' for account "{account}"' if account else ""
            times = f" ({len(lookups)} lookups)" if others else ""
            related = tuple(
                related_place(
                    file.path, name_span(ref), ref.logical, f'"{other}" is looked up here too'
                )
                for ref, other in others
            )
            retired = name.lower() in run_as
            # RB107 reports the retirement; declaring the retired asset again is no advice.
            fix = (
                f"sign in with the account's managed identity instead of declaring the {kind}"
                if retired
                else ""
            )
            if covered and not possible:
                severity = None
                message = f'{kind} "{name}" is not in the inventory{where}{times}'
                checked = sources_text(c.source.path for c in covered)
                help = f"{fix or f'fix the name or declare the {kind}'} (checked against {checked})"
            elif possible:
                severity = "info"
                count = len(possible)
                could = (
                    "1 declaration with an unknown name could be it"
                    if count == 1
                    else f"{count} declarations with unknown names could be it"
                )
                message = f'{kind} "{name}" is possibly missing{where}{times}; {could}'
                help = fix or "pass the parameter file or variables that name it to --inventory"
                related += tuple(
                    Related(
                        d.source.path,
                        declaration_span(d.source.line),
                        f"`{d.raw}` could be it" + (f" ({d.reason})" if d.reason else ""),
                    )
                    for d in possible[:_SHOWN_DECLARATIONS]
                )
            else:
                severity = "info"
                message = (
                    f'{kind} "{name}" is possibly missing{where}{times}; '
                    f"the inventory does not list every {kind}"
                )
                help = fix or f"declare the {kind}, or add an export of the account to --inventory"
            if retired:
                shown = fitted(message, f"; Run As accounts were retired on {data['retired']}")
            else:
                shown = _with_candidates(message, suggestions)
                if suggestions and not shown.endswith(f"{quoted_list(suggestions)}?"):
                    help = f"declared names close to it: {quoted_list(suggestions)}; {help}"
            yield self.diagnostic(
                file.path,
                name_span(first),
                shown,
                help=help,
                logical=first.logical,
                related=related,
                severity=severity,  # type: ignore[arg-type]
            )


#: Unresolved declarations named as related places; the message counts them all.
_SHOWN_DECLARATIONS = 3


def _with_candidates(message: str, suggestions: list[str]) -> str:
    """The message with every suggestion, or the best one, or none: whatever fits."""
    if not suggestions:
        return message
    shown = fitted(message, f"; did you mean {quoted_list(suggestions)}?")
    if shown == message:
        shown = fitted(message, f"; did you mean {quoted_list(suggestions[:1])}?")
    return shown
