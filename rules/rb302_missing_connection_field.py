from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import declaration_span

from analyzer.engine.rule import Rule, RuleContext
from analyzer.inventory.model import BUILTIN_CONNECTION_TYPES, FieldDef, Inventory
from analyzer.model.diagnostic import Diagnostic
from analyzer.workspace.workspace import Workspace


def required_fields(type_name: str, inventory: Inventory | None) -> list[str] | None:
    """Required (non-optional) field names of a connection type, if the type is known."""
    if inventory is not None:
        declared = inventory.connection_type(type_name)
        if declared is not None and declared.fields is not None:
            return [f.name for f in declared.fields if not f.optional]
    for builtin, fields in BUILTIN_CONNECTION_TYPES.items():
        if builtin.lower() == type_name.lower():
            return list(fields)
    return None


def missing(given: tuple[FieldDef, ...] | tuple[str, ...], required: list[str]) -> list[str]:
    names = {(f.name if isinstance(f, FieldDef) else f).lower() for f in given}
    return [f for f in required if f.lower() not in names]


class MissingConnectionField(Rule):
    """A connection lacks a required field of its connection type.

    ## What it does
    Reports connections that give values to some fields but not to every required
    (non-optional) field of their type: connections declared in the inventory with
    field values, and `New-AzAutomationConnection` / `New-AzureRmAutomationConnection`
    calls in runbooks whose `-ConnectionFieldValues` is a literal hashtable. Exports
    that carry no field values (list calls, portal exports) are not checked.

    ## Why is this bad?
    Creating the connection fails, or a runbook reading the field gets `$null`.

    ## Example
    ```powershell
    $fields = @{ ApplicationId = $appId; TenantId = $tenant; SubscriptionId = $sub }
    New-AzAutomationConnection -Name 'Ops' -ConnectionTypeName AzureServicePrincipal -ConnectionFieldValues $fields -ResourceGroupName 'rg' -AutomationAccountName 'aa'  # expect: RB302
    ```

    ## Use instead
    ```powershell
    $fields = @{ ApplicationId = $appId; TenantId = $tenant; SubscriptionId = $sub; CertificateThumbprint = $thumb }
    New-AzAutomationConnection -Name 'Ops' -ConnectionTypeName AzureServicePrincipal -ConnectionFieldValues $fields -ResourceGroupName 'rg' -AutomationAccountName 'aa'
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "RB302"
    name = "missing-connection-field"
    severity = "error"
    scope = "workspace"
    tags = ("correctness", "inventory")

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        inventory = workspace.inventory
        for file in workspace.files:
            for definition in file.connection_definitions:
                if definition.connection_type is None or definition.fields is None:
                    continue
                required = required_fields(definition.connection_type, inventory)
                if required is None:
                    continue
                absent = missing(definition.fields, required)
                if absent:
                    yield self.diagnostic(
                        file.path,
                        definition.span,
                        f"connection of type {definition.connection_type} lacks required "
                        f"field(s) {', '.join(absent)}",
                        help=f"add {', '.join(absent)} to -ConnectionFieldValues",
                        logical=definition.logical,
                    )
        if inventory is None:
            return
        for declaration in inventory.user_declarations:
            if (
                declaration.kind != "connection"
                or not declaration.connection_type
                or not declaration.fields
            ):
                continue
            required = required_fields(declaration.connection_type, inventory)
            if required is None:
                continue
            absent = missing(declaration.fields, required)
            if absent:
                shown = f'"{declaration.name}"' if declaration.name else f"`{declaration.raw}`"
                yield self.diagnostic(
                    declaration.source.path,
                    declaration_span(declaration.source.line),
                    f"connection {shown} of type {declaration.connection_type} lacks required "
                    f"field(s) {', '.join(absent)}",
                    help=f"give values to {', '.join(absent)}",
                )
