from __future__ import annotations

from analyzer.engine.rule import Rule


class UnusedSuppression(Rule):
    """A suppression comment or baseline entry matches no finding.

    ## What it does
    Reports an inline suppression (`# runbook-analyzer: ignore[RB101]` on a line or the
    line above, `# runbook-analyzer: file-ignore[RB103]`) that hides nothing, and a
    `--baseline` entry that no longer matches any finding. It also reports comments that
    look like a suppression but are not one: a misspelt directive, an empty or unclosed
    rule list, or a code that names no rule.

    A suppression is only called unused for rules that ran: with `--select RB103`, a
    suppression of RB101 is left alone. The engine's filter stage produces this finding
    (after the rules), so it sees exactly what the suppressions hid.

    ## Why is this bad?
    A suppression outlives the problem it hid: once the code is fixed it silently hides
    the next, unrelated finding of that rule on that line. A misspelt one never worked.
    Stale baseline entries do the same for a whole file and make the debt look larger
    than it is.

    ## Example
    ```powershell
    $name = 'AzureConnection'
    $conn = Get-AutomationConnection -Name $name  # runbook-analyzer: ignore[RB1O1] typo  # expect: RB905
    ```

    ## Use instead
    ```powershell
    $conn = Get-AutomationConnection -Name 'AzureConnection'
    ```

    ## Fix safety
    No automatic fix: remove the comment, or correct the code it names. For a baseline,
    `--prune-baseline` removes the entries that no longer match.
    """

    code = "RB905"
    name = "unused-suppression"
    severity = "warning"
    tags = ("suppression",)
