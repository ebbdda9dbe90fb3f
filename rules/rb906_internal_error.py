from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import FILE_START, declaration_span

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts
from analyzer.workspace.workspace import Workspace


class InternalError(Rule):
    """The analyzer failed on this file; results for other files stand.

    ## What it does
    Reports a crash of a frontend or a rule on one file, with the error, instead of
    ending the whole run with a traceback. A crashing rule produces this finding for the
    file it was checking.

    ## Why is this bad?
    The file was not (fully) checked. It is an analyzer bug: please report it with the
    file that triggers it.

    ## Example
    ```text
    any file that makes a rule or frontend raise an exception
    ```

    ## Use instead
    ```text
    not applicable: upgrade runbook-analyzer or report the bug
    ```

    ## Fix safety
    Not applicable.
    """

    code = "RB906"
    name = "internal-error"
    severity = "error"
    tags = ("input",)
    examples_not_runnable = "only an analyzer bug triggers it; see tests/test_engine.py"

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        for problem in file.problems:
            if problem.code == self.code:
                yield self.diagnostic(
                    file.path, problem.span or FILE_START, problem.message, help=problem.help
                )

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        """Inventory files that could not be read are reported the same way."""
        if workspace.inventory is None:
            return
        for problem in workspace.inventory.problems:
            if problem.code == self.code:
                yield self.diagnostic(
                    problem.path,
                    declaration_span(problem.line) or FILE_START,
                    problem.message,
                    help="fix the file; the kinds it declares count as not covered",
                )
