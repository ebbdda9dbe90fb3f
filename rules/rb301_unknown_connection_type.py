from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import closest, declaration_span, fitted, quoted_list

from analyzer.engine.rule import Rule, RuleContext
from analyzer.inventory.model import Declaration, fold
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.workspace.workspace import Workspace


class UnknownConnectionType(Rule):
    """A connection's type is neither built in nor defined by a module or the inventory.

    ## What it does
    Reports connections declared in the inventory whose connection type is not one of the
    built-in types (`Azure`, `AzureClassicCertificate`, `AzureServicePrincipal`), not a
    `connectionTypes` declaration and not defined by an integration module's
    `-Automation.json` in the inventory.

    Once per type per inventory file: the first connection of that type is the finding,
    the file's other connections of the type are related locations. The cause is the type
    name, not each connection: a module whose definition was not given, or a typo copied
    from one resource to the next, is fixed once (one `-Automation.json`, one
    search-and-replace); a connection per finding would only repeat it. Another file
    (another template or account) gets its own finding.

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
        # One finding per type and inventory file: a missing module definition or a typo
        # copied to several connections is one thing to fix.
        unknown: dict[tuple[str, str], list[Declaration]] = {}
        for declaration in inventory.user_declarations:
            type_name = declaration.connection_type
            if declaration.kind != "connection" or not type_name:
                continue
            if inventory.connection_type(type_name) is not None:
                continue
            if type_name.lower() in modules:
                continue  # a module of that name may well define it
            key = (declaration.source.path, fold(type_name))
            unknown.setdefault(key, []).append(declaration)
        for declarations in unknown.values():
            first, *others = sorted(declarations, key=lambda d: d.source.line or 0)
            type_name = first.connection_type or ""
            suggestions = closest(type_name, known)
            hint = f"; did you mean {quoted_list(suggestions)}?" if suggestions else ""
            if others:
                subject = f"connection {_shown(first)} and {len(others)} more have type"
            else:
                subject = f"connection {_shown(first)} has type"
            message = fitted(
                f'{subject} "{type_name}", which is neither built in nor in the inventory', hint
            )
            help = "fix the type name, or add the module's -Automation.json to --inventory"
            if hint and not message.endswith(hint):
                help = f"did you mean {quoted_list(suggestions)}? {help}"
            yield self.diagnostic(
                first.source.path,
                declaration_span(first.source.line),
                message,
                help=help,
                related=tuple(
                    Related(
                        d.source.path,
                        declaration_span(d.source.line),
                        f'connection {_shown(d, room=120)} has type "{d.connection_type}" too',
                    )
                    for d in others
                ),
            )


def _shown(declaration: Declaration, room: int = 40) -> str:
    """The connection's name, or its expression as written, cut to ``room`` characters."""
    if declaration.name:
        return f'"{declaration.name}"'
    raw = declaration.raw if len(declaration.raw) <= room else declaration.raw[: room - 1] + "…"
    return f"`{raw}`"
