"""Problems every text frontend reports the same way."""

from __future__ import annotations

import re

from analyzer.model.facts import Problem
from analyzer.model.span import LineIndex

_MERGE_MARKER = re.compile(rb"^(<{7}|={7}|>{7})(?: |\r?$)", re.MULTILINE)
_RESOLVE = "resolve the conflict and remove the <<<<<<<, ======= and >>>>>>> lines"


def merge_conflicts(data: bytes, index: LineIndex) -> list[Problem]:
    """One RB901 per conflict block (``<<<<<<<`` … ``>>>>>>>``), at its first line.

    Every other syntax error in such a file follows from the markers, so callers report
    only these when there are any.
    """
    problems: list[Problem] = []
    open_start: int | None = None
    for match in _MERGE_MARKER.finditer(data):
        marker = match.group(1)[:1]
        if marker == b"<":
            open_start = match.start()
            continue
        if marker == b">" and open_start is not None:
            first = index.span_of_bytes(open_start, open_start + 7)
            last = index.offset_to_point(match.start())[0] + 1
            problems.append(
                Problem(
                    "RB901",
                    f"unresolved merge conflict (lines {first.line}-{last}): the file cannot be "
                    "parsed; lookups on both sides are still reported",
                    first,
                    _RESOLVE,
                )
            )
            open_start = None
    if open_start is not None:
        problems.append(
            Problem(
                "RB901",
                "merge conflict marker without its closing >>>>>>> line",
                index.span_of_bytes(open_start, open_start + 7),
                _RESOLVE,
            )
        )
    return problems
