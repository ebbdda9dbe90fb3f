"""GitLab Code Quality report (output-conventions.md §5b): a JSON array, ``[]`` when clean,
read by the merge-request widget from ``artifacts: reports: codequality``.

Severities: info → ``info``, warning → ``minor``, error → ``major``. ``blocker`` and
``critical`` are left free, so that an error is not shouted louder than GitLab's own
security scanners. ``fingerprint`` is the line-independent fingerprint of
:mod:`analyzer.engine.fingerprints` (unique per finding, stable when code moves), which
GitLab uses to tell new findings from old ones. The widget shows the description but not
``check_name``, so the description starts with the rule code. A graphical runbook has no
lines: its finding is at line 1 and the description names the activity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analyzer.engine.fingerprints import SourceLines, fingerprints
from analyzer.reporters.ci import json_document, located_message

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.model.diagnostic import Diagnostic

SEVERITIES = {"info": "info", "warning": "minor", "error": "major"}


def issue(diagnostic: Diagnostic, fingerprint: str) -> dict[str, Any]:
    span = diagnostic.span
    line = span.line if span is not None and diagnostic.logical is None else 1
    return {
        "description": f"{diagnostic.code}: {located_message(diagnostic)}",
        "check_name": diagnostic.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[diagnostic.severity],
        "location": {"path": diagnostic.path, "lines": {"begin": line}},
    }


def render(
    result: AnalysisResult,
    diagnostics: list[Diagnostic],
    show_source: bool = True,
    hidden: Sequence[tuple[str, int]] = (),
    exit_code: int = 0,
) -> str:
    prints = fingerprints(diagnostics, SourceLines(result.files))
    issues = [issue(d, p) for d, p in zip(diagnostics, prints, strict=True)]
    return json_document(issues)
