"""Human-readable output in the actionlint/ruff style: location, code, name, message, the
source line with a caret under the exact token, and one help line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.reporters.common import neutralise, plural, severity_counts, source_lines

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.model.diagnostic import Diagnostic


def _location(diagnostic: Diagnostic) -> str:
    path = diagnostic.path or "runbook-analyzer"
    if diagnostic.logical is not None:
        logical = diagnostic.logical
        where = f'activity "{logical.activity}"'
        if logical.parameter:
            where += f" (parameter {logical.parameter})"
        return f"{path}: {where}"
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


def render(result: AnalysisResult, diagnostics: list[Diagnostic], show_source: bool = True) -> str:
    texts = {file.path: file.text for file in result.files}
    cache: dict[str, list[str]] = {}
    out: list[str] = []
    for diagnostic in diagnostics:
        out.append(
            f"{_location(diagnostic)}: {diagnostic.code} {diagnostic.name}: "
            f"{neutralise(diagnostic.message)} [{diagnostic.severity}]"
        )
        if show_source and diagnostic.path in texts:
            lines = cache.get(diagnostic.path)
            if lines is None:
                lines = cache[diagnostic.path] = source_lines(texts[diagnostic.path])
            out.extend(_snippet(diagnostic, lines))
        gutter = " " * (len(str(diagnostic.span.line)) if diagnostic.span else 1)
        for related in diagnostic.related:
            where = related.path
            if related.span is not None:
                where += f":{related.span.line}:{related.span.column}"
            out.append(f"{gutter} = note: {neutralise(related.message)} ({where})")
        if diagnostic.help:
            out.append(f"{gutter} = help: {neutralise(diagnostic.help)}")
        out.append("")
    counts = severity_counts(diagnostics)
    files = len(result.files)
    if diagnostics:
        parts = [plural(counts[s], s) for s in ("error", "warning", "info") if counts[s]]
        affected = len({d.path for d in diagnostics})
        out.append(
            f"Found {plural(len(diagnostics), 'finding')} ({', '.join(parts)}) in "
            f"{plural(affected, 'file')} of {files} checked."
        )
    else:
        out.append(f"No findings in {plural(files, 'file')}.")
    return "\n".join(out) + "\n"
