"""PowerShell frontend: scripts, workflows, DSC configurations and modules → facts.

One parse and one query per file. The query collects the few node kinds that matter
(commands, functions, assignments, parameters, loops, errors); everything else is
reached from those nodes through short parent or child hops, never by walking the whole
tree in Python.

The package follows the seams of the work:

- :mod:`.text` — what the parser reads (typographic quotes and dashes, misleading
  backticks normalised) and the way back to the original text;
- :mod:`.lexical` — PowerShell's quoting and escaping rules;
- :mod:`.scopes` — variable scopes and definitions, owned by one :class:`Scopes` object;
- :mod:`.resolution` — proving that a dynamic name is a constant;
- :mod:`.cmdlets` and :mod:`.commands` — the cmdlets we know, parameter binding, and
  the facts each command yields;
- :mod:`.wrappers` — lookups in wrapper functions, resolved at the calls;
- :mod:`.uses` — how lookup results are used (members read, discarded, tested, passed);
- :mod:`.structure` — what the file is (script, workflow, configuration) and its
  parameters;
- :mod:`.problems` and :mod:`.recovery` — RB901 we can vouch for, and lookups found in
  regions the parser could not structure.
"""

from __future__ import annotations

from dataclasses import replace

from analyzer.frontends.powershell.commands import Commands
from analyzer.frontends.powershell.problems import syntax_problems
from analyzer.frontends.powershell.recovery import fallback_lookups
from analyzer.frontends.powershell.resolution import Resolver
from analyzer.frontends.powershell.scopes import Scopes
from analyzer.frontends.powershell.structure import Structure
from analyzer.frontends.powershell.text import ParsedText, normalise
from analyzer.frontends.powershell.uses import ACCESS_PATTERNS, ResultUses
from analyzer.frontends.powershell.wrappers import copy_field_reads, resolve_through_functions
from analyzer.frontends.suppressions import COMMENT_QUERY, MARKER, read_suppressions
from analyzer.frontends.treesitter import captures, parser
from analyzer.model.facts import FieldUse, FileFacts, Runbook

_QUERY = (
    """
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
    + ACCESS_PATTERNS
)


def extract(path: str, text: str) -> FileFacts:
    """Facts of one PowerShell file (``text`` already decoded, BOM removed)."""
    normalized = normalise(text)
    source = ParsedText(text, normalized)
    tree = parser("powershell").parse(source.data)
    root = tree.root_node
    facts = FileFacts(path=path, runbook=None, text=text)
    scopes = Scopes(source, root)
    resolver = Resolver(source, scopes)

    found = captures("powershell", _QUERY, root)
    functions = found.get("function", [])
    command_nodes = sorted(found.get("command", []), key=lambda n: n.start_byte)
    structure = Structure(source, scopes, resolver, root)
    structure.read(functions, command_nodes)

    for node in found.get("parameter", []):
        scopes.add_parameter(node)
    for node in found.get("assignment", []):
        scopes.add_assignment(node)
    for node in found.get("foreach", []):
        scopes.add_loop_variable(node)

    commands = Commands(source, scopes, resolver, facts, structure.local_commands)
    commands.workflow_ranges = [
        (f.start_byte, f.end_byte)
        for f in functions
        if f.child_count and f.children[0].type == "workflow"
    ]
    commands.inlinescript_ranges = [
        (n.start_byte, n.end_byte) for n in found.get("inlinescript", [])
    ]
    commands.index_parameters(found.get("command_parameter", []))
    for node in command_nodes:
        commands.command(node)

    commands.mark_managed()
    at_calls = resolve_through_functions(commands, scopes, facts)
    ResultUses(source, scopes, resolver, commands, facts).run(found)
    copy_field_reads(facts, at_calls)

    if MARKER in source.data:
        comments = captures("powershell", COMMENT_QUERY, root).get("comment", [])
        facts.suppressions = read_suppressions(source.data, root, comments, source.index)
    errors = found.get("error", [])
    facts.problems.extend(
        syntax_problems(text, normalized, source, errors, found.get("missing", []))
    )
    if errors:
        fallback_lookups(source, root, errors, facts, resolver, structure.local_commands)
    facts.runbook = Runbook(
        name="",
        kind=structure.kind,
        language="powershell",
        declarations=tuple(structure.declarations),
        parameters=structure.parameters(),
        local_commands=frozenset(structure.local_commands),
        interactive=(*structure.requires_administrator(text), *commands.interactive),
    )
    _sort_facts(facts)
    return facts


def _sort_facts(facts: FileFacts) -> None:
    """Facts in source order, so output never depends on query capture order."""

    def key(item: object) -> tuple[int, int]:
        span = getattr(item, "span", None)
        return (span.line, span.column) if span is not None else (0, 0)

    order = sorted(range(len(facts.refs)), key=lambda i: key(facts.refs[i]))
    remap = {old: new for new, old in enumerate(order)}
    facts.refs = [
        facts.refs[i]
        if facts.refs[i].name_from is None
        else replace(facts.refs[i], name_from=remap[facts.refs[i].name_from])
        for i in order
    ]
    facts.field_uses = sorted(
        (FieldUse(remap[f.ref], f.field, f.span, f.logical) for f in facts.field_uses),
        key=key,
    )
    facts.result_uses = sorted(
        (replace(use, ref=remap[use.ref]) for use in facts.result_uses), key=key
    )
    facts.calls.sort(key=key)
    facts.candidate_calls.sort(key=key)
    facts.commands.sort(key=key)
    facts.problems.sort(key=key)
