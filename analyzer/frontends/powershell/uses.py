"""How the results of asset lookups are used: members read, discarded, tested, passed on.

These facts carry the premise of RB103: a management cmdlet's result read as the asset's
*value* (``$c.TenantId``, ``$cred.GetNetworkCredential()``) shows the internal cmdlet was
meant, while ``$null = …``, ``if (Get-X …)`` or a read of ``.Description`` is deliberate
management use. Connection field reads of internal lookups also become ``FieldUse``
(RB106, RB107). Accesses and variables come from the frontend's one query per file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from analyzer.data import platform
from analyzer.frontends.powershell import lexical
from analyzer.frontends.powershell.nodes import (
    WRAPPERS,
    assignment_target,
    command_name,
    unwrap,
    variable_key,
)
from analyzer.model.facts import FieldUse, FileFacts, ResultUse

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.commands import Commands
    from analyzer.frontends.powershell.resolution import Resolver
    from analyzer.frontends.powershell.scopes import Scope, Scopes
    from analyzer.frontends.powershell.text import ParsedText
    from analyzer.model.span import Span

#: Query patterns for member and element accesses and variables; the frontend adds them
#: to its one query per file (a second query would walk the tree again).
ACCESS_PATTERNS = """
(member_access) @member
(element_access) @element
(invocation_expression) @invocation
(variable) @variable
"""
#: Nodes a value passes through unchanged on its way to what consumes it.
_TRANSPARENT = frozenset(
    {
        "pipeline",
        "pipeline_chain",
        "parenthesized_expression",
        "sub_expression",
        "unary_expression",
        "statement_list",
    }
)
_CONDITIONS = frozenset({"if_statement", "elseif_clause", "while_statement", "do_statement"})


@dataclass(slots=True)
class _Context:
    how: str
    span: Span | None
    member: str | None = None
    command: str | None = None
    parameter: str | None = None
    variable: str | None = None


def _next_command(command: Node) -> Node | None:
    """The command a pipeline element's output flows into (``A | B``: B)."""
    sibling = command.next_named_sibling
    while sibling is not None and sibling.type != "command":
        if sibling.type not in ("comment",):
            return None
        sibling = sibling.next_named_sibling
    return sibling


#: Hashtable and object members that are not connection fields.
HASHTABLE_MEMBERS = frozenset(name.lower() for name in platform()["object-members"]["generic"])


class ResultUses:
    """Ties every read of a lookup's result to the lookup and says how it is used.

    A result is used directly (``(Get-X -Name 'a').Value``, ``$null = Get-X …``,
    ``if (Get-X …)``, ``Get-X … | Out-Null``) or through the variable it is assigned to;
    a read of the variable belongs to the last assignment before it in the same scope.
    Connection field reads of internal lookups additionally become :class:`FieldUse`.
    """

    def __init__(
        self,
        source: ParsedText,
        scopes: Scopes,
        resolver: Resolver,
        commands: Commands,
        facts: FileFacts,
    ) -> None:
        self.source = source
        self.scopes = scopes
        self.resolver = resolver
        self.commands = commands
        self.facts = facts
        #: Names of variables that some lookup's result is assigned to.
        self._lookup_names: set[str] = set()
        self._assignment_cache: dict[tuple[int, str], list[tuple[int, int | None]]] = {}

    def run(self, found: dict[str, list[Node]]) -> None:
        """``found``: the captures of :data:`ACCESS_PATTERNS`, part of the file's one query."""
        if not self.commands.ref_of_command:
            return
        for command_id, index in self.commands.ref_of_command.items():
            self._direct_use(self.commands.command_nodes[command_id], index)
        for kind in ("member", "element", "invocation"):
            for node in found.get(kind, []):
                self.access(node)
        if self._lookup_names:
            for node in found.get("variable", []):
                self._variable_read(node)
        self._names_from_lookups()

    # ------------------------------------------------- names read from assets
    def _names_from_lookups(self) -> None:
        """``$cert = Get-AutomationCertificate -Name $conn.CertificateAssetName`` (also
        through one assignment): the name is a field of another lookup's result."""
        for index, node in self.commands.name_nodes.items():
            source = self._field_source(unwrap(node), depth=0)
            if source is not None and source != index:
                ref = self.facts.refs[index]
                self.facts.refs[index] = replace(ref, name_from=source)

    def _field_source(self, node: Node, depth: int) -> int | None:
        if node.type == "member_access" and node.named_child_count:
            target = unwrap(node.named_children[0])
            if target.type == "variable":
                return self._lookup_ref(target)
            return self.commands.ref_of_command.get(target.id)
        if node.type != "variable" or depth:
            return None
        qualifier, name = variable_key(self.source.text(node))
        scope = self.scopes.of(node)
        found = self.scopes.defining(
            name, scope.outside_inlinescript() if qualifier == "using" else scope
        )
        if found is None or len(found[1]) != 1:
            return None
        value = found[1][0].value
        return self._field_source(unwrap(value), depth + 1) if value is not None else None

    # ------------------------------------------------------------- direct uses
    def _direct_use(self, command: Node, index: int) -> None:
        """How the lookup's own output is consumed where the command stands."""
        context = self._context(command)
        if context is None:
            return
        if context.how == "assigned":
            if context.variable is not None:
                self._lookup_names.add(context.variable)
            return
        self._record(index, context)

    def _variable_read(self, variable: Node) -> None:
        text = self.source.text(variable)
        if variable_key(text)[1] not in self._lookup_names:
            return
        parent = variable.parent
        while parent is not None and parent.type in WRAPPERS:
            parent = parent.parent
        if parent is not None and parent.type == "left_assignment_expression":
            return
        index = self._lookup_ref(variable)
        if index is None:
            return
        context = self._context(variable)
        if context is None or context.how == "assigned":
            return
        self._record(index, context)

    def _record(self, index: int, context: _Context) -> None:
        self.facts.result_uses.append(
            ResultUse(
                index,
                context.how,  # type: ignore[arg-type]
                context.span,
                member=context.member,
                command=context.command,
                parameter=context.parameter,
            )
        )

    def _context(self, node: Node) -> _Context | None:
        """Climb from a value (a lookup command or a variable read) to what consumes it."""
        current = node
        while True:
            parent = current.parent
            if parent is None:
                return _Context("output", self.source.span(node))
            kind = parent.type
            if kind == "pipeline_chain" and current.type == "command":
                following = _next_command(current)
                if following is not None:
                    return self._piped(following)
            elif kind in ("member_access", "element_access", "invocation_expression"):
                if parent.named_child_count and parent.named_children[0] == current:
                    return None  # a member read: the access query records it
                return _Context("passed", self.source.span(node))
            elif kind == "expression_with_unary_operator":
                return _Context("tested", self.source.span(node))
            elif kind == "cast_expression":
                how = (
                    "discarded"
                    if self.source.text(parent).lower().startswith("[void]")
                    else "output"
                )
                return _Context(how, self.source.span(node))
            elif kind == "assignment_value":
                return self._assigned(parent, node)
            elif kind in _CONDITIONS or kind in ("comparison_expression", "logical_expression"):
                if kind in _CONDITIONS and current.type != "pipeline":
                    return _Context("output", self.source.span(node))
                return _Context("tested", self.source.span(node))
            elif kind == "command_elements":
                return self._argument(parent, current, node)
            elif kind not in _TRANSPARENT:
                return _Context("output", self.source.span(node))
            current = parent

    def _assigned(self, value: Node, node: Node) -> _Context:
        assignment = value.parent
        left = assignment.named_children[0] if assignment is not None else None
        target = assignment_target(left) if left is not None else None
        if target is None:
            return _Context("output", self.source.span(node))
        _, name = variable_key(self.source.text(target))
        if name == "null":
            return _Context("discarded", self.source.span(node))
        return _Context("assigned", self.source.span(node), variable=name)

    def _argument(self, elements: Node, holder: Node, node: Node) -> _Context:
        """The value is an argument of a command, or a DSC property value
        (``Password = $cred`` parses as a command ``Password`` with arguments ``= $cred``)."""
        command = elements.parent
        name_node = command_name(command) if command is not None else None
        name = self.source.text(name_node) if name_node is not None else None
        parameter = None
        previous = holder.prev_named_sibling
        while previous is not None and previous.type == "command_argument_sep":
            previous = previous.prev_named_sibling
        if previous is not None:
            parsed = lexical.parameter_name(self.source.text(previous))
            if parsed is not None:
                parameter = parsed[0]
            elif self.source.text(previous) == "=" and name is not None:
                parameter = name  # the DSC property
        return _Context("passed", self.source.span(node), command=name, parameter=parameter)

    def _piped(self, following: Node) -> _Context:
        """``… | Out-Null``, ``… | Select-Object -ExpandProperty Value``, ``… | % Value``."""
        name_node = command_name(following)
        name = self.source.text(name_node) if name_node is not None else ""
        span = self.source.span(following)
        lowered = name.lower()
        if lowered == "out-null":
            return _Context("discarded", span)
        elements = self.commands.elements_of(following)
        if lowered in ("select-object", "select"):
            for position, element in enumerate(elements):
                if element.type == "param" and "expandproperty".startswith(element.text.lower()):
                    value = element.value
                    if value is None and position + 1 < len(elements):
                        value = elements[position + 1].node
                    member = self.resolver.literal(value) if value is not None else None  # type: ignore[arg-type]
                    if member is not None:
                        return _Context("member", member[1], member=member[0])
        if lowered in ("foreach-object", "%", "foreach") and elements:
            first = elements[0]
            if first.type == "param" and first.text.lower() == "membername" and len(elements) > 1:
                first = elements[1]
            member = self.resolver.literal(first.node) if first.type == "arg" else None  # type: ignore[arg-type]
            if member is not None:
                return _Context("member", member[1], member=member[0])
        return _Context("passed", span, command=name)

    def _assignments(self, scope: Scope, name: str) -> list[tuple[int, int | None]]:
        """(position, lookup ref or None) of every definition of ``name`` in a scope,
        in program order."""
        key = (scope.node_id, name)
        cached = self._assignment_cache.get(key)
        if cached is not None:
            return cached
        out: list[tuple[int, int | None]] = []
        for definition in self.scopes.in_program_order(scope, name):
            index = None
            if definition.kind == "assignment" and definition.value is not None:
                index = self.commands.ref_of_command.get(unwrap(definition.value).id)
            out.append((definition.node.start_byte, index))
        self._assignment_cache[key] = out
        return out

    def _lookup_ref(self, variable: Node) -> int | None:
        """The lookup whose result ``variable`` holds where it is read: the
        last assignment before the read in the same scope (a variable can be reused for
        something else later), or, read from an inner scope, the only kind of value the
        variable ever gets."""
        qualifier, name = variable_key(self.source.text(variable))
        if name not in self._lookup_names:
            return None
        here = self.scopes.of(variable)
        start = here.outside_inlinescript() if qualifier == "using" else here
        found = self.scopes.defining(name, start)
        if found is None:
            return None
        scope = found[0]
        assignments = self._assignments(scope, name)
        if scope is here:
            chosen = None
            for position, index in assignments:
                if position >= variable.start_byte:
                    break
                chosen = index
            return chosen
        indexes = {index for _, index in assignments}
        return indexes.pop() if len(indexes) == 1 else None

    def access(self, node: Node) -> None:
        """``$r.Member``, ``$r['Key']``, ``$r.Item('Key')``, ``(Get-X …).Member``."""
        if node.named_child_count < 2:
            return
        target = node.named_children[0]
        if target.type == "variable":
            index = self._lookup_ref(target)
        elif target.type in ("parenthesized_expression", "sub_expression"):
            index = self.commands.ref_of_command.get(unwrap(target).id)
        else:
            return
        if index is None:
            return
        read = self._member(node)
        if read is None:
            return
        member, span, keyed = read
        self.facts.result_uses.append(ResultUse(index, "member", span, member=member))
        ref = self.facts.refs[index]
        if ref.kind != "connection" or ref.operation != "get":
            return
        if keyed or member.lower() not in HASHTABLE_MEMBERS:
            self.facts.field_uses.append(FieldUse(index, member, span))

    def _member(self, node: Node) -> tuple[str, Span, bool] | None:
        """The member or key an access reads, its span, and whether it was a key."""
        if node.type == "element_access":
            key = self.resolver.literal(node.named_children[1])
            return (key[0], key[1], True) if key is not None else None
        member = next((c for c in node.named_children if c.type == "member_name"), None)
        if member is None:
            return None
        member_text = self.source.text(member)
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
            if arguments is not None:
                key = self._first_argument_literal(arguments)
                if key is not None:
                    return key[0], key[1], True
            if node.type == "invocation_expression":
                return None
        quoted = lexical.quoted_literal(member_text)
        if quoted is not None:  # $c."ApplicationId"
            member_text = quoted[0]
        return member_text, self.source.span(member), False

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
