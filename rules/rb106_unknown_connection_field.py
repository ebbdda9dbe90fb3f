from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import closest, fitted, quoted_list, related_place

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.inventory.model import BUILTIN_CONNECTION_TYPES, Inventory, fold
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FieldUse, FileFacts

#: Connection types implied by the Run As connection names when no inventory says.
_RUN_AS_TYPES = {
    "azurerunasconnection": "AzureServicePrincipal",
    "azureclassicrunasconnection": "AzureClassicCertificate",
}


class UnknownConnectionField(Rule):
    """A field read from a connection is not defined by its connection type.

    ## What it does
    Compares the fields a runbook reads from a connection (`$c.TenantId`,
    `$c['TenantId']`, `c["TenantId"]`, an activity output's field path) with the fields
    of the connection's type: the built-in types (`AzureServicePrincipal`,
    `AzureClassicCertificate`, `Azure`), `connectionTypes` declared in the inventory and
    integration modules' `-Automation.json`. The type comes from the inventory, or from
    the Run As connection names. PowerShell compares case-insensitively (warning);
    Python dictionaries are case-sensitive, so there it is an error and a case-only
    difference is reported too.

    Once per connection and field per file: the first read is the finding, the other
    reads of that field are related locations. In PowerShell all spellings of a field are
    one cause (they read the same key); in Python each spelling is its own mistake (its
    own `KeyError`) and gets its own finding. The type's fields are listed in the help.

    ## Why is this bad?
    PowerShell returns `$null` for an unknown key and the sign-in fails later with a
    confusing error; Python raises `KeyError`.

    ## Example
    ```python
    import automationassets

    conn = automationassets.get_automation_connection("AzureRunAsConnection")
    tenant = conn["TenantID"]  # expect: RB106
    ```

    ## Use instead
    ```python
    import automationassets

    conn = automationassets.get_automation_connection("AzureRunAsConnection")
    tenant = conn["TenantId"]
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - ../shared/reference/inventory-formats.md §5
    """

    code = "RB106"
    name = "unknown-connection-field"
    severity = "warning"
    tags = ("correctness", "inventory")

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        if not file.field_uses:
            return
        workspace = context.workspace
        inventory = workspace.inventory
        account = workspace.account_of(file)
        python = file.runbook is not None and file.runbook.language == "python"
        run_as = {n.lower() for n in platform()["run-as"]["connections"]}
        # One finding per connection type and field: Python keys are case-sensitive, so
        # there each spelling is its own mistake; PowerShell folds them into one. A read
        # in a wrapper function is a read of every connection its calls name: one cause.
        reads: dict[tuple[str, str], list[tuple[FieldUse, str]]] = {}
        types: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        for use in sorted(file.field_uses, key=_position):
            ref = file.refs[use.ref]
            name = ref.name.effective if ref.name else None
            if name is None:
                continue
            connection = fold(name)
            if connection not in types:
                type_name = self._type(name, inventory, account, run_as)
                fields = self._fields(type_name, inventory) if type_name else None
                if type_name is None or fields is None:
                    continue
                types[connection] = (name, type_name, fields)
            fields = types[connection][2]
            if use.field in fields:
                continue
            if not python and use.field.lower() in {f.lower() for f in fields}:
                continue
            key = use.field if python else use.field.lower()
            reads.setdefault((fold(types[connection][1]), key), []).append((use, connection))
        for found in reads.values():
            connections = list(dict.fromkeys(connection for _, connection in found))
            _, type_name, fields = types[connections[0]]
            names = [types[connection][0] for connection in connections]
            shown = (
                f'connection "{names[0]}"'
                if len(names) == 1
                else f"connections {quoted_list(names)}"
            )
            # Several connections read at one place (a wrapper's calls) are one read.
            uses = list({(u.span, u.logical, u.field): u for u, _ in found}.values())
            first, *others = uses
            field = first.field
            times = f" ({len(uses)} reads)" if others else ""
            listed = ", ".join(sorted(fields, key=str.lower))
            same_but_case = {f.lower(): f for f in fields}.get(field.lower())
            if same_but_case is not None:
                message = (
                    f'key "{field}" of {shown} is spelled "{same_but_case}" in type '
                    f"{type_name}{times}; dictionary keys are case-sensitive"
                )
                help = f'use "{same_but_case}"'
            else:
                consequence = "the connection has no such key" if python else "it reads as $null"
                suggestions = closest(field, fields)
                message = fitted(
                    f'field "{field}" of {shown} is not defined by type '
                    f"{type_name}{times}; {consequence}",
                    f"; did you mean {quoted_list(suggestions)}?" if suggestions else "",
                )
                help = f"read one of the fields of {type_name} ({listed}), or fix the connection's type"
            yield self.diagnostic(
                file.path,
                first.span,
                message,
                help=help,
                logical=first.logical,
                related=tuple(
                    related_place(
                        file.path, use.span, use.logical, f'"{use.field}" is read here too'
                    )
                    for use in others
                ),
                severity="error" if python else "warning",
            )

    @staticmethod
    def _type(
        name: str, inventory: Inventory | None, account: str | None, run_as: set[str]
    ) -> str | None:
        """The connection's type: the inventory's, else the one a Run As name implies."""
        if inventory is not None:
            found = inventory.lookup("connection", name, account)
            if found and found[0].connection_type:
                return found[0].connection_type
        if name.lower() in run_as:
            return _RUN_AS_TYPES.get(name.lower())
        return None

    @staticmethod
    def _fields(type_name: str, inventory: Inventory | None) -> tuple[str, ...] | None:
        if inventory is not None:
            declared = inventory.connection_type(type_name)
            if declared is not None and declared.fields is not None:
                return tuple(f.name for f in declared.fields)
        for builtin, fields in BUILTIN_CONNECTION_TYPES.items():
            if builtin.lower() == type_name.lower():
                return fields
        return None


def _position(use: FieldUse) -> tuple[int, int]:
    return (use.span.line, use.span.column) if use.span is not None else (0, 0)
