"""Small facts about tree-sitter-pwsh nodes that every part of the frontend needs.

The grammar wraps most expressions in chains of single-child nodes; these helpers see
through them so the other modules can ask "is this a variable?" or "which command is
this?" without knowing the grammar's layering.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

#: Nodes that only wrap a single meaningful child.
WRAPPERS = frozenset(
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

_SCOPED_VARIABLE = re.compile(r"^(?:(\w+):)?(.*)$")


def unwrap(node: Node) -> Node:
    """Descend through wrapper nodes that have exactly one named child."""
    while node.type in WRAPPERS and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def hash_literal(node: Node) -> Node | None:
    """A hashtable literal, also behind a cast such as ``[ordered]@{ … }``."""
    inner = unwrap(node)
    if inner.type == "cast_expression" and inner.named_child_count:
        inner = unwrap(inner.named_children[-1])
    return inner if inner.type == "hash_literal_expression" else None


def swallowed_variable(element: Node) -> Node | None:
    """``[string] $B`` or ``$B`` as an element of a misparsed parameter default."""
    inner = unwrap(element)
    if inner.type == "cast_expression" and inner.named_child_count:
        inner = unwrap(inner.named_children[-1])
    if inner.type == "variable" and inner.text is not None and inner.text.startswith(b"$"):
        return inner
    return None


def variable_key(text: str) -> tuple[str, str]:
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


def command_name(command: Node) -> Node | None:
    """The node holding a command's name (``Get-X``, ``& $x``, ``.\\Child.ps1``)."""
    name = command.child_by_field_name("command_name")
    if name is not None:
        return name
    for child in command.children:
        if child.type == "command_name":
            return child
        if child.type == "command_name_expr":
            return child.named_children[0] if child.named_child_count else child
    return None


def assignment_target(left: Node) -> Node | None:
    """The variable of ``$x = …`` / ``[string]$x = …``; None for ``$a.b = …`` and the like."""
    target = unwrap(left.named_children[0]) if left.named_child_count == 1 else left
    if target.type == "cast_expression":
        inner = target.named_children[-1] if target.named_child_count else target
        target = unwrap(inner)
    return target if target.type == "variable" else None


def is_workflow(function: Node) -> bool:
    return bool(function.child_count) and function.children[0].type == "workflow"


def variables_in(node: Node) -> list[Node]:
    """Every variable node below ``node`` (only used on small assignment targets)."""
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "variable":
            found.append(current)
        else:
            stack.extend(current.named_children)
    return found


def statement_command(statement: Node | None) -> Node | None:
    """The command a statement consists of (``pipeline`` → ``pipeline_chain`` → command)."""
    node = statement
    while (
        node is not None
        and node.type in ("pipeline", "pipeline_chain")
        and node.named_child_count == 1
    ):
        node = node.named_children[0]
    return node if node is not None and node.type == "command" else None


def detached_body_of(block: Node) -> Node | None:
    """The ``Configuration Name`` command a script block belongs to when its ``{`` is on
    the next line (PowerShell allows that; the grammar makes two statements of it)."""
    statement: Node | None = block.parent
    while statement is not None and statement.type in ("unary_expression", "pipeline_chain"):
        statement = statement.parent
    if statement is None or statement.type != "pipeline":
        return None
    return statement_command(statement.prev_named_sibling)


#: A condition that tells a local run from a job: code under it is for one or the other.
_LOCAL_RUN_TEST = re.compile(r"(?i)get-command|\$psprivatemetadata|automation_asset_accountid")


def in_local_run_branch(node: Node, text_of: Callable[[Node], str]) -> bool:
    """True when ``node`` sits in an ``if`` whose condition tests whether the script runs
    in Azure Automation (``if (-not (Get-Command Get-AutomationVariable …))``,
    ``if ($PSPrivateMetadata.JobId)``): a local-development shim or sign-in, not what the
    job does."""
    current = node.parent
    while current is not None:
        if current.type in ("if_statement", "elseif_clause"):
            condition = current.child_by_field_name("condition")
            if condition is not None and _LOCAL_RUN_TEST.search(text_of(condition)):
                return True
        current = current.parent
    return False
