from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import closest, declaration_span, quoted_list

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.workspace.workspace import Workspace


class UnknownConnectionType(Rule):
    """A connection's type is neither built in nor defined by a module or the inventory.

    ## What it does
    Reports connections declared in the inventory whose connection type is not one of the
    built-in types (`Azure`, `AzureClassicCertificate`, `AzureServicePrincipal`), not a
    `connectionTypes` declaration and not defined by an integration module's
    `-Automation.json` in the inventory.

    ## Why is this bad?
    Creating the connection fails (the type does not exist in the account), or the
    connection was created for a module that has since been removed.

    ## Example
    ```text
    connection "Ops" of type "AzureServicePrinciple" (a typo) in an ARM template
    ```

    ## Use instead
    ```text
    connection "Ops" of type "AzureServicePrincipal"
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "RB301"
    name = "unknown-connection-type"
    severity = "error"
    scope = "workspace"
    tags = ("inventory",)
    examples_not_runnable = "inventory-only rule; see fixtures/rules"

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        inventory = workspace.inventory
        if inventory is None:
            return
        known = inventory.names("connection_type")
        modules = {n.lower() for n in inventory.names("module")}
        for declaration in inventory.user_declarations:
            type_name = declaration.connection_type
            if declaration.kind != "connection" or not type_name:
                continue
            if inventory.connection_type(type_name) is not None:
                continue
            if type_name.lower() in modules:
                continue  # a module of that name may well define it
            suggestions = closest(type_name, known)
            hint = f"; did you mean {quoted_list(suggestions)}?" if suggestions else ""
            shown = f'"{declaration.name}"' if declaration.name else f"`{declaration.raw}`"
            yield self.diagnostic(
                declaration.source.path,
                declaration_span(declaration.source.line),
                f'connection {shown} has type "{type_name}", which is neither built in nor '
                f"defined by a module or connection type in the inventory{hint}",
                help="fix the type name, or add the module's -Automation.json to --inventory",
            )
