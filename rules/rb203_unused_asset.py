from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import (
    declaration_span,
    fitted,
    lookup_references,
    name_span,
    related_place,
    suggested_names,
)

from analyzer.engine.rule import Rule, RuleContext
from analyzer.graph import queries
from analyzer.inventory.model import fold
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.model.facts import AssetRef
from analyzer.workspace.workspace import Workspace


class UnusedAsset(Rule):
    """A declared asset that no scanned runbook references.

    ## What it does
    Reports connections, credentials, variables and certificates declared in the
    inventory that no scanned runbook, configuration or graphical runbook looks up (by
    literal or provably constant name, case-insensitively, in the same account). When
    lookups with dynamic names exist for that kind (a runbook parameter's default counts:
    a caller may pass another name), the message says they might use it. One finding per
    asset, at its first declaration; its other declarations are related locations.

    When a lookup the inventory lacks is close to this name (RB102 suggests it), the
    asset is probably meant, not unused: the message names that lookup and the help says
    to fix its name before deleting anything, so that the two rules agree.

    ## Why is this bad?
    Unused credentials and connections are attack surface and rotation work for nothing;
    unused variables are clutter that nobody dares delete because nobody can tell.

    ## Example
    ```text
    inventory declares credential "OldSqlAdmin"; no runbook calls
    Get-AutomationPSCredential -Name 'OldSqlAdmin'
    ```

    ## Use instead
    ```text
    delete the asset from the account and from the infrastructure code
    ```

    ## Fix safety
    Not applicable.
    """

    code = "RB203"
    name = "unused-asset"
    severity = "info"
    scope = "workspace"
    tags = ("dependencies", "inventory")
    examples_not_runnable = "needs an inventory beside the runbooks; see fixtures/rules"

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        inventory = workspace.inventory
        if inventory is None:
            return
        graph = context.graph
        unused = {
            (graph.nodes[node]["kind"], fold(graph.nodes[node]["name"]))
            for node in queries.unused(graph)
        }
        dynamic: dict[str, int] = {}
        for _file, ref in workspace.references():
            name = ref.name.effective if ref.name else None
            if name is None or (ref.name is not None and ref.name.origin == "parameter"):
                # a runbook parameter's default is only what the name is when no one
                # passes another: the caller may well name this asset
                dynamic[ref.kind] = dynamic.get(ref.kind, 0) + 1
        # Lookups the inventory lacks, by the declared name RB102 suggests for them: that
        # declaration is then "meant but misspelled", not something to delete.
        meant: dict[tuple[str, str], list[tuple[str, AssetRef, str]]] = {}
        for file, ref, name, account in lookup_references(workspace):
            if inventory.lookup(ref.kind, name, account):
                continue
            for suggestion in suggested_names(inventory, ref.kind, name, account):
                meant.setdefault((ref.kind, fold(suggestion)), []).append((file.path, ref, name))
        for asset in inventory.assets():
            if (asset.kind, fold(asset.name)) not in unused:
                continue
            declarations = [d for d in asset.declarations if d.source.format != "builtin"]
            if not declarations:
                continue
            first, *others = declarations
            related = [
                Related(d.source.path, declaration_span(d.source.line), "declared here too")
                for d in others
            ]
            note = ""
            help = "delete it, or scan the runbooks that use it"
            misspelled = meant.get((asset.kind, fold(asset.name)), [])
            if misspelled:
                names = {fold(name) for _path, _ref, name in misspelled}
                spelled = misspelled[0][2]
                if len(misspelled) == 1:
                    note = f'; the lookup of "{spelled}" may mean it'
                elif len(names) == 1:
                    note = f'; {len(misspelled)} lookups of "{spelled}" may mean it'
                else:
                    note = f"; {len(misspelled)} lookups of {len(names)} similar names may mean it"
                those = "that lookup" if len(misspelled) == 1 else "those lookups"
                help = f'fix the name in {those} to "{asset.name}", or delete the asset'
                related = [
                    *(
                        related_place(
                            path,
                            name_span(ref),
                            ref.logical,
                            f'"{name}" is looked up here and is not declared',
                        )
                        for path, ref, name in misspelled
                    ),
                    *related,
                ]
            elif dynamic.get(asset.kind):
                count = dynamic[asset.kind]
                lookups = "lookup" if count == 1 else "lookups"
                note = f" ({count} {lookups} with dynamic names might use it)"
            yield self.diagnostic(
                first.source.path,
                declaration_span(first.source.line),
                fitted(
                    f'{asset.kind} "{asset.name}" is declared but no scanned runbook uses it', note
                ),
                help=help,
                related=tuple(related),
            )
