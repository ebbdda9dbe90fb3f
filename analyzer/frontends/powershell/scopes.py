"""Variable scopes and the definitions recorded in them, owned by one object.

PowerShell gives the script, each function, workflow and configuration body, and each
``InlineScript`` block its own scope. Definitions (parameters, assignments, loop
variables) are recorded cheaply by name while the query results are scanned; which scope
owns each one is only worked out for the few names a rule-relevant reference asks about,
because most files define hundreds of variables that never matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from analyzer.frontends.powershell.nodes import (
    assignment_target,
    command_name,
    detached_body_of,
    is_workflow,
    swallowed_variable,
    variable_key,
    variables_in,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.text import ParsedText

ScopeKind = Literal["script", "function", "workflow", "configuration", "inlinescript"]
_MANDATORY = re.compile(r"(?i)\bmandatory\b(?!\s*=\s*\$false)")


@dataclass(slots=True)
class Scope:
    """A variable scope: the script, a function/workflow/configuration body, InlineScript."""

    node_id: int
    kind: ScopeKind
    parent: Scope | None
    name: str | None = None
    #: The function/workflow node (or the configuration's script block).
    node: Node | None = None

    def within(self, kind: ScopeKind) -> bool:
        """True when this scope or an enclosing one is of ``kind``."""
        current: Scope | None = self
        while current is not None:
            if current.kind == kind:
                return True
            current = current.parent
        return False

    def outside_inlinescript(self) -> Scope | None:
        """The scope ``$Using:`` reads from: the nearest one that is not an InlineScript."""
        current: Scope | None = self
        while current is not None and current.kind == "inlinescript":
            current = current.parent
        return current

    def root(self) -> Scope:
        current = self
        while current.parent is not None:
            current = current.parent
        return current


@dataclass(frozen=True, slots=True)
class Definition:
    """One way a variable gets a value in a scope.

    ``kind`` is ``parameter``, ``assignment`` (a simple ``=`` of ``value``) or ``other``
    (compound assignment, loop variable, destructuring: never a provable constant).
    """

    kind: Literal["parameter", "assignment", "other"]
    value: Node | None
    node: Node
    mandatory: bool = False


class Scopes:
    def __init__(self, source: ParsedText, root: Node) -> None:
        self.source = source
        self.root_node = root
        self._by_id: dict[int, Scope] = {}
        self._scope_of_node: dict[int, Scope] = {}
        #: Variable name → (how, node) as registered; materialised on demand.
        self._raw: dict[str, list[tuple[str, Node]]] = {}
        self._grouped: dict[str, dict[int, list[Definition]]] = {}
        #: Corrected defaults of parameters whose default swallowed the next parameter.
        self._parameter_defaults: dict[int, Node | None] = {}

    # ----------------------------------------------------------------- scopes
    def of(self, node: Node) -> Scope:
        """The innermost variable scope containing ``node``."""
        chain: list[int] = []
        current: Node | None = node.parent
        found: Scope | None = None
        boundary: Node | None = None
        while current is not None:
            cached = self._scope_of_node.get(current.id)
            if cached is not None:
                found = cached
                break
            chain.append(current.id)
            kind = self._kind_of(current)
            if kind is not None:
                boundary = current
                found = self._make(current, kind)
                break
            current = current.parent
        if found is None:
            found = self.root()
        for node_id in chain:
            if boundary is None or node_id != boundary.id:
                self._scope_of_node[node_id] = found
        return found

    def root(self) -> Scope:
        root = self.root_node
        scope = self._by_id.get(root.id)
        if scope is None:
            scope = Scope(root.id, "script", None, node=root)
            self._by_id[root.id] = scope
        return scope

    def created(self) -> list[Scope]:
        """Every scope worked out so far."""
        return list(self._by_id.values())

    def of_definition_node(self, node: Node) -> Scope | None:
        """The scope a function/workflow/configuration node opens, if it opens one."""
        kind = self._kind_of(node)
        return self._make(node, kind) if kind is not None else None

    def _kind_of(self, node: Node) -> ScopeKind | None:
        kind = node.type
        if kind == "function_statement":
            return "workflow" if is_workflow(node) else "function"
        if kind == "inlinescript_statement":
            return "inlinescript"
        if kind == "script_block_expression":
            command = node.parent
            while command is not None and command.type in ("unary_expression", "command_elements"):
                command = command.parent
            if command is None or command.type != "command":
                command = detached_body_of(node)
            if command is not None:
                name = command_name(command)
                if name is not None and self.source.text(name).lower() == "configuration":
                    return "configuration"
        return None

    def _make(self, node: Node, kind: ScopeKind) -> Scope:
        existing = self._by_id.get(node.id)
        if existing is not None:
            return existing
        parent = self.of(node)
        name = None
        if kind in ("function", "workflow"):
            for child in node.children:
                if child.type == "function_name":
                    name = self.source.text(child)
                    break
        scope = Scope(node.id, kind, parent, name, node)
        self._by_id[node.id] = scope
        self._scope_of_node[node.id] = scope
        return scope

    # ------------------------------------------------------------ registering
    def _register(self, how: str, variable_text: str, node: Node) -> None:
        _, name = variable_key(variable_text)
        self._raw.setdefault(name, []).append((how, node))

    def add_parameter(self, node: Node) -> None:
        variable = next((c for c in node.named_children if c.type == "variable"), None)
        if variable is None:
            return
        self._register("parameter", self.source.text(variable), node)
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
            if index and swallowed_variable(element) is not None:
                first_swallowed = index
                break
        if first_swallowed is None:
            return
        self._parameter_defaults[node.id] = elements[0] if first_swallowed == 1 else None
        for element in elements[first_swallowed:]:
            variable = swallowed_variable(element)
            if variable is not None:
                self._register("swallowed-parameter", self.source.text(variable), variable)

    def add_assignment(self, node: Node) -> None:
        left = node.named_children[0] if node.named_child_count else None
        if left is None or left.type != "left_assignment_expression":
            return
        target = assignment_target(left)
        if target is not None:
            self._register("assignment", self.source.text(target), node)
            return
        for variable in variables_in(left):
            self._register("other", self.source.text(variable), node)

    def add_loop_variable(self, node: Node) -> None:
        variable = next((c for c in node.named_children if c.type == "variable"), None)
        if variable is not None:
            self._register("other", self.source.text(variable), node)

    # ---------------------------------------------------------------- queries
    def definitions(self, scope: Scope, name: str) -> list[Definition] | None:
        """Definitions of ``name`` (lower case) that belong to ``scope``."""
        grouped = self._grouped.get(name)
        if grouped is None:
            grouped = {}
            for how, node in self._raw.get(name, ()):
                owner, definition = self._materialize(how, node)
                grouped.setdefault(owner.node_id, []).append(definition)
            self._grouped[name] = grouped
        return grouped.get(scope.node_id)

    def defining(self, name: str, scope: Scope | None) -> tuple[Scope, list[Definition]] | None:
        """The nearest scope from ``scope`` outwards that defines ``name``, with its
        definitions. An InlineScript is a boundary: it sees only ``$Using:`` variables."""
        current = scope
        while current is not None:
            found = self.definitions(current, name)
            if found:
                return current, found
            if current.kind == "inlinescript":
                return None
            current = current.parent
        return None

    def in_program_order(self, scope: Scope, name: str) -> list[Definition]:
        found = self.definitions(scope, name) or []
        return sorted(found, key=lambda d: d.node.start_byte)

    def parameters_of(self, scope: Scope) -> list[tuple[str, Definition]]:
        """(name, definition) of the parameters ``scope`` declares, in source order."""
        out: list[tuple[str, Definition]] = []
        for name, entries in self._raw.items():
            for how, node in entries:
                if how not in ("parameter", "swallowed-parameter"):
                    continue
                owner, definition = self._materialize(how, node)
                if owner.node_id == scope.node_id:
                    out.append((name, definition))
                    break
        return sorted(out, key=lambda item: item[1].node.start_byte)

    def _materialize(self, how: str, node: Node) -> tuple[Scope, Definition]:
        """Owner scope and meaning of one registered definition."""
        if how == "swallowed-parameter":
            return self._parameter_owner(node), Definition("parameter", None, node)
        if how == "parameter":
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
                _MANDATORY.search(self.source.text(attributes))
            )
            return self._parameter_owner(node), Definition("parameter", value, node, mandatory)
        if how == "assignment":
            left = node.named_children[0]
            target = assignment_target(left)
            operator = next(
                (c for c in node.named_children if c.type == "assignment_operator"), None
            )
            value = next((c for c in node.named_children if c.type == "assignment_value"), None)
            simple = (
                operator is not None and self.source.text(operator) == "=" and value is not None
            )
            qualifier = variable_key(self.source.text(target))[0] if target is not None else ""
            owner = self.root() if qualifier in ("script", "global") else self.of(node)
            if simple:
                return owner, Definition("assignment", value, node)
            return owner, Definition("other", None, node)
        return self.of(node), Definition("other", None, node)

    def _parameter_owner(self, node: Node) -> Scope:
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
            return self.root()
        if current.type == "function_parameter_declaration":
            current = current.parent
        kind = self._kind_of(current) if current is not None else None
        if current is not None and kind is not None:
            return self._make(current, kind)
        return self.of(node)
