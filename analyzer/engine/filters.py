"""The filter stage: what happens to findings between the rules and the reporters.

Rules report everything they find; what a user asked to see is decided here, once, so
the CLI and (later) the language server agree. A stage keeps, rewrites or hides
findings and says what it hid, so the summary can be honest about it ("3 findings below
error not shown") and the exit code is computed from exactly what is shown.

Stages run in a fixed order. What the repository says about itself comes first and is
applied inside :func:`analyzer.api.check_files`, since every consumer of a result wants it:
inline suppressions (which report RB905 for comments that hide nothing), severity
overrides, per-file ignores. What one run asks for comes next and is applied by the CLI
(and the language server) through :func:`for_report`: the baseline (RB905 for stale
entries), ``--changed-since``, the severity threshold.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from analyzer.model.diagnostic import SEVERITY_RANK, Diagnostic

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.config import Config
    from analyzer.engine.baseline import Baseline
    from analyzer.engine.changes import ChangedFiles
    from analyzer.engine.rule import Rule
    from analyzer.model.facts import FileFacts

#: A stage's work: the findings it keeps (possibly rewritten) and those it hides.
Apply = Callable[[list[Diagnostic]], tuple[list[Diagnostic], list[Diagnostic]]]


@dataclass(frozen=True)
class Stage:
    """One step of the filter stage."""

    name: str
    #: How the summary names what this stage hid: "below error", "ignored in config".
    hidden_as: str
    apply: Apply


@dataclass(frozen=True)
class Filtered:
    shown: list[Diagnostic]
    #: (stage, findings it hid), in stage order; stages that hid nothing are left out.
    hidden: tuple[tuple[Stage, tuple[Diagnostic, ...]], ...] = ()

    def hidden_counts(self) -> list[tuple[str, int]]:
        """(what was hidden, how many) for the summary line."""
        return [(stage.hidden_as, len(found)) for stage, found in self.hidden]


def selector_matches(code: str, name: str, selector: str) -> bool:
    """Whether a rule selector (``ALL``, a code, a code prefix or a rule name) covers a
    rule; the one reading of selectors for ``--select``, ``--ignore`` and the config."""
    key = selector.strip()
    if key.upper() == "ALL":
        return True
    return code.startswith(key.upper()) or name == key.lower()


def run(diagnostics: Iterable[Diagnostic], stages: Iterable[Stage]) -> Filtered:
    """Apply ``stages`` in order; the result keeps the input order of what is shown."""
    shown = list(diagnostics)
    hidden: list[tuple[Stage, tuple[Diagnostic, ...]]] = []
    for stage in stages:
        shown, dropped = stage.apply(shown)
        if dropped:
            hidden.append((stage, tuple(dropped)))
    return Filtered(shown, tuple(hidden))


# ------------------------------------------------------------------- the stages
def per_file_ignores(patterns: Mapping[str, tuple[str, ...]]) -> Stage | None:
    """Hide the findings of the selected rules in files matching a glob (config
    ``per-file-ignores``); a glob matches the reported path or the file name."""
    if not patterns:
        return None
    items = tuple(patterns.items())

    def ignored(diagnostic: Diagnostic) -> bool:
        if not diagnostic.path:
            return False
        name = PurePosixPath(diagnostic.path).name
        return any(
            (fnmatch.fnmatchcase(diagnostic.path, pattern) or fnmatch.fnmatchcase(name, pattern))
            and any(selector_matches(diagnostic.code, diagnostic.name, s) for s in selectors)
            for pattern, selectors in items
        )

    def apply(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
        kept = [d for d in diagnostics if not ignored(d)]
        return kept, [d for d in diagnostics if ignored(d)]

    return Stage("per-file-ignores", "ignored by per-file-ignores", apply)


def severity_overrides(overrides: Mapping[str, str]) -> Stage | None:
    """Replace a rule's default severity (config ``severity``, by code or name)."""
    if not overrides:
        return None

    def level(diagnostic: Diagnostic) -> str | None:
        for selector, value in overrides.items():
            key = selector.strip()
            if key.upper() == diagnostic.code or key.lower() == diagnostic.name:
                return value
        return None

    def apply(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
        out = []
        for diagnostic in diagnostics:
            new = level(diagnostic)
            if new is not None and new != diagnostic.severity:
                diagnostic = replace(diagnostic, severity=new)  # type: ignore[arg-type]
            out.append(diagnostic)
        return out, []

    return Stage("severity", "re-rated", apply)


def min_severity(threshold: str | None) -> Stage | None:
    """Show only findings at or above ``threshold`` (``--min-severity``/``--severity``)."""
    if threshold is None or threshold == "info":
        return None
    rank = SEVERITY_RANK[threshold]

    def apply(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
        kept = [d for d in diagnostics if SEVERITY_RANK[d.severity] >= rank]
        return kept, [d for d in diagnostics if SEVERITY_RANK[d.severity] < rank]

    return Stage("min-severity", f"below {threshold}", apply)


def _present(*stages: Stage | None) -> list[Stage]:
    return [s for s in stages if s is not None]


def configured(
    config: Config,
    files: Iterable[FileFacts] = (),
    ran: Sequence[type[Rule]] = (),
    known: Sequence[type[Rule]] = (),
) -> list[Stage]:
    """The stages every consumer of an analysis applies (run inside ``check_files``): what
    the repository itself says, in its comments and its configuration.

    Inline suppressions come first so that they are judged (RB905) on every finding the
    rules made, before a per-file ignore hides some of them.
    """
    from analyzer.engine.suppressions import inline_suppressions

    return _present(
        inline_suppressions(files, ran, known),
        severity_overrides(config.severity),
        per_file_ignores(config.per_file_ignores),
    )


def for_report(
    config: Config,
    result: AnalysisResult,
    *,
    baseline: Baseline | None = None,
    changed: ChangedFiles | None = None,
) -> list[Stage]:
    """The stages that decide what a report shows (the CLI applies them): the baseline,
    ``--changed-since`` and the severity threshold, in that order."""
    baseline_stage = None
    if baseline is not None:
        from analyzer.engine.baseline import baseline_stage as make_baseline_stage

        baseline_stage = make_baseline_stage(baseline, result)
    return _present(
        baseline_stage,
        changed_only(changed),
        min_severity(config.min_severity),
    )


def changed_only(changed: ChangedFiles | None) -> Stage | None:
    """Keep findings in changed files (``--changed-since``), or whose related places are
    in one (a cycle or a missing child that a changed file is part of)."""
    if changed is None:
        return None

    def touched(diagnostic: Diagnostic) -> bool:
        if not diagnostic.path:
            return True  # run-level findings (an internal error) are always shown
        return changed.contains(diagnostic.path) or any(
            changed.contains(r.path) for r in diagnostic.related if r.path
        )

    def apply(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
        kept = [d for d in diagnostics if touched(d)]
        return kept, [d for d in diagnostics if not touched(d)]

    return Stage("changed-since", f"in files unchanged since {changed.ref}", apply)
