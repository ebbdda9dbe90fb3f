"""PowerShell syntax errors we can vouch for.

The tree-sitter grammars reject a fair amount of valid PowerShell (chained calls in
argument mode, method calls as DSC property values, ``InlineScript { } -PSComputerName``,
…): on real runbooks about one file in seven gets ERROR nodes. Reporting those as RB901
would make a CI gate fail on working code. So RB901 for PowerShell comes from checks that
do not depend on the grammar's coverage, both read by :func:`lexical.scan`:

- delimiters and strings must balance (comments, strings, here-strings, escapes and
  ``$( )`` inside strings are known);
- a backtick followed by whitespace at the end of a line is *not* a line continuation
  (PowerShell escapes the space; PSScriptAnalyzer calls this "misleading backtick"). It is
  an error only where the newline then breaks the statement (``-Name`` on the next line
  becomes a statement of its own); inside ``@{ }``, after ``(`` or ``,``, before the next
  hashtable entry and in other places where PowerShell skips or expects a newline it
  changes nothing and is not reported. The frontend reads the following line as the
  author meant in the first case, and as PowerShell does in the second.

The scanner runs only for files where tree-sitter found an error, that have such a
backtick or an odd number of double quotes, so its Python loop costs nothing on most
files.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analyzer.frontends.common import merge_conflicts
from analyzer.frontends.powershell import lexical
from analyzer.model.facts import Problem
from analyzer.model.span import Span

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.text import ParsedText

#: Said with every imbalance: what follows it may have been read as part of a string or
#: block, so lookups there can be missing.
_HELP = "fix the syntax; until then lookups near it may be missing from the analysis"
_THROTTLE_LIMIT = re.compile(r"(?is)-throttlelimit\s*\S+")
_LABELLED_JUMP = re.compile(r"(?i)(?:break|continue)\s+[A-Za-z_]\w*")
_JAGGED_TYPE = re.compile(r"\[[\w.]+(?:\[\])+\]")


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
    """RB901 for each backtick and trailing blanks that break the statement they end."""
    if not lexical.TRAILING_BACKTICK.search(text):
        return []
    text = lexical.ascii_punctuation(text)
    positions = _Positions(text)
    return [
        Problem(
            "RB901",
            f"a backtick before trailing whitespace does not continue the line, so {found.breaks}",
            positions.span(found.offset, found.length),
            "delete the whitespace after the backtick: PowerShell escapes the first blank "
            "instead of continuing the line",
        )
        for found in lexical.scan(text).trailing
        if found.breaks is not None
    ]


def unbalanced(text: str) -> Problem | None:
    """The first delimiter or string that does not balance, if any."""
    text = lexical.ascii_punctuation(text)
    imbalance = lexical.scan(text).imbalance
    if imbalance is None:
        return None
    return Problem("RB901", imbalance[1], _Positions(text).span(imbalance[0]), _HELP)


def syntax_problems(
    original: str, normalized: str, source: ParsedText, errors: list[Node], missing: list[Node]
) -> list[Problem]:
    """RB901 from checks we can vouch for, not from every ERROR node: the grammar also
    rejects valid PowerShell.

    The imbalance scan runs where the grammar found an error, where an indented here-string
    terminator or a ``"$name:"`` may hide an error the grammar accepts, and where an odd
    number of double quotes hints at a string that never closes: the grammar accepts some of those
    without an error (``-Name "$($p)-Spn`` reads as a parameter named ``-Spn"``), and
    the lookups inside the string would vanish without a word.
    """
    problems = merge_conflicts(source.data, source.index)
    if problems:
        # Everything else the parser stumbles on follows from the conflict markers.
        return problems
    if "`" in original:
        problems.extend(misleading_backticks(original))
    if (
        any(not _grammar_gap(node, source) for node in errors)
        or missing
        or normalized.count('"') % 2
        or lexical.SUSPECT.search(normalized)
    ):
        imbalance = unbalanced(normalized)
        if imbalance is not None:
            problems.append(imbalance)
        problems.extend(invalid_variables(normalized))
    return problems


def invalid_variables(text: str) -> list[Problem]:
    """``"$server: up"``: PowerShell reads ``$server:`` as a drive-qualified variable
    without a name and refuses the script."""
    text = lexical.ascii_punctuation(text)
    positions = _Positions(text)
    out: list[Problem] = []
    for offset in lexical.scan(text).invalid_variables:
        name = text[offset : text.index(":", offset) + 1]
        out.append(
            Problem(
                "RB901",
                f"`{name}` is not a valid variable reference: PowerShell reads `:` as a drive "
                "qualifier and rejects the script",
                positions.span(offset, len(name)),
                f"write `${{{name[1:-1]}}}:` (or `$({name[:-1]}):`) to end the name before "
                "the colon",
            )
        )
    return out


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
