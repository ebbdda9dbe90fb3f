"""The workspace joins every file's facts: runbook names, child-call resolution, the graph.

Runbook names are file stems and compare case-insensitively, as Automation does. A bare
command inside a workflow is a child-runbook call when a runbook of that name exists in
the scanned tree or the inventory, or is created by a scanned script; that can only be
decided here, once every file is known. A workflow runbook's bare command that names none
of those is kept as an *inferred* call only when it cannot be anything else
(:func:`bare_child_evidence`): then RB201 can report the commonest missing child, one the
workflow binds when it is published.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from analyzer.data import powershell_commands
from analyzer.model.facts import AssetRef, FileFacts, RunbookCall, RunbookDefinition

if TYPE_CHECKING:
    import networkx

    from analyzer.inventory.model import Inventory


#: Why a bare workflow command that names no known runbook is taken for a child call:
#: ``not-verb-noun`` (``childVmDelete``: no cmdlet has such a name) is strong evidence;
#: ``unapproved-verb`` (``Delete-OldSnapshots``: a module may still export it) and
#: ``lowercase-word`` (``vmcleanup``: also what an unlisted program looks like) are
#: likely only.
Inference = Literal["not-verb-noun", "unapproved-verb", "lowercase-word"]


def bare_child_evidence(name: str) -> Inference | None:
    """Why the bare command ``name`` in a workflow must be a child runbook, or None when
    it may be a cmdlet, a module function, a workflow activity, a keyword, an alias or a
    program (``powershell-commands.toml``). Names defined in the workspace are the
    caller's business."""
    commands = powershell_commands()
    if name.lower() in commands.known:
        return None
    verb, dash, noun = name.partition("-")
    if dash:
        if not verb or not noun or verb.lower() in commands.approved_verbs:
            return None
        return "unapproved-verb"
    if name.islower() or not any(c.islower() for c in name):
        return "lowercase-word"
    return "not-verb-noun"


@dataclass(frozen=True, slots=True)
class ResolvedCall:
    """A child-runbook call with its target looked up in the workspace."""

    file: FileFacts
    call: RunbookCall
    #: Files whose runbook the call starts (empty when missing or dynamic).
    targets: tuple[FileFacts, ...]
    #: Where scanned scripts create, import or publish the child (``runbook_definitions``).
    created: tuple[tuple[FileFacts, RunbookDefinition], ...] = ()
    #: Set for a bare workflow command kept only because it cannot be a cmdlet.
    inferred: Inference | None = None

    @property
    def strong(self) -> bool:
        """The call is written as one, or its name cannot be anything else."""
        return self.inferred is None or self.inferred == "not-verb-noun"


@dataclass
class Workspace:
    files: list[FileFacts]
    #: What exists in the Automation account(s); None when no inventory was given.
    inventory: Inventory | None = None
    #: (account name, runbook path globs) from the configuration, in order.
    accounts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    default_account: str | None = None
    _calls: dict[str, list[ResolvedCall]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.files = sorted(self.files, key=lambda f: f.path)
        for file in self.files:
            self._calls[file.path] = self._resolve_calls(file)

    # ---------------------------------------------------------------- accounts
    def account_of(self, file: FileFacts) -> str | None:
        """The Automation account a runbook deploys to (configuration ``accounts``)."""
        name = file.path.rsplit("/", 1)[-1]
        for account, patterns in self.accounts:
            for pattern in patterns:
                if fnmatch.fnmatchcase(file.path, pattern) or fnmatch.fnmatchcase(name, pattern):
                    return account
                if fnmatch.fnmatchcase(file.path, pattern.rstrip("/") + "/*"):
                    return account
        return self.default_account

    # ---------------------------------------------------------------- runbooks
    @cached_property
    def runbooks_by_name(self) -> dict[str, list[FileFacts]]:
        """Lower-cased runbook name → files defining it (a name can repeat across folders)."""
        index: dict[str, list[FileFacts]] = {}
        for file in self.files:
            if file.runbook is not None and file.runbook.is_runbook:
                index.setdefault(file.runbook.name.lower(), []).append(file)
        return index

    def runbook_files(self) -> Iterator[FileFacts]:
        for file in self.files:
            if file.runbook is not None and file.runbook.is_runbook:
                yield file

    def find_runbook(self, name: str) -> list[FileFacts]:
        return self.runbooks_by_name.get(name.lower(), [])

    def runbook_declared(self, name: str, account: str | None = None) -> bool:
        """A runbook of that name is declared in the inventory (not necessarily scanned)."""
        return bool(self.inventory is not None and self.inventory.lookup("runbook", name, account))

    @cached_property
    def _definitions(self) -> dict[str, list[tuple[FileFacts, RunbookDefinition]]]:
        index: dict[str, list[tuple[FileFacts, RunbookDefinition]]] = {}
        for file in self.files:
            for definition in file.runbook_definitions:
                name = definition.name.effective
                if name:
                    index.setdefault(name.lower(), []).append((file, definition))
        return index

    def runbook_created(self, name: str) -> tuple[tuple[FileFacts, RunbookDefinition], ...]:
        """Where scanned scripts create, import or publish a runbook of that name. Any
        account counts: a deployment script rarely lies in an account's runbook folder,
        and a missed finding costs less than a wrong one."""
        return tuple(self._definitions.get(name.lower(), ()))

    @cached_property
    def defined_commands(self) -> frozenset[str]:
        """Lower-cased functions, workflows and configurations any scanned file defines: a
        module's sources (``Public/*.ps1``, ``*.psm1``) export them to workflows."""
        names: set[str] = set()
        for file in self.files:
            if file.runbook is not None:
                names.update(file.runbook.local_commands)
        return frozenset(names)

    # ------------------------------------------------------------------- calls
    def _resolve_calls(self, file: FileFacts) -> list[ResolvedCall]:
        resolved: list[ResolvedCall] = []
        for call in file.calls:
            name = call.child.effective
            targets = tuple(self.find_runbook(name)) if name else ()
            created = self.runbook_created(name) if name and not targets else ()
            resolved.append(ResolvedCall(file, call, targets, created))
        runbook = file.runbook
        own = runbook.name.lower() if runbook else ""
        local = runbook.local_commands if runbook else frozenset()
        # Only a workflow runbook binds bare children at publish time; a workflow defined
        # in a script or module is compiled when it runs, and calls no runbook inline. In
        # a file PowerShell rejects (RB901), a command can be a fragment of broken syntax.
        infers = (
            runbook is not None
            and runbook.is_runbook
            and runbook.kind == "powershell-workflow"
            and not any(problem.code == "RB901" for problem in file.problems)
        )
        for candidate in file.candidate_calls:
            name = candidate.child.literal or ""
            key = name.lower()
            if not key or key == own or key in local:
                continue
            targets = tuple(self.find_runbook(name))
            created = self.runbook_created(name) if not targets else ()
            if targets or created or self.runbook_declared(name, self.account_of(file)):
                resolved.append(ResolvedCall(file, candidate, targets, created))
                continue
            if not infers or "scriptblock" in candidate.tags or key in self.defined_commands:
                continue
            inferred = bare_child_evidence(name)
            if inferred is not None:
                resolved.append(ResolvedCall(file, candidate, (), inferred=inferred))
        resolved.sort(
            key=lambda r: (r.call.span.line, r.call.span.column) if r.call.span else (0, 0)
        )
        return resolved

    def calls(self, file: FileFacts) -> list[ResolvedCall]:
        return self._calls.get(file.path, [])

    def all_calls(self) -> Iterator[ResolvedCall]:
        for file in self.files:
            yield from self._calls.get(file.path, [])

    # -------------------------------------------------------------- references
    def references(self) -> Iterator[tuple[FileFacts, AssetRef]]:
        """Asset lookups that are dependencies: not enumerations, not ``-WhatIf`` probes, not
        a wrapper function's lookup whose calls stand for it (``resolved-at-calls``)."""
        for file in self.files:
            for ref in file.refs:
                if ref.name is None or {"whatif", "resolved-at-calls"} & ref.tags:
                    continue
                yield file, ref

    # ------------------------------------------------------------------- graph
    @cached_property
    def graph(self) -> networkx.DiGraph:
        from analyzer.graph.build import build_graph

        return build_graph(self)
