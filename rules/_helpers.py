"""Small helpers the built-in rules share (not a rule module: the loader skips ``_*``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar

from analyzer.data import platform
from analyzer.engine.rule import Rule, RuleContext
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.span import Span

if TYPE_CHECKING:
    from analyzer.model.facts import AssetRef, FileFacts
    from analyzer.workspace.workspace import Workspace

#: Where file-level findings point: the start of the file (as ruff does for E902).
FILE_START = Span(1, 1, 1, 1)


def callee_span(span: Span | None, callee: str) -> Span | None:
    """The span of the command name alone, for carets under the cmdlet."""
    if span is None:
        return None
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
