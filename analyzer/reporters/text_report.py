"""Human-readable output in the actionlint/ruff style: location, code, name, message, the
source line with a caret under the exact token, and one help line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from analyzer.reporters.ci import activity_label
from analyzer.reporters.common import (
    neutralise,
    plural,
    related_place,
    severity_counts,
    source_lines,
)

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.model.diagnostic import Diagnostic


def location(diagnostic: Diagnostic) -> str:
    """``path:line:col``, or ``path: activity "X"`` for a graphical runbook."""
    path = diagnostic.path or "runbook-analyzer"
    label = activity_label(diagnostic)
    if label is not None:
        return f"{path}: {label}"
    if diagnostic.span is None:
        return path
    return f"{path}:{diagnostic.span.line}:{diagnostic.span.column}"


def _snippet(diagnostic: Diagnostic, lines: list[str]) -> list[str]:
    span = diagnostic.span
    if span is None or diagnostic.logical is not None or not (1 <= span.line <= len(lines)):
        return []
    line = lines[span.line - 1]
    if not line.strip():
        return []
    number = str(span.line)
    gutter = " " * len(number)
    start = max(span.column - 1, 0)
    end = span.end_column - 1 if span.end_line == span.line else len(line)
    end = max(min(end, len(line)), start + 1)
    prefix = "".join("\t" if ch == "\t" else " " for ch in line[:start])
    marker = "^" + "~" * (end - start - 1)
    return [
        f"{gutter} |",
        f"{number} | {neutralise(line)}",
        f"{gutter} | {prefix}{marker}",
    ]


def _fix_note(diagnostic: Diagnostic) -> str:
    assert diagnostic.fix is not None
    how = "--fix" if diagnostic.fix.applicability == "safe" else "--fix --unsafe-fixes"
    return f"{diagnostic.fix.message} ({diagnostic.fix.applicability}: {how})"


def fixable(diagnostics: Sequence[Diagnostic]) -> str:
    """``3 fixable with --fix (1 more with --unsafe-fixes)``, or "" when none is."""
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability != "safe")
    if not safe and not unsafe:
        return ""
    if not safe:
        return f"{unsafe} fixable with --fix --unsafe-fixes"
    more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
    return f"{safe} fixable with --fix{more}"


def render(
    result: AnalysisResult,
    diagnostics: list[Diagnostic],
    show_source: bool = True,
    hidden: Sequence[tuple[str, int]] = (),
    exit_code: int = 0,
) -> str:
    texts = {file.path: file.text for file in result.files}
    cache: dict[str, list[str]] = {}
    out: list[str] = []
    for diagnostic in diagnostics:
        out.append(
            f"{location(diagnostic)}: {diagnostic.code} {diagnostic.name}: "
            f"{neutralise(diagnostic.message)} [{diagnostic.severity}]"
        )
        snippet: list[str] = []
        if show_source and diagnostic.path in texts:
            lines = cache.get(diagnostic.path)
            if lines is None:
                lines = cache[diagnostic.path] = source_lines(texts[diagnostic.path])
            snippet = _snippet(diagnostic, lines)
            out.extend(snippet)
        # Notes line up with the snippet's gutter; without a snippet there is none to match.
        gutter = " " * (len(str(diagnostic.span.line)) if snippet and diagnostic.span else 1)
        for related in diagnostic.related:
            where = related_place(related)
            out.append(f"{gutter} = note: {neutralise(related.message)} ({where})")
        if diagnostic.help:
            out.append(f"{gutter} = help: {neutralise(diagnostic.help)}")
        if diagnostic.fix is not None:
            out.append(f"{gutter} = fix: {neutralise(_fix_note(diagnostic))}")
        out.append("")
    out.append(summary(result, diagnostics, hidden))
    can_fix = fixable(diagnostics)
    if can_fix:  # as ruff does: a line of its own after the summary
        out.append(f"{can_fix}.")
    return "\n".join(out) + "\n"


def summary(
    result: AnalysisResult, diagnostics: list[Diagnostic], hidden: Sequence[tuple[str, int]] = ()
) -> str:
    """The last line: what was found where, out of what was checked, and what is not shown.

    Inventory files are checked too and findings can point at them, so they count among
    the files checked (named separately, since "files" alone means runbook sources).
    """
    sources = {file.path for file in result.files}
    inventory = result.workspace.inventory
    inventory_files = set(inventory.files if inventory is not None else ()) - sources
    affected = {d.path for d in diagnostics if d.path}
    checked = len(sources | inventory_files | affected)
    breakdown = ""
    if inventory_files:
        breakdown = (
            f" ({plural(len(sources), 'source file')}, "
            f"{plural(len(inventory_files), 'inventory file')})"
        )
    if diagnostics:
        counts = severity_counts(diagnostics)
        parts = [plural(counts[s], s) for s in ("error", "warning", "info") if counts[s]]
        line = (
            f"Found {plural(len(diagnostics), 'finding')} ({', '.join(parts)}) in "
            f"{plural(len(affected), 'file')} of {checked} checked{breakdown}"
        )
    else:
        line = f"No findings in {plural(checked, 'file')}{breakdown}"
    not_shown = [f"{plural(count, 'finding')} {what}" for what, count in hidden if count]
    if not_shown:
        line += f"; not shown: {', '.join(not_shown)}"
    return line + "."
