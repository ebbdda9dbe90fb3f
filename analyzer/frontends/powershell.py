"""PowerShell frontend: scripts, workflows, DSC configurations and modules → facts.

One parse and one query per file. The query collects the few node kinds that matter
(commands, functions, assignments, parameters, member/element accesses, loops, errors);
everything else is reached from those nodes through short parent or child hops, never by
walking the whole tree in Python.

Names are classified as PowerShell evaluates them: single-quoted strings, variable-free
double-quoted strings and bare words are literals; anything else is dynamic and keeps its
source text. A dynamic name is resolved to a constant only when that is provable within
the file (see :class:`_Resolver`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analyzer.frontends import ps_text
from analyzer.frontends.common import merge_conflicts
from analyzer.frontends.ps_commands import CMDLETS, Binding, CmdletSpec, Element, bind
from analyzer.frontends.ps_syntax import MISLEADING_BACKTICK, misleading_backticks, unbalanced
from analyzer.frontends.treesitter import captures, parser
from analyzer.model.facts import (
    AssetRef,
    CommandUse,
    ConnectionDefinition,
    Declaration,
    FieldUse,
    FileFacts,
    NameValue,
    Parameter,
    Runbook,
    RunbookCall,
)
from analyzer.model.span import LineIndex, Span

if TYPE_CHECKING:
    from tree_sitter import Node

_QUERY = """
(command) @command
(command_parameter) @command_parameter
(function_statement) @function
(assignment_expression) @assignment
(script_parameter) @parameter
(foreach_statement) @foreach
(inlinescript_statement) @inlinescript
(ERROR) @error
(MISSING) @missing
"""

#: Field reads matter only in files that look up a connection; the other files are spared
#: a Python object for every member access they contain.
_FIELD_QUERY = """
(member_access) @member
(element_access) @element
(invocation_expression) @invocation
"""

#: Nodes that only wrap a single meaningful child.
_WRAPPERS = frozenset(
    {
        "assignment_value",
        "pipeline",
        "pipeline_chain",
        "unary_expression",
        "array_literal_expression",
        "parenthesized_expression",
        "expression_with_unary_operator",
        "sub_expression",
        "statement_list",
        "logical_expression",
        "bitwise_expression",
        "comparison_expression",
        "additive_expression",
        "multiplicative_expression",
        "format_expression",
        "range_expression",
        "key_expression",
    }
)

#: Variables PowerShell sets itself; their value is never a design-time constant.
_AUTOMATIC = frozenset(
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

#: Hashtable and object members that are not connection fields.
_HASHTABLE_MEMBERS = frozenset(
    {
        "keys",
        "values",
        "count",
        "length",
        "add",
        "remove",
        "clear",
        "clone",
        "contains",
        "containskey",
        "containsvalue",
        "getenumerator",
        "gettype",
        "tostring",
        "equals",
        "gethashcode",
        "psobject",
        "psbase",
        "isreadonly",
        "isfixedsize",
        "issynchronized",
        "syncroot",
        "copyto",
        "item",
        "get_item",
    }
)

_FALLBACK_LOOKUP = re.compile(
    r"(?i)\b(get-automation(?:variable|connection|pscredential|certificate)|set-automationvariable)"
    r"(?:\s|`\r?\n)+(?:[-\u2013\u2014\u2015]name(?::|(?:\s|`\r?\n)+))?"
    r"(['\u2018\u2019\"\u201c\u201d]?)([A-Za-z0-9_.\- ]+?)\2(?=[\s;)}]|$)"
)
_THROTTLE_LIMIT = re.compile(r"(?is)-throttlelimit\s*\S+")
_LABELLED_JUMP = re.compile(r"(?i)(?:break|continue)\s+[A-Za-z_]\w*")
_JAGGED_TYPE = re.compile(r"\[[\w.]+(?:\[\])+\]")
_BARE_NAME = re.compile(r"[A-Za-z_][\w-]*")
_MANDATORY = re.compile(r"(?i)\bmandatory\b(?!\s*=\s*\$false)")
_INLINE_SCRIPT = re.compile(r"(?i)(?:^|[\\/])([^\\/]+)\.ps1$")
_SCOPED_VARIABLE = re.compile(r"^(?:(\w+):)?(.*)$")


@dataclass(slots=True)
class _Scope:
    """A variable scope: the script, a function/workflow/configuration body, InlineScript."""

    node_id: int
    kind: str  # script | function | workflow | configuration | inlinescript
    parent: _Scope | None
    name: str | None = None


@dataclass(slots=True)
class _Definition:
    """One way a variable gets a value in a scope: a parameter or an assignment."""

    kind: str  # "parameter" | "assignment" | "other"
    value: Node | None  # the value node when it may be a literal
    mandatory: bool = False


#: PowerShell's tokenizer reads these as ASCII quotes and dashes; the grammars do not, so
#: the parser sees a copy with them replaced. Each is one code point either way, so lines
#: and code-point columns are the same in both texts; text is always cut from the original.
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
    }
)


@dataclass(slots=True)
class _Context:
    data: bytes
    index: LineIndex
    #: Lines of the original text when it differs from what was parsed.
    original_lines: list[str] | None = None
    scopes: dict[int, _Scope] = field(default_factory=dict)
    #: Variable name → the nodes that define it, recorded cheaply while scanning; their
    #: scopes are only worked out for the few names a dynamic reference asks about.
    raw_definitions: dict[str, list[tuple[str, Node]]] = field(default_factory=dict)
    raw_hashes: dict[str, list[Node]] = field(default_factory=dict)
    materialize: Any = None
    _grouped: dict[str, dict[int, list[_Definition]]] = field(default_factory=dict)
    local_commands: set[str] = field(default_factory=set)

    def definitions(self, scope_id: int, name: str) -> list[_Definition] | None:
        """Definitions of ``name`` that belong to the scope ``scope_id``."""
        grouped = self._grouped.get(name)
        if grouped is None:
            grouped = {}
            for kind, node in self.raw_definitions.get(name, ()):
                scope, definition = self.materialize(kind, node)
                grouped.setdefault(scope.node_id, []).append(definition)
            self._grouped[name] = grouped
        return grouped.get(scope_id)

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


def _unwrap(node: Node) -> Node:
    """Descend through wrapper nodes that have exactly one named child."""
    while node.type in _WRAPPERS and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def _hash_literal(node: Node) -> Node | None:
    """A hashtable literal, also behind a cast such as ``[ordered]@{ … }``."""
    inner = _unwrap(node)
    if inner.type == "cast_expression" and inner.named_child_count:
        inner = _unwrap(inner.named_children[-1])
    return inner if inner.type == "hash_literal_expression" else None


def _swallowed_variable(element: Node) -> Node | None:
    """``[string] $B`` or ``$B`` as an element of a misparsed parameter default."""
    inner = _unwrap(element)
    if inner.type == "cast_expression" and inner.named_child_count:
        inner = _unwrap(inner.named_children[-1])
    if inner.type == "variable" and inner.text is not None and inner.text.startswith(b"$"):
        return inner
    return None


def _variable_key(text: str) -> tuple[str, str]:
    """``$Using:Conn`` → (``using``, ``conn``); ``${x}`` → ("", ``x``)."""
    body = text.lstrip("$@")
    if ":" not in body and "{" not in body:
        return "", body.lower()
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    match = _SCOPED_VARIABLE.match(body)
    qualifier = (match.group(1) or "").lower() if match else ""
    name = (match.group(2) if match else body).lower()
    return qualifier, name


class _Resolver:
    """Proves that a dynamic name is a constant within the file, or gives up.

    A variable resolves when every definition that can reach the reference (in its scope,
    or the nearest enclosing scope that defines it) yields the same literal: a parameter
    default, a single literal assignment, the same literal in every branch. Mandatory
    parameters, loop variables, compound or non-literal assignments, and defaults that
    the code compares against (sentinels such as ``'Use default'``) defeat resolution.
    """

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx

    def literal(self, node: Node) -> tuple[str, Span] | None:
        """A literal value and the span of its content, or None if not a literal."""
        node = _unwrap(node)
        kind = node.type
        ctx = self.ctx
        if kind == "string_literal" and node.named_child_count == 1:
            node = node.named_children[0]
            kind = node.type
        if kind in ("verbatim_string_characters", "expandable_string_literal", "generic_token"):
            if kind == "expandable_string_literal" and any(
                c.type in ("variable", "sub_expression") for c in node.named_children
            ):
                return None
            text = ctx.text(node)
            quoted = ps_text.quoted_literal(text)
            if quoted is not None:
                value, start, end = quoted
                return value, self._sub_span(node, text, start, end)
            if (
                kind == "generic_token"
                and not (set(text) & (ps_text.QUOTES | {"$"}))
                and not text.startswith("@")
            ):
                return text, ctx.span(node)
            return None
        if kind in ("verbatim_here_string_characters", "expandable_here_string_literal"):
            if kind == "expandable_here_string_literal" and any(
                c.type in ("variable", "sub_expression") for c in node.named_children
            ):
                return None
            body = ps_text.here_string_body(ctx.text(node))
            if body is None:
                return None
            return body[0], ctx.span(node)
        if kind in ("integer_literal", "real_literal", "decimal_integer_literal"):
            return ctx.text(node), ctx.span(node)
        return None

    def _sub_span(self, node: Node, text: str, start: int, end: int) -> Span:
        span = self.ctx.span(node)
        if span.line != span.end_line:
            return span
        return Span(span.line, span.column + start, span.line, span.column + end)

    def resolve(self, node: Node, scope: _Scope, depth: int = 0) -> str | None:
        """The constant a dynamic expression evaluates to, if provable."""
        if depth > 8:
            return None
        node = _unwrap(node)
        if node.type == "string_literal" and node.named_child_count == 1:
            node = node.named_children[0]
        if node.type == "variable":
            return self.variable(self.ctx.text(node), scope, node, depth)
        if node.type in ("expandable_string_literal", "expandable_here_string_literal"):
            return self._interpolate(node, scope, depth)
        literal = self.literal(node)
        return literal[0] if literal else None

    def _interpolate(self, node: Node, scope: _Scope, depth: int) -> str | None:
        ctx = self.ctx
        here = node.type == "expandable_here_string_literal"
        text = ctx.text(node)
        if here:
            body = ps_text.here_string_body(text)
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
                inner = _unwrap(child)
                if inner.type != "variable":
                    return None
                value = self.variable(ctx.text(inner), scope, inner, depth + 1)
            elif child.type == "variable":
                value = self.variable(ctx.text(child), scope, child, depth + 1)
            else:
                continue
            if value is None:
                return None
            raw = ctx.text_between(cursor, child.start_byte)
            parts.append(ps_text.unescape_double(raw))
            parts.append(value)
            cursor = child.end_byte
        raw = ctx.text_between(cursor, content_end)
        parts.append(ps_text.unescape_double(raw))
        return "".join(parts)

    def variable(self, text: str, scope: _Scope, at: Node, depth: int = 0) -> str | None:
        qualifier, name = _variable_key(text)
        if name in _AUTOMATIC or qualifier in ("env", "function", "alias", "variable"):
            return None
        start: _Scope | None = scope
        if qualifier == "using":
            start = self._outside_inlinescript(scope)
        elif qualifier in ("script", "global"):
            while start is not None and start.parent is not None:
                start = start.parent
        while start is not None:
            definitions = self.ctx.definitions(start.node_id, name)
            if definitions:
                return self._evaluate(name, definitions, start, at, depth)
            if start.kind == "inlinescript":
                return None
            start = start.parent
        return None

    @staticmethod
    def _outside_inlinescript(scope: _Scope) -> _Scope | None:
        current: _Scope | None = scope
        while current is not None and current.kind == "inlinescript":
            current = current.parent
        return current

    def _evaluate(
        self, name: str, definitions: list[_Definition], scope: _Scope, at: Node, depth: int
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
                    text = self.ctx.text(condition)
                    if needle.search(text) and value.lower() in text.lower():
                        return True
            if node.type in ("function_statement", "program"):
                break
            node = node.parent
        return False


class _Extractor:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        normalized = text.translate(_TYPOGRAPHIC)
        if "`" in normalized:
            # Parse what the author meant; RB901 still reports the misleading backtick.
            normalized = MISLEADING_BACKTICK.sub("`", normalized)
        self.normalized = normalized
        data = normalized.encode("utf-8")
        self.tree = parser("powershell").parse(data)
        original = text.split("\n") if normalized != text else None
        self.ctx = _Context(data, LineIndex(data), original)
        self.resolver = _Resolver(self.ctx)
        self.facts = FileFacts(path=path, runbook=None, text=text)
        self._scope_of_node: dict[int, _Scope] = {}
        self._connection_names: set[str] = set()
        self._assignment_cache: dict[tuple[int, str], list[tuple[int, int | None]]] = {}
        self._command_ref: dict[int, int] = {}
        self._command_nodes: dict[int, Node] = {}
        self._parameters_by_elements: dict[int, list[str]] = {}
        #: Corrected defaults of parameters whose default swallowed the next parameter.
        self._parameter_defaults: dict[int, Node | None] = {}
        self._workflow_ranges: list[tuple[int, int]] = []
        self._inlinescript_ranges: list[tuple[int, int]] = []
        self.ctx.materialize = self._materialize

    # ----------------------------------------------------------------- scopes
    def scope(self, node: Node) -> _Scope:
        """The innermost variable scope containing ``node``."""
        chain: list[int] = []
        current: Node | None = node.parent
        found: _Scope | None = None
        boundary: Node | None = None
        while current is not None:
            cached = self._scope_of_node.get(current.id)
            if cached is not None:
                found = cached
                break
            chain.append(current.id)
            kind = self._scope_kind(current)
            if kind is not None:
                boundary = current
                found = self._make_scope(current, kind)
                break
            current = current.parent
        if found is None:
            found = self._root_scope()
        for node_id in chain:
            if boundary is None or node_id != boundary.id:
                self._scope_of_node[node_id] = found
        return found

    def _root_scope(self) -> _Scope:
        root = self.tree.root_node
        scope = self.ctx.scopes.get(root.id)
        if scope is None:
            scope = _Scope(root.id, "script", None)
            self.ctx.scopes[root.id] = scope
        return scope

    def _scope_kind(self, node: Node) -> str | None:
        kind = node.type
        if kind == "function_statement":
            first = node.children[0].type if node.child_count else ""
            return "workflow" if first == "workflow" else "function"
        if kind == "inlinescript_statement":
            return "inlinescript"
        if kind == "script_block_expression":
            command = node.parent
            while command is not None and command.type in ("unary_expression", "command_elements"):
                command = command.parent
            if command is not None and command.type == "command":
                name = self._command_name(command)
                if name is not None and self.ctx.text(name).lower() == "configuration":
                    return "configuration"
        return None

    def _make_scope(self, node: Node, kind: str) -> _Scope:
        existing = self.ctx.scopes.get(node.id)
        if existing is not None:
            return existing
        parent = self.scope(node)
        name = None
        if kind in ("function", "workflow"):
            for child in node.children:
                if child.type == "function_name":
                    name = self.ctx.text(child)
                    break
        scope = _Scope(node.id, kind, parent, name)
        self.ctx.scopes[node.id] = scope
        self._scope_of_node[node.id] = scope
        return scope

    @staticmethod
    def _in_kind(scope: _Scope, kind: str) -> bool:
        current: _Scope | None = scope
        while current is not None:
            if current.kind == kind:
                return True
            current = current.parent
        return False

    # ---------------------------------------------------------------- commands
    @staticmethod
    def _command_name(command: Node) -> Node | None:
        name = command.child_by_field_name("command_name")
        if name is not None:
            return name
        for child in command.children:
            if child.type == "command_name":
                return child
            if child.type == "command_name_expr":
                return child.named_children[0] if child.named_child_count else child
        return None

    def _elements(self, container: Node | None, start: int = 0) -> list[Element]:
        if container is None:
            return []
        out: list[Element] = []
        colon_pending = False
        children = container.children[start:]
        for child in children:
            kind = child.type
            if kind == "command_argument_sep":
                if ":" in self.ctx.text(child) and out and out[-1].type == "param":
                    colon_pending = True
                continue
            if kind in ("comment", "redirection", "redirections", "stop_parsing"):
                continue
            text = self.ctx.text(child)
            if kind in ("command_parameter", "generic_token"):
                parsed = ps_text.parameter_name(text)
                if parsed is not None:
                    out.append(Element("param", parsed[0], child, colon=parsed[1]))
                    colon_pending = parsed[1]
                    continue
            if kind == "concatenated_command_argument" and child.named_child_count >= 2:
                head = child.named_children[0]
                parsed = ps_text.parameter_name(self.ctx.text(head))
                if parsed is not None and parsed[1]:
                    out.append(
                        Element("param", parsed[0], head, colon=True, value=child.named_children[1])
                    )
                    colon_pending = False
                    continue
            inner = _unwrap(child)
            if inner.type == "variable" and self.ctx.text(inner).startswith("@"):
                out.append(Element("splat", self.ctx.text(inner), inner))
                colon_pending = False
                continue
            if colon_pending and out and out[-1].type == "param" and out[-1].value is None:
                last = out[-1]
                out[-1] = Element("param", last.text, last.node, colon=True, value=child)
                colon_pending = False
                continue
            colon_pending = False
            out.append(Element("arg", text, child))
        return out

    def _splat_elements(self, splat: Element, scope: _Scope) -> list[Element] | None:
        """Parameters from ``@name`` when ``$name`` is one hashtable literal in scope."""
        _, name = _variable_key(splat.text)
        current: _Scope | None = scope
        while current is not None:
            definitions = self.ctx.definitions(current.node_id, name)
            if definitions:
                if len(definitions) != 1 or definitions[0].value is None:
                    return None
                value = _hash_literal(definitions[0].value)
                if value is None:
                    return None
                return self._hash_elements(value)
            current = current.parent
        return None

    def _hash_elements(self, hash_node: Node) -> list[Element]:
        elements: list[Element] = []
        body = next((c for c in hash_node.named_children if c.type == "hash_literal_body"), None)
        if body is None:
            return elements
        for entry in body.named_children:
            if entry.type != "hash_entry":
                continue
            key_node = next((c for c in entry.named_children if c.type == "key_expression"), None)
            value = next((c for c in entry.named_children if c.type == "pipeline"), None)
            if key_node is None or value is None:
                continue
            key = self.resolver.literal(key_node)
            key_text = key[0] if key else self.ctx.text(key_node)
            elements.append(Element("param", key_text, key_node, colon=True, value=value))
        return elements

    def _name_value(self, node: Node | None, scope: _Scope) -> NameValue | None:
        if node is None:
            return None
        literal = self.resolver.literal(node)
        if literal is not None:
            return NameValue(literal[0], None, None, literal[1])
        expression = self.ctx.text(node).strip()
        resolved = self.resolver.resolve(node, scope)
        return NameValue(None, expression, resolved, self.ctx.span(node))

    def _tags(self, scope: _Scope, *extra: str) -> frozenset[str]:
        tags = set(extra)
        if self._in_kind(scope, "workflow"):
            tags.add("workflow")
        if self._in_kind(scope, "inlinescript"):
            tags.add("inlinescript")
        return frozenset(tags)

    def command(self, command: Node) -> None:
        name_node = self._command_name(command)
        if name_node is None:
            return
        raw_name = self.ctx.text(name_node)
        elements_node = command.child_by_field_name("command_elements")
        quoted = ps_text.quoted_literal(raw_name)
        if quoted:
            name = quoted[0]
        elif len(raw_name) > 1 and raw_name[0] in ps_text.QUOTES and raw_name[-1] in ps_text.QUOTES:
            name = raw_name[1:-1]
        else:
            name = raw_name
        lowered = name.lower()
        spec = CMDLETS.get(lowered)
        if spec is None and "\\" in lowered and not lowered.endswith(".ps1"):
            # Module-qualified: Orchestrator.AssetManagement.Cmdlets\Get-AutomationVariable
            spec = CMDLETS.get(lowered.rsplit("\\", 1)[1])
        if spec is not None and lowered not in self.ctx.local_commands:
            scope = self.scope(command)
            self._cmdlet(spec, raw_name, name_node, command, self._elements(elements_node), scope)
            return
        # Ordinary commands are the vast majority: record them without binding arguments
        # or working out scopes.
        self.facts.commands.append(
            CommandUse(name, self._parameter_names(elements_node), self.ctx.span(name_node))
        )
        if self._inline_child(raw_name, name, name_node, command):
            return
        if elements_node is not None and self._starts_with_equals(elements_node):
            self._dsc_property_value(elements_node, self.scope(command))
            return
        if (
            self._workflow_ranges
            and name_node.type == "command_name"
            and lowered not in self.ctx.local_commands
            and _BARE_NAME.fullmatch(name)
            and self._inside(command, self._workflow_ranges)
            and not self._inside(command, self._inlinescript_ranges)
        ):
            self.facts.candidate_calls.append(
                RunbookCall(
                    raw_name,
                    "bare",
                    NameValue(name, None, None, self.ctx.span(name_node)),
                    self.ctx.span(name_node),
                    tags=frozenset({"workflow"}),
                )
            )

    @staticmethod
    def _inside(node: Node, ranges: list[tuple[int, int]]) -> bool:
        start = node.start_byte
        return any(low <= start < high for low, high in ranges)

    def _parameter_names(self, elements_node: Node | None) -> tuple[str, ...]:
        if elements_node is None:
            return ()
        return tuple(self._parameters_by_elements.get(elements_node.id, ()))

    def _index_parameters(self, parameters: list[Node]) -> None:
        """Parameter names per command, from one query capture instead of a walk per
        command (typographic dashes are already ASCII in the parsed text)."""
        data = self.ctx.data
        index = self._parameters_by_elements
        for node in parameters:
            parent = node.parent
            if parent is None:
                continue
            text = data[node.start_byte + 1 : node.end_byte].decode("utf-8", "replace")
            index.setdefault(parent.id, []).append(text.rstrip(":"))

    def _starts_with_equals(self, elements_node: Node) -> bool:
        for child in elements_node.children:
            if child.type == "command_argument_sep":
                continue
            return (
                child.type == "generic_token"
                and child.end_byte - child.start_byte == 1
                and (self.ctx.data[child.start_byte] == 0x3D)
            )
        return False

    def _dsc_property_value(self, elements_node: Node | None, scope: _Scope) -> None:
        """``Credential = Get-AutomationPSCredential -Name 'X'`` inside a DSC resource block
        parses as a command ``Credential`` whose arguments start with ``=``."""
        if elements_node is None:
            return
        children = elements_node.children
        seen_equals = False
        for position, child in enumerate(children):
            if child.type == "command_argument_sep":
                continue
            if child.type == "generic_token":
                text = self.ctx.text(child)
                if text == "=" and not seen_equals:
                    seen_equals = True
                    continue
                spec = CMDLETS.get(text.lower())
                if seen_equals and spec is not None:
                    elements = self._elements(elements_node, position + 1)
                    self._cmdlet(spec, text, child, child, elements, scope, end=elements_node)
                return
            return

    def _inline_child(self, raw_name: str, name: str, name_node: Node, command: Node) -> bool:
        if not name.lower().endswith(".ps1"):
            return False
        match = _INLINE_SCRIPT.search(name)
        if match is None or not re.search(r"[\\/]", name):
            return False
        scope = self.scope(command)
        stem = match.group(1)
        if "$" in stem:
            child = NameValue(None, raw_name, None, self.ctx.span(name_node))
        else:
            child = NameValue(stem, None, None, self.ctx.span(name_node))
        self.facts.calls.append(
            RunbookCall(raw_name, "inline", child, self.ctx.span(name_node), tags=self._tags(scope))
        )
        return True

    def _cmdlet(
        self,
        spec: CmdletSpec,
        raw_name: str,
        name_node: Node,
        command: Node,
        elements: list[Element],
        scope: _Scope,
        end: Node | None = None,
    ) -> None:
        binding = bind(spec, elements)
        unresolved_splat = False
        for splat in binding.splats:
            extra = self._splat_elements(splat, scope)  # type: ignore[arg-type]
            if extra is None:
                unresolved_splat = True
                continue
            merged = bind(spec, [e for e in elements if e.type != "splat"] + extra)
            binding = Binding(
                merged.named, merged.positional, merged.switches, merged.unknown, binding.splats
            )
        if spec.role == "define":
            self._connection_definition(binding, name_node, command, scope, end)
            return
        value_node, positional = binding.get(spec.name_param)
        last = end if end is not None else command
        span = self.index_span(name_node, last)
        self.facts.commands.append(
            CommandUse(
                raw_name,
                tuple(e.text for e in elements if e.type == "param"),
                span,
            )
        )
        tags = [
            t
            for t, on in (("positional", positional), ("whatif", "WhatIf" in binding.switches))
            if on
        ]
        name: NameValue | None
        if value_node is not None:
            name = self._name_value(value_node, scope)  # type: ignore[arg-type]
        elif unresolved_splat:
            splat = binding.splats[0]
            name = NameValue(None, splat.text, None, self.ctx.span(splat.node))  # type: ignore[attr-defined]
        else:
            name = None
        if spec.role == "start":
            if name is None:
                return
            self.facts.calls.append(
                RunbookCall(raw_name, "job", name, span, tags=self._tags(scope, *tags))
            )
            return
        if name is None:
            if spec.operation != "management":
                return
            tags.append("enumeration")
        self._command_ref[command.id] = len(self.facts.refs)
        self._command_nodes[command.id] = command
        self.facts.refs.append(
            AssetRef(
                spec.kind,  # type: ignore[arg-type]
                spec.operation,  # type: ignore[arg-type]
                raw_name,
                name,
                span,
                tags=self._tags(scope, *tags),
            )
        )

    def _connection_definition(
        self, binding: Binding, name_node: Node, command: Node, scope: _Scope, end: Node | None
    ) -> None:
        """``New-AzAutomationConnection``: its type and the field names of a literal
        ``-ConnectionFieldValues`` hashtable (for RB302); values are never kept."""
        type_node, _ = binding.get("ConnectionTypeName")
        type_name = None
        if type_node is not None:
            literal = self.resolver.literal(type_node)  # type: ignore[arg-type]
            type_name = literal[0] if literal else self.resolver.resolve(type_node, scope)  # type: ignore[arg-type]
        fields_node, _ = binding.get("ConnectionFieldValues")
        fields = self._hash_keys(fields_node, scope) if fields_node is not None else None
        name_value, _ = binding.get("Name")
        self.facts.connection_definitions.append(
            ConnectionDefinition(
                self._name_value(name_value, scope) if name_value is not None else None,  # type: ignore[arg-type]
                type_name,
                fields,
                self.index_span(name_node, end if end is not None else command),
            )
        )

    def _hash_keys(self, node: Node, scope: _Scope) -> tuple[str, ...] | None:
        """Keys of a hashtable literal, given directly or through one assignment."""
        inner = _unwrap(node)
        if inner.type == "variable":
            _, name = _variable_key(self.ctx.text(inner))
            current: _Scope | None = scope
            while current is not None:
                definitions = self.ctx.definitions(current.node_id, name)
                if definitions:
                    if len(definitions) != 1 or definitions[0].value is None:
                        return None
                    found = _hash_literal(definitions[0].value)
                    if found is None:
                        return None
                    inner = found
                    break
                current = current.parent
        if inner.type != "hash_literal_expression":
            return None
        return tuple(element.text for element in self._hash_elements(inner))

    def index_span(self, first: Node, last: Node) -> Span:
        return self.ctx.index.span(first.start_point, last.end_point)

    # ------------------------------------------------------------- definitions
    def _register(self, kind: str, variable_text: str, node: Node) -> None:
        _, name = _variable_key(variable_text)
        self.ctx.raw_definitions.setdefault(name, []).append((kind, node))

    def parameter(self, node: Node) -> None:
        variable = next((c for c in node.named_children if c.type == "variable"), None)
        if variable is None:
            return
        self._register("parameter", self.ctx.text(variable), node)
        self._split_swallowed_parameters(node)

    def _split_swallowed_parameters(self, node: Node) -> None:
        """Undo a grammar quirk: in ``[string] $A = 'x', [string] $B`` the grammar reads
        ``'x', [string] $B`` as an array default of ``$A``. PowerShell reads two
        parameters; so do we (``$A`` defaults to ``'x'``, ``$B`` has no default)."""
        default = next(
            (c for c in node.named_children if c.type == "script_parameter_default"), None
        )
        if default is None or not default.named_child_count:
            return
        value = default.named_children[-1]
        if value.type != "array_literal_expression":
            return
        elements = value.named_children
        first_swallowed = None
        for index, element in enumerate(elements):
            if index and _swallowed_variable(element) is not None:
                first_swallowed = index
                break
        if first_swallowed is None:
            return
        self._parameter_defaults[node.id] = elements[0] if first_swallowed == 1 else None
        for element in elements[first_swallowed:]:
            variable = _swallowed_variable(element)
            if variable is not None:
                self._register("swallowed-parameter", self.ctx.text(variable), variable)

    def assignment(self, node: Node) -> None:
        left = node.named_children[0] if node.named_child_count else None
        if left is None or left.type != "left_assignment_expression":
            return
        target = self._assignment_target(left)
        if target is not None:
            self._register("assignment", self.ctx.text(target), node)
            return
        for variable in self._variables_in(left):
            self._register("other", self.ctx.text(variable), node)

    @staticmethod
    def _assignment_target(left: Node) -> Node | None:
        target = _unwrap(left.named_children[0]) if left.named_child_count == 1 else left
        if target.type == "cast_expression":
            inner = target.named_children[-1] if target.named_child_count else target
            target = _unwrap(inner)
        return target if target.type == "variable" else None

    def foreach(self, node: Node) -> None:
        variable = next((c for c in node.named_children if c.type == "variable"), None)
        if variable is not None:
            self._register("other", self.ctx.text(variable), node)

    def _materialize(self, kind: str, node: Node) -> tuple[_Scope, _Definition]:
        """Owner scope and meaning of one registered definition (computed on demand)."""
        if kind == "swallowed-parameter":
            return self._parameter_owner(node), _Definition("parameter", None)
        if kind == "parameter":
            default = next(
                (c for c in node.named_children if c.type == "script_parameter_default"), None
            )
            value = (
                default.named_children[-1]
                if default is not None and default.named_child_count
                else None
            )
            if node.id in self._parameter_defaults:
                value = self._parameter_defaults[node.id]
            attributes = next((c for c in node.named_children if c.type == "attribute_list"), None)
            mandatory = attributes is not None and bool(
                _MANDATORY.search(self.ctx.text(attributes))
            )
            return self._parameter_owner(node), _Definition("parameter", value, mandatory)
        if kind == "assignment":
            left = node.named_children[0]
            target = self._assignment_target(left)
            operator = next(
                (c for c in node.named_children if c.type == "assignment_operator"), None
            )
            value = next((c for c in node.named_children if c.type == "assignment_value"), None)
            simple = operator is not None and self.ctx.text(operator) == "=" and value is not None
            qualifier = _variable_key(self.ctx.text(target))[0] if target is not None else ""
            owner = self._root_scope() if qualifier in ("script", "global") else self.scope(node)
            if simple:
                return owner, _Definition("assignment", value)
            return owner, _Definition("other", None)
        return self.scope(node), _Definition("other", None)

    def _parameter_owner(self, node: Node) -> _Scope:
        """Parameters belong to the function whose param block holds them, not to a scope
        created by the block itself."""
        current: Node | None = node.parent
        while current is not None and current.type not in (
            "function_statement",
            "script_block_expression",
            "program",
        ):
            if current.type == "function_parameter_declaration":
                break
            current = current.parent
        if current is None or current.type == "program":
            return self._root_scope()
        if current.type == "function_parameter_declaration":
            current = current.parent
        kind = self._scope_kind(current) if current is not None else None
        if current is not None and kind is not None:
            return self._make_scope(current, kind)
        return self.scope(node)

    def _variables_in(self, node: Node) -> list[Node]:
        found: list[Node] = []
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "variable":
                found.append(current)
            else:
                stack.extend(current.named_children)
        return found

    # ------------------------------------------------------------------ fields
    def _connection_variables(self) -> None:
        """Names of variables that some connection lookup is assigned to."""
        for command_id, index in self._command_ref.items():
            ref = self.facts.refs[index]
            if ref.kind != "connection" or ref.operation != "get":
                continue
            node: Node | None = self._command_nodes[command_id].parent
            while node is not None and node.type in _WRAPPERS:
                node = node.parent
            if node is None or node.type != "assignment_expression":
                continue
            left = node.named_children[0] if node.named_child_count else None
            target = self._assignment_target(left) if left is not None else None
            if target is not None:
                self._connection_names.add(_variable_key(self.ctx.text(target))[1])

    def _assignments(self, scope_id: int, name: str) -> list[tuple[int, int | None]]:
        """(position, connection ref or None) of every definition of ``name`` in a scope,
        in program order."""
        key = (scope_id, name)
        cached = self._assignment_cache.get(key)
        if cached is not None:
            return cached
        out: list[tuple[int, int | None]] = []
        for kind, node in self.ctx.raw_definitions.get(name, ()):
            owner, definition = self._materialize(kind, node)
            if owner.node_id != scope_id:
                continue
            index = None
            if definition.kind == "assignment" and definition.value is not None:
                index = self._command_ref.get(_unwrap(definition.value).id)
                if index is not None and self.facts.refs[index].kind != "connection":
                    index = None
            out.append((node.start_byte, index))
        out.sort(key=lambda item: item[0])
        self._assignment_cache[key] = out
        return out

    def _connection_ref(self, variable: Node) -> int | None:
        """The connection lookup whose result ``variable`` holds where it is read: the
        last assignment before the read in the same scope (a variable can be reused for
        something else later), or, read from an inner scope, the only kind of value the
        variable ever gets."""
        qualifier, name = _variable_key(self.ctx.text(variable))
        if name not in self._connection_names:
            return None
        here: _Scope | None = self.scope(variable)
        scope = here
        if qualifier == "using" and scope is not None:
            scope = self.resolver._outside_inlinescript(scope)
        while scope is not None:
            if self.ctx.definitions(scope.node_id, name):
                break
            if scope.kind == "inlinescript":
                return None
            scope = scope.parent
        if scope is None:
            return None
        assignments = self._assignments(scope.node_id, name)
        if scope is here:
            chosen = None
            for position, index in assignments:
                if position >= variable.start_byte:
                    break
                chosen = index
            return chosen
        indexes = {index for _, index in assignments}
        return indexes.pop() if len(indexes) == 1 else None

    def field_access(self, node: Node) -> None:
        if node.named_child_count < 2:
            return
        target = node.named_children[0]
        if target.type == "variable":
            index = self._connection_ref(target)
        elif target.type in ("parenthesized_expression", "sub_expression"):
            # (Get-AutomationConnection -Name 'X').SubscriptionId
            index = self._command_ref.get(_unwrap(target).id)
            if index is not None and self.facts.refs[index].kind != "connection":
                index = None
        else:
            return
        if index is None:
            return
        if node.type == "element_access":
            key = self.resolver.literal(node.named_children[1])
            if key is not None:
                self.facts.field_uses.append(FieldUse(index, key[0], key[1]))
            return
        member = next((c for c in node.named_children if c.type == "member_name"), None)
        if member is None:
            return
        member_text = self.ctx.text(member)
        if member_text.lower() in ("item", "get_item"):
            arguments = next((c for c in node.named_children if c.type == "argument_list"), None)
            if arguments is None and node.type == "member_access":
                # In argument mode `$c.Item('X')` parses as a member access followed by
                # a sibling argument list.
                holder = (
                    node.parent
                    if node.parent is not None and node.parent.type == "unary_expression"
                    else node
                )
                following = holder.next_named_sibling
                if following is not None and following.type == "argument_list":
                    arguments = following
            if arguments is None:
                return
            key = self._first_argument_literal(arguments)
            if key is not None:
                self.facts.field_uses.append(FieldUse(index, key[0], key[1]))
            return
        if member_text.lower() in _HASHTABLE_MEMBERS:
            return
        quoted = ps_text.quoted_literal(member_text)
        if quoted is not None:  # $c."ApplicationId"
            member_text = quoted[0]
        self.facts.field_uses.append(FieldUse(index, member_text, self.ctx.span(member)))

    def _first_argument_literal(self, arguments: Node) -> tuple[str, Span] | None:
        stack = list(arguments.named_children)
        while stack:
            current = stack.pop(0)
            literal = self.resolver.literal(current)
            if literal is not None:
                return literal
            if current.type in ("argument_expression_list", "argument_expression"):
                stack = list(current.named_children) + stack
        return None

    # ---------------------------------------------------------------- structure
    def structure(self, functions: list[Node], commands: list[Node]) -> Runbook:
        declarations: list[Declaration] = []
        for function in functions:
            name_node = next((c for c in function.children if c.type == "function_name"), None)
            if name_node is None:
                continue
            name = self.ctx.text(name_node)
            self.ctx.local_commands.add(name.lower())
            if function.child_count and function.children[0].type == "workflow":
                declarations.append(Declaration("workflow", name, self.ctx.span(name_node)))
        for command in commands:
            name_node = self._command_name(command)
            if name_node is None or self.ctx.text(name_node).lower() != "configuration":
                continue
            elements = command.child_by_field_name("command_elements")
            if elements is None:
                continue
            first = next(
                (c for c in elements.named_children if c.type != "command_argument_sep"), None
            )
            has_body = any(
                _unwrap(c).type == "script_block_expression" for c in elements.named_children
            )
            if first is None or first.type != "generic_token" or not has_body:
                continue
            name = self.ctx.text(first)
            self.ctx.local_commands.add(name.lower())
            declarations.append(Declaration("configuration", name, self.ctx.span(first)))
        kind = self._kind()
        return Runbook(
            name="",
            kind=kind,
            language="powershell",
            declarations=tuple(sorted(declarations, key=lambda d: d.span or Span(0, 0, 0, 0))),
            local_commands=frozenset(self.ctx.local_commands),
        )

    def _kind(self) -> str:
        root = self.tree.root_node
        statements = next((c for c in root.named_children if c.type == "statement_list"), None)
        if statements is None:
            return "powershell"
        for statement in statements.named_children:
            if statement.type in (
                "comment",
                "empty_statement",
                "requires_statement",
                "using_statement",
            ):
                continue
            if statement.type == "function_statement":
                first = statement.children[0].type if statement.child_count else ""
                return "powershell-workflow" if first == "workflow" else "powershell"
            inner = _unwrap(statement)
            if inner.type == "command":
                name = self._command_name(inner)
                if name is not None and self.ctx.text(name).lower() == "configuration":
                    return "dsc-configuration"
            return "powershell"
        return "powershell"

    def script_parameters(self, kind: str) -> tuple[Parameter, ...]:
        """Parameters of the runbook itself: the script's, or the workflow's/configuration's
        when the file is one."""
        target: _Scope | None = self._root_scope()
        if kind in ("powershell-workflow", "dsc-configuration"):
            wanted = "workflow" if kind == "powershell-workflow" else "configuration"
            target = next((s for s in self.ctx.scopes.values() if s.kind == wanted), None)
        if target is None:
            return ()
        out: list[tuple[int, Parameter]] = []
        for name, entries in self.ctx.raw_definitions.items():
            for kind_, node in entries:
                if kind_ not in ("parameter", "swallowed-parameter"):
                    continue
                scope, definition = self._materialize(kind_, node)
                if scope.node_id != target.node_id:
                    continue
                default = None
                if definition.value is not None:
                    literal = self.resolver.literal(definition.value)
                    default = literal[0] if literal else self.ctx.text(definition.value)
                out.append((node.start_byte, Parameter(name, default, definition.mandatory)))
                break
        return tuple(p for _, p in sorted(out, key=lambda item: item[0]))

    # ----------------------------------------------------------------- problems
    def problems(self, errors: list[Node], missing: list[Node]) -> None:
        """RB901 from checks we can vouch for (see :mod:`ps_syntax`), not from every
        ERROR node: the grammar also rejects valid PowerShell."""
        problems = merge_conflicts(self.ctx.data, self.ctx.index)
        if problems:
            # Everything else the parser stumbles on follows from the conflict markers.
            self.facts.problems.extend(problems)
            return
        if "`" in self.text:
            problems.extend(misleading_backticks(self.text))
        if any(not self._grammar_gap(node) for node in errors) or missing:
            imbalance = unbalanced(self.normalized)
            if imbalance is not None:
                problems.append(imbalance)
        self.facts.problems.extend(problems)

    def _grammar_gap(self, node: Node) -> bool:
        """Valid PowerShell the grammar cannot parse; not the user's syntax error."""
        parent = node.parent
        text = self.ctx.text(node).strip()
        # ``foreach -parallel -throttlelimit 5 (...)`` in workflows.
        if parent is not None and parent.type == "foreach_statement":
            return bool(_THROTTLE_LIMIT.fullmatch(text))
        # Loop labels: ``break Outer`` / ``continue Outer``.
        if _LABELLED_JUMP.fullmatch(text):
            return True
        # Jagged array types: ``[string[][]]``.
        if text and set(text) <= {"[", "]", " "}:
            line = self.ctx.index.line_bytes(node.start_point[0]).decode("utf-8", "replace")
            return bool(_JAGGED_TYPE.search(line))
        return False

    def fallback_lookups(self, errors: list[Node]) -> None:
        """Lookups inside regions the parser could not structure, found by a text scan."""
        known = {(r.span.line, r.callee.lower()) for r in self.facts.refs if r.span}
        seen: set[int] = set()
        for node in errors:
            if node.start_byte in seen:
                continue
            seen.add(node.start_byte)
            text = self.ctx.data[node.start_byte : node.end_byte].decode("utf-8", "replace")
            for match in _FALLBACK_LOOKUP.finditer(text):
                start = node.start_byte + len(text[: match.start()].encode())
                inside = self.tree.root_node.descendant_for_byte_range(start, start + 1)
                if inside is not None and inside.type in (
                    "comment",
                    "verbatim_string_characters",
                    "expandable_string_literal",
                    "verbatim_here_string_characters",
                    "expandable_here_string_literal",
                ):
                    continue
                cmdlet = match.group(1)
                spec = CMDLETS[cmdlet.lower()]
                name_start = start + len(text[match.start() : match.start(3)].encode())
                name_end = name_start + len(match.group(3).encode())
                end = node.start_byte + len(text[: match.end()].encode())
                span = self.ctx.index.span_of_bytes(start, end)
                if (span.line, cmdlet.lower()) in known:
                    continue
                known.add((span.line, cmdlet.lower()))
                self.facts.refs.append(
                    AssetRef(
                        spec.kind,  # type: ignore[arg-type]
                        spec.operation,  # type: ignore[arg-type]
                        cmdlet,
                        NameValue(
                            match.group(3).strip(),
                            None,
                            None,
                            self.ctx.index.span_of_bytes(name_start, name_end),
                        ),
                        span,
                        tags=frozenset({"fallback"}),
                    )
                )

    # -------------------------------------------------------------------- run
    def run(self) -> FileFacts:
        found = captures("powershell", _QUERY, self.tree.root_node)
        functions = found.get("function", [])
        commands = sorted(found.get("command", []), key=lambda n: n.start_byte)
        runbook = self.structure(functions, commands)
        self._workflow_ranges = [
            (f.start_byte, f.end_byte)
            for f in functions
            if f.child_count and f.children[0].type == "workflow"
        ]
        self._inlinescript_ranges = [
            (n.start_byte, n.end_byte) for n in found.get("inlinescript", [])
        ]
        for node in found.get("parameter", []):
            self.parameter(node)
        for node in found.get("assignment", []):
            self.assignment(node)
        for node in found.get("foreach", []):
            self.foreach(node)
        self._index_parameters(found.get("command_parameter", []))
        for node in commands:
            self.command(node)
        self._connection_variables()
        if self._connection_names:
            accesses = captures("powershell", _FIELD_QUERY, self.tree.root_node)
            for kind in ("member", "element", "invocation"):
                for node in accesses.get(kind, []):
                    self.field_access(node)
        errors = found.get("error", [])
        self.problems(errors, found.get("missing", []))
        if errors:
            self.fallback_lookups(errors)
        self.facts.runbook = Runbook(
            name=runbook.name,
            kind=runbook.kind,
            language="powershell",
            declarations=runbook.declarations,
            parameters=self.script_parameters(runbook.kind),
            local_commands=runbook.local_commands,
        )
        _sort_facts(self.facts)
        return self.facts


def _sort_facts(facts: FileFacts) -> None:
    """Facts in source order, so output never depends on query capture order."""

    def key(item: object) -> tuple:
        span = getattr(item, "span", None)
        return (span.line, span.column) if span is not None else (0, 0)

    order = sorted(range(len(facts.refs)), key=lambda i: key(facts.refs[i]))
    remap = {old: new for new, old in enumerate(order)}
    facts.refs = [facts.refs[i] for i in order]
    facts.field_uses = sorted(
        (FieldUse(remap[f.ref], f.field, f.span, f.logical) for f in facts.field_uses),
        key=key,
    )
    facts.calls.sort(key=key)
    facts.candidate_calls.sort(key=key)
    facts.commands.sort(key=key)
    facts.problems.sort(key=key)


def extract(path: str, text: str) -> FileFacts:
    """Facts of one PowerShell file (``text`` already decoded, BOM removed)."""
    return _Extractor(path, text).run()
