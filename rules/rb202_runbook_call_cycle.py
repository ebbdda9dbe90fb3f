from __future__ import annotations

from collections.abc import Iterator

from analyzer.engine.rule import Rule, RuleContext
from analyzer.graph.queries import cycles, node_index, node_key
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.workspace.workspace import ResolvedCall, Workspace


class RunbookCallCycle(Rule):
    """Runbooks call each other in a cycle.

    ## What it does
    Finds cycles in the child-runbook call graph (one finding per strongly connected group
    of runbooks, at the call that closes the cycle from its alphabetically first member),
    including a runbook that calls itself inline. A runbook that starts *a new job* of
    itself (`Start-AzAutomationRunbook -Name <its own name>`) is not reported: that is the
    usual way to continue work past the fair-share limit, one job after the other.

    ## Why is this bad?
    A cycle of inline calls never ends; a cycle of started jobs multiplies jobs until the
    account's limits stop it. Workflow children must also be published before their
    parents, which a cycle makes impossible.

    ## Example
    ```powershell
    # file: Sync-A.ps1
    Start-AutomationRunbook -Name 'Sync-B'  # expect: RB202
    # file: Sync-B.ps1
    Start-AutomationRunbook -Name 'Sync-A'
    ```

    ## Use instead
    ```powershell
    # file: Sync-A.ps1
    Start-AutomationRunbook -Name 'Sync-B'
    # file: Sync-B.ps1
    Write-Output 'done'
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - learn.microsoft.com azure/automation/automation-child-runbooks
    """

    code = "RB202"
    name = "runbook-call-cycle"
    severity = "warning"
    scope = "workspace"
    tags = ("dependencies",)

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        if not any(True for _ in workspace.all_calls()):
            return  # nothing to search, and no reason to pay for building the graph
        graph = context.graph
        found = cycles(graph)
        if not found:
            return
        index = node_index(graph)
        # The call that stands for each edge: the first one, in path and line order, that
        # is not a runbook starting a new job of itself (queries.call_graph skips those).
        edges: dict[tuple[str, str], ResolvedCall] = {}
        for resolved in workspace.all_calls():
            source = resolved.file.runbook
            if source is None or not resolved.targets:
                continue
            target = resolved.targets[0].runbook
            assert target is not None
            if target is source and resolved.call.form == "job":
                continue
            key = (index[node_key("runbook", source.name)], index[node_key("runbook", target.name)])
            edges.setdefault(key, resolved)
        for cycle in found:
            pairs = list(zip(cycle, [*cycle[1:], cycle[0]], strict=True))
            if not all(edge in edges for edge in pairs):
                continue  # through a file that is no runbook (a module): no call to point at
            first = edges[pairs[0]]
            names = [edges[edge].file.runbook.name for edge in pairs]  # type: ignore[union-attr]
            path = " -> ".join([*names, names[0]])
            related = tuple(
                Related(
                    edges[edge].file.path,
                    edges[edge].call.span,
                    f"{edges[edge].file.runbook.name} calls "  # type: ignore[union-attr]
                    f"{edges[edge].targets[0].runbook.name} here",  # type: ignore[union-attr]
                )
                for edge in pairs[1:]
            )
            message = (
                f"runbook calls itself inline: {path}"
                if len(names) == 1
                else f"runbooks call each other in a cycle: {path}"
            )
            yield self.diagnostic(
                first.file.path,
                first.call.child.span or first.call.span,
                message,
                help="break the cycle: let one runbook do the work instead of calling back",
                related=related,
                logical=first.call.logical,
            )
