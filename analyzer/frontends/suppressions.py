"""Inline suppression comments, read from the comment nodes of a parsed file.

One syntax for PowerShell and Python, since both comment with ``#``::

    # runbook-analyzer: ignore[RB101] the name comes from the webhook body
    # runbook-analyzer: file-ignore[RB103,RB107] management script run by hand

PowerShell block comments ``<# … #>`` count too (a directive on any of their lines).
Only comment nodes are read, so text in strings and here-strings that merely looks like a
directive suppresses nothing.

What a line suppression covers: a comment after code covers its own line; a comment on a
line of its own covers the next line of code (further comment lines in between are
skipped, so suppressions can be stacked), and when that line starts a statement that
continues over several lines without a block of its own (a backtick-continued command, a
call whose arguments run over lines), the whole statement: that is where people put the
comment and where a caret on a continuation line can be.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from analyzer.model.facts import Suppression
from analyzer.model.span import LineIndex

if TYPE_CHECKING:
    from tree_sitter import Node

#: Cheap test before any comment is looked at: most files mention no directive.
MARKER = b"runbook-analyzer"
_DIRECTIVE = re.compile(
    r"runbook-analyzer\s*:\s*(?P<kind>[A-Za-z-]*)\s*(?P<selectors>\[[^\]\n]*\]?)?(?P<reason>[^\n]*)"
)
_LEAD = re.compile(r"^\s*(?:<#|#)?\s*")
#: Node types whose statements hold a block: a comment above them covers one line only.
_BLOCKS = frozenset(
    {
        "script_block",
        "statement_block",
        "block",  # Python
        "hash_literal_expression",
        "if_statement",
        "function_statement",
        "class_statement",
    }
)
_STATEMENT_PARENTS = frozenset(
    {"statement_list", "program", "module", "block", "script_block_body"}
)


COMMENT_QUERY = "(comment) @comment"


def read_suppressions(
    data: bytes, root: Node, comments: Iterable[Node], index: LineIndex
) -> list[Suppression]:
    """The suppressions among ``comments`` (comment nodes of ``root``, any order)."""
    nodes = sorted((n for n in comments if not _in_string(n)), key=lambda n: n.start_byte)
    comment_rows = {
        row
        for n in nodes
        if _alone(data, index, n)
        for row in range(n.start_point[0], n.end_point[0] + 1)
    }
    out: list[Suppression] = []
    for node in nodes:
        raw = data[node.start_byte : node.end_byte]
        if MARKER not in raw:
            continue
        text = raw.decode("utf-8", errors="replace")
        for offset, line in _directive_lines(text):
            match = _DIRECTIVE.search(line)
            if match is None or _LEAD.match(line).end() != match.start():
                continue  # the name in prose ("see runbook-analyzer: …") is no directive
            start = node.start_byte + len(text[:offset].encode("utf-8")) + match.start()
            end = node.start_byte + len(text[:offset].encode("utf-8")) + _directive_end(match)
            span = index.span_of_bytes(start, end)
            out.append(_suppression(match, span, _covered(data, root, index, node, comment_rows)))
    return out


def _in_string(node: Node) -> bool:
    """The PowerShell grammar also makes comment nodes of ``#`` lines inside expandable
    here-strings; those are string content."""
    parent = node.parent
    while parent is not None:
        if "string" in parent.type:
            return True
        parent = parent.parent
    return False


def _directive_lines(text: str) -> list[tuple[int, str]]:
    """(character offset, line) of each line of a comment, without ``#>``."""
    out = []
    offset = 0
    for line in text.split("\n"):
        body = line[:-2] if line.rstrip().endswith("#>") else line
        out.append((offset, body.rstrip("\r").replace("#>", "")))
        offset += len(line) + 1
    return out


def _directive_end(match: re.Match[str]) -> int:
    """Byte offset in the line where the directive ends (before the reason)."""
    end = match.end("selectors") if match.group("selectors") else match.end("kind")
    return len(match.string[:end].encode("utf-8"))


def _suppression(match: re.Match[str], span: object, lines: tuple[int, int]) -> Suppression:
    kind = match.group("kind").lower()
    bracket = match.group("selectors")
    reason = match.group("reason").strip()
    problem = None
    selectors: tuple[str, ...] = ()
    if kind not in ("ignore", "file-ignore"):
        problem = (
            f"unknown directive {kind or '(none)'!r}: "
            "write `runbook-analyzer: ignore[CODE]` or `file-ignore[CODE]`"
        )
    elif bracket is not None:
        if not bracket.endswith("]"):
            problem = "the rule list is not closed: write `ignore[RB101]`"
        else:
            selectors = tuple(s.strip() for s in bracket[1:-1].split(",") if s.strip())
            if not selectors:
                problem = "empty rule list: name the rules, e.g. `ignore[RB101]`"
    return Suppression(
        selectors=selectors,
        span=span,  # type: ignore[arg-type]
        lines=None if kind == "file-ignore" else lines,
        reason=reason,
        problem=problem,
    )


def _alone(data: bytes, index: LineIndex, node: Node) -> bool:
    """The comment starts its line (only blanks before it)."""
    row, column = node.start_point
    return not index.line_bytes(row)[:column].strip()


def _covered(
    data: bytes, root: Node, index: LineIndex, node: Node, comment_rows: set[int]
) -> tuple[int, int]:
    first, last = node.start_point[0], node.end_point[0]
    if not _alone(data, index, node):
        return first + 1, first + 1
    row = last + 1
    while row < index.line_count and row in comment_rows:
        row += 1
    if row >= index.line_count:
        return first + 1, last + 1
    end_row = _statement_end(root, index, row)
    return first + 1, end_row + 1


def _statement_end(root: Node, index: LineIndex, row: int) -> int:
    """Last row of the statement that starts on ``row``, or ``row`` itself when that
    statement holds a block (a comment above ``function`` covers that line only)."""
    line = index.line_bytes(row)
    column = len(line) - len(line.lstrip())
    if column >= len(line):
        return row
    node = root.descendant_for_point_range((row, column), (row, column))
    statement = None
    while node is not None and node.start_point == (row, column):
        statement = node
        if node.parent is not None and node.parent.type in _STATEMENT_PARENTS:
            break
        node = node.parent
    if statement is None or statement.end_point[0] == row:
        return row
    if _holds_block(statement):
        return row
    return statement.end_point[0]


def _holds_block(node: Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in _BLOCKS:
            return True
        stack.extend(current.children)
    return False
