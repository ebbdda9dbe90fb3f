from __future__ import annotations

from analyzer.rules._helpers import ProblemRule


class UnreadableFile(ProblemRule):
    """The file cannot be read as text (binary, undecodable, truncated or corrupt).

    ## What it does
    Reports files that cannot be decoded: NUL bytes without a UTF-16 byte order mark,
    invalid UTF-16 after a BOM, unreadable files; graphical exports whose JSON, base64 or
    runbook definition is cut off or corrupt (also when the header claims a newer schema
    version), and inventory files that cannot be parsed. BOM-less files that are not UTF-8
    are read as Windows-1252, as Windows PowerShell 5.1 does, and are not reported.

    A file that decodes but holds something the analyzer does not know, such as a graphical
    export with a newer `SchemaVersion`, is not unreadable: its lookups and calls are
    analysed, and RB907 (`unknown-format`, info) notes what was not known.

    ## Why is this bad?
    Nothing in the file can be checked, and the Automation service will not import it
    either.

    ## Example
    ```text
    Deploy.ps1 saved as UTF-16 without a byte order mark (every other byte is NUL)
    ```

    ## Use instead
    ```text
    Deploy.ps1 saved as UTF-8 (with or without BOM) or UTF-16 with a BOM
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "RB902"
    name = "unreadable-file"
    severity = "error"
    tags = ("input",)
    examples_not_runnable = (
        "binary input cannot be written in a docstring; see tests/test_reading.py"
    )
