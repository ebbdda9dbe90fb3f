from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import callee_span

from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts


class MissingAutomationassetsImport(Rule):
    """Python runbook calls an asset function without importing `automationassets`.

    ## What it does
    Reports calls of `get_automation_variable`, `get_automation_connection` and the other
    `automationassets` functions that do not reach the module: the file never imports
    `automationassets`, or imports the module but calls the function by its bare name
    without importing that name from it.

    ## Why is this bad?
    The call raises `NameError` when the job runs: the functions are not built-ins, they
    live in the sandbox's `automationassets` module.

    ## Example
    ```python
    import sys

    region = get_automation_variable("Region")  # expect: RB104
    ```

    ## Use instead
    ```python
    import automationassets

    region = automationassets.get_automation_variable("Region")
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - learn.microsoft.com azure/automation/python-3-packages
    """

    code = "RB104"
    name = "missing-automationassets-import"
    severity = "error"
    languages = ("python",)
    tags = ("correctness",)

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        module_imported = any(i.module == "automationassets" for i in file.imports)
        for ref in file.refs:
            if "unimported" not in ref.tags:
                continue
            function = ref.callee.rsplit(".", 1)[-1]
            if module_imported and "." not in ref.callee:
                message = (
                    f"{function} is called by its bare name but is not imported from "
                    "automationassets; the job fails with NameError"
                )
                help = (
                    f"call automationassets.{function}(...) or add "
                    f"`from automationassets import {function}`"
                )
            else:
                message = (
                    f"{ref.callee} is called but automationassets is never imported; "
                    "the job fails with NameError"
                )
                help = f"add `import automationassets` and call automationassets.{function}(...)"
            yield self.diagnostic(file.path, callee_span(ref.span, ref.callee), message, help=help)
