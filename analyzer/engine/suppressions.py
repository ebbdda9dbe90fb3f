"""The inline-suppression stage: hide what ``# runbook-analyzer: ignore[…]`` comments
name, and report (RB905) the comments that hide nothing or are not valid directives.

The frontends found the comments (``FileFacts.suppressions``); this stage only matches.
It runs before severity overrides and per-file ignores, so a suppression that also sits
under a per-file ignore still counts as used, and only for rules that ran: with
``--select RB103`` a suppression of RB101 is neither used nor unused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from analyzer.engine.filters import Stage, selector_matches
from analyzer.model.diagnostic import Diagnostic

if TYPE_CHECKING:
    from analyzer.engine.rule import Rule
    from analyzer.model.facts import FileFacts, Suppression

CODE = "RB905"
NAME = "unused-suppression"
_HELP = "remove the comment, or correct the rule it names"


def inline_suppressions(
    files: Iterable[FileFacts], ran: Sequence[type[Rule]], known: Sequence[type[Rule]]
) -> Stage | None:
    """The stage for these files; ``ran`` are the rules that ran, ``known`` all rules."""
    by_path = {f.path: f.suppressions for f in files if f.suppressions}
    if not by_path:
        return None
    report = any(rule.code == CODE for rule in ran)
    severity = next((r.severity for r in known if r.code == CODE), "warning")

    def apply(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
        used: set[tuple[str, int, str]] = set()
        kept: list[Diagnostic] = []
        hidden: list[Diagnostic] = []
        for diagnostic in diagnostics:
            if _suppressed(diagnostic, by_path.get(diagnostic.path, ()), used):
                hidden.append(diagnostic)
            else:
                kept.append(diagnostic)
        if report:
            for path, suppressions in by_path.items():
                found = _unused(path, suppressions, used, ran, known, severity, diagnostics)
                for finding in found:
                    # ``file-ignore[RB905]`` and ``ignore[RB905]`` apply to these too.
                    if _suppressed(finding, suppressions, used):
                        hidden.append(finding)
                    else:
                        kept.append(finding)
        return kept, hidden

    return Stage("suppressions", "suppressed inline", apply)


def _covers(suppression: Suppression, line: int | None) -> bool:
    if suppression.lines is None:
        return True
    return line is not None and suppression.lines[0] <= line <= suppression.lines[1]


def _suppressed(
    diagnostic: Diagnostic,
    suppressions: Iterable[Suppression],
    used: set[tuple[str, int, str]],
) -> bool:
    line = diagnostic.span.line if diagnostic.span is not None else None
    hit = False
    for index, suppression in enumerate(suppressions):
        if suppression.problem is not None or not _covers(suppression, line):
            continue
        if diagnostic.code == CODE and diagnostic.span == suppression.span:
            continue  # a directive does not suppress the finding about itself
        if not suppression.selectors:
            used.add((diagnostic.path, index, ""))
            hit = True
            continue
        for selector in suppression.selectors:
            if selector_matches(diagnostic.code, diagnostic.name, selector):
                used.add((diagnostic.path, index, selector))
                hit = True
    return hit


def _unused(
    path: str,
    suppressions: Sequence[Suppression],
    used: set[tuple[str, int, str]],
    ran: Sequence[type[Rule]],
    known: Sequence[type[Rule]],
    severity: str,
    diagnostics: list[Diagnostic],
) -> Iterable[Diagnostic]:
    for index, suppression in enumerate(suppressions):
        where = "in this file" if suppression.file_level else _lines(suppression)
        if suppression.problem is not None:
            yield _finding(path, suppression, f"not a suppression: {suppression.problem}", severity)
            continue
        if not suppression.selectors:
            if (path, index, "") not in used:
                message = f"no finding {where} to suppress"
                yield _finding(path, suppression, message, severity)
            continue
        unused: list[str] = []
        for selector in suppression.selectors:
            if selector_matches(CODE, NAME, selector):
                continue  # RB905 selectors cover findings made right here; never "unused"
            if not any(selector_matches(r.code, r.name, selector) for r in known):
                yield _finding(
                    path,
                    suppression,
                    f"the suppression names no rule: {selector!r} "
                    "(`runbook-analyzer rules` lists codes and names)",
                    severity,
                )
                continue
            if not any(selector_matches(r.code, r.name, selector) for r in ran):
                continue  # the rule did not run: the suppression can't be judged
            if (path, index, selector) not in used:
                unused.append(selector)
        if unused:
            names = ", ".join(unused)
            message = f"no {names} finding {where} to suppress"
            primary = _reported_elsewhere(path, suppression, unused, diagnostics)
            if primary is not None:
                message += f" (it is reported at line {primary}; put the suppression there)"
            yield _finding(path, suppression, message, severity)


def _reported_elsewhere(
    path: str, suppression: Suppression, selectors: list[str], diagnostics: list[Diagnostic]
) -> int | None:
    """The line of a finding of these rules that lists a covered line as one of its
    other places (one cause, one finding): the suppression belongs on that line."""
    for diagnostic in diagnostics:
        if diagnostic.path != path or diagnostic.span is None:
            continue
        if not any(selector_matches(diagnostic.code, diagnostic.name, s) for s in selectors):
            continue
        for related in diagnostic.related:
            if related.path == path and related.span and _covers(suppression, related.span.line):
                return diagnostic.span.line
    return None


def _lines(suppression: Suppression) -> str:
    assert suppression.lines is not None
    first, last = suppression.lines
    if last > suppression.span.end_line:  # a comment line of its own: the code below it
        first = suppression.span.end_line + 1
    return f"on line {first}" if first == last else f"on lines {first}-{last}"


def _finding(path: str, suppression: Suppression, message: str, severity: str) -> Diagnostic:
    return Diagnostic(
        code=CODE,
        name=NAME,
        severity=severity,  # type: ignore[arg-type]
        message=message,
        path=path,
        span=suppression.span,
        help=_HELP,
    )
