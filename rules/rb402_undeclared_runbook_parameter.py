from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import closest, quoted_list

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts


class UndeclaredRunbookParameter(Rule):
    """A graphical activity binds a runbook parameter that the runbook does not declare.

    ## What it does
    In graphical runbooks, reports activity parameters bound to a runbook input
    parameter (a `RunbookParameterValueDescriptor`) whose name is not among the runbook's
    declared parameters, and suggests the closest declared name.

    ## Why is this bad?
    The binding silently yields `$null`: an asset lookup then asks for an asset with no
    name, and a cmdlet such as `Set-AzContext -Subscription` runs against the wrong
    subscription or fails. Public exports contain misspellings such as `$Subsicription`.

    ## Example
    ```text
    graphical runbook with parameter "SubscriptionId"; activity "Select subscription"
    binds -Subscription to runbook parameter "Subsicription"
    ```

    ## Use instead
    ```text
    bind -Subscription to the declared runbook parameter "SubscriptionId"
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - ../shared/reference/graphrunbook-format.md, pitfall 10
    """

    code = "RB402"
    name = "undeclared-runbook-parameter"
    severity = "error"
    languages = ("graphical",)
    tags = ("correctness",)
    since = "0.1.0"
    examples_not_runnable = (
        "graphical runbooks are binary exports; see fixtures/graphical and tests/graphical"
    )

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        runbook = file.runbook
        if runbook is None:
            return
        declared = {p.name.lower(): p.name for p in runbook.parameters}
        for use in file.parameter_uses:
            if use.name.lower() in declared:
                continue
            suggestions = closest(use.name, declared.values())
            message = f'runbook parameter "{use.name}" is not declared by this runbook'
            if suggestions:
                message += f"; did you mean {quoted_list(suggestions)}?"
            yield self.diagnostic(
                file.path,
                None,
                message,
                help="bind the activity parameter to a declared runbook parameter, or declare it",
                logical=use.logical,
            )
