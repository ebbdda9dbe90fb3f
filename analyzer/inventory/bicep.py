"""Bicep inventories: a small tolerant reader for the subset asset declarations use.

No Python Bicep parser exists and the Bicep CLI must not be required (the analyzer is
offline and never runs tools), so this module reads what real Automation templates use:
``param``/``var`` with literal defaults, ``resource`` declarations (``parent:``, nested
children, ``'account/child'`` names), ``[for …]`` loops and ``if`` conditions, string
interpolation, ``'''`` strings, comments, decorators (``@secure()``) and AVM-style module
calls whose ``params`` carry arrays of assets. Anything else is skipped statement by
statement, so one unsupported construct costs at most one declaration, never the file.
Only broken structure (unbalanced brackets, unterminated strings or comments) makes the
file a problem, because then no statement boundary can be trusted.

What Bicep shares with the Terraform loader (ARM type → kind, property mapping, partly
known values, coverage) lives in :mod:`analyzer.inventory.iac`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from analyzer.inventory.model import (
    ARM_CHILD_KINDS,
    Declaration,
    InventoryKind,
    InventoryProblem,
    LoadResult,
    SecretLiteral,
    SourceRef,
)

if TYPE_CHECKING:
    from analyzer.inventory.loader import InventoryFile, LoadContext

from analyzer.inventory.iac import (
    EVAL_BUDGET,
    MAX_EVAL_DEPTH,
    MAX_FILE_CHARS,
    MAX_ITEMS,
    Analysis,
    Details,
    FieldLiteral,
    ResourceId,
    Unknown,
    arm_child_type,
    arm_details,
    arm_type_kind,
    as_flag,
    canonical_runbook_type,
    declaration,
    disk_path,
    encrypted_fields,
    finish,
    first_unknown,
    get_ci,
    join_text,
    map_text,
    read_side_file,
    run_cache,
    split_segments,
    to_text,
)

# ====================================================================== Bicep: lexer


class BicepSyntaxError(Exception):
    """Broken structure: the file yields no declarations, only this problem."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(slots=True)
class _Tok:
    kind: str  # id, str, num, op, nl, eof
    value: Any  # text; for str: tuple of text and interpolation token lists
    line: int
    start: int
    end: int


MAX_NESTING = 64
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\f\v\ufeff]+)|(?P<nl>\n)|(?P<lc>//[^\n]*)|(?P<bc>/\*)|(?P<ml>''')|(?P<str>')"
    r"|(?P<num>\d+)|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\.\.\.|\?\?|==|!=|=~|!~|<=|>=|&&|\|\||=>|::|[{}\[\](),:.?=<>!+\-*/%@|&;])"
    r"|(?P<other>.)",
    re.S,
)
_STRING_CHUNK = re.compile(r"[^'\\$\n]+|\$(?!\{)")
_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.nesting = 0

    def tokens(self, interpolation_line: int | None = None) -> list[_Tok]:
        """Tokens up to the end of the text, or up to the ``}`` closing an interpolation."""
        text = self.text
        out: list[_Tok] = []
        stack: list[tuple[str, int]] = []
        while True:
            if self.pos >= len(text):
                if interpolation_line is not None:
                    raise BicepSyntaxError(interpolation_line, "unterminated string interpolation")
                if stack:
                    char, line = stack[-1]
                    raise BicepSyntaxError(line, f"'{char}' opened at line {line} is never closed")
                out.append(_Tok("eof", None, self.line, self.pos, self.pos))
                return out
            match = _TOKEN.match(text, self.pos)
            assert match is not None  # the last alternative matches any character
            kind = match.lastgroup
            start = self.pos
            if kind == "ws" or kind == "lc":
                self.pos = match.end()
            elif kind == "nl":
                out.append(_Tok("nl", "\n", self.line, start, start + 1))
                self.line += 1
                self.pos += 1
            elif kind == "bc":
                end = text.find("*/", start + 2)
                if end < 0:
                    raise BicepSyntaxError(self.line, "unterminated /* comment")
                newlines = text.count("\n", start, end)
                if newlines:
                    out.append(_Tok("nl", "\n", self.line, start, end + 2))
                self.line += newlines
                self.pos = end + 2
            elif kind == "ml":
                out.append(self._multiline())
            elif kind == "str":
                out.append(self._string())
            elif kind == "num":
                out.append(_Tok("num", int(match.group()), self.line, start, match.end()))
                self.pos = match.end()
            elif kind == "id":
                out.append(_Tok("id", match.group(), self.line, start, match.end()))
                self.pos = match.end()
            else:
                value = match.group()
                self.pos = match.end()
                if value in _PAIRS:
                    self.nesting += 1
                    if self.nesting > MAX_NESTING:
                        raise BicepSyntaxError(self.line, "brackets nested too deeply")
                    stack.append((value, self.line))
                elif value in (")", "]", "}"):
                    if not stack:
                        if interpolation_line is not None and value == "}":
                            out.append(_Tok("eof", None, self.line, start, start))
                            return out
                        raise BicepSyntaxError(self.line, f"'{value}' has no matching opener")
                    opener, line = stack.pop()
                    self.nesting -= 1
                    if _PAIRS[opener] != value:
                        raise BicepSyntaxError(
                            self.line, f"'{value}' does not close '{opener}' opened at line {line}"
                        )
                out.append(_Tok("op", value, self.line, start, self.pos))

    def _multiline(self) -> _Tok:
        start, line = self.pos, self.line
        end = self.text.find("'''", start + 3)
        if end < 0:
            raise BicepSyntaxError(line, "unterminated ''' string")
        body = self.text[start + 3 : end]
        self.line += body.count("\n")
        self.pos = end + 3
        if body.startswith("\r\n"):
            body = body[2:]
        elif body.startswith("\n"):
            body = body[1:]
        return _Tok("str", (body,), line, start, self.pos)

    def _string(self) -> _Tok:
        text = self.text
        start, line = self.pos, self.line
        pos = start + 1
        parts: list[str | list[_Tok]] = []
        buffer: list[str] = []
        while True:
            if pos >= len(text) or text[pos] == "\n":
                raise BicepSyntaxError(line, "unterminated string")
            char = text[pos]
            if char == "'":
                pos += 1
                break
            if char == "\\":
                escaped = text[pos + 1 : pos + 2]
                if escaped == "u" and (m := re.match(r"u\{([0-9A-Fa-f]{1,6})\}", text[pos + 1 :])):
                    code = int(m.group(1), 16)
                    buffer.append(chr(code) if code <= 0x10FFFF else "\ufffd")
                    pos += 1 + m.end()
                    continue
                buffer.append(_ESCAPES.get(escaped, escaped))
                pos += 2
                continue
            if text.startswith("${", pos):
                if buffer:
                    parts.append("".join(buffer))
                    buffer = []
                self.nesting += 1
                if self.nesting > MAX_NESTING:
                    raise BicepSyntaxError(line, "string interpolation nested too deeply")
                self.pos = pos + 2
                parts.append(self.tokens(interpolation_line=self.line))
                self.nesting -= 1
                pos = self.pos
                continue
            match = _STRING_CHUNK.match(text, pos)
            assert match is not None
            buffer.append(match.group())
            pos = match.end()
        if buffer or not parts:
            parts.append("".join(buffer))
        self.pos = pos
        return _Tok("str", tuple(parts), line, start, pos)


# ====================================================================== Bicep: syntax tree


@dataclass(slots=True)
class Lit:
    value: object
    line: int


@dataclass(slots=True)
class Str:
    parts: list[str | Node]
    line: int


@dataclass(slots=True)
class Ident:
    name: str
    line: int


@dataclass(slots=True)
class Member:
    target: Node
    name: str
    line: int
    #: ``a.?b``: null instead of an error when ``b`` is missing.
    safe: bool = False


@dataclass(slots=True)
class Index:
    target: Node
    index: Node
    line: int


@dataclass(slots=True)
class Call:
    name: str
    args: list[Node]
    line: int


@dataclass(slots=True)
class Arr:
    items: list[Node]
    line: int


@dataclass(slots=True)
class Prop:
    key: str | Node
    value: Node
    line: int
    span: tuple[int, int]


@dataclass(slots=True)
class Obj:
    props: list[Prop]
    line: int

    def get(self, key: str) -> Prop | None:
        """Property by name; Bicep compares object keys case-insensitively in ARM."""
        lowered = key.lower()
        for prop in self.props:
            if isinstance(prop.key, str) and prop.key.lower() == lowered:
                return prop
        return None


@dataclass(slots=True)
class For:
    var: str
    index_var: str | None
    iterable: Node
    body: Node
    line: int


@dataclass(slots=True)
class If:
    cond: Node
    body: Node
    line: int


@dataclass(slots=True)
class Ternary:
    cond: Node
    yes: Node
    no: Node
    line: int


@dataclass(slots=True)
class Binary:
    op: str
    left: Node
    right: Node
    line: int


@dataclass(slots=True)
class Unary:
    op: str
    operand: Node
    line: int


@dataclass(slots=True)
class Opaque:
    what: str
    line: int


Node = (
    Lit
    | Str
    | Ident
    | Member
    | Index
    | Call
    | Arr
    | Obj
    | For
    | If
    | Ternary
    | Binary
    | Unary
    | Opaque
)


@dataclass(slots=True)
class Param:
    name: str
    default: Node | None
    secure: bool
    line: int


@dataclass(slots=True)
class Var:
    name: str
    value: Node
    line: int


@dataclass(slots=True)
class Resource:
    symbol: str
    type: str
    existing: bool
    value: Node
    line: int
    #: The enclosing resource of a nested declaration.
    parent: Resource | None = None
    name_span: tuple[int, int] | None = None


@dataclass(slots=True)
class Module:
    symbol: str
    path: str
    value: Node
    line: int


@dataclass
class BicepFile:
    params: dict[str, Param] = field(default_factory=dict)
    vars: dict[str, Var] = field(default_factory=dict)
    resources: list[Resource] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)


class _Syntax(Exception):
    """A construct this reader does not understand; recovery skips it."""


_PRECEDENCE = {
    "??": 1,
    "||": 2,
    "&&": 3,
    "==": 4,
    "!=": 4,
    "=~": 4,
    "!~": 4,
    "<": 5,
    ">": 5,
    "<=": 5,
    ">=": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "%": 7,
}
MAX_EXPRESSION_DEPTH = 48
#: Operators or property accesses in one chain (each adds a level to the tree).
MAX_CHAIN = 200


class _Parser:
    def __init__(self, tokens: list[_Tok], file: BicepFile, depth: int = 0) -> None:
        self.toks = tokens
        self.i = 0
        self.file = file
        self.depth = depth
        self.skip_newlines = False
        self.enclosing: list[Resource] = []

    # ------------------------------------------------------------- token helpers
    def peek(self) -> _Tok:
        if self.skip_newlines:
            while self.toks[self.i].kind == "nl":
                self.i += 1
        return self.toks[self.i]

    def advance(self) -> _Tok:
        tok = self.peek()
        if tok.kind != "eof":
            self.i += 1
        return tok

    def is_op(self, value: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.value == value

    def accept(self, value: str) -> bool:
        if self.is_op(value):
            self.i += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept(value):
            raise _Syntax(f"expected '{value}'")

    def skip_blank(self) -> None:
        while self.toks[self.i].kind == "nl" or (
            self.toks[self.i].kind == "op" and self.toks[self.i].value == ","
        ):
            self.i += 1

    def skip_until(self, stops: tuple[str, ...]) -> None:
        """Skip balanced tokens up to a newline or one of ``stops`` at this level (brackets
        are known to balance: the lexer checked)."""
        level = 0
        while True:
            tok = self.toks[self.i]
            if tok.kind == "eof":
                return
            if level == 0 and (tok.kind == "nl" or (tok.kind == "op" and tok.value in stops)):
                return
            if tok.kind == "op" and tok.value in _PAIRS:
                level += 1
            elif tok.kind == "op" and tok.value in (")", "]", "}"):
                if level == 0:
                    return
                level -= 1
            self.i += 1

    # ------------------------------------------------------------- statements
    def parse_file(self) -> BicepFile:
        decorators: list[str] = []
        while True:
            tok = self.toks[self.i]
            if tok.kind == "eof":
                return self.file
            if tok.kind == "nl" or (tok.kind == "op" and tok.value == ";"):
                self.i += 1
                continue
            start = self.i
            try:
                if tok.kind == "op" and tok.value == "@":
                    decorators.append(self.parse_decorator())
                    continue
                if tok.kind == "id":
                    self.statement(tok.value, decorators)
            except _Syntax:
                self.i = start
            decorators = []
            self.skip_until(())

    def parse_decorator(self) -> str:
        self.expect("@")
        node = self.parse_postfix()
        while isinstance(node, Member):
            node = node.target
        if isinstance(node, Call):
            return node.name.rsplit(".", 1)[-1].lower()
        if isinstance(node, Ident):
            return node.name.lower()
        return ""

    def statement(self, keyword: str, decorators: list[str]) -> None:
        line = self.toks[self.i].line
        if keyword in ("param", "var") and self.toks[self.i + 1].kind == "id":
            self.i += 1
            name = self.advance().value
            self.skip_type()
            value = self.parse_expression() if self.accept("=") else None
            if keyword == "param":
                self.file.params[name] = Param(name, value, "secure" in decorators, line)
            elif value is not None:
                self.file.vars[name] = Var(name, value, line)
        elif keyword == "resource" and self.toks[self.i + 1].kind == "id":
            self.parse_resource()
        elif keyword == "module" and self.toks[self.i + 1].kind == "id":
            self.i += 1
            symbol = self.advance().value
            path_tok = self.advance()
            if path_tok.kind != "str":
                raise _Syntax("module path")
            self.expect("=")
            value = self.parse_expression()
            path = "".join(p for p in path_tok.value if isinstance(p, str))
            self.file.modules.append(Module(symbol, path, value, line))

    def skip_type(self) -> None:
        """Skip a parameter's or variable's type up to ``=`` or the end of the line."""
        level = 0
        while True:
            tok = self.toks[self.i]
            if tok.kind == "eof" or (level == 0 and tok.kind == "nl"):
                return
            if tok.kind == "op":
                if level == 0 and tok.value == "=":
                    return
                if tok.value in _PAIRS:
                    level += 1
                elif tok.value in (")", "]", "}"):
                    level -= 1
            self.i += 1

    def parse_resource(self) -> Resource:
        line = self.toks[self.i].line
        self.i += 1
        symbol = self.advance().value
        type_tok = self.advance()
        if type_tok.kind != "str":
            raise _Syntax("resource type")
        resource_type = "".join(p for p in type_tok.value if isinstance(p, str))
        existing = False
        if self.peek().kind == "id" and self.peek().value == "existing":
            existing = True
            self.i += 1
        self.expect("=")
        resource = Resource(
            symbol,
            resource_type,
            existing,
            Opaque("resource body", line),
            line,
            self.enclosing[-1] if self.enclosing else None,
        )
        self.file.resources.append(resource)
        self.enclosing.append(resource)
        try:
            resource.value = self.parse_expression()
        finally:
            self.enclosing.pop()
        return resource

    # ------------------------------------------------------------- expressions
    def parse_expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_EXPRESSION_DEPTH:
            raise BicepSyntaxError(self.peek().line, "expression nested too deeply")
        try:
            line = self.peek().line
            node = self.parse_binary(1)
            if self.accept("?"):
                saved = self.skip_newlines
                self.skip_newlines = True
                try:
                    yes = self.parse_expression()
                    self.expect(":")
                finally:
                    self.skip_newlines = saved
                no = self.parse_expression()
                node = Ternary(node, yes, no, line)
            return node
        finally:
            self.depth -= 1

    def parse_binary(self, minimum: int) -> Node:
        left = self.parse_unary()
        operators = 0
        while True:
            tok = self.peek()
            precedence = _PRECEDENCE.get(tok.value) if tok.kind == "op" else None
            if precedence is None or precedence < minimum:
                return left
            operators += 1
            if operators > MAX_CHAIN:
                raise _Syntax("too many operators in one expression")
            self.i += 1
            right = self.parse_binary(precedence + 1)
            left = Binary(tok.value, left, right, tok.line)

    def parse_unary(self) -> Node:
        ops: list[_Tok] = []
        while self.is_op("!") or self.is_op("-"):
            ops.append(self.advance())
            if len(ops) > MAX_CHAIN:
                raise _Syntax("too many unary operators")
        node = self.parse_postfix()
        for tok in reversed(ops):
            node = Unary(tok.value, node, tok.line)
        return node

    def parse_postfix(self) -> Node:
        node = self.parse_primary()
        for _ in range(MAX_CHAIN):
            tok = self.toks[self.i]
            if tok.kind != "op":
                return node
            if tok.value == ".":
                self.i += 1
                safe = self.accept("?")
                name = self.advance()
                if name.kind != "id":
                    raise _Syntax("property name")
                node = Member(node, name.value, name.line, safe)
            elif tok.value == "::":
                self.i += 1
                name = self.advance()
                node = Member(node, name.value if name.kind == "id" else "?", tok.line)
            elif tok.value == "[":
                self.i += 1
                saved = self.skip_newlines
                self.skip_newlines = True
                try:
                    self.accept("?")
                    index = self.parse_expression()
                    self.expect("]")
                finally:
                    self.skip_newlines = saved
                node = Index(node, index, tok.line)
            elif tok.value == "(" and isinstance(node, (Ident, Member)):
                self.i += 1
                node = Call(_dotted(node), self.parse_arguments(), tok.line)
            elif tok.value == "!" and not (
                self.toks[self.i + 1].kind == "op" and self.toks[self.i + 1].value == "="
            ):
                self.i += 1  # non-null assertion
            else:
                return node
        raise _Syntax("property chain too long")

    def parse_arguments(self) -> list[Node]:
        saved = self.skip_newlines
        self.skip_newlines = True
        try:
            args: list[Node] = []
            while not self.accept(")"):
                args.append(self.parse_expression())
                if not self.accept(","):
                    self.expect(")")
                    break
            return args
        finally:
            self.skip_newlines = saved

    def parse_primary(self) -> Node:
        tok = self.peek()
        if tok.kind == "str":
            self.i += 1
            return self.string(tok)
        if tok.kind == "num":
            self.i += 1
            return Lit(tok.value, tok.line)
        if tok.kind == "id":
            return self.identifier(tok)
        if tok.kind == "op":
            if tok.value == "(":
                return self.parenthesised(tok)
            if tok.value == "[":
                return self.array(tok)
            if tok.value == "{":
                return self.object(tok)
        raise _Syntax(f"unexpected {tok.value!r}")

    def string(self, tok: _Tok) -> Node:
        parts: list[str | Node] = []
        for part in tok.value:
            if isinstance(part, str):
                parts.append(part)
            else:
                sub = _Parser(part, self.file, self.depth)
                sub.skip_newlines = True
                try:
                    node = sub.parse_expression()
                    if sub.peek().kind != "eof":
                        node = Opaque("interpolation", tok.line)
                except _Syntax:
                    node = Opaque("interpolation", tok.line)
                parts.append(node)
        if all(isinstance(p, str) for p in parts):
            return Lit("".join(p for p in parts if isinstance(p, str)), tok.line)
        return Str(parts, tok.line)

    def identifier(self, tok: _Tok) -> Node:
        self.i += 1
        following = self.toks[self.i]
        if tok.value in ("true", "false"):
            return Lit(tok.value == "true", tok.line)
        if tok.value == "null":
            return Lit(None, tok.line)
        if following.kind == "op" and following.value == "=>":
            self.i += 1
            self.parse_expression()
            return Opaque("lambda", tok.line)
        if tok.value == "if" and following.kind == "op" and following.value == "(":
            self.i += 1
            cond = self.parse_arguments()
            if len(cond) != 1:
                raise _Syntax("if condition")
            return If(cond[0], self.parse_expression(), tok.line)
        return Ident(tok.value, tok.line)

    def parenthesised(self, tok: _Tok) -> Node:
        # A lambda's parameter list: (a, b) => …
        j = self.i + 1
        while self.toks[j].kind in ("id", "nl") or (
            self.toks[j].kind == "op" and self.toks[j].value == ","
        ):
            j += 1
        if (
            self.toks[j].kind == "op"
            and self.toks[j].value == ")"
            and self.toks[j + 1].kind == "op"
            and self.toks[j + 1].value == "=>"
        ):
            self.i = j + 2
            self.parse_expression()
            return Opaque("lambda", tok.line)
        self.i += 1
        saved = self.skip_newlines
        self.skip_newlines = True
        try:
            node = self.parse_expression()
            self.expect(")")
        finally:
            self.skip_newlines = saved
        return node

    def array(self, tok: _Tok) -> Node:
        self.i += 1
        saved = self.skip_newlines
        self.skip_newlines = False
        try:
            self.skip_blank()
            first = self.toks[self.i]
            if first.kind == "id" and first.value == "for":
                return self.for_expression(tok)
            items: list[Node] = []
            while True:
                self.skip_blank()
                if self.accept("]"):
                    return Arr(items, tok.line)
                if self.toks[self.i].kind == "eof":
                    raise _Syntax("unterminated array")
                start = self.i
                try:
                    items.append(self.parse_expression())
                    if not self.at_separator("]"):
                        raise _Syntax("array item")
                except _Syntax:
                    self.i = start
                    self.skip_until((",", "]"))
                    items.append(Opaque("array item", self.toks[start].line))
        finally:
            self.skip_newlines = saved

    def at_separator(self, closer: str) -> bool:
        tok = self.toks[self.i]
        return tok.kind in ("nl", "eof") or (tok.kind == "op" and tok.value in (",", closer))

    def for_expression(self, tok: _Tok) -> Node:
        self.i += 1  # for
        self.skip_newlines = True
        index_var = None
        if self.accept("("):
            var = self.advance().value
            if self.accept(","):
                index_var = self.advance().value
            self.expect(")")
        else:
            var = self.advance().value
        keyword = self.advance()
        if keyword.kind != "id" or keyword.value != "in":
            raise _Syntax("for … in")
        iterable = self.parse_expression()
        self.expect(":")
        body = self.parse_expression()
        self.expect("]")
        return For(str(var), index_var, iterable, body, tok.line)

    def object(self, tok: _Tok) -> Node:
        self.i += 1
        saved = self.skip_newlines
        self.skip_newlines = False
        props: list[Prop] = []
        try:
            while True:
                self.skip_blank()
                if self.accept("}"):
                    return Obj(props, tok.line)
                if self.toks[self.i].kind == "eof":
                    raise _Syntax("unterminated object")
                start = self.i
                try:
                    prop = self.object_member()
                    if prop is not None:
                        props.append(prop)
                    if not self.at_separator("}"):
                        raise _Syntax("object member")
                except _Syntax:
                    self.i = start
                    self.skip_until((",", "}"))
                    if self.toks[self.i] is self.toks[start]:
                        self.i += 1
        finally:
            self.skip_newlines = saved

    def object_member(self) -> Prop | None:
        tok = self.toks[self.i]
        if tok.kind == "op" and tok.value == "@":
            self.parse_decorator()
            return None
        if tok.kind == "id" and tok.value == "resource" and self.toks[self.i + 1].kind == "id":
            self.parse_resource()
            return None
        key: str | Node
        if tok.kind == "id":
            key = tok.value
        elif tok.kind == "str":
            node = self.string(tok)
            key = str(node.value) if isinstance(node, Lit) else node
        else:
            raise _Syntax("property name")
        self.i += 1
        self.expect(":")
        first = self.peek()
        value = self.parse_expression()
        return Prop(key, value, tok.line, (first.start, self.toks[self.i - 1].end))


def _dotted(node: Node) -> str:
    if isinstance(node, Ident):
        return node.name
    if isinstance(node, Member):
        return f"{_dotted(node.target)}.{node.name}"
    return "?"


def parse_bicep(text: str) -> BicepFile:
    """Parse Bicep text; raise :class:`BicepSyntaxError` when its structure is broken."""
    tokens = _Lexer(text).tokens()
    return _Parser(tokens, BicepFile()).parse_file()


# ====================================================================== Bicep: evaluation

_DEPLOY_TIME = {
    "resourcegroup",
    "subscription",
    "tenant",
    "managementgroup",
    "deployment",
    "environment",
    "uniquestring",
    "guid",
    "newguid",
    "utcnow",
    "reference",
    "resourceid",
    "subscriptionresourceid",
    "tenantresourceid",
    "extensionresourceid",
    "managementgroupresourceid",
    "listkeys",
    "getsecret",
    "pickzones",
    "providers",
    "deployer",
}


#: Functions evaluated by _Evaluator.call itself (they accept partly known arguments).
_SPECIAL_FUNCTIONS = {
    "concat",
    "format",
    "tolower",
    "toupper",
    "coalesce",
    "loadtextcontent",
    "loadjsoncontent",
}


@dataclass(frozen=True, slots=True)
class _Symbol:
    """A resource or module symbol used as a value (``acct.name``, ``acct.id``)."""

    resource: Resource | None
    module: Module | None = None


class _Evaluator:
    def __init__(self, parsed: BicepFile, base: Path | None) -> None:
        self.parsed = parsed
        self.base = base
        self.resources = {r.symbol: r for r in parsed.resources}
        self.modules = {m.symbol: m for m in parsed.modules}
        self.var_values: dict[str, object] = {}
        self.in_progress: set[str] = set()
        self.budget = EVAL_BUDGET
        self.depth = 0

    # ------------------------------------------------------------- names
    def lookup(self, name: str, env: dict[str, object]) -> object:
        if name in env:
            return env[name]
        if name in self.parsed.vars:
            if name not in self.var_values:
                if name in self.in_progress:
                    return Unknown(f"variable '{name}' refers to itself")
                self.in_progress.add(name)
                try:
                    self.var_values[name] = self.eval(self.parsed.vars[name].value, {})
                finally:
                    self.in_progress.discard(name)
            return self.var_values[name]
        param = self.parsed.params.get(name)
        if param is not None:
            if param.default is None:
                return Unknown(f"parameter '{name}' has no default value", input=True)
            if name in self.in_progress:
                return Unknown(f"parameter '{name}' refers to itself")
            self.in_progress.add(name)
            try:
                return self.eval(param.default, {})
            finally:
                self.in_progress.discard(name)
        if name in self.resources:
            return _Symbol(self.resources[name])
        if name in self.modules:
            return _Symbol(None, self.modules[name])
        return Unknown(f"'{name}' is not declared in this file")

    # ------------------------------------------------------------- expressions
    def eval(self, node: Node, env: dict[str, object]) -> object:
        self.budget -= 1
        if self.budget < 0:
            return Unknown("too complex to evaluate")
        if self.depth >= MAX_EVAL_DEPTH:
            return Unknown("nested too deeply to evaluate")
        self.depth += 1
        try:
            return self.evaluate(node, env)
        finally:
            self.depth -= 1

    def evaluate(self, node: Node, env: dict[str, object]) -> object:
        if isinstance(node, Lit):
            return node.value
        if isinstance(node, Str):
            return join_text(p if isinstance(p, str) else self.eval(p, env) for p in node.parts)
        if isinstance(node, Ident):
            return self.lookup(node.name, env)
        if isinstance(node, Member):
            return self.member(node, env)
        if isinstance(node, Index):
            return self.index(self.eval(node.target, env), self.eval(node.index, env))
        if isinstance(node, Call):
            return self.call(node, env)
        if isinstance(node, Arr):
            return [self.eval(item, env) for item in node.items[:MAX_ITEMS]]
        if isinstance(node, Obj):
            out: dict[str, object] = {}
            for prop in node.props:
                key = prop.key if isinstance(prop.key, str) else self.eval(prop.key, env)
                if isinstance(key, str):
                    out[key] = self.eval(prop.value, env)
            return out
        if isinstance(node, For):
            return self.for_values(node, env)
        if isinstance(node, Ternary):
            cond = self.eval(node.cond, env)
            if isinstance(cond, bool):
                return self.eval(node.yes if cond else node.no, env)
            return Unknown("a condition known only at deployment", input=_is_input(cond))
        if isinstance(node, Binary):
            return self.binary(node, env)
        if isinstance(node, Unary):
            value = self.eval(node.operand, env)
            if node.op == "!" and isinstance(value, bool):
                return not value
            if node.op == "-" and isinstance(value, int) and not isinstance(value, bool):
                return -value
            return value.opaque() if isinstance(value, Unknown) else Unknown("unsupported operand")
        if isinstance(node, If):
            return Unknown("conditional value")
        return Unknown(f"unsupported expression ({node.what})")

    def member(self, node: Member, env: dict[str, object]) -> object:
        target = self.eval(node.target, env)
        if isinstance(target, _Symbol):
            if target.module is not None:
                return Unknown(f"module output of '{target.module.symbol}'")
            assert target.resource is not None
            if node.name == "name":
                return self.resource_name(target.resource)
            if node.name == "id":
                kind = self.kind_of(target.resource)
                return ResourceId(kind[0] if kind else "", self.resource_name(target.resource))
            return Unknown(f"'{target.resource.symbol}.{node.name}' is known only at deployment")
        if isinstance(target, Unknown):
            return target.opaque()
        if isinstance(target, dict):
            value = get_ci(target, node.name)
            if value is None and not any(
                isinstance(k, str) and k.lower() == node.name.lower() for k in target
            ):
                return None if node.safe else Unknown(f"no property '{node.name}'")
            return value
        if isinstance(target, list) and node.name == "length":
            return len(target)
        return Unknown(f"property '{node.name}' of a non-object")

    @staticmethod
    def index(target: object, index: object) -> object:
        if isinstance(target, Unknown):
            return target.opaque()
        if isinstance(index, Unknown):
            return index.opaque()
        if isinstance(target, list) and isinstance(index, int) and not isinstance(index, bool):
            return target[index] if -len(target) <= index < len(target) else Unknown("no item")
        if isinstance(target, dict) and isinstance(index, str):
            return (
                get_ci(target, index)
                if index.lower() in {str(k).lower() for k in target}
                else Unknown(f"no property '{index}'")
            )
        if isinstance(target, _Symbol):
            return Unknown("an item of a resource or module loop")
        return Unknown("unsupported index")

    def binary(self, node: Binary, env: dict[str, object]) -> object:
        left = self.eval(node.left, env)
        if node.op == "??":
            return self.eval(node.right, env) if left is None else left
        right = self.eval(node.right, env)
        unknown = first_unknown((left, right))
        if unknown is not None:
            return unknown.opaque()
        try:
            if node.op in ("==", "!="):
                same = left == right
                return same if node.op == "==" else not same
            if node.op in ("=~", "!~") and isinstance(left, str) and isinstance(right, str):
                same = left.lower() == right.lower()
                return same if node.op == "=~" else not same
            if node.op in ("&&", "||") and isinstance(left, bool) and isinstance(right, bool):
                return (left and right) if node.op == "&&" else (left or right)
            if isinstance(left, int) and isinstance(right, int):
                result = _arith(node.op, left, right)
                if result is not None:
                    return result
        except (ArithmeticError, TypeError):
            pass
        return Unknown(f"unsupported operation '{node.op}'")

    def for_values(self, node: For, env: dict[str, object]) -> object:
        items = self.eval(node.iterable, env)
        if isinstance(items, Unknown):
            return items.opaque()
        if not isinstance(items, list):
            return Unknown("a loop over a non-array")
        out = []
        for position, item in enumerate(items[:MAX_ITEMS]):
            inner = {**env, node.var: item}
            if node.index_var:
                inner[node.index_var] = position
            body = node.body
            if isinstance(body, If):
                cond = self.eval(body.cond, inner)
                if cond is False:
                    continue
                body = body.body
            out.append(self.eval(body, inner))
        return out

    def call(self, node: Call, env: dict[str, object]) -> object:
        name = node.name.rsplit(".", 1)[-1]
        lowered = name.lower()
        if lowered in _DEPLOY_TIME:
            return Unknown(f"uses {name}(), known only at deployment")
        if lowered not in _BICEP_FUNCTIONS and lowered not in _SPECIAL_FUNCTIONS:
            return Unknown(f"uses {name}()")
        args = [self.eval(arg, env) for arg in node.args]
        if lowered == "concat":
            if args and all(isinstance(a, list) for a in args):
                return [item for a in args if isinstance(a, list) for item in a][:MAX_ITEMS]
            return join_text(args)
        if lowered == "format":
            return _bicep_format(args)
        if lowered in ("tolower", "toupper"):
            if len(args) != 1:
                return Unknown(f"{name}() needs one argument")
            return map_text(args[0], str.lower if lowered == "tolower" else str.upper)
        if lowered == "coalesce":
            for arg in args:
                if arg is not None:
                    return arg
            return None
        if lowered in ("loadtextcontent", "loadjsoncontent"):
            return self.load_content(lowered, args)
        unknown = first_unknown(args)
        if unknown is not None:
            return unknown.opaque()
        try:
            return _BICEP_FUNCTIONS[lowered](*args)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError, ArithmeticError):
            return Unknown(f"cannot evaluate {name}()")

    def load_content(self, function: str, args: list[object]) -> object:
        """loadTextContent/loadJsonContent read a file beside the template at build time, so
        the analyzer may too (bounded; a missing file is simply unknown)."""
        if not args or not isinstance(args[0], str) or self.base is None:
            return Unknown(f"{function}() of an unknown file")
        if function == "loadjsoncontent" and len(args) > 1:
            return Unknown("loadJsonContent() with a JSON path")
        text = read_side_file(self.base / args[0])
        if text is None:
            return Unknown(f"cannot read '{args[0]}'")
        if function == "loadtextcontent":
            return text
        from analyzer.inventory.jsonc import JsonError, loads

        try:
            return loads(text)
        except JsonError:
            return Unknown(f"'{args[0]}' is not valid JSON")

    # ------------------------------------------------------------- resources
    def kind_of(self, resource: Resource) -> tuple[InventoryKind, int] | None:
        return arm_type_kind(self.full_type(resource))

    def full_type(self, resource: Resource) -> str:
        base = resource.type.split("@", 1)[0]
        if resource.parent is not None and "/" not in base:
            return f"{self.full_type(resource.parent)}/{base}"
        return base

    def instances(self, resource: Resource) -> list[tuple[Obj, dict[str, object]]]:
        """Every instance of a declaration: one, none (a false condition), or one per item
        of a loop; a loop over something unknown gives one instance whose loop variable is
        unknown, so its name becomes "unknown because …"."""
        return self.expand(resource.value, {})

    def expand(self, node: Node, env: dict[str, object]) -> list[tuple[Obj, dict[str, object]]]:
        if isinstance(node, Obj):
            return [(node, env)]
        if isinstance(node, If):
            return [] if self.eval(node.cond, env) is False else self.expand(node.body, env)
        if isinstance(node, For):
            items = self.loop_items(node.iterable, env)
            if isinstance(items, Unknown):
                inner = {**env, node.var: items}
                if node.index_var:
                    inner[node.index_var] = items.opaque()
                body = node.body.body if isinstance(node.body, If) else node.body
                return self.expand(body, inner)
            out: list[tuple[Obj, dict[str, object]]] = []
            for position, item in enumerate(items[:MAX_ITEMS]):
                inner = {**env, node.var: item}
                if node.index_var:
                    inner[node.index_var] = position
                out.extend(self.expand(node.body, inner))
                if len(out) >= MAX_ITEMS:
                    return out[:MAX_ITEMS]
            return out
        return []

    def loop_items(self, node: Node, env: dict[str, object]) -> list[object] | Unknown:
        items = self.eval(node, env)
        if isinstance(items, dict):
            return Unknown("a loop over an object (use items())")
        if isinstance(items, Unknown):
            return Unknown(items.reason, None, items.input)
        if not isinstance(items, list):
            return Unknown("a loop over a non-array")
        if (
            not items
            and isinstance(node, Ident)
            and node.name not in env
            and node.name not in self.parsed.vars
            and node.name in self.parsed.params
        ):
            return Unknown(
                f"parameter '{node.name}' defaults to an empty array; the deployment supplies "
                "the items",
                input=True,
            )
        return items

    def resource_name(self, resource: Resource) -> object:
        key = f"resource {resource.symbol}"
        if key in self.var_values:
            return self.var_values[key]
        if key in self.in_progress:
            return Unknown(f"the name of '{resource.symbol}' refers to itself")
        self.in_progress.add(key)
        try:
            found = self.instances(resource)
            if len(found) != 1:
                value: object = Unknown(f"'{resource.symbol}' is a resource loop or condition")
            else:
                body, env = found[0]
                prop = body.get("name")
                value = Unknown("no name") if prop is None else self.eval(prop.value, env)
        finally:
            self.in_progress.discard(key)
        self.var_values[key] = value
        return value

    def account_of(self, resource: Resource, body: Obj, env: dict[str, object]) -> object:
        """The owning account of a child: the enclosing resource, ``parent:``, or None
        (then the account is the first segment of the name)."""
        owner: Resource | None = resource.parent
        if owner is None:
            prop = body.get("parent")
            if prop is None:
                return None
            target = self.eval(prop.value, env)
            if not isinstance(target, _Symbol) or target.resource is None:
                return Unknown("parent is not a declared resource")
            owner = target.resource
        kind = self.kind_of(owner)
        if kind is None or kind[0] != "account":
            return Unknown("parent is not an Automation account")
        return self.resource_name(owner)


def _is_input(value: object) -> bool:
    return isinstance(value, Unknown) and value.input


def _arith(op: str, left: int, right: int) -> object:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right if abs(left) < 10**9 and abs(right) < 10**9 else None
    if op == "/":
        return int(left / right)
    if op == "%":
        return left % right
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    if op == ">=":
        return left >= right
    return None


def _bicep_format(args: list[object]) -> object:
    if not args or not isinstance(args[0], str):
        return Unknown("format() with an unknown format string")
    template, values = args[0], args[1:]
    parts: list[object] = []
    position = 0
    for match in re.finditer(r"\{\{|\}\}|\{(\d+)(?::[^}]*)?\}", template):
        parts.append(template[position : match.start()])
        if match.group(1) is None:
            parts.append(match.group()[0])
        else:
            index = int(match.group(1))
            parts.append(values[index] if index < len(values) else Unknown("format() index"))
        position = match.end()
    parts.append(template[position:])
    return join_text(parts)


def _string(value: object) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    text = to_text(value)
    if isinstance(text, Unknown):
        raise ValueError(text.reason)
    return text


def _split(text: str, delimiters: object) -> list[str]:
    if isinstance(delimiters, list):
        return re.split("|".join(re.escape(str(d)) for d in delimiters), text)
    return text.split(str(delimiters))


def _union(*args: object) -> object:
    if all(isinstance(a, dict) for a in args):
        out: dict[str, object] = {}
        for a in args:
            out.update(a)  # type: ignore[arg-type]
        return out
    if all(isinstance(a, list) for a in args):
        merged: list[object] = []
        for a in args:
            merged.extend(x for x in a if x not in merged)  # type: ignore[union-attr]
        return merged
    raise TypeError("union of mixed values")


_BICEP_FUNCTIONS: dict[str, Callable[..., object]] = {
    "string": _string,
    "trim": lambda s: s.strip(),
    "replace": lambda s, old, new: s.replace(old, new),
    "split": _split,
    "join": lambda items, sep: sep.join(_string(i) for i in items),
    "first": lambda v: v[0] if v else None,
    "last": lambda v: v[-1] if v else None,
    "length": len,
    "empty": lambda v: v is None or len(v) == 0,
    "contains": lambda container, item: item in container,
    "union": _union,
    "take": lambda v, n: v[: max(n, 0)],
    "skip": lambda v, n: v[max(n, 0) :],
    "range": lambda start, count: list(range(start, start + min(count, MAX_ITEMS))),
    "substring": lambda s, start, length=None: (
        s[start:] if length is None else s[start : start + length]
    ),
    "startswith": lambda s, p: s.lower().startswith(p.lower()),
    "endswith": lambda s, p: s.lower().endswith(p.lower()),
    "indexof": lambda s, p: s.lower().find(p.lower()),
    "items": lambda o: [{"key": k, "value": o[k]} for k in sorted(o, key=str.lower)],
    "objectkeys": lambda o: list(o),
    "array": lambda v: v if isinstance(v, list) else [v],
    "int": int,
    "bool": lambda v: v if isinstance(v, bool) else str(v).lower() == "true",
    "json": json.loads,
    "padleft": lambda v, n, c=" ": _string(v).rjust(min(n, 10_000), c[:1] or " "),
    "flatten": lambda v: [x for item in v for x in (item if isinstance(item, list) else [item])],
    "min": lambda *v: min(v[0] if len(v) == 1 and isinstance(v[0], list) else v),
    "max": lambda *v: max(v[0] if len(v) == 1 and isinstance(v[0], list) else v),
}


# ====================================================================== Bicep: declarations

_AUTOMATION_MODULE = re.compile(r"automation[-_/.]?account", re.IGNORECASE)


class _Declarations:
    """Walks one parsed file and collects its declarations and secret literals."""

    def __init__(self, path: str, text: str, parsed: BicepFile, base: Path | None) -> None:
        self.path = path
        self.text = text
        self.parsed = parsed
        self.eval = _Evaluator(parsed, base)
        self.out = Analysis()

    def source(self, line: int) -> SourceRef:
        return SourceRef(self.path, line, "bicep")

    def raw(self, prop: Prop | None) -> str:
        if prop is None:
            return ""
        if isinstance(prop.value, Lit) and isinstance(prop.value.value, str):
            return prop.value.value
        return self.text[prop.span[0] : prop.span[1]]

    def run(self) -> Analysis:
        for resource in self.parsed.resources:
            if not resource.existing:
                self.resource(resource)
        for module in self.parsed.modules:
            if _AUTOMATION_MODULE.search(module.path):
                self.module(module)
        return self.out

    # ------------------------------------------------------------- resources
    def resource(self, resource: Resource) -> None:
        kind_info = self.eval.kind_of(resource)
        if kind_info is None:
            return
        kind, segments = kind_info
        for body, env in self.eval.instances(resource):
            name_prop = body.get("name")
            name: object = (
                Unknown("no name property")
                if name_prop is None
                else self.eval.eval(name_prop.value, env)
            )
            account: object = None
            if kind != "account":
                account = self.eval.account_of(resource, body, env)
                if account is None:
                    parts = split_segments(name, segments)
                    if parts is None:
                        if not isinstance(name, Unknown):
                            name = Unknown(f"the name does not have {segments} '/'-separated parts")
                    else:
                        account, name = parts[0], parts[-1]
            props_prop = body.get("properties")
            properties = None if props_prop is None else self.eval.eval(props_prop.value, env)
            details = arm_details(kind, properties, arm_child_type(self.eval.full_type(resource)))
            decl, input_only = declaration(
                kind, name, self.raw(name_prop), self.source(resource.line), account, details
            )
            self.out.add(decl, input_only)
            if props_prop is not None and isinstance(props_prop.value, Obj):
                self.secrets(decl, props_prop.value, env)

    def secrets(self, decl: Declaration, properties: Obj, env: dict[str, object]) -> None:
        def check(key: str, field_name: str) -> None:
            prop = properties.get(key)
            line = self.secret_line(prop, env) if prop is not None else None
            if line is not None:
                self.out.secrets.append(
                    SecretLiteral(decl.kind, decl.name, field_name, self.source(line))
                )

        if decl.kind == "credential":
            check("password", "password")
        elif decl.kind == "variable" and decl.encrypted:
            check("value", "value")
        elif decl.kind == "certificate":
            check("base64Value", "base64Value")
        elif decl.kind == "connection":
            values = properties.get("fieldDefinitionValues")
            if values is not None and isinstance(values.value, Obj):
                for prop in values.value.props:
                    line = self.secret_line(prop, env)
                    if line is not None and isinstance(prop.key, str):
                        self.out.field_literals.append(
                            FieldLiteral(decl.name, decl.connection_type, prop.key, line)
                        )

    def secret_line(self, prop: Prop, env: dict[str, object]) -> int | None:
        """Where a secret the template itself determines is written: the literal, or the
        parameter default / variable it names (the line of that declaration). None when
        the value comes from the deployment (a parameter without default, a function known
        only at deployment, another resource). The same rule as the ARM loader's, which
        reads what ``bicep build`` makes of this file."""
        value = self.eval.eval(prop.value, env)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None
        if value in ("", '""'):
            return None
        node = prop.value
        if isinstance(node, Ident) and node.name not in env:
            declared = self.parsed.vars.get(node.name) or self.parsed.params.get(node.name)
            if declared is not None:
                return declared.line
        return prop.line

    # ------------------------------------------------------------- module calls
    def module(self, module: Module) -> None:
        for body, env in self.eval.expand(module.value, {}):
            params_prop = body.get("params")
            if params_prop is None or not isinstance(params_prop.value, Obj):
                continue
            params = params_prop.value
            name_prop = params.get("name")
            account = (
                Unknown("no name") if name_prop is None else self.eval.eval(name_prop.value, env)
            )
            decl, input_only = declaration(
                "account", account, self.raw(name_prop), self.source(module.line), None, Details()
            )
            self.out.add(decl, input_only)
            for prop in params.props:
                kind = ARM_CHILD_KINDS.get(prop.key.lower()) if isinstance(prop.key, str) else None
                if kind is not None:
                    self.module_assets(kind, prop, account, env)

    def module_assets(
        self, kind: InventoryKind, prop: Prop, account: object, env: dict[str, object]
    ) -> None:
        node = prop.value
        if isinstance(node, (Arr, For)):
            items = node.items if isinstance(node, Arr) else [node]
            for item in items:
                for entry, entry_env in self.eval.expand(item, env):
                    name_prop = entry.get("name")
                    name = (
                        Unknown("no name property")
                        if name_prop is None
                        else self.eval.eval(name_prop.value, entry_env)
                    )
                    decl = self.module_asset(
                        kind,
                        name,
                        self.raw(name_prop),
                        entry.line,
                        self.eval.eval(entry, entry_env),
                        account,
                    )
                    if kind in ("credential", "variable", "certificate"):
                        self.secrets(decl, entry, entry_env)
            return
        raw = self.text[prop.span[0] : prop.span[1]]
        value = self.eval.eval(node, env)
        if isinstance(value, list) and not value and isinstance(node, Ident):
            value = self.eval.loop_items(node, env)
        if isinstance(value, list):
            for item in value[:MAX_ITEMS]:
                name = get_ci(item, "name") if isinstance(item, dict) else None
                self.module_asset(kind, name, raw, prop.line, item, account)
            return
        if not isinstance(value, Unknown):
            value = Unknown("module assets that are not a list of objects")
        self.module_asset(kind, value, raw, prop.line, None, account)

    def module_asset(
        self,
        kind: InventoryKind,
        name: object,
        raw: str,
        line: int,
        values: object,
        account: object,
    ) -> Declaration:
        """One asset of an AVM-style module call (its entries use the module's own keys)."""
        details = Details()
        if kind == "variable":
            # The module decides the default (AVM encrypts unless told otherwise).
            details.encrypted = as_flag(get_ci(values, "isEncrypted"))
        elif kind == "runbook":
            details.runbook_type = canonical_runbook_type(
                get_ci(values, "type") or get_ci(values, "runbookType")
            )
        elif kind == "connection":
            connection_type = get_ci(values, "connectionType")
            if isinstance(connection_type, dict):
                connection_type = get_ci(connection_type, "name")
            if isinstance(connection_type, str):
                details.connection_type = connection_type
        decl, input_only = declaration(kind, name, raw, self.source(line), account, details)
        self.out.add(decl, input_only)
        return decl


# ====================================================================== loader entry point


def analyse(path: str, text: str, base: Path | None) -> Analysis:
    """Declarations and secrets of one Bicep file; never raises."""
    if len(text) > MAX_FILE_CHARS:
        return Analysis(problems=[InventoryProblem(path, None, "Bicep file too large to read")])
    try:
        parsed = parse_bicep(text)
        return _Declarations(path, text, parsed, base).run()
    except BicepSyntaxError as exc:
        return Analysis(
            problems=[InventoryProblem(path, exc.line, f"invalid Bicep: {exc.message}")]
        )
    except RecursionError:
        return Analysis(problems=[InventoryProblem(path, None, "invalid Bicep: nested too deeply")])


def _cached_analysis(file: InventoryFile, context: LoadContext) -> Analysis:
    cache = run_cache(context, "bicep")
    key = (file.path, file.text)
    if key not in cache:
        cache[key] = analyse(file.path, file.text, disk_path(file.path, context).parent)
    return cache[key]


def _siblings(file: InventoryFile, context: LoadContext) -> Iterator[InventoryFile]:
    folder = PurePosixPath(file.path).parent
    for other in context.files.values():
        if other.format == "bicep" and PurePosixPath(other.path).parent == folder:
            yield other


def load(file: InventoryFile, context: LoadContext) -> LoadResult:
    """Read one ``.bicep`` file. Connection types declared by any Bicep file in the same
    directory decide which connection fields are encrypted (and so secret)."""
    analysis = _cached_analysis(file, context)
    declarations: list[Declaration] = list(analysis.declarations)
    if analysis.field_literals:
        for sibling in _siblings(file, context):
            if sibling.path != file.path:
                declarations.extend(_cached_analysis(sibling, context).declarations)
    return finish(analysis, file.path, "bicep", encrypted_fields(declarations))
