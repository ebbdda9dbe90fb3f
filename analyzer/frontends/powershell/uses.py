"""How the results of asset lookups are used: which connection fields are read.

Field reads matter only in files that look up a connection, so the member and element
accesses are queried only for those files; a read is tied to the lookup whose result the
variable holds at that point (the last assignment before the read in the same scope).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.frontends.powershell import lexical
from analyzer.frontends.powershell.nodes import WRAPPERS, assignment_target, unwrap, variable_key
from analyzer.frontends.treesitter import captures
from analyzer.model.facts import FieldUse, FileFacts

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.commands import Commands
    from analyzer.frontends.powershell.resolution import Resolver
    from analyzer.frontends.powershell.scopes import Scope, Scopes
    from analyzer.frontends.powershell.text import ParsedText
    from analyzer.model.span import Span

_ACCESS_QUERY = """
(member_access) @member
(element_access) @element
(invocation_expression) @invocation
"""

#: Hashtable and object members that are not connection fields.
HASHTABLE_MEMBERS = frozenset(
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


class ResultUses:
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
        self._connection_names: set[str] = set()
        self._assignment_cache: dict[tuple[int, str], list[tuple[int, int | None]]] = {}

    def run(self, root: Node) -> None:
        self._connection_variables()
        if not self._connection_names:
            return
        accesses = captures("powershell", _ACCESS_QUERY, root)
        for kind in ("member", "element", "invocation"):
            for node in accesses.get(kind, []):
                self.field_access(node)

    def _connection_variables(self) -> None:
        """Names of variables that some connection lookup is assigned to."""
        for command_id, index in self.commands.ref_of_command.items():
            ref = self.facts.refs[index]
            if ref.kind != "connection" or ref.operation != "get":
                continue
            node: Node | None = self.commands.command_nodes[command_id].parent
            while node is not None and node.type in WRAPPERS:
                node = node.parent
            if node is None or node.type != "assignment_expression":
                continue
            left = node.named_children[0] if node.named_child_count else None
            target = assignment_target(left) if left is not None else None
            if target is not None:
                self._connection_names.add(variable_key(self.source.text(target))[1])

    def _assignments(self, scope: Scope, name: str) -> list[tuple[int, int | None]]:
        """(position, connection ref or None) of every definition of ``name`` in a scope,
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
                if index is not None and self.facts.refs[index].kind != "connection":
                    index = None
            out.append((definition.node.start_byte, index))
        self._assignment_cache[key] = out
        return out

    def _connection_ref(self, variable: Node) -> int | None:
        """The connection lookup whose result ``variable`` holds where it is read: the
        last assignment before the read in the same scope (a variable can be reused for
        something else later), or, read from an inner scope, the only kind of value the
        variable ever gets."""
        qualifier, name = variable_key(self.source.text(variable))
        if name not in self._connection_names:
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

    def field_access(self, node: Node) -> None:
        if node.named_child_count < 2:
            return
        target = node.named_children[0]
        if target.type == "variable":
            index = self._connection_ref(target)
        elif target.type in ("parenthesized_expression", "sub_expression"):
            # (Get-AutomationConnection -Name 'X').SubscriptionId
            index = self.commands.ref_of_command.get(unwrap(target).id)
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
            if arguments is None:
                return
            key = self._first_argument_literal(arguments)
            if key is not None:
                self.facts.field_uses.append(FieldUse(index, key[0], key[1]))
            return
        if member_text.lower() in HASHTABLE_MEMBERS:
            return
        quoted = lexical.quoted_literal(member_text)
        if quoted is not None:  # $c."ApplicationId"
            member_text = quoted[0]
        self.facts.field_uses.append(FieldUse(index, member_text, self.source.span(member)))

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
