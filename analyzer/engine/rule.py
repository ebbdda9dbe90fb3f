"""The rule base class.

A rule is one file under ``rules/``: a subclass of :class:`Rule` whose class attributes
are its metadata and whose docstring is its documentation (summary line, then the
sections What it does / Why is this bad? / Example / Use instead / Fix safety /
References). Rules read facts and the workspace only, never syntax trees, and keep no
state between calls so files can be checked in any order.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from analyzer.model.diagnostic import Diagnostic, Fix, Related, Severity
from analyzer.model.span import LogicalLocation, Span

if TYPE_CHECKING:
    import networkx

    from analyzer.model.facts import FileFacts
    from analyzer.workspace.workspace import Workspace


@dataclass(frozen=True)
class RuleContext:
    """What a rule may consult besides the facts."""

    workspace: Workspace
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def graph(self) -> networkx.DiGraph:
        """The workspace's dependency graph, built once however many rules ask for it;
        ``analyzer.graph.queries`` answers the questions rules ask of it."""
        return self.workspace.graph


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = "warning"
    #: ``file`` rules see one file at a time; ``workspace`` rules see everything at once.
    scope: ClassVar[str] = "file"
    #: Languages the rule applies to (empty: all).
    languages: ClassVar[tuple[str, ...]] = ()
    tags: ClassVar[tuple[str, ...]] = ()
    since: ClassVar[str] = "0.1.0"
    #: ``none``, ``safe``, ``unsafe`` or ``display-only``.
    fix: ClassVar[str] = "none"
    #: Why the docstring examples cannot be run (e.g. binary input); the rule then has
    #: dedicated fixture tests instead.
    examples_not_runnable: ClassVar[str | None] = None

    # --------------------------------------------------------------- metadata
    @classmethod
    def summary(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return doc.strip().splitlines()[0].rstrip(".") if doc.strip() else cls.name

    @classmethod
    def documentation(cls) -> str:
        return inspect.getdoc(cls) or ""

    # ------------------------------------------------------------------ checks
    def applies_to(self, file: FileFacts) -> bool:
        if not self.languages:
            return True
        return file.runbook is not None and file.runbook.language in self.languages

    def check_file(self, file: FileFacts, context: RuleContext) -> Iterable[Diagnostic]:
        return ()

    def check_workspace(self, workspace: Workspace, context: RuleContext) -> Iterable[Diagnostic]:
        return ()

    # ----------------------------------------------------------------- helpers
    def diagnostic(
        self,
        path: str,
        span: Span | None,
        message: str,
        *,
        help: str | None = None,
        logical: LogicalLocation | None = None,
        related: tuple[Related, ...] = (),
        severity: Severity | None = None,
        fix: Fix | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            path=path,
            span=span,
            logical=logical,
            help=help,
            related=related,
            fix=fix,
        )
