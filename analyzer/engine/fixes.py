"""``--fix``, ``--unsafe-fixes`` and ``--diff``: the fixes rules attach to findings, planned
per file and applied together.

A plan is made from the findings of one analysis. Only fixes of the allowed
applicability count (``safe``; ``unsafe`` too when asked). In each file the fixes are
taken in report order; one whose edits conflict with an earlier fix's is left for the
next run and reported, since a fix is only correct on the text it was computed from.
Nothing is written until :meth:`FixPlan.write`, and :mod:`analyzer.engine.source_edit`
keeps its promises: the file must still be the text analysed, bytes outside the edits
stay as they are, the result parses no worse than the original, the write is atomic.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analyzer.engine.source_edit import (
    EditError,
    SourceText,
    TextEdit,
    parse_errors,
    reanalysed,
    write_atomic,
)
from analyzer.model.diagnostic import Diagnostic
from analyzer.reporters.common import plural

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult


@dataclass(frozen=True)
class FileChange:
    """One file's fixes: the bytes read and the bytes to write, and the findings fixed."""

    path: str
    original: bytes
    new: bytes
    before: str
    after: str
    fixed: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class WriteOutcome:
    #: Findings whose fix was written.
    fixed: int
    problems: list[str] = field(default_factory=list)


@dataclass
class FixPlan:
    changes: list[FileChange]
    problems: list[str]
    #: Findings with an unsafe fix that was not taken (``--unsafe-fixes`` would).
    withheld: int = 0

    @property
    def fixes(self) -> int:
        return sum(len(change.fixed) for change in self.changes)

    def diff(self) -> str:
        """A unified diff of every file, ``--- a/path`` / ``+++ b/path`` as git prints it."""
        return "".join(_diff(change) for change in self.changes)

    def summary(self) -> str:
        """One line for the user, e.g. ``Would fix 3 findings in 2 files (1 more with
        --unsafe-fixes)``."""
        more = f" ({self.withheld} more with --unsafe-fixes)" if self.withheld else ""
        if not self.changes:
            hint = f" ({self.withheld} with --unsafe-fixes)" if self.withheld else ""
            return f"No fixes available{hint}"
        return (
            f"Would fix {plural(self.fixes, 'finding')} in "
            f"{plural(len(self.changes), 'file')}{more}"
        )

    def write(self) -> WriteOutcome:
        """Write every changed file atomically; a file that changed on disk since it was
        read, or that cannot be written, is left as it is and reported."""
        fixed = 0
        problems: list[str] = []
        for change in self.changes:
            try:
                write_atomic(change.path, change.new, change.original)
            except EditError as exc:
                problems.append(str(exc))
                continue
            fixed += len(change.fixed)
        return WriteOutcome(fixed, problems)


def plan_fixes(
    result: AnalysisResult, diagnostics: Iterable[Diagnostic], *, unsafe: bool
) -> FixPlan:
    """The fixes of ``diagnostics`` that may be applied, file by file."""
    allowed = {"safe", "unsafe"} if unsafe else {"safe"}
    by_path: dict[str, list[Diagnostic]] = {}
    withheld = 0
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        fix = diagnostic.fix
        if fix is None or not fix.edits:
            continue
        if fix.applicability not in allowed:
            withheld += 1
            continue
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    texts = {file.path: file for file in result.files}
    changes: list[FileChange] = []
    problems: list[str] = []
    for path in sorted(by_path):
        facts = texts.get(path)
        if facts is None or facts.runbook is None or facts.runbook.language == "graphical":
            problems.append(f"{path}: fixes are applied to runbook source text only; skipped")
            continue
        try:
            source = SourceText.read(path, facts.text)
        except EditError as exc:
            problems.append(str(exc))
            continue
        change = _plan_file(source, by_path[path], parse_errors(facts), problems)
        if change is not None:
            changes.append(change)
    return FixPlan(changes, problems, withheld)


def _plan_file(
    source: SourceText, diagnostics: list[Diagnostic], errors: int, problems: list[str]
) -> FileChange | None:
    taken: list[tuple[Diagnostic, list[TextEdit]]] = []
    for diagnostic in diagnostics:
        assert diagnostic.fix is not None
        try:
            edits = [source.resolve(edit.span, edit.text) for edit in diagnostic.fix.edits]
        except EditError as exc:
            problems.append(f"{_where(diagnostic)}: {diagnostic.code} fix skipped: {exc}")
            continue
        if any(a.conflicts(b) for i, a in enumerate(edits) for b in edits[i + 1 :]):
            problems.append(
                f"{_where(diagnostic)}: {diagnostic.code} fix skipped: its edits overlap"
            )
            continue
        clash = next(
            (
                earlier
                for earlier, earlier_edits in taken
                if any(a.conflicts(b) for a in edits for b in earlier_edits)
            ),
            None,
        )
        if clash is not None:
            problems.append(
                f"{_where(diagnostic)}: {diagnostic.code} fix skipped: it overlaps the "
                f"{clash.code} fix at line {clash.span.line if clash.span else '?'}; "
                "run again to apply it"
            )
            continue
        taken.append((diagnostic, edits))
    if not taken:
        return None
    try:
        after, new = source.apply([edit for _, edits in taken for edit in edits])
    except EditError as exc:
        problems.append(str(exc))
        return None
    if new == source.data:
        return None
    checked = reanalysed(source.path, after)
    if checked is None or parse_errors(checked) > errors:
        problems.append(
            f"{source.path}: the fixes would leave a syntax error; nothing was written to it "
            "(please report this)"
        )
        return None
    return FileChange(
        source.path,
        source.data,
        new,
        source.text,
        after,
        tuple(diagnostic for diagnostic, _ in taken),
    )


def _where(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    return f"{diagnostic.path}:{span.line}" if span is not None else diagnostic.path


def _lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only, each keeping its ending (``\\r\\n`` stays whole);
    ``str.splitlines`` would also split on form feeds and U+2028."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _diff(change: FileChange) -> str:
    name = change.path.lstrip("/") if change.path.startswith("/") else change.path
    out: list[str] = []
    for line in difflib.unified_diff(
        _lines(change.before), _lines(change.after), f"a/{name}", f"b/{name}"
    ):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
