"""Lookups in reusable wrapper functions, resolved at the calls.

Real runbooks wrap a lookup in a function (``function Connect-Ops([string]$Name) {
$c = Get-AutomationConnection -Name $Name … }``) and call it with literals. The name is a
function parameter, so the lookup alone is dynamic, and the obvious fix (hard-code the
name in the function) would break the wrapper. When the file calls the function, every
call is a lookup of its own: the argument it passes (or the parameter's default) is the
name, located at the call. The lookup in the function is kept, tagged
``resolved-at-calls``; the calls carry ``through-function`` and get the wrapper's
connection field reads, so the fields are checked against every connection named.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from analyzer.frontends.powershell.cmdlets import CmdletSpec, ParamSpec, bind
from analyzer.frontends.powershell.nodes import command_name, variable_key
from analyzer.model.facts import AssetRef, NameValue

if TYPE_CHECKING:
    from tree_sitter import Node

    from analyzer.frontends.powershell.commands import Commands
    from analyzer.frontends.powershell.scopes import Scope, Scopes
    from analyzer.model.facts import FileFacts


def resolve_through_functions(
    commands: Commands, scopes: Scopes, facts: FileFacts
) -> dict[int, list[int]]:
    """Add the per-call lookups; returns wrapper lookup index → the indexes of its calls."""
    at_calls: dict[int, list[int]] = {}
    for index, ref in enumerate(list(facts.refs)):
        name = ref.name
        if name is None or name.origin != "function-parameter" or name.expression is None:
            continue
        scope = commands.scope_of_ref.get(index)
        text = name.expression
        if scope is None or not text.startswith("$") or not text[1:].replace("_", "a").isalnum():
            continue  # only a bare `$Parameter`: `"$Prefix-x"` or `$p.Name` stay dynamic
        found = scopes.defining(variable_key(text)[1], scope)
        if found is None or found[0].kind != "function" or found[0].name is None:
            continue
        function = found[0]
        calls = [
            call
            for call in commands.local_calls.get(function.name.lower(), [])
            if not _inside(call, function)
        ]
        if not calls:
            continue
        through = [
            _at_call(commands, scopes, ref, function, variable_key(text)[1], c) for c in calls
        ]
        if any(r is None for r in through):
            # A call we cannot bind (a splat): the lookup stays, and since calls exist,
            # "no call in this file passes it" would be false.
            facts.refs[index] = replace(ref, name=replace(name, origin=None))
            continue
        facts.refs[index] = replace(ref, tags=ref.tags | {"resolved-at-calls"})
        at_calls[index] = list(range(len(facts.refs), len(facts.refs) + len(through)))
        facts.refs.extend(r for r in through if r is not None)
    return at_calls


def copy_field_reads(facts: FileFacts, at_calls: dict[int, list[int]]) -> None:
    """A connection field the wrapper reads is read from every connection its calls name,
    so RB106 checks it against each of them (at the read, inside the wrapper)."""
    if not at_calls:
        return
    copies = [
        replace(use, ref=call) for use in facts.field_uses for call in at_calls.get(use.ref, ())
    ]
    facts.field_uses.extend(copies)


def _inside(call: Node, function: Scope) -> bool:
    node = function.node
    return node is not None and node.start_byte <= call.start_byte < node.end_byte


def _at_call(
    commands: Commands,
    scopes: Scopes,
    ref: AssetRef,
    function: Scope,
    parameter: str,
    call: Node,
) -> AssetRef | None:
    """The lookup ``call`` makes: the argument bound to ``parameter``, or its default."""
    declared = scopes.parameters_of(function)
    spec = CmdletSpec(
        function.name or "",
        "function",
        None,
        None,
        tuple(ParamSpec(p, position=i) for i, (p, _) in enumerate(declared)),
    )
    elements = commands.elements_of(call)
    if any(e.type == "splat" for e in elements):
        return None
    binding = bind(spec, elements)
    value, _ = binding.get(parameter)
    name_node = command_name(call)
    span = commands.source.span(name_node) if name_node is not None else commands.source.span(call)
    call_scope = scopes.of(call)
    if value is not None:
        name = commands.name_value(value, call_scope)  # type: ignore[arg-type]
    else:
        default = next((d.value for p, d in declared if p == parameter), None)
        if default is None:
            return None
        literal = commands.resolver.literal(default)
        if literal is None:
            return None
        name = NameValue(literal[0], None, None, span)
    if name is None:
        return None
    return AssetRef(
        ref.kind,
        ref.operation,
        ref.callee,
        name,
        span,
        tags=commands.tags(call_scope, "through-function"),
        account=ref.account,
    )
