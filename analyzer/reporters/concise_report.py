"""One line per finding, ``path:line:col: CODE [severity] message`` (a graphical runbook
finding reads ``path: activity "X": CODE [severity] message``), then the summary line:
for grep, editors' quickfix lists and logs that should stay short."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from analyzer.reporters.common import neutralise
from analyzer.reporters.text_report import location, summary

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.model.diagnostic import Diagnostic


def line(diagnostic: Diagnostic) -> str:
    where = location(diagnostic)
    message = neutralise(diagnostic.message).replace("\n", " ")
    return f"{where}: {diagnostic.code} [{diagnostic.severity}] {message}"


def render(
    result: AnalysisResult,
    diagnostics: list[Diagnostic],
    show_source: bool = True,
    hidden: Sequence[tuple[str, int]] = (),
    exit_code: int = 0,
) -> str:
    lines = [line(d) for d in diagnostics]
    lines.append(summary(result, diagnostics, hidden))
    return "\n".join(lines) + "\n"
