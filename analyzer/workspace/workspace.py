"""The workspace joins every file's facts: runbook names, child-call resolution, the graph.

Runbook names are file stems and compare case-insensitively, as Automation does. A bare
command inside a workflow is a child-runbook call only when a runbook of that name exists
in the scanned tree; that can only be decided here, once every file is known.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from analyzer.model.facts import AssetRef, FileFacts, RunbookCall

if TYPE_CHECKING:
    import networkx

    from analyzer.inventory.model import Inventory


@dataclass(frozen=True, slots=True)
class ResolvedCall:
    """A child-runbook call with its target looked up in the workspace."""

    file: FileFacts
    call: RunbookCall
    #: Files whose runbook the call starts (empty when missing or dynamic).
    targets: tuple[FileFacts, ...]


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

    # ------------------------------------------------------------------- calls
    def _resolve_calls(self, file: FileFacts) -> list[ResolvedCall]:
        resolved: list[ResolvedCall] = []
        for call in file.calls:
            name = call.child.effective
            targets = tuple(self.find_runbook(name)) if name else ()
            resolved.append(ResolvedCall(file, call, targets))
        own = file.runbook.name.lower() if file.runbook else ""
        local = file.runbook.local_commands if file.runbook else frozenset()
        for candidate in file.candidate_calls:
            name = candidate.child.literal or ""
            key = name.lower()
            if not key or key == own or key in local:
                continue
            targets = tuple(self.find_runbook(name))
            if targets or self.runbook_declared(name, self.account_of(file)):
                resolved.append(ResolvedCall(file, candidate, targets))
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
        """Asset lookups that are dependencies: not enumerations, not ``-WhatIf`` probes."""
        for file in self.files:
            for ref in file.refs:
                if ref.name is None or "whatif" in ref.tags:
                    continue
                yield file, ref

    # ------------------------------------------------------------------- graph
    @cached_property
    def graph(self) -> networkx.DiGraph:
        from analyzer.workspace.graph import build_graph

        return build_graph(self)
