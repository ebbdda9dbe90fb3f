"""Where a ``#`` comment can be added to a PowerShell or Python file without changing
what the code means: what ``--add-ignores`` asks before it writes a suppression.

Two places per line are considered. The end of a line takes a comment when it is code:
not inside a string, here-string or block comment that runs on, not after a line
continuation (a PowerShell backtick, a Python backslash: a comment there would end the
statement, or be a syntax error), and not already inside a ``#`` comment (text appended
to it would be part of that comment). A new line above a line takes a comment when that
line starts in code and the line before it does not continue onto it; a shebang and a
Python encoding declaration stay on the lines they must be on.

The file is parsed with the frontends' grammars (PowerShell after the same normalisation
of typographic quotes and misleading backticks its frontend applies), so strings and
comments are told apart as the analysis tells them apart. Where the grammar could not
make sense of the text (error nodes), no line of that region takes a comment: guessing
there could break the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.frontends.python import ENCODING_DECLARATION
from analyzer.frontends.treesitter import captures, parser
from analyzer.model.span import LineIndex

_QUERIES = {
    "powershell": "(string_literal) @string (comment) @comment (ERROR) @error (MISSING) @error",
    "python": "(string) @string (comment) @comment (ERROR) @error (MISSING) @error",
}
_CONTINUATION = {"powershell": b"`", "python": b"\\"}


@dataclass(frozen=True)
class CommentSites:
    """Per line (1-based): can a comment go at its end, or on a new line above it. Each
    entry is None where it can, else why not (for the user)."""

    _end: tuple[str | None, ...]
    _above: tuple[str | None, ...]
    _continued: tuple[bool, ...]

    def at_end(self, line: int) -> bool:
        return self.end_blocked(line) is None

    def above(self, line: int) -> bool:
        return self.above_blocked(line) is None

    def end_blocked(self, line: int) -> str | None:
        """Why the end of ``line`` takes no comment, or None."""
        if not 1 <= line <= len(self._end):
            return "there is no such line"
        return self._end[line - 1]

    def above_blocked(self, line: int) -> str | None:
        """Why no comment line can go above ``line``, or None."""
        if not 1 <= line <= len(self._above):
            return "there is no such line"
        return self._above[line - 1]

    def continues(self, line: int) -> bool:
        """The line ends with a continuation onto the next one."""
        return 1 <= line <= len(self._continued) and self._continued[line - 1]


def comment_sites(text: str, language: str) -> CommentSites:
    """The sites of ``text`` (decoded, without BOM) in ``language`` (``powershell`` or
    ``python``)."""
    if language == "powershell":
        from analyzer.frontends.powershell.text import normalise

        parsed = normalise(text)
    elif language == "python":
        parsed = text
    else:
        raise ValueError(f"no comment syntax for {language!r}")
    data = parsed.encode("utf-8")
    index = LineIndex(data)
    rows = index.line_count
    tree = parser(language).parse(data)
    found = captures(language, _QUERIES[language], tree.root_node)

    ends_inside = [False] * rows  # the end of the row is inside a token that runs on
    starts_inside = [False] * rows  # the start of the row is inside such a token
    broken = [False] * rows  # the grammar could not parse the row
    comment_from: list[int | None] = [None] * rows  # byte column of a `#` comment to the end
    for node in (*found.get("string", ()), *found.get("comment", ())):
        first, last = node.start_point[0], node.end_point[0]
        for row in range(first, last):
            ends_inside[row] = True
            starts_inside[row + 1] = True
    for node in found.get("comment", ()):
        row = node.start_point[0]
        if node.end_point[0] == row and data[node.start_byte : node.start_byte + 1] == b"#":
            column = node.start_point[1]
            current = comment_from[row]
            comment_from[row] = column if current is None else min(current, column)
    for node in found.get("error", ()):
        for row in range(node.start_point[0], min(node.end_point[0], rows - 1) + 1):
            broken[row] = True

    marker = _CONTINUATION[language]
    continued = [False] * rows
    for row in range(rows):
        line = index.line_bytes(row).rstrip(b"\r")
        if language == "powershell":
            line = line.rstrip(b" \t")  # a backtick before blanks is meant as one too
        if not line.endswith(marker) or ends_inside[row] or comment_from[row] is not None:
            continue
        if language == "powershell":  # ``` `` ``` is an escaped backtick, not a continuation
            run = len(line) - len(line.rstrip(marker))
            continued[row] = run % 2 == 1
        else:
            continued[row] = True

    first_line = index.line_bytes(0)
    protected = 0 if first_line.startswith(b"#!") else -1  # rows nothing may go above
    if language == "python":
        for row in range(min(rows, 2)):
            if ENCODING_DECLARATION.match(index.line_bytes(row)):
                protected = row

    def end_blocked(row: int) -> str | None:
        if broken[row]:
            return "the code there does not parse"
        if ends_inside[row]:
            return "it ends inside a string or comment that goes on"
        if continued[row]:
            return "it ends with a line continuation"
        if comment_from[row] is not None:
            return "it ends in a comment"
        if not index.line_bytes(row).strip():
            return "it is blank"
        return None

    def above_blocked(row: int) -> str | None:
        if row <= protected:
            return "nothing may go above the shebang or encoding line"
        if broken[row] or (row > 0 and broken[row - 1]):
            return "the code there does not parse"
        if starts_inside[row]:
            return "it starts inside a string or comment"
        if row > 0 and continued[row - 1]:
            return "the line before continues onto it"
        return None

    end = tuple(end_blocked(row) for row in range(rows))
    above = tuple(above_blocked(row) for row in range(rows))
    return CommentSites(end, above, tuple(continued))
