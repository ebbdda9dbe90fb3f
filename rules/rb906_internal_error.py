from __future__ import annotations

from analyzer.rules._helpers import ProblemRule


class InternalError(ProblemRule):
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
