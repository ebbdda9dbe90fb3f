"""What the file is as an Automation object: script, workflow, DSC configuration.

Automation decides the runbook type from the first statement (a ``workflow`` or a
``Configuration`` block makes the file a workflow or DSC configuration); the runbook's
parameters are those of that block, or of the script when it is a plain script. The
functions, workflows and configurations the file defines are collected too: a bare
command naming one of them is a local call, never a child runbook nor a cmdlet.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analyzer.frontends.powershell.nodes import (
    command_name,
    in_local_run_branch,
    is_workflow,
    unwrap,
)
from analyzer.model.facts import Declaration, Parameter
from analyzer.model.span import Span

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.resolution import Resolver
    from analyzer.frontends.powershell.scopes import Scopes
    from analyzer.frontends.powershell.text import ParsedText

_REQUIRES_ADMINISTRATOR = re.compile(r"(?im)^[ \t]*#requires\b[^\n]*-RunAsAdministrator\b")
_SKIPPED_STATEMENTS = ("comment", "empty_statement", "requires_statement", "using_statement")


class Structure:
    def __init__(self, source: ParsedText, scopes: Scopes, resolver: Resolver, root: Node) -> None:
        self.source = source
        self.scopes = scopes
        self.resolver = resolver
        self.root = root
        self.local_commands: set[str] = set()
        self.declarations: list[Declaration] = []
        self.kind = "powershell"
        #: The node whose parameters are the runbook's (the first statement's block).
        self._runbook_node: Node | None = None

    def read(self, functions: list[Node], commands: list[Node]) -> None:
        for function in functions:
            name_node = next((c for c in function.children if c.type == "function_name"), None)
            if name_node is None:
                continue
            if in_local_run_branch(function, self.source.text):
                # A shim defined only where the cmdlet is missing (a local run): in the
                # job the real cmdlet runs, so the name stays the cmdlet's.
                continue
            name = self.source.text(name_node)
            self.local_commands.add(name.lower())
            if is_workflow(function):
                self.declarations.append(Declaration("workflow", name, self.source.span(name_node)))
        for command in commands:
            declared = self._configuration(command)
            if declared is None:
                continue
            first, _ = declared
            name = self.source.text(first)
            self.local_commands.add(name.lower())
            self.declarations.append(Declaration("configuration", name, self.source.span(first)))
        self.declarations.sort(key=lambda d: d.span or Span(0, 0, 0, 0))
        self._read_kind()

    def _configuration(self, command: Node) -> tuple[Node, Node] | None:
        """(name token, body) of ``Configuration Name { … }``."""
        name_node = command_name(command)
        if name_node is None or self.source.text(name_node).lower() != "configuration":
            return None
        elements = command.child_by_field_name("command_elements")
        if elements is None:
            return None
        first = next((c for c in elements.named_children if c.type != "command_argument_sep"), None)
        body = next(
            (
                unwrap(c)
                for c in elements.named_children
                if unwrap(c).type == "script_block_expression"
            ),
            None,
        )
        if body is None:
            body = self._body_on_next_line(command)
        if first is None or first.type != "generic_token" or body is None:
            return None
        return first, body

    @staticmethod
    def _body_on_next_line(command: Node) -> Node | None:
        """``Configuration Name`` + newline + ``{ … }``: the next statement's script block."""
        statement: Node | None = command.parent
        while statement is not None and statement.type == "pipeline_chain":
            statement = statement.parent
        following = statement.next_named_sibling if statement is not None else None
        while following is not None and following.type == "comment":  # trivia, as for PowerShell
            following = following.next_named_sibling
        while following is not None and following.type in (
            "pipeline",
            "pipeline_chain",
            "unary_expression",
        ):
            if following.named_child_count != 1:
                return None
            following = following.named_children[0]
        if following is not None and following.type == "script_block_expression":
            return following
        return None

    def _read_kind(self) -> None:
        statements = next((c for c in self.root.named_children if c.type == "statement_list"), None)
        if statements is None:
            return
        for statement in statements.named_children:
            if statement.type in _SKIPPED_STATEMENTS:
                continue
            if statement.type == "function_statement":
                if is_workflow(statement):
                    self.kind = "powershell-workflow"
                    self._runbook_node = statement
                return
            inner = unwrap(statement)
            if inner.type == "command":
                declared = self._configuration(inner)
                name = command_name(inner)
                if name is not None and self.source.text(name).lower() == "configuration":
                    self.kind = "dsc-configuration"
                    self._runbook_node = declared[1] if declared is not None else None
            return

    def parameters(self) -> tuple[Parameter, ...]:
        """Parameters of the runbook itself: the script's, or the workflow's/configuration's
        when the file is one."""
        if self.kind == "powershell":
            target = self.scopes.root()
        elif self._runbook_node is not None:
            found = self.scopes.of_definition_node(self._runbook_node)
            if found is None:
                return ()
            target = found
        else:
            return ()
        out: list[Parameter] = []
        for name, definition in self.scopes.parameters_of(target):
            default = None
            if definition.value is not None:
                literal = self.resolver.literal(definition.value)
                default = literal[0] if literal else self.source.text(definition.value)
            out.append(Parameter(name, default, definition.mandatory))
        return tuple(out)

    @staticmethod
    def requires_administrator(text: str) -> tuple[str, ...]:
        """``#Requires -RunAsAdministrator``: a job never runs elevated on a sandbox."""
        match = _REQUIRES_ADMINISTRATOR.search(text)
        if match is None:
            return ()
        line = text.count("\n", 0, match.start()) + 1
        return (f"#Requires -RunAsAdministrator (line {line})",)
