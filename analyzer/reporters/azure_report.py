"""Azure Pipelines logging commands (output-conventions.md §4): one
``##vso[task.logissue type=…;sourcepath=…;linenumber=…;columnnumber=…;code=RB101]message``
per finding, then a plain summary line.

Azure knows only ``error`` and ``warning``. Info findings are logged as warnings whose
message starts with ``[info]``: a user who runs with info findings shown wants to see them
in the run's issue list, and ``--min-severity warning`` leaves them out for one who does
not. Logging a warning does not fail the job; the exit code (``--fail-on``) decides that.
Azure keeps ten issues of each type per task, so errors come first, then warnings, then
infos.

Property values and the message are escaped as the agent decodes them (``%`` → ``%AZP25``,
``;`` → ``%3B``, CR → ``%0D``, LF → ``%0A``, ``]`` → ``%5D``), and every line is neutralised:
Azure runs ``##vso[`` wherever it appears in a line, so text from a scanned file must not
contain one. A graphical runbook has no lines: the issue names the file and the message
the activity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from analyzer.reporters.ci import with_help, worst_first
from analyzer.reporters.common import neutralise
from analyzer.reporters.text_report import summary

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.model.diagnostic import Diagnostic

_ESCAPES = (("%", "%AZP25"), (";", "%3B"), ("\r", "%0D"), ("\n", "%0A"), ("]", "%5D"))


def escape(text: str) -> str:
    """A property value or message (``%`` first, so nothing is escaped twice)."""
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def issue(diagnostic: Diagnostic) -> str:
    kind = "error" if diagnostic.severity == "error" else "warning"
    properties: list[tuple[str, str | int]] = [("type", kind)]
    if diagnostic.path:
        properties.append(("sourcepath", diagnostic.path))
    span = diagnostic.span
    if span is not None and diagnostic.logical is None:
        properties += [("linenumber", span.line), ("columnnumber", span.column)]
    properties.append(("code", diagnostic.code))
    rendered = ";".join(f"{key}={_safe(str(value))}" for key, value in properties)
    message = with_help(diagnostic)
    if diagnostic.severity == "info":
        message = f"[info] {message}"
    return f"##vso[task.logissue {rendered}]{_safe(message)}"


def _safe(text: str) -> str:
    return neutralise(escape(text))


def render(
    result: AnalysisResult,
    diagnostics: list[Diagnostic],
    show_source: bool = True,
    hidden: Sequence[tuple[str, int]] = (),
    exit_code: int = 0,
) -> str:
    lines = [issue(d) for d in worst_first(diagnostics)]
    lines.append(neutralise(summary(result, diagnostics, hidden)))
    return "\n".join(lines) + "\n"
