from __future__ import annotations

from analyzer.rules._helpers import ProblemRule


class ParseError(ProblemRule):
    """The file has syntax errors; analysis continued on what parsed.

    ## What it does
    Reports syntax errors and unresolved merge-conflict markers. The rest of the file is
    still analysed, and lookups on both sides of a merge conflict are still reported.

    For PowerShell it reports what can be vouched for without PowerShell's own parser:
    brackets, braces, strings, here-strings and block comments that do not balance, and a
    backtick followed by whitespace at the end of a line where that breaks the statement
    (PowerShell escapes the space instead of continuing the line, so a `-Name` on the next
    line is not part of the command). Where PowerShell skips or expects a newline anyway
    (inside `@{ }` before the next entry, after `(`, `,`, `|` or an operator) such a
    backtick changes nothing and is not reported. Places where only the tree-sitter
    grammar stumbles on valid PowerShell are not reported; a lookup in such a place is
    still read, and when its name cannot be, this rule says the file's analysis may be
    incomplete.
    Python syntax errors come from the Python grammar, which reads Python 2 as well.

    ## Why is this bad?
    The runbook fails to publish or fails at its first statement, and every other check
    of this file may be incomplete.

    ## Example
    ```powershell
    $conn = Get-AutomationConnection -Name 'OpsConnection'
    if ($conn) {
        Write-Output 'connected'
    } else { )  # expect: RB901
    ```

    ## Use instead
    ```powershell
    $conn = Get-AutomationConnection -Name 'OpsConnection'
    if ($conn) {
        Write-Output 'connected'
    }
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "RB901"
    name = "parse-error"
    severity = "error"
    tags = ("input",)
