"""Small helpers the built-in rules share (not a rule module: the loader skips ``_*``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from analyzer.model.span import Span

#: Where file-level findings point: the start of the file (as ruff does for E902).
FILE_START = Span(1, 1, 1, 1)


def callee_span(span: Span | None, callee: str) -> Span | None:
    """The span of the command name alone, for carets under the cmdlet."""
    if span is None:
        return None
    return Span(span.line, span.column, span.line, span.column + len(callee))


def closest(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Candidate names that look like ``name`` (case-insensitive), best first."""
    pool = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(name.lower(), list(pool), n=limit, cutoff=0.75)
    return [pool[m] for m in matches]


def quoted_list(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)
