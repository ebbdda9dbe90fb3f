"""PowerShell syntax errors we can vouch for.

The tree-sitter grammars reject a fair amount of valid PowerShell (chained calls in
argument mode, method calls as DSC property values, ``InlineScript { } -PSComputerName``,
…): on real runbooks about one file in seven gets ERROR nodes. Reporting those as RB901
would make a CI gate fail on working code. So RB901 for PowerShell comes from checks that
do not depend on the grammar's coverage:

- delimiters and strings must balance, by a small scanner that knows PowerShell's
  comments, strings, here-strings, escapes and ``$( )`` inside strings;
- a backtick followed by whitespace at the end of a line is *not* a line continuation
  (PowerShell escapes the space and ends the statement; PSScriptAnalyzer calls this
  "misleading backtick"); the frontend still reads the following line as the author meant.

The scanner runs only for files where tree-sitter found an error, so its Python loop
costs nothing on clean files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.frontends.common import merge_conflicts
from analyzer.model.facts import Problem
from analyzer.model.span import Span

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.text import ParsedText

_HELP = "fix the syntax; analysis continued on the parts that parsed"
_CODE_SPECIAL = re.compile(r"[#'\"`@$(){}\[\]<\n]")
_STRING_SPECIAL = re.compile(r'[`"$\n]')
_TOKEN_BOUNDARY = frozenset(" \t\r\n;(){}|&,=")
_CLOSERS = {")": "(", "}": "{", "]": "["}
_THROTTLE_LIMIT = re.compile(r"(?is)-throttlelimit\s*\S+")
_LABELLED_JUMP = re.compile(r"(?i)(?:break|continue)\s+[A-Za-z_]\w*")
_JAGGED_TYPE = re.compile(r"\[[\w.]+(?:\[\])+\]")
#: A backtick, then only spaces or tabs up to the end of the line.
MISLEADING_BACKTICK = re.compile(r"`([ \t]+)(?=\r?\n)")


@dataclass(slots=True)
class _Open:
    char: str
    offset: int


class _Positions:
    """Offsets → 1-based line and code-point column, for the few problems reported."""

    def __init__(self, text: str) -> None:
        self.text = text

    def span(self, offset: int, length: int = 1) -> Span:
        line = self.text.count("\n", 0, offset) + 1
        start = self.text.rfind("\n", 0, offset) + 1
        column = offset - start + 1
        return Span(line, column, line, column + length)


def misleading_backticks(text: str) -> list[Problem]:
    positions = _Positions(text)
    return [
        Problem(
            "RB901",
            "a backtick followed by whitespace does not continue the line: PowerShell "
            "escapes the space and ends the statement here",
            positions.span(match.start(), 1 + len(match.group(1))),
            "delete the whitespace after the backtick",
        )
        for match in MISLEADING_BACKTICK.finditer(text)
    ]


def unbalanced(text: str) -> Problem | None:
    """The first delimiter or string that does not balance, if any."""
    positions = _Positions(text)
    stack: list[_Open] = []
    n = len(text)
    i = 0

    def problem(offset: int, message: str) -> Problem:
        return Problem("RB901", message, positions.span(offset), _HELP)

    while i < n:
        top = stack[-1] if stack else None
        if top is not None and top.char == '"':
            match = _STRING_SPECIAL.search(text, i)
            if match is None:
                break
            i = match.start()
            c = text[i]
            if c == "`":
                i += 2
            elif c == '"':
                if text.startswith('""', i):
                    i += 2
                else:
                    stack.pop()
                    i += 1
            elif c == "$" and text.startswith("$(", i):
                stack.append(_Open("$(", i))
                i += 2
            else:
                i += 1
            continue
        match = _CODE_SPECIAL.search(text, i)
        if match is None:
            break
        i = match.start()
        c = text[i]
        at_token_start = i == 0 or text[i - 1] in _TOKEN_BOUNDARY
        if c == "\n":
            i += 1
        elif c == "#" and at_token_start:
            end = text.find("\n", i)
            i = n if end == -1 else end
        elif c == "<" and text.startswith("<#", i) and at_token_start:
            end = text.find("#>", i + 2)
            if end == -1:
                return problem(i, "unterminated block comment: `<#` is never closed by `#>`")
            i = end + 2
        elif c == "`":
            i += 2
        elif c == "'":
            j = i + 1
            while True:
                end = text.find("'", j)
                if end == -1:
                    return problem(i, "unterminated string: the `'` opened here is never closed")
                if text.startswith("''", end):
                    j = end + 2
                    continue
                i = end + 1
                break
        elif c == '"':
            stack.append(_Open('"', i))
            i += 1
        elif c == "@" and text.startswith(("@'", '@"'), i) and _line_rest_blank(text, i + 2):
            quote = text[i + 1]
            terminator = re.compile(r"^[ \t]*" + quote + "@", re.MULTILINE)
            found = terminator.search(text, text.find("\n", i) + 1)
            if found is None:
                return problem(
                    i, f"unterminated here-string: no line starts with `{quote}@` to close it"
                )
            i = found.end()
        elif c in "({[":
            stack.append(_Open(c, i))
            i += 1
        elif c in ")}]":
            opener = stack[-1] if stack else None
            expected = _CLOSERS[c]
            if opener is None:
                return problem(i, f"unexpected `{c}`: nothing is open here to close")
            if (opener.char == "$(" and c == ")") or opener.char == expected:
                stack.pop()
                i += 1
                continue
            where = positions.span(opener.offset)
            shown = "(" if opener.char == "$(" else opener.char
            return problem(
                i,
                f"unexpected `{c}`: the `{shown}` opened at line {where.line}, column "
                f"{where.column} is still open",
            )
        else:
            i += 1
    if stack:
        opener = stack[-1]
        if opener.char == '"':
            return problem(
                opener.offset, 'unterminated string: the `"` opened here is never closed'
            )
        shown = "(" if opener.char == "$(" else opener.char
        return problem(opener.offset, f"`{shown}` opened here is never closed")
    return None


def _line_rest_blank(text: str, start: int) -> bool:
    end = text.find("\n", start)
    rest = text[start:] if end == -1 else text[start:end]
    return not rest.strip()


def syntax_problems(
    original: str, normalized: str, source: ParsedText, errors: list[Node], missing: list[Node]
) -> list[Problem]:
    """RB901 from checks we can vouch for, not from every ERROR node: the grammar also
    rejects valid PowerShell."""
    problems = merge_conflicts(source.data, source.index)
    if problems:
        # Everything else the parser stumbles on follows from the conflict markers.
        return problems
    if "`" in original:
        problems.extend(misleading_backticks(original))
    if any(not _grammar_gap(node, source) for node in errors) or missing:
        imbalance = unbalanced(normalized)
        if imbalance is not None:
            problems.append(imbalance)
    return problems


def _grammar_gap(node: Node, source: ParsedText) -> bool:
    """Valid PowerShell the grammar cannot parse; not the user's syntax error."""
    parent = node.parent
    text = source.text(node).strip()
    # ``foreach -parallel -throttlelimit 5 (...)`` in workflows.
    if parent is not None and parent.type == "foreach_statement":
        return bool(_THROTTLE_LIMIT.fullmatch(text))
    # Loop labels: ``break Outer`` / ``continue Outer``.
    if _LABELLED_JUMP.fullmatch(text):
        return True
    # Jagged array types: ``[string[][]]``.
    if text and set(text) <= {"[", "]", " "}:
        line = source.index.line_bytes(node.start_point[0]).decode("utf-8", "replace")
        return bool(_JAGGED_TYPE.search(line))
    return False
