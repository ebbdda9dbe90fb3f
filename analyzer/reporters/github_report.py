"""GitHub Actions workflow commands (output-conventions.md §3): one annotation per finding,
``::error|warning|notice file=…,line=…,endLine=…,col=…,endColumn=…,title=RB101 name::message``,
then a plain summary line.

GitHub displays only ten annotations of each type per step, so the most severe come first.
Text from scanned files is escaped as the runner expects (``%``, CR and LF in the message;
also ``:`` and ``,`` in properties) and neutralised (:func:`~analyzer.reporters.common.neutralise`),
so a message can neither end the command early nor start another one. A graphical runbook
has no lines: its annotation names only the file and puts the activity in the message.
Info findings are notices.
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

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message of a workflow command (``%`` first, so nothing is escaped twice)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic) -> str:
    properties: list[tuple[str, str | int]] = []
    if diagnostic.path:
        properties.append(("file", diagnostic.path))
    span = diagnostic.span
    if span is not None and diagnostic.logical is None:
        properties.append(("line", span.line))
        if (span.line, span.column) == (span.end_line, span.end_column):
            # A declaration reported at the start of its line: the line, no columns.
            if span.column > 1:
                properties.append(("col", span.column))
        else:
            properties += [
                ("endLine", span.end_line),
                ("col", span.column),
                ("endColumn", span.end_column),
            ]
    properties.append(("title", f"{diagnostic.code} {diagnostic.name}"))
    rendered = ",".join(
        f"{key}={neutralise(escape_property(str(value)))}" for key, value in properties
    )
    message = neutralise(escape_data(with_help(diagnostic)))
    return f"::{LEVELS[diagnostic.severity]} {rendered}::{message}"


def render(
    result: AnalysisResult,
    diagnostics: list[Diagnostic],
    show_source: bool = True,
    hidden: Sequence[tuple[str, int]] = (),
    exit_code: int = 0,
) -> str:
    lines = [annotation(d) for d in worst_first(diagnostics)]
    lines.append(neutralise(summary(result, diagnostics, hidden)))
    return "\n".join(lines) + "\n"
