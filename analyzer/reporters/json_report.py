"""Machine-readable findings: one JSON document, sorted, with stable keys.

Positions follow the internal convention (1-based lines, 1-based code-point columns,
exclusive end); graphical runbooks have ``line: null`` and the activity instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analyzer import __version__
from analyzer.reporters.ci import json_document
from analyzer.reporters.common import severity_counts

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.model.diagnostic import Diagnostic

REPORT_VERSION = 1


def _fix_dict(diagnostic: Diagnostic) -> dict[str, Any] | None:
    """The fix as ruff's JSON has it: applicability, message, edits (internal positions)."""
    fix = diagnostic.fix
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [
            {
                "line": e.span.line,
                "column": e.span.column,
                "end_line": e.span.end_line,
                "end_column": e.span.end_column,
                "text": e.text,
            }
            for e in fix.edits
        ],
    }


def diagnostic_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    span = diagnostic.span
    logical = diagnostic.logical
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "path": diagnostic.path,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "activity": logical.activity if logical else None,
        "activity_id": logical.entity_id if logical else None,
        "parameter": logical.parameter if logical else None,
        "help": diagnostic.help,
        "fix": _fix_dict(diagnostic),
        "related": [
            {
                "path": r.path,
                "line": r.span.line if r.span else None,
                "column": r.span.column if r.span else None,
                "message": r.message,
            }
            for r in diagnostic.related
        ],
    }


def render(
    result: AnalysisResult,
    diagnostics: list[Diagnostic],
    show_source: bool = True,
    hidden: Sequence[tuple[str, int]] = (),
    exit_code: int = 0,
) -> str:
    """The report of ``diagnostics`` (what is shown); the summary counts only those."""
    counts = severity_counts(diagnostics)
    document = {
        "version": REPORT_VERSION,
        "tool": {"name": "runbook-analyzer", "version": __version__},
        "summary": {
            "files": len(result.files),
            "findings": len(diagnostics),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
        },
        "diagnostics": [diagnostic_dict(d) for d in diagnostics],
    }
    # Printed into CI logs: no ``##vso[`` a runbook's names could smuggle in (same values).
    return json_document(document)
