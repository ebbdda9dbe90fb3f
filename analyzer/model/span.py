"""Source positions.

Internally every position is 1-based with columns counted in Unicode code points and an
exclusive end (DESIGN §3). Converters to LSP (0-based, UTF-16) and other conventions live
at the edges; nothing here stores converted columns. Graphical runbooks have no lines, so a
location may instead (or additionally) carry a logical location: the activity.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A range in a text file: 1-based line and code-point column, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class LogicalLocation:
    """Where a fact sits in a file without lines (a graphical runbook activity)."""

    activity: str
    entity_id: str | None = None
    parameter: str | None = None


class LineIndex:
    """Maps UTF-8 byte offsets (what tree-sitter reports) to 1-based code-point columns.

    Lines are split on ``\\n`` only, so ``\\r\\n`` counts once and form feeds or U+2028 do
    not start lines (editors and SARIF agree with this; ``str.splitlines`` does not).
    """

    __slots__ = ("_ascii", "_ascii_rows", "_data", "_line_starts")

    def __init__(self, data: bytes) -> None:
        self._data = data
        starts = [0]
        find = data.find
        pos = find(b"\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        self._line_starts = starts
        self._ascii = data.isascii()
        self._ascii_rows: dict[int, bool] = {}

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def column(self, row: int, byte_column: int) -> int:
        """1-based code-point column for a 0-based row and a byte column within it."""
        if self._ascii or byte_column == 0:
            return byte_column + 1
        start = self._line_starts[row] if row < len(self._line_starts) else len(self._data)
        ascii_row = self._ascii_rows.get(row)
        if ascii_row is None:
            end = (
                self._line_starts[row + 1] if row + 1 < len(self._line_starts) else len(self._data)
            )
            ascii_row = self._ascii_rows[row] = self._data[start:end].isascii()
        if ascii_row:
            return byte_column + 1
        chunk = self._data[start : start + byte_column]
        return len(chunk.decode("utf-8", errors="replace")) + 1

    def span(self, start_point: tuple[int, int], end_point: tuple[int, int]) -> Span:
        """Span from tree-sitter points (0-based rows, byte columns)."""
        return Span(
            start_point[0] + 1,
            self.column(start_point[0], start_point[1]),
            end_point[0] + 1,
            self.column(end_point[0], end_point[1]),
        )

    def line_bytes(self, row: int) -> bytes:
        """Raw bytes of a 0-based row, without its line feed."""
        starts = self._line_starts
        if row >= len(starts):
            return b""
        end = starts[row + 1] - 1 if row + 1 < len(starts) else len(self._data)
        return self._data[starts[row] : end]

    def offset_to_point(self, offset: int) -> tuple[int, int]:
        """0-based (row, byte column) for a byte offset; used by the textual fallbacks."""
        import bisect

        row = bisect.bisect_right(self._line_starts, offset) - 1
        return row, offset - self._line_starts[row]

    def span_of_bytes(self, start: int, end: int) -> Span:
        return self.span(self.offset_to_point(start), self.offset_to_point(end))
