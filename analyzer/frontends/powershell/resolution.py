"""Constant resolution: proving that a dynamic name is one constant within the file.

Precision first: a value is resolved only when every definition that can reach the
reference yields the same literal. Anything the file cannot prove (a mandatory
parameter, a loop variable, a compound assignment, a sentinel default the code compares
against, an automatic variable) leaves the name unresolved, and the rules say less.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analyzer.frontends.powershell import lexical
from analyzer.frontends.powershell.nodes import unwrap, variable_key
from analyzer.model.span import Span

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.scopes import Definition, Scope, Scopes
    from analyzer.frontends.powershell.text import ParsedText

#: Variables PowerShell sets itself; their value is never a design-time constant.
AUTOMATIC_VARIABLES = frozenset(
    {
        "_",
        "psitem",
        "args",
        "input",
        "this",
        "matches",
        "psscriptroot",
        "pscommandpath",
        "myinvocation",
        "psboundparameters",
        "error",
        "lastexitcode",
        "true",
        "false",
        "null",
        "home",
        "host",
        "pwd",
        "psversiontable",
        "foreach",
        "switch",
        "sender",
        "event",
    }
)


class Resolver:
    """Proves that a dynamic name is a constant within the file, or gives up.

    A variable resolves when every definition that can reach the reference (in its scope,
    or the nearest enclosing scope that defines it) yields the same literal: a parameter
    default, a single literal assignment, the same literal in every branch. Mandatory
    parameters, loop variables, compound or non-literal assignments, and defaults that
    the code compares against (sentinels such as ``'Use default'``) defeat resolution.
    """

    def __init__(self, source: ParsedText, scopes: Scopes) -> None:
        self.source = source
        self.scopes = scopes

    def literal(self, node: Node) -> tuple[str, Span] | None:
        """A literal value and the span of its content, or None if not a literal."""
        node = unwrap(node)
        kind = node.type
        source = self.source
        if kind == "string_literal" and node.named_child_count == 1:
            node = node.named_children[0]
            kind = node.type
        if kind in ("verbatim_string_characters", "expandable_string_literal", "generic_token"):
            if kind == "expandable_string_literal" and any(
                c.type in ("variable", "sub_expression") for c in node.named_children
            ):
                return None
            text = source.text(node)
            quoted = lexical.quoted_literal(text)
            if quoted is not None:
                value, start, end = quoted
                return value, self._sub_span(node, text, start, end)
            if (
                kind == "generic_token"
                and not (set(text) & (lexical.QUOTES | {"$"}))
                and not text.startswith("@")
            ):
                return text, source.span(node)
            return None
        if kind in ("verbatim_here_string_characters", "expandable_here_string_literal"):
            if kind == "expandable_here_string_literal" and any(
                c.type in ("variable", "sub_expression") for c in node.named_children
            ):
                return None
            body = lexical.here_string_body(source.text(node))
            if body is None:
                return None
            return body[0], source.span(node)
        if kind in ("integer_literal", "real_literal", "decimal_integer_literal"):
            return source.text(node), source.span(node)
        return None

    def _sub_span(self, node: Node, text: str, start: int, end: int) -> Span:
        span = self.source.span(node)
        if span.line != span.end_line:
            return span
        return Span(span.line, span.column + start, span.line, span.column + end)

    def resolve(self, node: Node, scope: Scope, depth: int = 0) -> str | None:
        """The constant a dynamic expression evaluates to, if provable."""
        if depth > 8:
            return None
        node = unwrap(node)
        if node.type == "string_literal" and node.named_child_count == 1:
            node = node.named_children[0]
        if node.type == "variable":
            return self.variable(self.source.text(node), scope, node, depth)
        if node.type in ("expandable_string_literal", "expandable_here_string_literal"):
            return self._interpolate(node, scope, depth)
        literal = self.literal(node)
        return literal[0] if literal else None

    def _interpolate(self, node: Node, scope: Scope, depth: int) -> str | None:
        source = self.source
        here = node.type == "expandable_here_string_literal"
        text = source.text(node)
        if here:
            body = lexical.here_string_body(text)
            if body is None:
                return None
            content_start = node.start_byte + len(text[: body[1]].encode())
            content_end = node.start_byte + len(text[: body[2]].encode())
        else:
            content_start = node.start_byte + len(text[0].encode())
            content_end = node.end_byte - len(text[-1].encode())
        parts: list[str] = []
        cursor = content_start
        for child in node.named_children:
            if child.type == "sub_expression":
                # "$($domain)" is as constant as "$domain"; anything more is not.
                inner = unwrap(child)
                if inner.type != "variable":
                    return None
                value = self.variable(source.text(inner), scope, inner, depth + 1)
            elif child.type == "variable":
                value = self.variable(source.text(child), scope, child, depth + 1)
            else:
                continue
            if value is None:
                return None
            raw = source.text_between(cursor, child.start_byte)
            parts.append(lexical.unescape_double(raw))
            parts.append(value)
            cursor = child.end_byte
        raw = source.text_between(cursor, content_end)
        parts.append(lexical.unescape_double(raw))
        return "".join(parts)

    def variable(self, text: str, scope: Scope, at: Node, depth: int = 0) -> str | None:
        qualifier, name = variable_key(text)
        if name in AUTOMATIC_VARIABLES or qualifier in ("env", "function", "alias", "variable"):
            return None
        start: Scope | None = scope
        if qualifier == "using":
            start = scope.outside_inlinescript()
        elif qualifier in ("script", "global"):
            start = scope.root()
        found = self.scopes.defining(name, start)
        if found is None:
            return None
        return self._evaluate(name, found[1], found[0], at, depth)

    def _evaluate(
        self, name: str, definitions: list[Definition], scope: Scope, at: Node, depth: int
    ) -> str | None:
        values: set[str] = set()
        from_parameter: str | None = None
        for definition in definitions:
            if definition.kind == "other" or definition.value is None:
                return None
            value = self.resolve(definition.value, scope, depth + 1)
            if value is None:
                return None
            if definition.kind == "parameter":
                from_parameter = value
            values.add(value)
        if len(values) != 1:
            return None
        value = values.pop()
        if from_parameter is not None and self._compared_as_sentinel(name, value, at):
            return None
        return value

    def _compared_as_sentinel(self, name: str, value: str, at: Node) -> bool:
        """True when the reference sits in a branch whose condition tests ``$name`` against
        its default: the default is then a sentinel, not the name used here."""
        needle = re.compile(r"\$" + re.escape(name) + r"\b", re.IGNORECASE)
        node: Node | None = at.parent
        while node is not None:
            if node.type in ("if_statement", "elseif_clause"):
                condition = node.child_by_field_name("condition")
                if condition is not None:
                    text = self.source.text(condition)
                    if needle.search(text) and value.lower() in text.lower():
                        return True
            if node.type in ("function_statement", "program"):
                break
            node = node.parent
        return False
