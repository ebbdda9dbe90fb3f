from __future__ import annotations

from collections.abc import Iterator

from analyzer.rules._helpers import FILE_START

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.facts import FileFacts


class RetiredRuntime(Rule):
    """Runbook targets a retired runtime (Python 2).

    ## What it does
    Reports Python runbooks that are Python 2: they use Python-2-only syntax (print or
    exec statements, `except E, e`, backticks, `<>`, `0777`, `ur''`) or declare
    `python2` in their shebang, once per file: at the shebang, else at the first
    Python-2-only construct. Dates and wording come from the platform data file.

    ## Why is this bad?
    Python 2.7 reached end of life on 2020-01-01, the Azure SDK for Python dropped it in
    2022, and Azure Automation lists Python 2.7 runbooks as an unsupported runtime
    version: they still run, without fixes or security updates.

    ## Example
    ```python
    import automationassets

    print "starting"  # expect: RB903
    ```

    ## Use instead
    ```python
    import automationassets

    print("starting")
    ```

    ## Fix safety
    No automatic fix.

    ## References
    - learn.microsoft.com azure/automation/automation-runtime-retirement-policy
    """

    code = "RB903"
    name = "retired-runtime"
    severity = "warning"
    languages = ("python",)
    tags = ("retirement",)

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        runbook = file.runbook
        if runbook is None or runbook.kind != "python2":
            return
        data = platform()["runtimes"]["python2"]
        # The message stays one short line; the platform's wording of the status (long,
        # and it changes with each notice) goes in the help.
        yield self.diagnostic(
            file.path,
            runbook.runtime_evidence or FILE_START,
            f"Python 2 runbook: {data['label']} reached end of life on {data['end-of-life']}",
            help=f"{data['label']} is {data['status']}; port the runbook to "
            f"{data['replacement']} and create it as a Python 3 runbook",
        )
