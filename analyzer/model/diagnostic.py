"""Findings as rules produce them and reporters print them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from analyzer.model.span import LogicalLocation, Span

Severity = Literal["error", "warning", "info"]

#: Order used for ``--fail-on`` thresholds and for printing the worst findings first.
SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True, slots=True)
class Related:
    """A second place that explains a finding (a declaration, the other end of a cycle)."""

    path: str
    span: Span | None
    message: str


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
