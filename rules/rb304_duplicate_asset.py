from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import declaration_span, fitted

from analyzer.engine.rule import Rule, RuleContext
from analyzer.inventory.model import Declaration
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.workspace.workspace import Workspace

_LABELS = {
    "connectiontype": "connection type",
    "isencrypted": "encrypted",
    "runbooktype": "runbook type",
}


def _properties(declaration: Declaration) -> dict[str, str]:
    values = {k.lower(): v for k, v in declaration.properties}
    if declaration.connection_type:
        values["connectiontype"] = declaration.connection_type
    if declaration.encrypted is not None:
        values["isencrypted"] = "true" if declaration.encrypted else "false"
    if declaration.runbook_type:
        values["runbooktype"] = declaration.runbook_type
    return values


def differences(first: Declaration, other: Declaration) -> list[tuple[str, str, str]]:
    """Properties both declarations state and state differently (case-insensitively).
    A property only one source knows (exports carry less than templates) is not a
    difference."""
    a, b = _properties(first), _properties(other)
    return [
        (_LABELS.get(key, key), a[key], b[key])
        for key in sorted(a.keys() & b.keys())
        if a[key].casefold() != b[key].casefold()
    ]


class DuplicateAsset(Rule):
    """One asset is declared twice with different properties.

    ## What it does
    Reports an asset (same account, kind and name, case-insensitively) declared in two
    places that state a property differently: connection type, encryption, runbook type
    and the other properties loaders record. A property only one source states (exports
    carry less than templates) is not a difference, so an export and the template of the
    same account, or a typed and a generic Terraform connection, are fine.

    Once per asset: at the first declaration that disagrees with the first one, which is
    a related location, as is every other declaration that disagrees (with what it says).

    ## Why is this bad?
    Whichever deployment runs last wins; the account drifts between two definitions and
    nobody can tell which one is meant.

    ## Example
    ```text
    variable "Region" declared encrypted in main.bicep and not encrypted in vars.tf
    ```

    ## Use instead
    ```text
    declare the variable once
    ```

    ## Fix safety
    Not applicable.
    """

    code = "RB304"
    name = "duplicate-asset"
    severity = "warning"
    scope = "workspace"
    tags = ("inventory",)
    examples_not_runnable = "inventory-only rule; see fixtures/rules"

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        inventory = workspace.inventory
        if inventory is None:
            return
        for asset in inventory.assets():
            declarations = [d for d in asset.declarations if d.source.format != "builtin"]
            if len(declarations) < 2:
                continue
            first = declarations[0]
            disagreeing = [
                (other, differing)
                for other in declarations[1:]
                if (differing := differences(first, other))
            ]
            if not disagreeing:
                continue
            # One asset, one finding: at the first declaration that disagrees with the
            # first one; the others that disagree are related places.
            (other, differing), *more = disagreeing
            detail = "; ".join(f"{key} {b} here, {a} there" for key, a, b in differing)
            if more:
                lead = (
                    f'{asset.kind} "{asset.name}" is declared {len(declarations)} times '
                    "with different properties"
                )
            else:
                lead = f'{asset.kind} "{asset.name}" is declared again with different properties'
            message = fitted(lead, f" ({detail})")
            help = "keep one declaration, or make them agree"
            if message == lead:
                help += f" ({detail})"  # too long for the message
            yield self.diagnostic(
                other.source.path,
                declaration_span(other.source.line),
                message,
                help=help,
                related=(
                    Related(
                        first.source.path,
                        declaration_span(first.source.line),
                        "first declared here",
                    ),
                    *(
                        Related(
                            d.source.path,
                            declaration_span(d.source.line),
                            "declared again here: "
                            + "; ".join(f"{key} {b}" for key, _a, b in diffs),
                        )
                        for d, diffs in more
                    ),
                ),
            )
