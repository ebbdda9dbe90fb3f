"""Small helpers the built-in rules share (not a rule module: the loader skips ``_*``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.inventory.model import Inventory, fold
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.model.span import LogicalLocation, Span

if TYPE_CHECKING:
    from analyzer.model.facts import AssetRef, FileFacts
    from analyzer.workspace.workspace import Workspace

#: Where file-level findings point: the start of the file (as ruff does for E902).
FILE_START = Span(1, 1, 1, 1)
#: Longest message a rule prints (the rule goldens check it): a reviewer reads it as one
#: line of a CI log, so candidates and detail beyond it go into help and related notes.
MAX_MESSAGE = 160


def fitted(message: str, *tails: str) -> str:
    """``message`` with as many of the optional ``tails`` as fit in MAX_MESSAGE, in order:
    a suggestion that would make the line too long is left to the help line."""
    for tail in tails:
        if len(message) + len(tail) > MAX_MESSAGE:
            break
        message += tail
    return message


def name_span(ref: AssetRef) -> Span | None:
    """Where a lookup's caret goes: under the name when it has a span, else the call."""
    return (ref.name.span if ref.name is not None else None) or ref.span


def related_place(
    path: str, span: Span | None, logical: LogicalLocation | None, message: str
) -> Related:
    """A related location; a graphical activity has no line, so the note names it."""
    if span is None and logical is not None:
        message += f' (activity "{logical.activity}")'
    return Related(path, span, message)


def lookups_by_asset(
    workspace: Workspace,
) -> Iterator[tuple[FileFacts, str | None, list[tuple[AssetRef, str]]]]:
    """(file, account, [(ref, name)]) per file and asset: the dependencies with a known
    name grouped by kind and case-folded name, first lookup first, so that a rule
    reports one finding per asset and file with the other lookups as related places."""
    groups: dict[tuple[str, str, str], list[tuple[AssetRef, str]]] = {}
    files: dict[str, tuple[FileFacts, str | None]] = {}
    for file, ref, name, account in lookup_references(workspace):
        files.setdefault(file.path, (file, account))
        groups.setdefault((file.path, ref.kind, fold(name)), []).append((ref, name))
    for (path, _kind, _name), refs in groups.items():
        file, account = files[path]
        yield file, account, sorted(refs, key=lambda item: _position(item[0]))


def _position(ref: AssetRef) -> tuple[int, int]:
    span = name_span(ref)
    return (span.line, span.column) if span is not None else (0, 0)


def suggested_names(inventory: Inventory, kind: str, name: str, account: str | None) -> list[str]:
    """The declared names RB102 offers for a name the inventory lacks (RB203 says the
    same of the declaration, so that the two never advise against each other)."""
    return closest(name, inventory.names(kind, account))


def callee_span(
    span: Span | None, callee: str, logical: LogicalLocation | None = None
) -> Span | None:
    """The span of the command name alone, for carets under the cmdlet; a graphical
    activity (``logical``) has no text to cut, so its span stays as it is."""
    if span is None or logical is not None:
        return span
    return Span(span.line, span.column, span.line, span.column + len(callee))


def closest(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Candidate names that look like ``name`` (case-insensitive), best first."""
    pool = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(name.lower(), list(pool), n=limit, cutoff=0.8)
    return [pool[m] for m in matches]


def quoted_list(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def declaration_span(line: int | None) -> Span | None:
    """Findings on an inventory declaration point at the start of its line."""
    return Span(line, 1, line, 1) if line else None


def sources_text(paths: Iterable[str], limit: int = 3) -> str:
    """``a.json, b.tf and 2 more`` for messages that name what was checked."""
    unique = sorted(set(paths))
    shown = ", ".join(unique[:limit])
    if len(unique) > limit:
        shown += f" and {len(unique) - limit} more"
    return shown


def lookup_references(
    workspace: Workspace,
) -> Iterator[tuple[FileFacts, AssetRef, str, str | None]]:
    """(file, ref, effective name, account) for every dependency with a known name."""
    for file, ref in workspace.references():
        if ref.name is None:
            continue
        name = ref.name.effective
        if name is None:
            continue
        yield file, ref, name, workspace.account_of(file)


def run_as_asset(ref: AssetRef) -> str | None:
    """The Run As asset a lookup reads (its name as the platform spells it), or None.

    Run As was a connection and a certificate (``AzureRunAsConnection``,
    ``AzureRunAsCertificate`` and the classic pair); a credential or variable of such a
    name is the user's own asset. ``-WhatIf`` probes and enumerations read nothing.
    """
    if ref.name is None or "whatif" in ref.tags:
        return None
    name = ref.name.effective
    if name is None:
        return None
    data = platform()["run-as"]
    names = {"connection": data["connections"], "certificate": data["certificates"]}
    for known in names.get(ref.kind, ()):
        if known.lower() == name.lower():
            return known
    return None


class ProblemRule(Rule):
    """A rule that reports the problems frontends and inventory loaders recorded under
    its code (RB901, RB902, RB904, RB906, RB907): the finding is the problem, as recorded,
    at its span or at its logical location (a graphical activity), else at the file start."""

    inventory_help: ClassVar[str] = "fix the file; the kinds it declares count as not covered"

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterator[Diagnostic]:
        for problem in file.problems:
            if problem.code == self.code:
                span = problem.span or (None if problem.logical else FILE_START)
                yield self.diagnostic(
                    file.path, span, problem.message, help=problem.help, logical=problem.logical
                )

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterator[Diagnostic]:
        if workspace.inventory is None:
            return
        for problem in workspace.inventory.problems:
            if problem.code == self.code:
                yield self.diagnostic(
                    problem.path,
                    declaration_span(problem.line) or FILE_START,
                    problem.message,
                    help=self.inventory_help,
                )
