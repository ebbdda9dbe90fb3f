"""Commands: asset lookups, child-runbook calls, connection definitions, other commands.

Each command node of the query is looked at once. The few cmdlets the analyzer knows
(:mod:`cmdlets`) get PowerShell's parameter binding, splats and name resolution; every
other command is recorded by name and parameter names only (the vast majority, and they
matter only to rules such as RB108), or becomes a candidate child call when it is a bare
name inside a workflow.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from analyzer.data import platform
from analyzer.frontends.powershell import lexical
from analyzer.frontends.powershell.cmdlets import (
    CMDLETS,
    COMMON_PARAMETERS,
    JOIN_PATH,
    Binding,
    CmdletSpec,
    Element,
    bind,
)
from analyzer.frontends.powershell.nodes import (
    command_name,
    hash_literal,
    in_local_run_branch,
    unwrap,
    variable_key,
)
from analyzer.frontends.powershell.resolution import AUTOMATIC_VARIABLES
from analyzer.model.facts import (
    Argument,
    AssetRef,
    CommandShape,
    CommandUse,
    ConnectionDefinition,
    FileFacts,
    NameValue,
    RunbookCall,
    RunbookDefinition,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.resolution import Resolver
    from analyzer.frontends.powershell.scopes import Scope, Scopes
    from analyzer.frontends.powershell.text import ParsedText
    from analyzer.model.span import Span

#: Commands that create, change or remove an asset (not lookups): lifecycle management.
_LIFECYCLE = re.compile(
    r"(?i)^(?:new|remove)-(?:az|azurerm|azure)automation(?:variable|credential|connection|certificate)$"
)
_RANDOM = re.compile(r"(?i)\bget-random\b|\bnew-guid\b|\bnewguid\b")
#: A management cmdlet that lists assets: a loop over its output reads every asset.
_ENUMERATION = re.compile(
    r"(?i)\bget-(?:az|azurerm|azure)automation(?:variable|connection|credential|certificate)\b"
)
_BARE_NAME = re.compile(r"[A-Za-z_][\w-]*")
#: Command elements a rewrite of the call could lose or misplace.
_NOT_PLAIN = frozenset({"comment", "redirection", "redirections", "stop_parsing"})
_COMMON = frozenset(p.name for p in COMMON_PARAMETERS)
_INLINE_SCRIPT = re.compile(r"(?i)(?:^|[\\/])([^\\/]+)\.ps1$")
#: A runbook file at the end of a path; its stem is the runbook's name (letters, digits,
#: ``-`` and ``_``). ``_RUNBOOK_FILE_TAIL`` needs the separator: in ``"$dir\Child.ps1"``
#: the variable is only the folder, in ``"$prefix-Child.ps1"`` it is part of the name.
_RUNBOOK_FILE = re.compile(r"(?i)(?:^|[\\/])([A-Za-z0-9_-]+)\.(?:ps1|py|graphrunbook)$")
_RUNBOOK_FILE_TAIL = re.compile(r"(?i)[\\/]([A-Za-z0-9_-]+)\.(?:ps1|py|graphrunbook)$")


def base_variable(node: Node) -> Node | None:
    """``$x`` of ``$x``, ``$x.Name``, ``$x['k'].Name`` or the first variable of a string."""
    current = node
    while current.type in ("member_access", "element_access", "invocation_expression"):
        if not current.named_child_count:
            return None
        current = unwrap(current.named_children[0])
    if current.type == "string_literal" and current.named_child_count == 1:
        current = current.named_children[0]
    if current.type in ("expandable_string_literal", "expandable_here_string_literal"):
        current = next((c for c in current.named_children if c.type == "variable"), current)
    return current if current.type == "variable" else None


class _AdminCommands:
    """The commands that show a file is run by hand (platform data, ``[admin-scripts]``)."""

    def __init__(self) -> None:
        data = platform()["admin-scripts"]
        self.sign_ins = frozenset(n.lower() for n in data["sign-in-cmdlets"])
        self.non_interactive = frozenset(n.lower() for n in data["non-interactive-sign-in"])
        self.enumerations = frozenset(n.lower() for n in data["account-enumeration"])
        prompts = frozenset(n.lower() for n in data["prompts"])
        self.signals = self.sign_ins | self.enumerations | prompts


_ADMIN = _AdminCommands()


class Commands:
    def __init__(
        self,
        source: ParsedText,
        scopes: Scopes,
        resolver: Resolver,
        facts: FileFacts,
        local_commands: set[str],
    ) -> None:
        self.source = source
        self.scopes = scopes
        self.resolver = resolver
        self.facts = facts
        self.local_commands = local_commands
        #: Command node id → index of the AssetRef it produced (for result uses).
        self.ref_of_command: dict[int, int] = {}
        self.command_nodes: dict[int, Node] = {}
        #: Ref index → the scope of its lookup (for resolution through function calls).
        self.scope_of_ref: dict[int, Scope] = {}
        #: Lower-cased function name → the commands that call it in this file.
        self.local_calls: dict[str, list[Node]] = {}
        #: Ref index → the node of its dynamic name (for names read from other assets).
        self.name_nodes: dict[int, Node] = {}
        #: Name expressions (lower case) of assets the script creates or removes.
        self.managed_names: set[str] = set()
        self._parameters_by_elements: dict[int, list[str]] = {}
        self.workflow_ranges: list[tuple[int, int]] = []
        #: Evidence that the file is an admin script run by hand (Runbook.interactive).
        self.interactive: list[str] = []
        self.inlinescript_ranges: list[tuple[int, int]] = []

    def _elements(self, container: Node | None, start: int = 0) -> list[Element]:
        if container is None:
            return []
        out: list[Element] = []
        colon_pending = False
        children = container.children[start:]
        for child in children:
            kind = child.type
            if kind == "command_argument_sep":
                if ":" in self.source.text(child) and out and out[-1].type == "param":
                    colon_pending = True
                continue
            if kind in ("comment", "redirection", "redirections", "stop_parsing"):
                continue
            text = self.source.text(child)
            if kind in ("command_parameter", "generic_token"):
                parsed = lexical.parameter_name(text)
                if parsed is not None:
                    out.append(Element("param", parsed[0], child, colon=parsed[1]))
                    colon_pending = parsed[1]
                    continue
            if kind == "concatenated_command_argument" and child.named_child_count >= 2:
                head = child.named_children[0]
                parsed = lexical.parameter_name(self.source.text(head))
                if parsed is not None and parsed[1]:
                    out.append(
                        Element("param", parsed[0], head, colon=True, value=child.named_children[1])
                    )
                    colon_pending = False
                    continue
            inner = unwrap(child)
            if inner.type == "variable" and self.source.text(inner).startswith("@"):
                out.append(Element("splat", self.source.text(inner), inner))
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

    def _admin_signal(
        self,
        lowered: str,
        name: str,
        name_node: Node,
        parameters: tuple[str, ...],
        elements_node: Node | None,
    ) -> None:
        """Record why the file is run by hand: a prompt, an interactive sign-in, an
        enumeration of Automation accounts; not what a local-run branch or shim does."""
        if in_local_run_branch(name_node, self.source.text):
            return
        line = name_node.start_point[0] + 1
        if lowered in _ADMIN.sign_ins:
            if any(p.lower() in _ADMIN.non_interactive for p in parameters) or any(
                e.type == "splat" for e in self._elements(elements_node)
            ):
                return
            self.interactive.append(f"interactive {name} (line {line})")
        elif lowered in _ADMIN.enumerations:
            self.interactive.append(f"{name} enumerates Automation accounts (line {line})")
        else:
            self.interactive.append(f"{name} needs a console (line {line})")

    def _managed_name(self, command: Node) -> None:
        """The ``-Name`` of a command that creates or removes an asset (``New-Az…Variable
        -Name $runId``): a lookup of the same expression reads an asset the script manages
        itself, created and deleted at run time, not a design-time dependency."""
        elements = self.elements_of(command)
        for position, element in enumerate(elements):
            if element.type != "param" or element.text.lower() != "name":
                continue
            value = element.value
            if value is None and position + 1 < len(elements):
                value = elements[position + 1].node
            if value is not None:
                self.managed_names.add(self.source.text(value).strip().lower())  # type: ignore[arg-type]

    def mark_managed(self) -> None:
        """Tag the lookups whose dynamic name the script also creates or removes."""
        if not self.managed_names:
            return
        for index, ref in enumerate(self.facts.refs):
            name = ref.name
            if name is None or name.expression is None or name.resolved is not None:
                continue
            if name.expression.lower() in self.managed_names:
                self.facts.refs[index] = replace(ref, name=replace(name, origin="managed"))

    def elements_of(self, command: Node) -> list[Element]:
        """The arguments of any command, tokenised as for the known cmdlets."""
        return self._elements(command.child_by_field_name("command_elements"))

    def _splat_elements(self, splat: Element, scope: Scope) -> list[Element] | None:
        """Parameters from ``@name`` when ``$name`` is one hashtable literal in scope."""
        value = self._single_hash(variable_key(splat.text)[1], scope)
        return self._hash_elements(value) if value is not None else None

    def _single_hash(self, name: str, scope: Scope) -> Node | None:
        """The hashtable literal ``$name`` holds, when its only definition is one."""
        found = self.scopes.defining(name, scope)
        if found is None:
            return None
        definitions = found[1]
        if len(definitions) != 1 or definitions[0].value is None:
            return None
        return hash_literal(definitions[0].value)

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
            key_text = key[0] if key else self.source.text(key_node)
            elements.append(Element("param", key_text, key_node, colon=True, value=value))
        return elements

    def name_value(self, node: Node | None, scope: Scope) -> NameValue | None:
        if node is None:
            return None
        literal = self.resolver.literal(node)
        if literal is not None:
            return NameValue(literal[0], None, None, literal[1])
        expression = self.source.text(node).strip()
        resolved = self.resolver.resolve(node, scope)
        origin = self._origin(node, scope)
        inner = unwrap(node)
        variable = inner.type == "variable" and not self.source.text(inner).startswith("@")
        return NameValue(None, expression, resolved, self.source.span(node), origin, variable)

    def _origin(self, node: Node, scope: Scope) -> str | None:
        """Where an unresolved dynamic name comes from (NameValue.origin)."""
        if _RANDOM.search(self.source.text(node)):
            return "random"
        variable = base_variable(unwrap(node))
        if variable is None:
            return None
        qualifier, name = variable_key(self.source.text(variable))
        if name in ("_", "psitem"):
            return "enumeration" if self._piped_from_enumeration(variable) else "loop"
        if name in AUTOMATIC_VARIABLES or qualifier in ("env", "function", "alias", "variable"):
            return None
        start = scope.outside_inlinescript() if qualifier == "using" else scope
        if qualifier in ("script", "global"):
            start = scope.root()
        found = self.scopes.defining(name, start)
        if found is None:
            return "unassigned"
        owner, definitions = found
        if any(d.kind == "parameter" for d in definitions):
            return "function-parameter" if owner.kind == "function" else "parameter"
        if all(
            d.kind == "assignment"
            and d.value is not None
            and _RANDOM.search(self.source.text(d.value))
            for d in definitions
        ):
            return "random"  # $name = 'Test' + (Get-Random)
        loops = [d.node for d in definitions if d.node.type == "foreach_statement"]
        if loops:
            return "enumeration" if self._loops_over_enumeration(loops[0]) else "loop"
        return None

    def _loops_over_enumeration(self, loop: Node) -> bool:
        """``foreach ($c in Get-AzAutomationCredential …)``, also through a variable
        assigned once (``$creds = Get-AzAutomationCredential …; foreach ($c in $creds)``)."""
        collection = self.source.text(loop).split("{", 1)[0]
        if _ENUMERATION.search(collection):
            return True
        source = next(
            (c for c in loop.named_children if c.type not in ("variable", "comment")), None
        )
        variable = unwrap(source) if source is not None else None
        if variable is None or variable.type != "variable":
            return False
        found = self.scopes.defining(
            variable_key(self.source.text(variable))[1], self.scopes.of(loop)
        )
        if found is None or len(found[1]) != 1 or found[1][0].value is None:
            return False
        return bool(_ENUMERATION.search(self.source.text(found[1][0].value)))

    def _piped_from_enumeration(self, variable: Node) -> bool:
        """``Get-AzAutomationVariable … | ForEach-Object { … $_.Name … }``."""
        current: Node | None = variable.parent
        while current is not None and current.type != "script_block_expression":
            current = current.parent
        while current is not None and current.type != "command":
            current = current.parent
        if current is None or current.parent is None:
            return False
        upstream = self.source.text_between(current.parent.start_byte, current.start_byte)
        return bool(_ENUMERATION.search(upstream))

    def tags(self, scope: Scope, *extra: str) -> frozenset[str]:
        tags = set(extra)
        if scope.within("workflow"):
            tags.add("workflow")
        if scope.within("inlinescript"):
            tags.add("inlinescript")
        return frozenset(tags)

    def command(self, command: Node) -> None:
        name_node = command_name(command)
        if name_node is None:
            return
        raw_name = self.source.text(name_node)
        elements_node = command.child_by_field_name("command_elements")
        quoted = lexical.quoted_literal(raw_name)
        if quoted:
            name = quoted[0]
        elif len(raw_name) > 1 and raw_name[0] in lexical.QUOTES and raw_name[-1] in lexical.QUOTES:
            name = raw_name[1:-1]
        else:
            name = raw_name
        lowered = name.lower()
        spec = CMDLETS.get(lowered)
        if spec is None and "\\" in lowered and not lowered.endswith(".ps1"):
            # Module-qualified: Orchestrator.AssetManagement.Cmdlets\Get-AutomationVariable
            spec = CMDLETS.get(lowered.rsplit("\\", 1)[1])
        if spec is not None and lowered not in self.local_commands:
            scope = self.scopes.of(command)
            self._cmdlet(spec, raw_name, name_node, command, self._elements(elements_node), scope)
            return
        # Ordinary commands are the vast majority: record them without binding arguments
        # or working out scopes.
        parameters = self._parameter_names(elements_node)
        self.facts.commands.append(CommandUse(name, parameters, self.source.span(name_node)))
        if lowered in _ADMIN.signals:
            self._admin_signal(lowered, name, name_node, parameters, elements_node)
        if lowered in self.local_commands:
            self.local_calls.setdefault(lowered, []).append(command)
        elif _LIFECYCLE.match(lowered):
            self._managed_name(command)
        if self._inline_child(raw_name, name, name_node, command):
            return
        if elements_node is not None and self._starts_with_equals(elements_node):
            self._dsc_property_value(elements_node, self.scopes.of(command))
            return
        if (
            self.workflow_ranges
            and name_node.type == "command_name"
            and lowered not in self.local_commands
            and _BARE_NAME.fullmatch(name)
            and self._inside(command, self.workflow_ranges)
            and not self._inside(command, self.inlinescript_ranges)
        ):
            self.facts.candidate_calls.append(
                RunbookCall(
                    raw_name,
                    "bare",
                    NameValue(name, None, None, self.source.span(name_node)),
                    self.source.span(name_node),
                    tags=frozenset({"workflow", "scriptblock"})
                    if self._in_script_block_argument(command)
                    else frozenset({"workflow"}),
                )
            )

    @staticmethod
    def _in_script_block_argument(command: Node) -> bool:
        """Inside a ``{ … }`` handed to a command (``Invoke-Command -ScriptBlock``,
        ``ForEach-Object``): PowerShell script run by an activity, not workflow code that
        binds its inline children when the workflow is published."""
        node = command.parent
        while node is not None and node.type != "function_statement":
            if node.type == "script_block_expression":
                return True
            node = node.parent
        return False

    @staticmethod
    def _inside(node: Node, ranges: list[tuple[int, int]]) -> bool:
        start = node.start_byte
        return any(low <= start < high for low, high in ranges)

    def _parameter_names(self, elements_node: Node | None) -> tuple[str, ...]:
        if elements_node is None:
            return ()
        return tuple(self._parameters_by_elements.get(elements_node.id, ()))

    def index_parameters(self, parameters: list[Node]) -> None:
        """Parameter names per command, from one query capture instead of a walk per
        command (typographic dashes are already ASCII in the parsed text)."""
        data = self.source.data
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
                and (self.source.data[child.start_byte] == 0x3D)
            )
        return False

    def _dsc_property_value(self, elements_node: Node | None, scope: Scope) -> None:
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
                text = self.source.text(child)
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
        scope = self.scopes.of(command)
        stem = match.group(1)
        if "$" in stem:
            child = NameValue(None, raw_name, None, self.source.span(name_node))
        else:
            child = NameValue(stem, None, None, self.source.span(name_node))
        self.facts.calls.append(
            RunbookCall(
                raw_name, "inline", child, self.source.span(name_node), tags=self.tags(scope)
            )
        )
        return True

    def _cmdlet(
        self,
        spec: CmdletSpec,
        raw_name: str,
        name_node: Node,
        command: Node,
        elements: list[Element],
        scope: Scope,
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
        span = self.source.span_between(name_node, last)
        self.facts.commands.append(
            CommandUse(
                raw_name,
                tuple(e.text for e in elements if e.type == "param"),
                span,
            )
        )
        if spec.role == "create":
            self._runbook_definition(binding, raw_name, span, scope)
            return
        tags = [
            t
            for t, on in (("positional", positional), ("whatif", "WhatIf" in binding.switches))
            if on
        ]
        name: NameValue | None
        if value_node is not None:
            name = self.name_value(value_node, scope)  # type: ignore[arg-type]
        elif unresolved_splat:
            splat = binding.splats[0]
            name = NameValue(None, splat.text, None, self.source.span(splat.node))  # type: ignore[attr-defined]
        else:
            name = None
        if spec.role == "start":
            if name is None:
                return
            self.facts.calls.append(
                RunbookCall(raw_name, "job", name, span, tags=self.tags(scope, *tags))
            )
            return
        if name is None:
            if spec.operation != "management":
                return
            tags.append("enumeration")
        if value_node is not None and name is not None and name.dynamic:
            self.name_nodes[len(self.facts.refs)] = value_node  # type: ignore[assignment]
        self.ref_of_command[command.id] = len(self.facts.refs)
        self.scope_of_ref[len(self.facts.refs)] = scope
        self.command_nodes[command.id] = command
        self.facts.refs.append(
            AssetRef(
                spec.kind,  # type: ignore[arg-type]
                spec.operation,  # type: ignore[arg-type]
                raw_name,
                name,
                span,
                tags=self.tags(scope, *tags),
                account=self._account(spec, binding, scope),
                command=self._shape(name_node, command, elements, binding)
                if spec.operation == "management" and end is None
                else None,
            )
        )

    def _shape(
        self, name_node: Node, command: Node, elements: list[Element], binding: Binding
    ) -> CommandShape | None:
        """The call's parts as written, when the frontend understood every one of them:
        a bare command name, each argument bound to a known parameter, no splat, and
        nothing between the arguments (comments, redirections) that a rewrite could lose."""
        if name_node.type != "command_name" or binding.splats:
            return None
        if self.source.text(name_node)[:1] in lexical.QUOTES:
            return None
        elements_node = command.child_by_field_name("command_elements")
        if elements_node is not None and any(
            child.type in _NOT_PLAIN
            or (
                child.type == "command_argument_sep"
                and any(part.type == "comment" for part in child.children)
            )
            for child in elements_node.children
        ):
            return None
        arguments: list[Argument] = []
        for parameter, first, last, positional in binding.parts:
            if parameter is None:
                return None
            start = elements[first]
            end_element = elements[last]
            end_node = end_element.value if end_element.value is not None else end_element.node
            has_value = last > first or start.value is not None or positional
            value_node = end_node if has_value else None
            arguments.append(
                Argument(
                    parameter,
                    self.source.span_between(start.node, end_node),  # type: ignore[arg-type]
                    positional,
                    self._value_kind(value_node) if value_node is not None else None,  # type: ignore[arg-type]
                    parameter in _COMMON,
                )
            )
        return CommandShape(self.source.span(name_node), tuple(arguments))

    def _value_kind(self, node: Node) -> str:
        if self.resolver.literal(node) is not None:
            return "literal"
        inner = unwrap(node)
        if inner.type == "variable" and not self.source.text(inner).startswith("@"):
            return "variable"
        return "expression"

    def _account(self, spec: CmdletSpec, binding: Binding, scope: Scope) -> NameValue | None:
        """The account a management cmdlet reads from (``-AutomationAccountName``)."""
        if spec.account_param is None:
            return None
        value, _ = binding.get(spec.account_param)
        return self.name_value(value, scope) if value is not None else None  # type: ignore[arg-type]

    def _runbook_definition(
        self, binding: Binding, raw_name: str, span: Span, scope: Scope
    ) -> None:
        """``Import-AzAutomationRunbook`` and friends: the runbook the file creates, named
        by ``-Name`` or, for an import without it, after the ``-Path`` file's stem."""
        value, _ = binding.get("Name")
        name = self.name_value(value, scope) if value is not None else None  # type: ignore[arg-type]
        if name is None:
            path, _ = binding.get("Path")
            if path is None:
                return
            expression = self.source.text(path).strip()  # type: ignore[arg-type]
            stem = self._runbook_file_stem(path, scope)  # type: ignore[arg-type]
            name = NameValue(None, expression, stem, self.source.span(path))  # type: ignore[arg-type]
        self.facts.runbook_definitions.append(RunbookDefinition(raw_name, name, span))

    def _runbook_file_stem(self, node: Node, scope: Scope, depth: int = 0) -> str | None:
        """The stem of the runbook file a path names, when the file name is constant: the
        whole path resolves, the variables of a string are only its folder
        (``"$env:TEMP\\Child.ps1"``), or ``Join-Path``'s child path is constant; through
        a variable assigned once."""
        constant = self.resolver.resolve(node, scope)
        if constant is not None:
            match = _RUNBOOK_FILE.search(constant)
            return match.group(1) if match else None
        inner = unwrap(node)
        if inner.type == "string_literal" and inner.named_child_count == 1:
            inner = inner.named_children[0]
        if inner.type == "expandable_string_literal" and inner.named_child_count:
            tail = self.source.text_between(inner.named_children[-1].end_byte, inner.end_byte)
            match = _RUNBOOK_FILE_TAIL.search(tail[:-1])
            return match.group(1) if match else None
        if inner.type == "command" and depth < 3:
            name_node = command_name(inner)
            if name_node is None or self.source.text(name_node).lower() != "join-path":
                return None
            elements = self._elements(inner.child_by_field_name("command_elements"))
            binding = bind(JOIN_PATH, elements)
            child, _ = binding.get("AdditionalChildPath")
            if child is None:
                child, _ = binding.get("ChildPath")
            if child is None:
                return None
            leaf = self.resolver.resolve(child, scope)  # type: ignore[arg-type]
            match = _RUNBOOK_FILE.search(leaf) if leaf is not None else None
            return match.group(1) if match else None
        if inner.type == "variable" and depth < 3:
            found = self.scopes.defining(variable_key(self.source.text(inner))[1], scope)
            if found is None or len(found[1]) != 1 or found[1][0].kind != "assignment":
                return None
            value = found[1][0].value
            return self._runbook_file_stem(value, found[0], depth + 1) if value else None
        return None

    def _connection_definition(
        self, binding: Binding, name_node: Node, command: Node, scope: Scope, end: Node | None
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
                self.name_value(name_value, scope) if name_value is not None else None,  # type: ignore[arg-type]
                type_name,
                fields,
                self.source.span_between(name_node, end if end is not None else command),
            )
        )

    def _hash_keys(self, node: Node, scope: Scope) -> tuple[str, ...] | None:
        """Keys of a hashtable literal, given directly or through one assignment."""
        inner: Node | None = unwrap(node)
        if inner is not None and inner.type == "variable":
            inner = self._single_hash(variable_key(self.source.text(inner))[1], scope)
        if inner is None or inner.type != "hash_literal_expression":
            return None
        return tuple(element.text for element in self._hash_elements(inner))
