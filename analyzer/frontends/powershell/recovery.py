"""Recovery: lookups inside regions the parser could not structure.

tree-sitter keeps going after a syntax error, but the commands inside an ERROR region
are not command nodes. A lookup there must not vanish silently, so those regions are
read as text for the cmdlets the analyzer knows (asset lookups and child-runbook starts):
the arguments are split into tokens as PowerShell does (quotes, brackets, escapes, line
continuations) and bound with the same parameter binding as parsed commands, so
``-Name $ConnectionName``, ``-Name:'X'``, a positional name or a splat come out as they
would from a tree. Strings and comments around them are still respected.

When a lookup is found but its name cannot be read, the file gets an RB901 that says so:
analysis of that file may be incomplete, and a silent gap is worse than a finding.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analyzer.frontends.powershell import lexical
from analyzer.frontends.powershell.cmdlets import CMDLETS, Element, bind
from analyzer.model.facts import AssetRef, FileFacts, NameValue, Problem, RunbookCall

if TYPE_CHECKING:
    from collections.abc import Collection

    from tree_sitter import Node

    from analyzer.frontends.powershell.resolution import Resolver
    from analyzer.frontends.powershell.text import ParsedText
    from analyzer.model.span import Span

_RECOVERABLE = sorted(
    (name for name, spec in CMDLETS.items() if spec.role in ("asset", "start")),
    key=len,
    reverse=True,
)
#: A known cmdlet as a command word, also module-qualified
#: (``Orchestrator.AssetManagement.Cmdlets\Get-AutomationVariable``).
_CALLEE = re.compile(
    rb"(?i)(?<![\w\\.$-])((?:[A-Za-z][\w.]*\\)?(?:"
    + b"|".join(re.escape(name.encode()) for name in _RECOVERABLE)
    + rb"))(?![\w-])"
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
_PLAIN_VARIABLE = re.compile(r"\$(?:\{[^}]+\}|[\w:?]+)")
_STATEMENT_END = frozenset(b"\r\n;|)}&")
_BLANKS = frozenset(b" \t")
_OPENERS = {ord("("): ord(")"), ord("{"): ord("}"), ord("["): ord("]")}
_BACKTICK, _HASH, _SQUOTE, _DQUOTE = (ord(c) for c in "`#'\"")
_HELP = "fix the syntax around it; until then its name is not checked"


def fallback_lookups(
    source: ParsedText,
    root: Node,
    errors: list[Node],
    facts: FileFacts,
    resolver: Resolver | None = None,
    local_commands: Collection[str] = (),
) -> None:
    """Add the lookups and child starts in ERROR regions that the tree missed.

    Only the command word has to lie in the region; its arguments are read from the
    text that follows, wherever the region ends (it often ends before them).
    """
    reader = _Reader(source, root, facts, resolver, local_commands)
    covered_until = -1
    for node in sorted(errors, key=lambda n: (n.start_byte, -n.end_byte)):
        if node.end_byte <= covered_until:
            continue  # nested in a region already read
        covered_until = node.end_byte
        for match in _CALLEE.finditer(source.data, node.start_byte, node.end_byte):
            reader.command(match.group(1).decode("utf-8"), match.start(1), match.end(1))


class _Reader:
    """Turns a known cmdlet found as text into the fact a parsed command would give."""

    def __init__(
        self,
        source: ParsedText,
        root: Node,
        facts: FileFacts,
        resolver: Resolver | None,
        local_commands: Collection[str],
    ) -> None:
        self.source = source
        self.data = source.data
        self.root = root
        self.facts = facts
        self.resolver = resolver
        self.local = {name.lower() for name in local_commands}
        self.known = {(r.span.line, r.callee.lower()) for r in facts.refs if r.span}
        self.known |= {(c.span.line, c.callee.lower()) for c in facts.calls if c.span}

    def span(self, start: int, end: int) -> Span:
        return self.source.index.span_of_bytes(start, end)

    def command(self, written: str, start: int, end: int) -> None:
        inside = self.root.descendant_for_byte_range(start, start + 1)
        if inside is not None and inside.type in _NOT_CODE:
            return
        lowered = written.lower()
        if lowered in self.local:
            return
        line = self.source.index.offset_to_point(start)[0] + 1
        if (line, lowered) in self.known:
            return
        self.known.add((line, lowered))
        spec = CMDLETS[lowered.rsplit("\\", 1)[-1]]
        tokens, readable = _arguments(self.data, end)
        elements = [self._element(token) for token in tokens]
        binding = bind(spec, elements)
        span = self.span(start, tokens[-1][1] if tokens else end)
        value, positional = binding.get(spec.name_param)
        name = self._name(value) if value is not None else None  # type: ignore[arg-type]
        if name is None and binding.splats:
            splat = binding.splats[0]
            name = NameValue(None, splat.text, None, self.span(*splat.node))  # type: ignore[attr-defined]
        tags = {"fallback"} | self._scope_tags(start)
        if positional:
            tags.add("positional")
        if "WhatIf" in binding.switches:
            tags.add("whatif")
        if spec.role == "start":
            if name is not None:
                call = RunbookCall(written, "job", name, span, tags=frozenset(tags))
                self.facts.calls.append(call)
            elif not readable:
                self._unreadable(written, start, end)
            return
        if name is None:
            if spec.operation != "management":
                self._unreadable(written, start, end)
                return
            tags.add("enumeration")
        account = None
        if spec.account_param is not None:
            account_value, _ = binding.get(spec.account_param)
            if account_value is not None:
                account = self._name(account_value)  # type: ignore[arg-type]
        self.facts.refs.append(
            AssetRef(
                spec.kind,  # type: ignore[arg-type]
                spec.operation,  # type: ignore[arg-type]
                written,
                name,
                span,
                tags=frozenset(tags),
                account=account,
            )
        )

    def _element(self, token: tuple[int, int]) -> Element:
        start, end = token
        text = self.data[start:end].decode("utf-8", "replace")
        if text.startswith("@") and len(text) > 1 and (text[1].isalnum() or text[1] == "_"):
            return Element("splat", text, token)
        if text[:1] == "-" and text[1:2].isalpha():
            colon = text.find(":")
            head = text if colon == -1 else text[: colon + 1]
            parsed = lexical.parameter_name(head)
            if parsed is not None:
                if colon == -1 or colon + 1 == len(text):
                    return Element("param", parsed[0], token, colon=parsed[1])
                value = (start + len(head.encode()), end)
                return Element("param", parsed[0], token, colon=True, value=value)
        return Element("arg", text, token)

    def _name(self, token: tuple[int, int]) -> NameValue:
        """A name argument as a parsed command gives it: a literal, or dynamic with the
        constant it resolves to."""
        start, end = token
        written = self.source.text_between(start, end)
        value = lexical.single_string(written)
        if value is not None:
            first = len(written[0].encode())
            last = len(written[-1].encode())
            return NameValue(value, None, None, self.span(start + first, end - last))
        if not (set(written) & (lexical.QUOTES | set("$@(){}[],`"))):
            return NameValue(written, None, None, self.span(start, end))
        return NameValue(None, written, self._resolve(written, start, end), self.span(start, end))

    def _resolve(self, written: str, start: int, end: int) -> str | None:
        if self.resolver is None or not _PLAIN_VARIABLE.fullmatch(written):
            return None
        node = self.root.descendant_for_byte_range(start, end)
        if node is None or node.type != "variable":
            return None
        return self.resolver.variable(written, self.resolver.scopes.of(node), node)

    def _scope_tags(self, start: int) -> set[str]:
        if self.resolver is None:
            return set()
        node = self.root.descendant_for_byte_range(start, start + 1)
        if node is None:
            return set()
        scope = self.resolver.scopes.of(node)
        return {kind for kind in ("workflow", "inlinescript") if scope.within(kind)}  # type: ignore[arg-type]

    def _unreadable(self, written: str, start: int, end: int) -> None:
        cmdlet = written.rsplit("\\", 1)[-1]
        self.facts.problems.append(
            Problem(
                "RB901",
                f"`{cmdlet}` is in code the parser could not read and its name could not be "
                "recovered: the lookups of this file may be incomplete",
                self.span(start, end),
                _HELP,
            )
        )


def _arguments(data: bytes, start: int) -> tuple[list[tuple[int, int]], bool]:
    """The argument tokens of a command up to the end of its statement, and whether all
    of them could be read (a string or bracket that does not close cannot)."""
    tokens: list[tuple[int, int]] = []
    n = len(data)
    i = start
    while i < n:
        c = data[i]
        if c in _BLANKS:
            i += 1
            continue
        if c == _BACKTICK and data.startswith(b"\n", i + 1):
            i += 2
            continue
        if c == _BACKTICK and data.startswith(b"\r\n", i + 1):
            i += 3
            continue
        if c in _STATEMENT_END or c == _HASH:
            break
        end = _token_end(data, i)
        if end is None:
            return tokens, False
        tokens.append((i, end))
        i = end
    return tokens, True


def _token_end(data: bytes, start: int) -> int | None:
    """Where the argument token at ``start`` ends: strings, brackets and escapes are
    part of it, an unquoted blank or the end of the statement ends it."""
    closers: list[int] = []
    n = len(data)
    i = start
    while i < n:
        c = data[i]
        if c == _SQUOTE:
            i += 1
            while True:
                end = data.find(b"'", i)
                if end == -1:
                    return None
                if data.startswith(b"''", end):
                    i = end + 2
                    continue
                i = end + 1
                break
            continue
        if c == _DQUOTE:
            i += 1
            while i < n and data[i] != _DQUOTE:
                i += 2 if data[i] == _BACKTICK else 1
            if i >= n:
                return None
            i += 1
            continue
        if c == _BACKTICK:
            i += 2
            continue
        if c in _OPENERS:
            closers.append(_OPENERS[c])
            i += 1
            continue
        if closers:
            if c == closers[-1]:
                closers.pop()
            i += 1
            continue
        if c in _BLANKS or c in _STATEMENT_END:
            break
        i += 1
    if closers:
        return None
    return i
