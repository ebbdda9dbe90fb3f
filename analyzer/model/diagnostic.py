"""Findings as rules produce them and reporters print them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from analyzer.model.span import LogicalLocation, Span

Severity = Literal["error", "warning", "info"]
Applicability = Literal["safe", "unsafe"]

#: Order used for ``--fail-on`` thresholds and for printing the worst findings first.
SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True, slots=True)
class Related:
    """A second place that explains a finding (a declaration, the other end of a cycle)."""

    path: str
    span: Span | None
    message: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``span`` (1-based code-point columns, end exclusive; zero width inserts)
    with ``text``. A line break in ``text`` is written as ``\\n`` and becomes the file's
    own line ending when the edit is applied."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """How to make a finding go away by editing the source.

    ``safe`` fixes keep what the runbook does (``--fix`` applies them); ``unsafe`` ones may
    change behaviour a reader must confirm (``--unsafe-fixes``). Edits of one fix never
    overlap and touch only what the finding reports.
    """

    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    path: str
    span: Span | None
    logical: LogicalLocation | None = None
    help: str | None = None
    related: tuple[Related, ...] = field(default=())
    fix: Fix | None = None

    def sort_key(self) -> tuple:
        span = self.span
        return (
            self.path,
            span.line if span else 0,
            span.column if span else 0,
            self.logical.activity if self.logical else "",
            self.code,
            self.message,
        )
