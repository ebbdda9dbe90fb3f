from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import closest, quoted_list

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.inventory.model import BUILTIN_CONNECTION_TYPES
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts

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
        for use in file.field_uses:
            ref = file.refs[use.ref]
            name = ref.name.effective if ref.name else None
            if name is None:
                continue
            type_name = None
            if inventory is not None:
                found = inventory.lookup("connection", name, account)
                type_name = found[0].connection_type if found else None
            if type_name is None and name.lower() in run_as:
                type_name = _RUN_AS_TYPES.get(name.lower())
            if type_name is None:
                continue
            fields = self._fields(type_name, inventory)
            if fields is None:
                continue
            if use.field in fields:
                continue
            folded = {f.lower(): f for f in fields}
            same_but_case = folded.get(use.field.lower())
            if same_but_case is not None and not python:
                continue
            listed = ", ".join(sorted(fields, key=str.lower))
            if same_but_case is not None:
                message = (
                    f'field "{use.field}" is "{same_but_case}" in connection type {type_name}; '
                    "Python dictionary keys are case-sensitive"
                )
                help = f'use "{same_but_case}"'
            else:
                suggestions = closest(use.field, fields)
                hint = f"; did you mean {quoted_list(suggestions)}?" if suggestions else ""
                message = (
                    f'field "{use.field}" is not defined by connection type {type_name} '
                    f"(fields: {listed}){hint}"
                )
                help = "read one of the type's fields, or fix the connection's type"
            yield self.diagnostic(
                file.path,
                use.span,
                message,
                help=help,
                logical=use.logical,
                severity="error" if python else "warning",
            )

    @staticmethod
    def _fields(type_name: str, inventory) -> tuple[str, ...] | None:  # noqa: ANN001
        if inventory is not None:
            declared = inventory.connection_type(type_name)
            if declared is not None and declared.fields is not None:
                return tuple(f.name for f in declared.fields)
        for builtin, fields in BUILTIN_CONNECTION_TYPES.items():
            if builtin.lower() == type_name.lower():
                return fields
        return None
