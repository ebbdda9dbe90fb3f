"""The text the parser sees, and the way back to the text the author wrote.

PowerShell's tokenizer reads typographic quotes and dashes as their ASCII forms, skips a
backtick followed by blanks as escaped whitespace, and reads a backtick escape outside a
string (```n"text"``) as one character; the grammar does none of these. The parser
therefore gets a normalised copy in which each replacement keeps the number of code
points on every line, so lines and code-point columns are the same in both texts. Text
for facts (names, expressions) is always cut from the original.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.frontends.powershell import lexical
from analyzer.model.span import LineIndex, Span

if TYPE_CHECKING:
    from tree_sitter import Node


def normalise(text: str) -> str:
    """What the parser should read: what PowerShell's tokenizer would make of ``text``.

    A backtick and trailing blanks that break the statement (RB901) are read as the line
    continuation the author meant, so the lookup on the next line keeps its ``-Name``;
    one that changes nothing (``@{ `…``) is read as the blank it is, as PowerShell does.
    A backtick escape that the grammar would read as swallowing the string or variable
    after it gets a letter instead of its backtick (see :func:`lexical.scan`).
    """
    normalized = lexical.ascii_punctuation(text)
    if not lexical.needs_scan(normalized):
        return normalized
    found = lexical.scan(normalized)
    if not found.trailing and not found.glued:
        return normalized
    chars = list(normalized)
    for backtick in found.trailing:
        start = backtick.offset
        if backtick.breaks is None:
            chars[start] = " "
        else:
            chars[start : start + backtick.length] = [" "] * (backtick.length - 1) + ["`"]
    for offset in found.glued:
        chars[offset] = "_"
    return "".join(chars)


class ParsedText:
    """The parsed bytes with their line index, and slices of the original text."""

    __slots__ = ("data", "index", "original_lines")

    def __init__(self, original: str, normalized: str) -> None:
        self.data = normalized.encode("utf-8")
        self.index = LineIndex(self.data)
        #: Lines of the original text when it differs from what was parsed.
        self.original_lines = original.split("\n") if normalized != original else None

    def text(self, node: Node) -> str:
        if self.original_lines is None:
            return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
        return self.text_between_points(node.start_point, node.end_point)

    def text_between(self, start: int, end: int) -> str:
        """Original text between two byte offsets of the parsed data."""
        if self.original_lines is None:
            return self.data[start:end].decode("utf-8", errors="replace")
        index = self.index
        return self.text_between_points(index.offset_to_point(start), index.offset_to_point(end))

    def text_between_points(self, start: tuple[int, int], end: tuple[int, int]) -> str:
        assert self.original_lines is not None
        lines = self.original_lines
        first = self.index.column(start[0], start[1]) - 1
        last = self.index.column(end[0], end[1]) - 1
        if start[0] == end[0]:
            return lines[start[0]][first:last]
        middle = lines[start[0] + 1 : end[0]]
        return "\n".join([lines[start[0]][first:], *middle, lines[end[0]][:last]])

    def span(self, node: Node) -> Span:
        return self.index.span(node.start_point, node.end_point)

    def span_between(self, first: Node, last: Node) -> Span:
        return self.index.span(first.start_point, last.end_point)
