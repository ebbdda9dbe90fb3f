"""``--add-ignores``: an inline suppression for every current finding, so a team can adopt
the tool on a repository and see only new findings from then on.

The comment is the one syntax both languages share (DESIGN §6)::

    $c = Get-AzAutomationConnection -Name $n  # runbook-analyzer: ignore[RB101]

Where it goes, per finding line:

1. into a suppression that already covers the line (its rule list grows);
2. at the end of the line, two blanks after the code, when the end of the line is code
   (:mod:`analyzer.frontends.comment_sites` decides: not in a string or here-string,
   not after a line continuation, not inside a comment);
3. on a new line above it with the same indentation, when that is safe; for a line in the
   middle of a backtick-continued command, above the command's first line (a comment
   there covers the whole command);
4. nowhere: the finding is reported with its place, and ``--baseline`` is the way out.

Graphical runbooks and inventory files have no comments for a finding to sit in; their
findings are counted as skipped and named with the alternatives (per-file ignores in the
configuration, or a baseline).

Before a file is written, its new text is analysed again and every comment written must
be read back by the frontend as a suppression covering its findings (the one reading of
suppressions, in :mod:`analyzer.frontends.suppressions`); a placement that is not is
withdrawn and reported, and a file that would parse worse than before is left alone.
So a second run adds nothing: the findings are suppressed. Writing goes through
:mod:`analyzer.engine.source_edit`: encoding, BOM and line endings are kept, the write
is atomic, and a file changed since the analysis is not touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from analyzer.engine.filters import selector_matches
from analyzer.engine.source_edit import (
    EditError,
    SourceText,
    TextEdit,
    reanalysed,
    write_atomic,
)
from analyzer.model.diagnostic import Diagnostic
from analyzer.reporters.common import plural

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.frontends.comment_sites import CommentSites
    from analyzer.model.facts import FileFacts, Suppression

DIRECTIVE = "# runbook-analyzer: ignore[{codes}]"
#: The findings that an inline suppression is the wrong answer to.
_NOT_SUPPRESSED = {"RB905": "remove or correct the suppression it reports instead"}
_BRACKET = re.compile(r"\[[^\]\n]*\]")
_INDENT = re.compile(r"[ \t]*")


@dataclass
class AddIgnoresOutcome:
    #: Rule codes written into comments (a comment naming two rules counts two).
    added: int = 0
    files: int = 0
    #: Findings left without a suppression (each named in ``problems``).
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    #: Something went wrong beyond a finding that had no safe place: a file could not be
    #: read or written, or changed since the analysis.
    failed: bool = False

    def summary(self) -> str:
        """One line, e.g. ``Added 4 suppressions in 2 files``."""
        if self.added:
            line = f"Added {plural(self.added, 'suppression')} in {plural(self.files, 'file')}"
        else:
            line = "Added no suppressions"
        if self.skipped:
            line += f"; {plural(self.skipped, 'finding')} not suppressed (see above)"
        return line


@dataclass
class _Placement:
    kind: Literal["merge", "end", "above"]
    #: merge: the suppression's line; end: the finding line; above: the line it goes above.
    line: int
    findings: list[Diagnostic] = field(default_factory=list)
    suppression: Suppression | None = None
    #: For a comment at the end of a line: the line above to use instead when the
    #: comment there turns out to change how the file is read, or not to cover.
    fallback: _Placement | None = None

    def codes(self) -> list[str]:
        written = {s.upper() for s in self.suppression.selectors} if self.suppression else set()
        return sorted({d.code for d in self.findings} - written)


def add_ignores(result: AnalysisResult, diagnostics: Iterable[Diagnostic]) -> AddIgnoresOutcome:
    outcome = AddIgnoresOutcome()
    files = {file.path: file for file in result.files}
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        reason = _NOT_SUPPRESSED.get(diagnostic.code)
        if reason is not None:
            outcome.skipped += 1
            outcome.problems.append(
                f"{_where(diagnostic)}: {diagnostic.code} is not suppressed inline: {reason}"
            )
            continue
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    for path in sorted(by_path):
        findings = by_path[path]
        facts = files.get(path)
        why_not = _no_comments(path, facts)
        if why_not is not None:
            outcome.skipped += len(findings)
            outcome.problems.append(
                f"{path or 'the workspace'}: {plural(len(findings), 'finding')} not suppressed: "
                f"{why_not}; add a per-file-ignores entry to the configuration or use --baseline"
            )
            continue
        assert facts is not None and facts.runbook is not None
        _one_file(facts, findings, outcome)
    return outcome


def _no_comments(path: str, facts: FileFacts | None) -> str | None:
    """Why the findings of ``path`` cannot get inline suppressions, or None."""
    if not path:
        return "these findings belong to no file"
    if facts is None:
        return "an inventory file has no place for inline suppressions"
    if facts.runbook is None:
        return "the file could not be read as source text"
    if facts.runbook.language == "graphical":
        return "a graphical runbook has no comments to hold a suppression"
    return None


def _one_file(facts: FileFacts, findings: list[Diagnostic], outcome: AddIgnoresOutcome) -> None:
    from analyzer.frontends.comment_sites import comment_sites

    assert facts.runbook is not None
    try:
        source = SourceText.read(facts.path, facts.text)
    except EditError as exc:
        outcome.problems.append(str(exc))
        outcome.skipped += len(findings)
        outcome.failed = True
        return
    sites = comment_sites(facts.text, facts.runbook.language)
    placements: dict[tuple[str, int, int], _Placement] = {}
    for finding in findings:
        placement = _place(finding, facts, source, sites)
        if isinstance(placement, str):
            outcome.skipped += 1
            outcome.problems.append(
                f"{_where(finding)}: no safe place for `{DIRECTIVE.format(codes=finding.code)}`"
                f" ({placement}); use --baseline, or a file-ignore comment, for this finding"
            )
            continue
        key = (placement.kind, placement.line, id(placement.suppression))
        placements.setdefault(key, placement).findings.append(finding)
    chosen = [p for p in placements.values() if p.codes()]
    data = source.data
    while chosen:
        try:
            after, data = source.apply([_edit(source, p) for p in chosen])
        except EditError as exc:
            outcome.problems.append(str(exc))
            outcome.skipped += sum(len(p.findings) for p in chosen)
            outcome.failed = True
            return
        new = reanalysed(facts.path, after)
        if new is None or _reading(new) != _reading(facts):
            # Some comment changes how the file is read: find which, move or drop it.
            culprits = [p for p in chosen if _changes_reading(facts, source, p)] or chosen
            chosen = _withdraw(chosen, culprits, outcome, "would change how the file is read")
            continue
        uncovered = _uncovered(new, chosen)
        if not uncovered:
            break
        chosen = _withdraw(chosen, uncovered, outcome, "would not be read as covering it")
    if not chosen:
        return
    try:
        write_atomic(facts.path, data, source.data)
    except EditError as exc:
        outcome.problems.append(str(exc))
        outcome.skipped += sum(len(p.findings) for p in chosen)
        outcome.failed = True
        return
    outcome.files += 1
    outcome.added += sum(len(p.codes()) for p in chosen)


def _where(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    if span is None or diagnostic.logical is not None:
        return diagnostic.path or "runbook-analyzer"
    return f"{diagnostic.path}:{span.line}"


def _place(
    finding: Diagnostic, facts: FileFacts, source: SourceText, sites: CommentSites
) -> _Placement | str:
    """Where the finding's suppression goes, or why it cannot go anywhere."""
    span = finding.span
    if span is None or finding.logical is not None or not 1 <= span.line <= source.line_count:
        return "the finding has no line"
    line = span.line
    covering = [
        s
        for s in facts.suppressions
        if s.lines is not None
        and s.problem is None
        and s.selectors
        and s.lines[0] <= line <= s.lines[1]
    ]
    if covering:  # the one on the finding's own line first, else the closest above
        best = max(covering, key=lambda s: (s.span.line == line, s.span.line))
        return _Placement("merge", best.span.line, suppression=best)
    start = line
    while start > 1 and sites.continues(start - 1):
        start -= 1
    blocked = sites.above_blocked(start)
    above = _Placement("above", start) if blocked is None else None
    if sites.at_end(line):
        return _Placement("end", line, fallback=above)
    if above is not None:
        return above
    where = "its line" if start == line else f"line {start} (where its command starts)"
    return f"the end of the line: {sites.end_blocked(line)}; above {where}: {blocked}"


def _edit(source: SourceText, placement: _Placement) -> TextEdit:
    codes = ",".join(placement.codes())
    if placement.kind == "merge":
        suppression = placement.suppression
        assert suppression is not None
        span = suppression.span
        text = source.line(span.line)
        match = _BRACKET.search(text, span.column - 1)
        if match is None:
            raise EditError(f"{source.path}:{span.line}: the suppression has no rule list")
        return source.insertion(span.line, match.end(), f",{codes}")
    if placement.kind == "end":
        end = len(source.line(placement.line)) + 1
        return source.insertion(placement.line, end, "  " + DIRECTIVE.format(codes=codes))
    indent = _INDENT.match(source.line(placement.line))
    prefix = indent.group(0) if indent else ""
    return source.insertion(placement.line, 1, f"{prefix}{DIRECTIVE.format(codes=codes)}\n")


def _withdraw(
    chosen: list[_Placement],
    withdrawn: list[_Placement],
    outcome: AddIgnoresOutcome,
    why: str,
) -> list[_Placement]:
    """``chosen`` without ``withdrawn``: a comment at the end of a line moves to its own
    line above when it may; any other is given up and its findings reported."""
    gone = {id(p) for p in withdrawn}
    kept = [p for p in chosen if id(p) not in gone]
    for placement in withdrawn:
        fallback = placement.fallback
        if fallback is not None:
            target = next((p for p in kept if p.kind == "above" and p.line == fallback.line), None)
            if target is None:
                kept.append(fallback)
                target = fallback
            target.findings.extend(placement.findings)
            continue
        for finding in placement.findings:
            outcome.problems.append(
                f"{_where(finding)}: a suppression of {finding.code} there {why}; "
                "use --baseline for this finding"
            )
        outcome.skipped += len(placement.findings)
    return kept


def _changes_reading(facts: FileFacts, source: SourceText, placement: _Placement) -> bool:
    after, _ = source.apply([_edit(source, placement)])
    new = reanalysed(facts.path, after)
    return new is None or _reading(new) != _reading(facts)


def _reading(facts: FileFacts) -> tuple[object, ...]:
    """What the analysis makes of a file, without positions: a comment must not change
    it (a comment that ended a statement or split a declaration from its body would)."""
    runbook = facts.runbook
    return (
        (runbook.kind, tuple((d.keyword, d.name) for d in runbook.declarations))
        if runbook is not None
        else None,
        tuple(
            (
                ref.kind,
                ref.operation,
                ref.callee,
                (ref.name.literal, ref.name.expression, ref.name.resolved) if ref.name else None,
                tuple(sorted(ref.tags)),
            )
            for ref in facts.refs
        ),
        tuple((c.callee, c.form, c.child.literal, c.child.expression) for c in facts.calls),
        tuple(command.name for command in facts.commands),
        tuple(sorted(problem.code for problem in facts.problems)),
    )


def _uncovered(new: FileFacts, placements: list[_Placement]) -> list[_Placement]:
    """The placements whose findings the new text does not suppress, read back as the
    analysis reads suppressions."""
    inserted = sorted(p.line for p in placements if p.kind == "above")
    uncovered = []
    for placement in placements:
        for finding in placement.findings:
            assert finding.span is not None
            line = finding.span.line + sum(1 for row in inserted if row <= finding.span.line)
            if not any(_covers(s, finding, line) for s in new.suppressions):
                uncovered.append(placement)
                break
    return uncovered


def _covers(suppression: Suppression, finding: Diagnostic, line: int) -> bool:
    return (
        suppression.problem is None
        and suppression.lines is not None
        and suppression.lines[0] <= line <= suppression.lines[1]
        and any(selector_matches(finding.code, finding.name, s) for s in suppression.selectors)
    )
