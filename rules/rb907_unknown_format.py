from __future__ import annotations

from analyzer.rules._helpers import ProblemRule


class UnknownFormat(ProblemRule):
    """Part of the file is in a format the analyzer does not know; the rest was read.

    ## What it does
    Notes a file that was decoded but holds something newer or odder than the formats the
    analyzer knows: a graphical export whose `SchemaVersion` is outside 1.0 to 1.10, an
    activity or value class it has never seen, bytes after the end of the runbook
    definition. Everything it does know is still analysed: the lookups and child-runbook
    calls in such a file are reported by the other rules as usual. The note says what the
    content was read as, so that you can tell a hand-edited header over a known payload
    from a format that is really new.

    Files that cannot be decoded at all are RB902, not this rule.

    ## Why is this bad?
    Nothing is wrong with the runbook as far as the analyzer can tell, but in the parts it
    does not know it cannot see lookups or calls, so the file's dependencies may be
    incomplete. It is a note, not a warning: one public export says `"2.10999"` over a
    payload identical to a 1.10 export, and its findings are as complete as any other.

    ## Example
    ```text
    Start-VMs.graphrunbook: {"SchemaVersion":"2.10999","RunbookDefinition":"AAEAAAD/////…"}
    (a 1.10 payload under a hand-edited header)
    ```

    ## Use instead
    ```text
    Start-VMs.graphrunbook exported again from the portal: {"SchemaVersion":"1.10",…}
    ```

    ## Fix safety
    No automatic fix.
    """

    code = "RB907"
    name = "unknown-format"
    severity = "info"
    tags = ("input",)
    since = "0.1.0"
    examples_not_runnable = (
        "graphical runbooks are binary exports; see fixtures/graphical and tests/graphical"
    )
