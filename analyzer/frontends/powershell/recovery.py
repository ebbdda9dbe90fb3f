"""Recovery: lookups inside regions the parser could not structure.

tree-sitter keeps going after a syntax error, but the commands inside an ERROR region
are not command nodes. A lookup there must not vanish silently, so those regions are
scanned as text for the internal asset cmdlets (the only calls whose shape is simple
enough to read without a tree); strings and comments around them are still respected.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analyzer.frontends.powershell.cmdlets import CMDLETS
from analyzer.model.facts import AssetRef, FileFacts, NameValue

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.text import ParsedText

_FALLBACK_LOOKUP = re.compile(
    r"(?i)\b(get-automation(?:variable|connection|pscredential|certificate)|set-automationvariable)"
    r"(?:\s|`\r?\n)+(?:[-\u2013\u2014\u2015]name(?::|(?:\s|`\r?\n)+))?"
    r"(['\u2018\u2019\"\u201c\u201d]?)([A-Za-z0-9_.\- ]+?)\2(?=[\s;)}]|$)"
)
_NOT_CODE = frozenset(
    {
        "comment",
        "verbatim_string_characters",
        "expandable_string_literal",
        "verbatim_here_string_characters",
        "expandable_here_string_literal",
    }
)


def fallback_lookups(source: ParsedText, root: Node, errors: list[Node], facts: FileFacts) -> None:
    """Add the lookups found by a text scan of ERROR regions that the tree missed."""
    known = {(r.span.line, r.callee.lower()) for r in facts.refs if r.span}
    seen: set[int] = set()
    for node in errors:
        if node.start_byte in seen:
            continue
        seen.add(node.start_byte)
        text = source.data[node.start_byte : node.end_byte].decode("utf-8", "replace")
        for match in _FALLBACK_LOOKUP.finditer(text):
            start = node.start_byte + len(text[: match.start()].encode())
            inside = root.descendant_for_byte_range(start, start + 1)
            if inside is not None and inside.type in _NOT_CODE:
                continue
            cmdlet = match.group(1)
            spec = CMDLETS[cmdlet.lower()]
            name_start = start + len(text[match.start() : match.start(3)].encode())
            name_end = name_start + len(match.group(3).encode())
            end = node.start_byte + len(text[: match.end()].encode())
            span = source.index.span_of_bytes(start, end)
            if (span.line, cmdlet.lower()) in known:
                continue
            known.add((span.line, cmdlet.lower()))
            facts.refs.append(
                AssetRef(
                    spec.kind,  # type: ignore[arg-type]
                    spec.operation,  # type: ignore[arg-type]
                    cmdlet,
                    NameValue(
                        match.group(3).strip(),
                        None,
                        None,
                        source.index.span_of_bytes(name_start, name_end),
                    ),
                    span,
                    tags=frozenset({"fallback"}),
                )
            )
