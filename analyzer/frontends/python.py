"""Python frontend: ``automationassets`` calls in Python 2 and Python 3 runbooks → facts.

tree-sitter-python parses both dialects (print and exec statements, ``except E, e``,
backticks, ``<>``), so one parse serves extraction and the Python 2 verdict alike; the
standard ``ast`` module could not read Python 2 files at all.

A call is an asset lookup only when it reaches ``automationassets`` through an import,
wherever in the file the import sits: ``import automationassets [as aa]``,
``from automationassets import f [as g]``, a star import, and the same module inside a
package, as repositories vendor the emulator or keep runbooks in a ``src/`` layout
(``from system import automationassets``, ``import lib.automationassets as aa``,
``from lib.automationassets import f``, ``import src.automationassets`` called as
``src.automationassets.f``). Only a module whose last dotted part is exactly
``automationassets`` counts: ``automation_assets`` or ``assets as automationassets`` is
someone else's module.

A call that reaches no such import is still a lookup when its name is bound nowhere in
the file (then the job fails with ``NameError``): it is tagged ``unimported`` (RB104),
and also ``module-imported`` when the file does import the module but the call bypasses
it (a bare function name). A call of a name the file binds itself (an emulator's ``def``,
a stub class, a parameter, another module's import) is not a lookup.

Names resolve to constants the file provably holds: literals, parameter defaults,
single assignments (module, function, enclosing function) and attributes assigned a
literal exactly once (``self.__KEY = "NAME"`` in ``__init__``, ``KEY = "NAME"`` in a class
body), with Python's per-class name mangling of ``__x``.

A lookup inside a reusable helper whose name is the helper's parameter (``def
setting(name): return automationassets.get_automation_variable(name)``) is decided by
the callers: its name has the ``function-parameter`` origin, and when the file calls the
helper (a bare name bound once to the ``def``, or a method through its receiver, its
class or an instance of it), each call is a lookup of its own, of the argument the call
passes as Python binds it (or the parameter's literal default), located at the call and
tagged ``through-function``; the lookup in the helper stays for its field reads, tagged
``resolved-at-calls`` (the workspace and RB101 skip it). This is the Python side of
``frontends/powershell/wrappers.py``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from analyzer.frontends.common import merge_conflicts
from analyzer.frontends.suppressions import COMMENT_QUERY, MARKER, read_suppressions
from analyzer.frontends.treesitter import captures, parser
from analyzer.model.facts import (
    AssetRef,
    CommandUse,
    FieldUse,
    FileFacts,
    Import,
    ImportSite,
    NameValue,
    Problem,
    Runbook,
)
from analyzer.model.span import LineIndex, Span

if TYPE_CHECKING:
    from collections.abc import Callable

    from tree_sitter import Node

MODULE = "automationassets"

#: Function → (asset kind, operation).
FUNCTIONS: dict[str, tuple[str, str]] = {
    "get_automation_variable": ("variable", "get"),
    "set_automation_variable": ("variable", "set"),
    "get_automation_credential": ("credential", "get"),
    "get_automation_connection": ("connection", "get"),
    "get_automation_certificate": ("certificate", "get"),
}

_QUERY = """
(call function: (_) @callee arguments: (argument_list) @arguments) @call
(import_statement) @import
(import_from_statement) @import_from
(function_definition) @function
(class_definition) @class
(attribute) @attribute
(assignment) @assignment
(augmented_assignment) @augmented
(for_statement left: (_) @for_target)
(as_pattern_target) @as_target
(global_statement) @global
(nonlocal_statement) @global
(subscript) @subscript
(print_statement) @py2
(exec_statement) @py2
(except_clause "," @py2)
(raise_statement (expression_list "," @py2))
(comparison_operator operators: "<>" @py2)
(string_start) @string_start
(integer) @integer
(ERROR) @error
(MISSING) @missing
"""

#: Parents an assignment target may sit in (``a, self.x = ...``, ``[self.x] = ...``).
_TARGET_WRAPPERS = frozenset(
    {
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "list_splat_pattern",
        "tuple",
        "list",
        "parenthesized_expression",
        "expression_list",
    }
)
#: Calls that write attributes by computed name: any of them defeats attribute constants.
_DYNAMIC_ATTRIBUTE_WRITERS = frozenset({"setattr", "delattr", "vars"})
#: Method decorators that keep the first parameter the instance (or, for
#: ``classmethod``, the class).
_RECEIVER_DECORATORS = frozenset({"property", "abstractmethod", "abc.abstractmethod"})
#: Expressions that bind their own loop names (Python 3 scopes them).
_COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)
#: A word of the source, as bytes: identifiers, also with non-ASCII letters.
_WORD = re.compile(rb"[A-Za-z_\x80-\xff][\w\x80-\xff]*")
#: Wrappers of wrappers resolved through their calls, and lookups added, at most.
_THROUGH_DEPTH = 3
_THROUGH_LIMIT = 1000


def _is_field(parent: Node, name: str, child: Node) -> bool:
    found = parent.child_by_field_name(name)
    return found is not None and found.id == child.id


def _is_module(dotted: str) -> bool:
    """``automationassets`` itself or inside a package (``lib.automationassets``,
    ``.automationassets``); a module merely named alike (``automation_assets``) is not."""
    return dotted.lstrip(".").rsplit(".", 1)[-1] == MODULE


def _mangle(name: str, class_name: str) -> str:
    """Python's private name mangling: ``__x`` in class ``C`` is stored as ``_C__x``."""
    stripped = class_name.lstrip("_")
    if not stripped or not name.startswith("__") or name.endswith("__"):
        return name
    return f"_{stripped}{name}"


_PY2_INTEGER = re.compile(r"^(0[0-7]+|\d+)[lL]$|^0[0-7]+$")
_PY2_SHEBANG = re.compile(r"^#!.*\bpython2(\.\d+)?\b")


@dataclass(slots=True)
class _Definition:
    #: "parameter" (value: its default, if any) | "assignment" | "class" (value: the class
    #: node) | "function" (value: the function node) | "receiver" (the first parameter of
    #: a method: the instance, or the class in a classmethod) | "other"
    kind: str
    value: Node | None
    #: Where the definition happens (byte offset), for reads in program order.
    position: int = -1
    #: For a receiver: the class node id and whether it stands for the instance.
    owner: int = -1
    instance: bool = False


@dataclass(slots=True)
class _Scope:
    node_id: int
    kind: str  # module | function | class
    parent: _Scope | None
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    #: The class name (for name mangling), on class scopes.
    name: str = ""


@dataclass(slots=True)
class _AttributeWrite:
    """One write of an attribute (by its mangled name) anywhere in the file."""

    #: The assigned expression, for plain assignments; None for any other write.
    value: Node | None
    #: The class written through its own receiver or in its body, else -1.
    owner: int = -1
    #: Written on the instance (``self.x = ...``) rather than on the class (its body).
    instance: bool = False


@dataclass(slots=True)
class _Parameter:
    name: str
    #: Index among the positional parameters (the receiver is 0); None for keyword-only.
    position: int | None
    default: Node | None
    #: False before ``/``: positional only.
    keyword: bool = True


@dataclass(slots=True)
class _Function:
    """A ``def`` and what binding a call of it needs."""

    node: Node
    name: Node
    scope: _Scope
    parameters: list[_Parameter]
    #: ``*args`` / ``**kwargs`` take what no parameter takes.
    star: bool
    double_star: bool
    #: The class node id for a method defined in a class body, else -1.
    owner: int
    #: How a call through an object passes the first parameter: "instance" (a method),
    #: "class" (``classmethod``), "static" (``staticmethod``: not at all), "unknown" (a
    #: decorator that may change the call), "" for a plain function.
    receiver: str


@dataclass(slots=True)
class _Class:
    name: str
    #: No bases but ``object``: its public attributes cannot come from a base class in
    #: another file, and its body holds plain constants, not enum members.
    plain: bool
    #: A class decorator (``@dataclass``) may turn body attributes into fields.
    decorated: bool


class _Extractor:
    def __init__(self, path: str, text: str, data: bytes) -> None:
        self.data = data
        self.index = LineIndex(data)
        self.tree = parser("python").parse(data)
        self.facts = FileFacts(path=path, runbook=None, text=text)
        self.scopes: dict[int, _Scope] = {}
        self.definitions: dict[tuple[int, str], list[_Definition]] = {}
        #: Dotted names that denote the module (``aa``, ``automationassets``,
        #: ``src.automationassets``).
        self.module_aliases: set[str] = set()
        self.function_aliases: dict[str, str] = {}
        self.star_import = False
        #: A star import of another module, which may supply any bare name.
        self.foreign_star_import = False
        #: Any import of automationassets, in any form, anywhere in the file.
        self.module_imported = False
        self.classes: dict[int, _Class] = {}
        #: Mangled attribute name → its writes; None when names are written dynamically.
        self.attribute_writes: dict[str, list[_AttributeWrite]] | None = {}
        self._bound: set[str] | None = None
        self.local_functions: set[str] = set()
        #: Function node id → its signature.
        self.functions: dict[int, _Function] = {}
        #: Function node id → the calls of it outside its own body, with the number of
        #: parameters the call passes implicitly (a method's receiver); built on first use.
        self._calls_of: dict[int, list[tuple[Node, Node, int]]] | None = None
        self._call_ref: dict[int, int] = {}
        #: Every call in source order: (call, callee, arguments).
        self._calls: list[tuple[Node, Node, Node]] = []
        #: Function name → where the text has it as a word (for ``_undecided``).
        self._occurrences: dict[bytes, list[tuple[int, int]]] | None = None
        #: Function node id → whether it is used other than by calls it binds.
        self._undecided_functions: dict[int, bool] = {}
        #: Ref index → (function, parameter) for a lookup whose name is that parameter.
        self._wrapper_refs: dict[int, tuple[_Function, str]] = {}

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def span(self, node: Node) -> Span:
        return self.index.span(node.start_point, node.end_point)

    # ----------------------------------------------------------------- scopes
    def _root(self) -> _Scope:
        root = self.tree.root_node
        scope = self.scopes.get(root.id)
        if scope is None:
            scope = _Scope(root.id, "module", None)
            self.scopes[root.id] = scope
        return scope

    def scope(self, node: Node) -> _Scope:
        current = node.parent
        while current is not None:
            if current.type in ("function_definition", "class_definition"):
                body = current.child_by_field_name("body")
                # Names in the signature (defaults, decorators) belong to the outer scope;
                # parameters are registered on the function explicitly.
                if body is not None and body.start_byte <= node.start_byte:
                    return self._scope_for(current)
            current = current.parent
        return self._root()

    def _scope_for(self, node: Node) -> _Scope:
        scope = self.scopes.get(node.id)
        if scope is None:
            kind = "function" if node.type == "function_definition" else "class"
            name = node.child_by_field_name("name")
            scope = _Scope(node.id, kind, self.scope(node))
            if kind == "class" and name is not None:
                scope.name = self.text(name)
            self.scopes[node.id] = scope
        return scope

    def _class_scope(self, scope: _Scope | None) -> _Scope | None:
        """The class whose body lexically holds ``scope`` (the one that mangles ``__x``)."""
        while scope is not None and scope.kind != "class":
            scope = scope.parent
        return scope

    def define(self, scope: _Scope, name: str, definition: _Definition) -> None:
        if name in scope.globals:
            scope = self._root()
        elif name in scope.nonlocals:
            scope = self._enclosing_binding(scope, name)
        self.definitions.setdefault((scope.node_id, name), []).append(definition)

    def _enclosing_binding(self, scope: _Scope, name: str) -> _Scope:
        """The enclosing function scope a ``nonlocal`` name refers to."""
        nearest: _Scope | None = None
        current = scope.parent
        while current is not None and current.kind != "module":
            if current.kind == "function":
                nearest = nearest or current
                if (current.node_id, name) in self.definitions:
                    return current
            current = current.parent
        return nearest or scope

    # ---------------------------------------------------------------- literals
    def literal(self, node: Node) -> tuple[str, Span] | None:
        node = self._unparen(node)
        if node.type == "string":
            return self._string(node)
        if node.type == "concatenated_string":
            parts = [self._string(child) for child in node.named_children]
            if any(part is None for part in parts):
                return None
            return "".join(p[0] for p in parts if p), self.span(node)
        return None

    @staticmethod
    def _unparen(node: Node) -> Node:
        while node.type == "parenthesized_expression" and node.named_child_count == 1:
            node = node.named_children[0]
        return node

    def _string(self, node: Node) -> tuple[str, Span] | None:
        if node.type != "string":
            return None
        children = node.children
        if not children or children[0].type != "string_start":
            return None
        if any(child.type == "interpolation" for child in children):
            return None
        start, end = children[0], children[-1]
        prefix = self.text(start).rstrip("'\"").lower()
        if "`" in prefix:
            return None
        content = self.data[start.end_byte : end.start_byte].decode("utf-8", errors="replace")
        value = content
        if "\\" in content and "r" not in prefix:
            quote = self.text(start)[len(prefix) :]
            try:
                value = str(ast.literal_eval(quote + content + quote))
            except (ValueError, SyntaxError):
                value = content
        span = self.index.span(start.end_point, end.start_point)
        return value, span

    def resolve(self, node: Node, scope: _Scope, depth: int = 0) -> str | None:
        if depth > 8:
            return None
        node = self._unparen(node)
        literal = self.literal(node)
        if literal is not None:
            return literal[0]
        if node.type == "identifier":
            return self.variable(self.text(node), scope, depth)
        if node.type == "attribute":
            return self.attribute(node, scope)
        if node.type == "binary_operator":
            operator = node.child_by_field_name("operator")
            if operator is not None and self.text(operator) == "+":
                left = node.child_by_field_name("left")
                right = node.child_by_field_name("right")
                if left is not None and right is not None:
                    a = self.resolve(left, scope, depth + 1)
                    b = self.resolve(right, scope, depth + 1)
                    if a is not None and b is not None:
                        return a + b
            return None
        if node.type == "string":
            return self._interpolate(node, scope, depth)
        return None

    def _interpolate(self, node: Node, scope: _Scope, depth: int) -> str | None:
        parts: list[str] = []
        for child in node.children:
            if child.type == "string_content":
                parts.append(self.text(child))
            elif child.type == "interpolation":
                expression = child.child_by_field_name("expression")
                if expression is None or child.named_child_count != 1:
                    return None
                value = self.resolve(expression, scope, depth + 1)
                if value is None:
                    return None
                parts.append(value)
            elif child.type == "escape_sequence":
                return None
        return "".join(parts)

    def binding(self, name: str, scope: _Scope) -> tuple[_Scope, list[_Definition]] | None:
        """The scope a read of ``name`` in ``scope`` reaches and the name's definitions
        there, by Python's rule: enclosing class bodies are skipped."""
        current: _Scope | None = scope
        first = True
        while current is not None:
            if current.kind != "class" or first:
                definitions = self.definitions.get((current.node_id, name))
                if definitions:
                    return current, definitions
            current = current.parent
            first = False
        return None

    def variable(self, name: str, scope: _Scope, depth: int = 0) -> str | None:
        found = self.binding(name, scope)
        if found is None:
            return None
        where, definitions = found
        values: set[str] = set()
        for definition in definitions:
            if definition.kind not in ("parameter", "assignment") or definition.value is None:
                return None
            value = self.resolve(definition.value, where, depth + 1)
            if value is None:
                return None
            values.add(value)
        return values.pop() if len(values) == 1 else None

    # -------------------------------------------------------------- attributes
    def _mangled(self, name: str, node: Node) -> str:
        """The attribute name as stored, for the class lexically around ``node``."""
        owner = self._class_scope(self.scope(node))
        return _mangle(name, owner.name if owner is not None else "")

    def _denotes(self, obj: Node, scope: _Scope) -> tuple[int, bool] | None:
        """(class node id, is an instance) when ``obj`` provably names a class of this
        file or a method's receiver; the name must be bound exactly once where it lives."""
        if obj.type != "identifier":
            return None
        found = self.binding(self.text(obj), scope)
        if found is None or len(found[1]) != 1:
            return None
        definition = found[1][0]
        if definition.kind == "class" and definition.value is not None:
            return definition.value.id, False
        if definition.kind == "receiver":
            return definition.owner, definition.instance
        return None

    def attribute(self, node: Node, scope: _Scope) -> str | None:
        """The literal an attribute holds when the file writes it exactly once: through
        the class's own receiver or in its body, with a literal; any other write of that
        (mangled) name anywhere in the file, through any object, defeats it."""
        if self.attribute_writes is None:
            return None
        obj = node.child_by_field_name("object")
        attr = node.child_by_field_name("attribute")
        if obj is None or attr is None:
            return None
        denoted = self._denotes(obj, scope)
        if denoted is None:
            return None
        owner, instance = denoted
        name = self.text(attr)
        key = self._mangled(name, node)
        writes = self.attribute_writes.get(key, [])
        if len(writes) != 1:
            return None
        write = writes[0]
        info = self.classes.get(owner)
        if write.owner != owner or write.value is None or info is None or info.decorated:
            return None
        if write.instance and not instance:
            return None  # an instance attribute is not there on the class
        private = key != name
        if not info.plain and (not write.instance or not private):
            # A base class (perhaps in another file) may set a public attribute, and a
            # class body of a dataclass or an Enum holds fields or members, not constants.
            return None
        literal = self.literal(write.value)
        return literal[0] if literal is not None else None

    def _write_statement(self, node: Node) -> tuple[Node, Node] | None:
        """(statement, direct target) when ``node`` is an assignment or deletion target."""
        child, parent = node, node.parent
        while parent is not None and parent.type in _TARGET_WRAPPERS:
            child, parent = parent, parent.parent
        if parent is None:
            return None
        if parent.type in ("assignment", "augmented_assignment", "for_statement", "for_in_clause"):
            left = parent.child_by_field_name("left")
            return (parent, child) if left is not None and left.id == child.id else None
        if parent.type in ("as_pattern_target", "delete_statement"):
            return parent, child
        return None

    def attribute_write(self, node: Node) -> None:
        if self.attribute_writes is None:
            return
        attr = node.child_by_field_name("attribute")
        obj = node.child_by_field_name("object")
        if attr is None or obj is None:
            return
        name = self.text(attr)
        if name == "__dict__":
            self.attribute_writes = None  # ``self.__dict__[...]`` writes any attribute
            return
        found = self._write_statement(node)
        if found is None:
            return
        statement, target = found
        value: Node | None = None
        if statement.type == "assignment" and target.id == node.id:
            value = statement.child_by_field_name("right")
            while value is not None and value.type == "assignment":
                value = value.child_by_field_name("right")
        write = _AttributeWrite(value)
        denoted = self._denotes(obj, self.scope(node))
        if denoted is not None and denoted[1]:
            write.owner, write.instance = denoted[0], True
        self.attribute_writes.setdefault(self._mangled(name, node), []).append(write)

    def class_definition(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        if name is None:
            return
        self.define(self.scope(node), self.text(name), _Definition("class", node, node.start_byte))
        scope = self._scope_for(node)
        bases = node.child_by_field_name("superclasses")
        plain = bases is None or all(
            child.type == "identifier" and child.text == b"object" for child in bases.named_children
        )
        decorated = node.parent is not None and node.parent.type == "decorated_definition"
        self.classes[node.id] = _Class(scope.name, plain, decorated)

    def class_attributes(self) -> None:
        """Names bound in a class body are writes of class attributes (mangled)."""
        if self.attribute_writes is None:
            return
        for (scope_id, name), definitions in self.definitions.items():
            scope = self.scopes.get(scope_id)
            if scope is None or scope.kind != "class":
                continue
            key = _mangle(name, scope.name)
            for definition in definitions:
                value = definition.value if definition.kind == "assignment" else None
                self.attribute_writes.setdefault(key, []).append(_AttributeWrite(value, scope_id))

    # ------------------------------------------------------------- definitions
    def imports(self, node: Node) -> None:
        bound: list[str] = []
        if node.type == "import_statement":
            for child in node.named_children:
                if child.type == "dotted_name":
                    module = self.text(child)
                    self.facts.imports.append(Import(module, (), None, self.span(node)))
                    if _is_module(module):
                        # ``import src.automationassets`` binds ``src``; the module is
                        # reached as ``src.automationassets``.
                        self.module_aliases.add(module)
                        self.module_imported = True
                    bound.append(module.split(".")[0])
                elif child.type == "aliased_import":
                    name = child.child_by_field_name("name")
                    alias = child.child_by_field_name("alias")
                    if name is None or alias is None:
                        continue
                    module = self.text(name)
                    self.facts.imports.append(Import(module, (), self.text(alias), self.span(node)))
                    if _is_module(module):
                        self.module_aliases.add(self.text(alias))
                        self.module_imported = True
                    bound.append(self.text(alias))
        else:
            module_node = node.child_by_field_name("module_name")
            module = self.text(module_node) if module_node is not None else ""
            from_module = _is_module(module)
            names: list[str] = []
            for child in node.named_children:
                if module_node is not None and child.id == module_node.id:
                    continue
                if child.type == "wildcard_import":
                    names.append("*")
                    if from_module:
                        self.star_import = True
                        self.module_imported = True
                    else:
                        self.foreign_star_import = True
                    continue
                if child.type == "dotted_name":
                    imported, alias = self.text(child), self.text(child)
                elif child.type == "aliased_import":
                    name = child.child_by_field_name("name")
                    alias_node = child.child_by_field_name("alias")
                    if name is None or alias_node is None:
                        continue
                    imported, alias = self.text(name), self.text(alias_node)
                else:
                    continue
                names.append(imported)
                bound.append(alias)
                if from_module:
                    self.function_aliases[alias] = imported
                    self.module_imported = True
                elif imported == MODULE:
                    # ``from system import automationassets``: the vendored emulator or
                    # a package layout; the same module as far as the runbook is concerned.
                    self.module_aliases.add(alias)
                    self.module_imported = True
            self.facts.imports.append(Import(module, tuple(names), None, self.span(node)))
        scope = self.scope(node)
        for name in bound:
            self.define(scope, name, _Definition("other", None))

    def function(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            self.local_functions.add(self.text(name))
            self.define(self.scope(node), self.text(name), _Definition("function", node))
        scope = self._scope_for(node)
        parameters = node.child_by_field_name("parameters")
        if parameters is None:
            return
        mode, receiver = self._receiver(node, scope)
        signature: list[_Parameter] = []
        star = double_star = keyword_only = False
        for index, parameter in enumerate(parameters.named_children):
            kind = parameter.type
            if kind == "typed_parameter" and parameter.named_children[0].type.endswith("_pattern"):
                kind = parameter.named_children[0].type  # ``*args: int``
            if kind == "positional_separator":
                for earlier in signature:
                    earlier.keyword = False
                continue
            if kind == "keyword_separator":
                keyword_only = True
                continue
            position = None if keyword_only else len(signature)
            if index == 0 and receiver is not None and kind == "identifier":
                signature.append(_Parameter(self.text(parameter), position, None))
                self.define(scope, self.text(parameter), receiver)
                continue
            if kind in ("default_parameter", "typed_default_parameter"):
                pname = parameter.child_by_field_name("name")
                value = parameter.child_by_field_name("value")
                if pname is not None:
                    signature.append(_Parameter(self.text(pname), position, value))
                    self.define(scope, self.text(pname), _Definition("parameter", value))
                continue
            identifiers = self._identifiers(parameter)
            if kind in ("identifier", "typed_parameter") and identifiers:
                signature.append(_Parameter(identifiers[0], position, None))
                self.define(scope, identifiers[0], _Definition("parameter", None))
                continue
            if kind == "list_splat_pattern":
                star = keyword_only = True
            elif kind == "dictionary_splat_pattern":
                double_star = True
            else:
                # A Python 2 tuple parameter ``def f((a, b))`` takes a position, no name.
                signature.append(_Parameter("", position, None, keyword=False))
            for identifier in identifiers:
                self.define(scope, identifier, _Definition("other", None))
        if name is not None:
            owner = scope.parent.node_id if scope.parent and scope.parent.kind == "class" else -1
            self.functions[node.id] = _Function(
                node, name, scope, signature, star, double_star, owner, mode
            )

    def _receiver(self, node: Node, scope: _Scope) -> tuple[str, _Definition | None]:
        """How a call through an object passes a method's first parameter (see
        ``_Function.receiver``) and what that parameter stands for: the instance, or the
        class in a ``classmethod``; no definition for a static method, a plain function,
        or a decorator that may change the call."""
        owner = scope.parent
        if owner is None or owner.kind != "class":
            return "", None
        mode = "instance"
        decorated = node.parent
        if decorated is not None and decorated.type == "decorated_definition":
            for decorator in decorated.named_children:
                if decorator.type != "decorator" or decorator.named_child_count != 1:
                    continue
                name = self.text(decorator.named_children[0])
                if name == "classmethod":
                    mode = "class"
                elif name == "staticmethod":
                    return "static", None
                elif name not in _RECEIVER_DECORATORS and not name.endswith(
                    (".setter", ".getter", ".deleter")
                ):
                    return "unknown", None
        definition = _Definition("receiver", None, node.start_byte, owner.node_id)
        definition.instance = mode == "instance"
        return mode, definition

    def _identifiers(self, node: Node) -> list[str]:
        """Names a target binds; ``self.x`` and ``d[k]`` bind none."""
        if node.type == "identifier":
            return [self.text(node)]
        if node.type in ("attribute", "subscript", "call"):
            return []
        found: list[str] = []
        stack = list(node.named_children)
        while stack:
            current = stack.pop()
            if current.type == "identifier":
                found.append(self.text(current))
            elif current.type not in ("type", "attribute", "subscript", "call"):
                stack.extend(current.named_children)
        return found

    def assignment(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None:
            return
        while right is not None and right.type == "assignment":
            right = right.child_by_field_name("right")
        scope = self.scope(node)
        if left.type == "identifier":
            kind = "assignment" if right is not None else "other"
            self.define(scope, self.text(left), _Definition(kind, right, node.start_byte))
            return
        for name in self._identifiers(left):
            self.define(scope, name, _Definition("other", None, node.start_byte))

    def other_target(self, node: Node) -> None:
        scope = self.scope(node)
        target = node
        if node.type == "augmented_assignment":
            target = node.child_by_field_name("left") or node
        for name in self._identifiers(target):
            self.define(scope, name, _Definition("other", None, node.start_byte))

    def global_statement(self, node: Node) -> None:
        scope = self.scope(node)
        if node.type == "global_statement":
            for child in node.named_children:
                if child.type == "identifier":
                    scope.globals.add(self.text(child))
        else:
            for child in node.named_children:
                if child.type == "identifier":
                    scope.nonlocals.add(self.text(child))

    # ------------------------------------------------------------------- calls
    def _bound_names(self) -> set[str]:
        """Every name the file binds somewhere (def, class, parameter, assignment, import)."""
        if self._bound is None:
            self._bound = {name for _, name in self.definitions}
        return self._bound

    def _dotted(self, node: Node) -> str | None:
        """``a.b.c`` for a chain of plain names, else None."""
        parts: list[str] = []
        while node.type == "attribute":
            attr = node.child_by_field_name("attribute")
            obj = node.child_by_field_name("object")
            if attr is None or obj is None:
                return None
            parts.append(self.text(attr))
            node = obj
        if node.type != "identifier":
            return None
        parts.append(self.text(node))
        return ".".join(reversed(parts))

    def _target(self, callee: Node) -> tuple[str, set[str]] | None:
        """(automationassets function, tags) when the call is an asset lookup."""
        if callee.type == "attribute":
            obj = callee.child_by_field_name("object")
            attr = callee.child_by_field_name("attribute")
            if obj is None or attr is None or self.text(attr) not in FUNCTIONS:
                return None
            function = self.text(attr)
            dotted = self._dotted(obj)
            if dotted is not None and dotted in self.module_aliases:
                return function, set()
            if dotted == MODULE and MODULE not in self._bound_names():
                return function, self._unimported_tags()
            return None
        if callee.type != "identifier":
            return None
        name = self.text(callee)
        if name in self.function_aliases:
            function = self.function_aliases[name]
            return (function, set()) if function in FUNCTIONS else None
        if name not in FUNCTIONS:
            return None
        if self.star_import:
            return name, set()
        if name in self._bound_names() or self.foreign_star_import:
            return None  # the file's own definition, or another module's
        return name, self._unimported_tags()

    def _unimported_tags(self) -> set[str]:
        return {"unimported", "module-imported"} if self.module_imported else {"unimported"}

    def call(self, call: Node, callee: Node, arguments: Node) -> None:
        target = self._target(callee)
        if target is None:
            return
        function, tags = target
        kind, operation = FUNCTIONS[function]
        argument = self._name_argument(arguments)
        if argument is not None:
            name_value, wrapper = self._name_value(argument, self.scope(call))
            if wrapper is not None:
                self._wrapper_refs[len(self.facts.refs)] = wrapper
        else:
            name_value = NameValue(None, self.text(arguments), None, self.span(arguments))
        span = self.span(call)
        self._call_ref[call.id] = len(self.facts.refs)
        self.facts.refs.append(
            AssetRef(
                kind,  # type: ignore[arg-type]
                operation,  # type: ignore[arg-type]
                self.text(callee),
                name_value,
                span,
                tags=frozenset(tags),
            )
        )
        self.facts.commands.append(CommandUse(self.text(callee), (), span))

    @staticmethod
    def _name_argument(arguments: Node) -> Node | None:
        for child in arguments.named_children:
            if child.type == "comment":
                continue
            if child.type == "keyword_argument":
                key = child.child_by_field_name("name")
                if key is not None and key.text == b"name":
                    return child.child_by_field_name("value")
                continue
            if child.type in ("list_splat", "dictionary_splat"):
                return None
            return child
        return None

    def _name_value(
        self, argument: Node, scope: _Scope
    ) -> tuple[NameValue, tuple[_Function, str] | None]:
        """The name an argument supplies, and (function, parameter) when it is a bare
        parameter of an enclosing function (its callers decide the name)."""
        literal = self.literal(argument)
        if literal is not None:
            return NameValue(literal[0], None, None, literal[1]), None
        wrapper = self._wrapper_parameter(argument, scope)
        name = NameValue(
            None,
            self.text(argument),
            self.resolve(argument, scope),
            self.span(argument),
            origin="function-parameter" if wrapper is not None else None,
            variable=argument.type == "identifier",
        )
        return name, wrapper

    def _wrapper_parameter(self, argument: Node, scope: _Scope) -> tuple[_Function, str] | None:
        """(function, parameter) when ``argument`` is a parameter of an enclosing ``def``
        that the function never re-binds (``name = name.strip()`` makes it a value of its
        own) and no comprehension or lambda in between shadows."""
        node = self._unparen(argument)
        if node.type != "identifier":
            return None
        name = self.text(node)
        found = self.binding(name, scope)
        if found is None or found[0].kind != "function" or len(found[1]) != 1:
            return None
        function = self.functions.get(found[0].node_id)
        if (
            function is None
            or found[1][0].kind != "parameter"
            or self._shadowed(node, name, function.node)
        ):
            return None
        return function, name

    def _shadowed(self, node: Node, name: str, stop: Node) -> bool:
        """Whether a lambda or comprehension between ``node`` and ``stop`` binds ``name``
        (neither is a scope of this frontend's own)."""
        current = node.parent
        while current is not None and current.id != stop.id:
            if current.type == "lambda":
                parameters = current.child_by_field_name("parameters")
                if parameters is not None and name in self._identifiers(parameters):
                    return True
            elif current.type in _COMPREHENSIONS:
                for clause in current.named_children:
                    left = clause.child_by_field_name("left")
                    bound = left is not None and clause.type == "for_in_clause"
                    if bound and name in self._identifiers(left):  # type: ignore[arg-type]
                        return True
            current = current.parent
        return False

    # ------------------------------------------------------ calls of functions
    def _instance_or_class(self, obj: Node, scope: _Scope) -> tuple[int, bool] | None:
        """(class node id, is an instance) for what ``_denotes`` proves, and also for an
        instance made by calling a class of this file: ``Report(...)`` itself, or a name
        bound once to it (``report = Report(...)``)."""
        obj = self._unparen(obj)
        if obj.type == "call":
            function = obj.child_by_field_name("function")
            denoted = self._denotes(function, scope) if function is not None else None
            return (denoted[0], True) if denoted is not None and not denoted[1] else None
        denoted = self._denotes(obj, scope)
        if denoted is not None or obj.type != "identifier":
            return denoted
        found = self.binding(self.text(obj), scope)
        if found is None or len(found[1]) != 1:
            return None
        definition = found[1][0]
        if definition.kind != "assignment" or definition.value is None:
            return None
        value = self._unparen(definition.value)
        return self._instance_or_class(value, found[0]) if value.type == "call" else None

    def _callee_function(self, callee: Node, scope: _Scope) -> tuple[_Function, int] | None:
        """The ``def`` a call reaches, provably, and how many parameters the call passes
        implicitly: a bare name bound once to the ``def``, or a method through its own
        receiver, its class or an instance of it (1 for the instance or class a method
        or ``classmethod`` receives, 0 for a ``staticmethod`` or a method called through
        its class); None when a decorator or another write may change what is called."""
        if callee.type == "identifier":
            found = self.binding(self.text(callee), scope)
            if found is None or len(found[1]) != 1 or found[1][0].kind != "function":
                return None
            value = found[1][0].value
            function = self.functions.get(value.id) if value is not None else None
            return (function, 0) if function is not None else None
        if callee.type != "attribute" or self.attribute_writes is None:
            return None
        obj = callee.child_by_field_name("object")
        attr = callee.child_by_field_name("attribute")
        denoted = self._instance_or_class(obj, scope) if obj is not None else None
        if attr is None or denoted is None:
            return None
        owner, instance = denoted
        info = self.classes.get(owner)
        name = self.text(attr)
        if info is None or _mangle(name, info.name) != self._mangled(name, callee):
            return None  # ``__m`` outside its class is another attribute
        definitions = self.definitions.get((owner, name), [])
        writes = [
            write  # the body of another class defines its own
            for write in self.attribute_writes.get(_mangle(name, info.name), [])
            if write.instance or write.owner in (-1, owner)
        ]
        if len(definitions) != 1 or definitions[0].kind != "function" or len(writes) != 1:
            return None  # not a method of the class, or also assigned (``self.m = …``)
        value = definitions[0].value
        function = self.functions.get(value.id) if value is not None else None
        if function is None or function.owner != owner:
            return None
        implicit = {"instance": 1 if instance else 0, "class": 1, "static": 0}
        if function.receiver not in implicit:
            return None
        return function, implicit[function.receiver]

    def calls_of(self) -> dict[int, list[tuple[Node, Node, int]]]:
        """Function node id → its calls outside its own body (see ``_calls_of``)."""
        if self._calls_of is None:
            self._calls_of = {}
            for call, callee, arguments in self._calls:
                target = self._callee_function(callee, self.scope(call))
                if target is None:
                    continue
                function, implicit = target
                node = function.node
                if node.start_byte <= call.start_byte < node.end_byte:
                    continue  # a call inside the function itself
                self._calls_of.setdefault(node.id, []).append((call, arguments, implicit))
        return self._calls_of

    def bind(self, function: _Function, arguments: Node, implicit: int) -> dict[str, Node] | None:
        """Parameter → the argument a call passes it, as Python binds them; None for a
        call with ``*args``/``**kwargs`` or one Python would reject."""
        positional: list[Node] = []
        keywords: list[tuple[str, Node]] = []
        for child in arguments.named_children:
            if child.type == "comment":
                continue
            if child.type in ("list_splat", "dictionary_splat"):
                return None
            if child.type == "keyword_argument":
                key = child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                if key is None or value is None:
                    return None
                keywords.append((self.text(key), value))
            else:
                positional.append(child)
        by_position = {p.position: p for p in function.parameters if p.position is not None}
        bound: dict[str, Node] = {}
        for position, value in enumerate(positional, start=implicit):
            parameter = by_position.get(position)
            if parameter is None and not function.star:
                return None
            if parameter is not None and parameter.name:
                bound[parameter.name] = value
        for key, value in keywords:
            named = next((p for p in function.parameters if p.keyword and p.name == key), None)
            if key in bound or (named is None and not function.double_star):
                return None
            if named is not None:
                bound[key] = value
        return bound

    def _undecided(self, function: _Function) -> bool:
        """Whether the file uses the function other than by calls ``calls_of`` places:
        passed as a value (``map(setting, names)``, ``callback=self.setting``), called
        through an object not provably of its class, or bound more than once."""
        name = self.text(function.name)
        body = function.node
        if self._occurrences is None:
            # One scan of the text for every function name, not one per function.
            names = {
                self.data[f.name.start_byte : f.name.end_byte] for f in self.functions.values()
            }
            self._occurrences = {}
            for match in _WORD.finditer(self.data):
                if match.group() in names:
                    self._occurrences.setdefault(match.group(), []).append(match.span())
        for start, end in self._occurrences.get(name.encode(), []):
            node = self.tree.root_node.descendant_for_byte_range(start, end)
            if (
                node is None
                or node.type != "identifier"
                or (node.start_byte, node.end_byte) != (start, end)
                or body.start_byte <= node.start_byte < body.end_byte
            ):
                continue  # text in a string or comment, or inside the function itself
            parent = node.parent
            if parent is None or (
                parent.type == "keyword_argument" and _is_field(parent, "name", node)
            ):
                continue
            scope = self.scope(node)
            called = parent.parent if parent.type == "attribute" else parent
            called_here = called is not None and called.type == "call"
            if parent.type == "attribute":
                if function.owner < 0 or not _is_field(parent, "attribute", node):
                    continue
                called_here = called_here and _is_field(called, "function", parent)
                target = self._callee_function(parent, scope)
                if target is not None:
                    if target[0] is function and not called_here:
                        return True
                    continue
                obj = parent.child_by_field_name("object")
                owner = self._instance_or_class(obj, scope) if obj is not None else None
                if owner is None or owner[0] == function.owner:
                    return True
                if (owner[0], name) not in self.definitions:
                    return True  # a class that may inherit it
                continue
            found = self.binding(name, scope)
            if found is None or not any(
                d.kind == "function" and d.value is not None and d.value.id == body.id
                for d in found[1]
            ):
                continue  # another binding of the name
            if len(found[1]) != 1 or not (called_here and _is_field(parent, "function", node)):
                return True
        return False

    def through_functions(self) -> None:
        """A lookup whose name is a parameter of its function, when the file calls the
        function, becomes one lookup per call with the name the call passes (or the
        parameter's literal default), located at the call and tagged
        ``through-function``; the lookup in the function stays, tagged
        ``resolved-at-calls``. A lookup at such a call whose name is again a parameter
        is resolved through that function's calls in turn (a few levels deep); a call
        that closes a cycle (mutual recursion) adds nothing, since what goes round the
        cycle came in through another call. When a call cannot be bound, the function is
        used otherwise, or there are too many, the lookup stays as it was, without the
        ``function-parameter`` origin: calls exist, the name is just not known."""
        refs = self.facts.refs
        #: Ref index → (the wrapper lookup it stands for, functions passed on the way).
        path = {index: (index, frozenset[int]()) for index in self._wrapper_refs}
        pending = sorted(self._wrapper_refs)
        seen: set[tuple[int, int]] = set()
        added = 0
        while pending:
            index = pending.pop(0)
            function, parameter = self._wrapper_refs[index]
            root, passed = path[index]
            passed = passed | {function.node.id}
            ref = refs[index]
            through = self._at_calls(ref, function, parameter)
            if through is not None and (
                len(passed) > _THROUGH_DEPTH or added + len(through) > _THROUGH_LIMIT
            ):
                through = None
            if through is None:
                if ref.name is not None:
                    refs[index] = replace(ref, name=replace(ref.name, origin=None))
                continue
            if not through:
                continue  # no call in this file: the callers decide (RB101 says so)
            refs[index] = replace(ref, tags=ref.tags | {"resolved-at-calls"})
            for call, new, wrapper in through:
                if wrapper is not None and wrapper[0].node.id in passed:
                    continue  # round a cycle
                if (root, call.id) in seen:
                    continue  # the same call reached on two paths
                seen.add((root, call.id))
                if wrapper is not None:
                    self._wrapper_refs[len(refs)] = wrapper
                    path[len(refs)] = (root, passed)
                    pending.append(len(refs))
                refs.append(new)
                added += 1

    def _at_calls(
        self, ref: AssetRef, function: _Function, parameter: str
    ) -> list[tuple[Node, AssetRef, tuple[_Function, str] | None]] | None:
        """(call, its lookup, (function, parameter) when the call passes a parameter of
        its own function) for each call of ``function``; None when one cannot be decided."""
        undecided = self._undecided_functions.get(function.node.id)
        if undecided is None:
            undecided = self._undecided_functions[function.node.id] = self._undecided(function)
        if undecided:
            return None
        default = next(p.default for p in function.parameters if p.name == parameter)
        through: list[tuple[Node, AssetRef, tuple[_Function, str] | None]] = []
        for call, arguments, implicit in self.calls_of().get(function.node.id, []):
            bound = self.bind(function, arguments, implicit)
            if bound is None:
                return None
            value = bound.get(parameter)
            wrapper: tuple[_Function, str] | None = None
            if value is not None:
                name, wrapper = self._name_value(value, self.scope(call))
            else:
                literal = self.literal(default) if default is not None else None
                callee = call.child_by_field_name("function")
                if literal is None or callee is None:
                    return None  # no argument and no literal default
                name = NameValue(literal[0], None, None, self.span(callee))
            new = AssetRef(
                ref.kind,
                ref.operation,
                ref.callee,
                name,
                self.span(call),
                tags=frozenset({"through-function"}),
            )
            through.append((call, new, wrapper))
        return through

    # ------------------------------------------------------------------ fields
    def field_uses(self, subscripts: list[Node], calls: list[tuple[Node, Node, Node]]) -> None:
        connection_vars: dict[tuple[int, str], int] = {}
        #: (scope, name) → (position, connection ref or None) of its definitions, in order.
        assigned: dict[tuple[int, str], list[tuple[int, int | None]]] = {}
        for key, definitions in self.definitions.items():
            entries = []
            for definition in definitions:
                index = None
                if definition.kind == "assignment" and definition.value is not None:
                    index = self._call_ref.get(self._unparen(definition.value).id)
                    if index is not None and self.facts.refs[index].kind != "connection":
                        index = None
                entries.append((definition.position, index))
            if any(index is not None for _, index in entries):
                assigned[key] = sorted(entries, key=lambda item: item[0])

        def lookup(node: Node) -> int | None:
            """The connection a name holds where it is read: the last assignment before
            the read in its own scope, or from an outer scope the only value it gets."""
            node = self._unparen(node)
            if node.type == "call":
                index = self._call_ref.get(node.id)
                if index is not None and self.facts.refs[index].kind == "connection":
                    return index
                return None
            if node.type != "identifier":
                return None
            name = self.text(node)
            here = self.scope(node)
            scope: _Scope | None = here
            while scope is not None:
                key = (scope.node_id, name)
                if key in self.definitions:
                    if key in connection_vars:
                        return connection_vars[key]
                    entries = assigned.get(key)
                    if entries is None:
                        return None
                    if scope is here:
                        chosen = None
                        for position, index in entries:
                            if position >= node.start_byte:
                                break
                            chosen = index
                        return chosen
                    indexes = {index for _, index in entries}
                    return indexes.pop() if len(indexes) == 1 else None
                scope = scope.parent
            return None

        self._connection_parameters(connection_vars, lookup)
        for node in subscripts:
            value = node.child_by_field_name("value")
            key = node.child_by_field_name("subscript")
            if value is None or key is None:
                continue
            index = lookup(value)
            literal = self.literal(key) if index is not None else None
            if index is not None and literal is not None:
                self.facts.field_uses.append(FieldUse(index, literal[0], literal[1]))
        for _call, callee, arguments in calls:
            if callee.type != "attribute":
                continue
            obj = callee.child_by_field_name("object")
            attr = callee.child_by_field_name("attribute")
            if obj is None or attr is None or attr.text != b"get":
                continue
            index = lookup(obj)
            first = self._name_argument(arguments) if index is not None else None
            literal = self.literal(first) if first is not None else None
            if index is not None and literal is not None:
                self.facts.field_uses.append(FieldUse(index, literal[0], literal[1]))

    def _connection_parameters(
        self,
        connection_vars: dict[tuple[int, str], int],
        lookup: Callable[[Node], int | None],
    ) -> None:
        """A parameter of a local function holds a connection when every call of the
        function that passes it passes the same connection (``get_token(conn)``)."""
        passed: dict[tuple[int, str], set[int | None]] = {}
        for function_id, calls in self.calls_of().items():
            function = self.functions[function_id]
            for _call, arguments, implicit in calls:
                bound = self.bind(function, arguments, implicit)
                for parameter in function.parameters:
                    value = bound.get(parameter.name) if bound is not None else arguments
                    if value is not None:  # ``*args`` (no binding): may pass anything
                        index = lookup(value) if bound is not None else None
                        key = (function.scope.node_id, parameter.name)
                        passed.setdefault(key, set()).add(index)
        for key, indexes in passed.items():
            if (
                len(indexes) == 1
                and None not in indexes
                and len(self.definitions.get(key, [])) == 1
            ):
                connection_vars[key] = next(iter(indexes))  # type: ignore[arg-type]

    # ---------------------------------------------------------------- verdicts
    def python2(self, found: dict[str, list[Node]]) -> Span | None:
        """Where the file shows it is Python 2 (the shebang, else the first Python-2-only
        construct), or None for Python 3; RB903 points its caret there."""
        first_line = self.facts.text.split("\n", 1)[0]
        if _PY2_SHEBANG.match(first_line):
            return Span(1, 1, 1, len(first_line.rstrip("\r")) + 1)
        evidence = list(found.get("py2", []))
        evidence += [
            n for n in found.get("string_start", []) if self.text(n).lower().startswith(("`", "ur"))
        ]
        evidence += [n for n in found.get("integer", []) if _PY2_INTEGER.match(self.text(n))]
        if not evidence:
            return None
        return self.span(min(evidence, key=lambda n: n.start_byte))

    def problems(self, errors: list[Node], missing: list[Node]) -> None:
        conflicts = merge_conflicts(self.data, self.index)
        if conflicts:
            self.facts.problems.extend(conflicts)
            return
        last_end = -1
        for node in sorted(errors, key=lambda n: (n.start_byte, -n.end_byte)):
            if node.start_byte < last_end:
                continue
            last_end = node.end_byte
            snippet = self.text(node).strip().splitlines()
            near = snippet[0][:40] if snippet else ""
            self.facts.problems.append(
                Problem(
                    "RB901",
                    f"syntax error near `{near}`" if near else "syntax error",
                    self.span(node),
                    "fix the syntax; analysis continued on the parts that parsed",
                )
            )
        for node in missing:
            self.facts.problems.append(
                Problem(
                    "RB901",
                    f"syntax error: missing `{node.type}`",
                    self.span(node),
                    "fix the syntax; analysis continued on the parts that parsed",
                )
            )

    def run(self) -> FileFacts:
        found = captures("python", _QUERY, self.tree.root_node)
        if MARKER in self.data:
            root = self.tree.root_node
            comments = captures("python", COMMENT_QUERY, root).get("comment", [])
            self.facts.suppressions = read_suppressions(self.data, root, comments, self.index)
        for node in found.get("global", []):
            self.global_statement(node)
        for node in found.get("class", []):
            self.class_definition(node)
        for node in found.get("function", []):
            self.function(node)
        for key in ("import", "import_from"):
            for node in found.get(key, []):
                self.imports(node)
        for node in found.get("assignment", []):
            self.assignment(node)
        for key in ("augmented", "for_target", "as_target"):
            for node in found.get(key, []):
                self.other_target(node)
        for node in found.get("attribute", []):
            self.attribute_write(node)
        self.class_attributes()
        if any(
            n.type == "identifier" and n.text.decode() in _DYNAMIC_ATTRIBUTE_WRITERS
            for n in found.get("callee", [])
        ):
            self.attribute_writes = None
        calls = self._calls
        callees = {n.parent.id: n for n in found.get("callee", []) if n.parent is not None}
        arguments = {n.parent.id: n for n in found.get("arguments", []) if n.parent is not None}
        for call in sorted(found.get("call", []), key=lambda n: n.start_byte):
            callee = callees.get(call.id)
            args = arguments.get(call.id)
            if callee is None or args is None:
                continue
            calls.append((call, callee, args))
            self.call(call, callee, args)
        self.through_functions()
        self.field_uses(found.get("subscript", []), calls)
        self.problems(found.get("error", []), found.get("missing", []))
        evidence = self.python2(found)
        if any("unimported" in ref.tags for ref in self.facts.refs):
            self.facts.import_site = self.import_site()
        self.facts.runbook = Runbook(
            name="",
            kind="python2" if evidence is not None else "python3",
            language="python",
            local_commands=frozenset(self.local_functions),
            runtime_evidence=evidence,
        )
        self.facts.field_uses.sort(key=lambda f: (f.span.line, f.span.column) if f.span else (0, 0))
        return self.facts

    def import_site(self) -> ImportSite | None:
        """Where RB104's fix adds the import: after the shebang, the encoding declaration,
        the module docstring and ``from __future__`` imports (which must stay first),
        before the first other statement and the comment lines right above it (they
        belong to it: a suppression comment, a note). None for a file that does not parse
        cleanly or whose first statement shares its line with something else."""
        root = self.tree.root_node
        if root.has_error:
            return None
        lines = self.data.split(b"\n", 2)
        after = -1  # the last row that must stay above the import
        if lines[0].startswith(b"#!"):
            after = 0
        for row, line in enumerate(lines[:2]):
            if ENCODING_DECLARATION.match(line):
                after = row
        first: Node | None = None
        for position, node in enumerate(n for n in root.named_children if n.type != "comment"):
            docstring = (
                position == 0
                and node.type == "expression_statement"
                and node.named_child_count == 1
                and node.named_children[0].type in ("string", "concatenated_string")
            )
            if docstring or node.type == "future_import_statement":
                after = node.end_point[0]
                continue
            first = node
            break
        if first is None or first.start_point[1] != 0 or first.start_point[0] <= after:
            return None
        row = first.start_point[0]
        while row - 1 > after and self.index.line_bytes(row - 1).lstrip().startswith(b"#"):
            row -= 1
        before_import = first.type in ("import_statement", "import_from_statement")
        return ImportSite(row + 1, before_import)


#: PEP 263's encoding declaration (on one of the first two lines).
ENCODING_DECLARATION = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")


def extract(path: str, text: str) -> FileFacts:
    """Facts of one Python file (``text`` already decoded, BOM removed)."""
    return _Extractor(path, text, text.encode("utf-8")).run()
