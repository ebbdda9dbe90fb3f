from __future__ import annotations

from collections.abc import Hashable, Iterator

from analyzer.rules._helpers import MAX_MESSAGE, declaration_span, related_place

from analyzer.engine.rule import Rule, RuleContext
from analyzer.inventory.model import (
    BUILTIN_CONNECTION_TYPES,
    Declaration,
    FieldDef,
    Inventory,
    fold,
)
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.model.facts import ConnectionDefinition
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

    Each connection is its own cause (its own values to add), so each gets a finding; the
    same connection declared or created twice in one file with the same gap (a script
    that removes and recreates it in a `catch`) is one finding, with the other place as a
    related location.

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
            created: dict[Hashable, list[ConnectionDefinition]] = {}
            for index, definition in enumerate(file.connection_definitions):
                name = definition.name.effective if definition.name else None
                absent = _absent(definition.connection_type, definition.fields, inventory)
                if absent:
                    key = _key(name, definition.connection_type, absent, index)
                    created.setdefault(key, []).append(definition)
            for definitions in created.values():
                first, *others = definitions
                name = first.name.effective if first.name else None
                absent = _absent(first.connection_type, first.fields, inventory)
                yield self.diagnostic(
                    file.path,
                    first.span,
                    _message(
                        f'"{name}"' if name else None,
                        first.connection_type,
                        absent,
                        others,
                        "created",
                    ),
                    help=f"add {', '.join(absent)} to -ConnectionFieldValues",
                    logical=first.logical,
                    related=tuple(
                        related_place(file.path, d.span, d.logical, "created here too")
                        for d in others
                    ),
                )
        if inventory is None:
            return
        declared: dict[Hashable, list[Declaration]] = {}
        for index, declaration in enumerate(inventory.user_declarations):
            if declaration.kind != "connection" or not declaration.fields:
                continue  # exports without field values say nothing of the fields
            absent = _absent(declaration.connection_type, declaration.fields, inventory)
            if absent:
                key = (
                    declaration.source.path,
                    _key(declaration.name, declaration.connection_type, absent, index),
                )
                declared.setdefault(key, []).append(declaration)
        for declarations in declared.values():
            first, *others = declarations
            absent = _absent(first.connection_type, first.fields, inventory)
            shown = f'"{first.name}"' if first.name else f"`{first.raw}`"
            yield self.diagnostic(
                first.source.path,
                declaration_span(first.source.line),
                _message(shown, first.connection_type, absent, others, "declared"),
                help=f"give values to {', '.join(absent)}",
                related=tuple(
                    Related(d.source.path, declaration_span(d.source.line), "declared here too")
                    for d in others
                ),
            )


def _absent(
    type_name: str | None,
    given: tuple[FieldDef, ...] | tuple[str, ...] | None,
    inventory: Inventory | None,
) -> tuple[str, ...]:
    """The required fields of ``type_name`` that ``given`` lacks; none when either the
    type or the fields given are not known."""
    if not type_name or given is None:
        return ()
    required = required_fields(type_name, inventory)
    return tuple(missing(given, required)) if required is not None else ()


def _key(name: str | None, type_name: str | None, absent: tuple[str, ...], index: int) -> Hashable:
    """One connection declared (or created) twice in one file with the same gap is one
    cause; a connection whose name is not known counts as its own."""
    identity = ("name", fold(name)) if name else ("unnamed", index)
    return (identity, fold(type_name or ""), absent)


def _message(
    shown: str | None,
    type_name: str | None,
    absent: tuple[str, ...],
    others: list[object],
    verb: str,
) -> str:
    subject = f"connection {shown}" if shown else "connection"
    again = f" ({verb} {len(others) + 1} times)" if others else ""
    lead = f"{subject} of type {type_name} lacks required "
    listed = f"field{'s' if len(absent) > 1 else ''} {', '.join(absent)}"
    if len(lead) + len(listed) + len(again) > MAX_MESSAGE:
        listed = f"{len(absent)} fields"  # the help names them
    return lead + listed + again
