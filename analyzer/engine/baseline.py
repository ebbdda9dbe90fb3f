"""The baseline: adopt the gate on a repository with known findings, and see new ones.

``--baseline FILE`` hides the findings the file records; ``--write-baseline`` records the
current ones; ``--prune-baseline`` drops the entries that no longer match. An entry is keyed
the way :mod:`analyzer.engine.fingerprints` identifies a finding (rule, path, the token under
the caret, the normalised source line), never by line number, so moving code does not
resurrect a known finding, while a new finding of the same rule in the same file is shown.
Equal keys are counted, as ESLint's suppressions file does.

Paths in the file are relative to the file's own folder, so the gate gives the same answer
from any working directory. Entries that match nothing (the finding was fixed, the file was
deleted) are RB905 findings at the entry's line: the debt must stay visible and shrink.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer.engine.fingerprints import FindingKey, SourceLines, key_of
from analyzer.model.diagnostic import Diagnostic
from analyzer.model.span import Span

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.engine.filters import Stage

FORMAT_VERSION = 1
_COMMENT = (
    "Known findings that `runbook-analyzer check --baseline` hides. Regenerate with "
    "--write-baseline; remove fixed ones with --prune-baseline. Keys have no line numbers."
)
_NOT_RECORDED = ("RB906",)  # an analyzer crash is never "known"


class BaselineError(Exception):
    """The baseline file cannot be read or written; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Entry:
    key: FindingKey
    count: int
    #: Line of the entry in the baseline file (None when the file was laid out by hand).
    line: int | None = None


@dataclass
class Baseline:
    path: Path
    entries: list[Entry] = field(default_factory=list)

    # ------------------------------------------------------------------ reading
    @classmethod
    def load(cls, path: Path) -> Baseline:
        """The baseline at ``path``; a missing file is an error (a typo must not pass
        the gate by hiding nothing)."""
        from analyzer.textio import JsonFileError, read_json_file

        try:
            document, text = read_json_file(path, "regenerate it with --write-baseline")
        except FileNotFoundError:
            raise BaselineError(
                f"{path}: baseline file not found; create it with "
                f"`runbook-analyzer check --baseline {path} --write-baseline`"
            ) from None
        except JsonFileError as exc:
            raise BaselineError(str(exc)) from None
        return cls(path, _entries(path, document, text))

    # ------------------------------------------------------------------ matching
    def relative(self, diagnostic_path: str) -> str:
        """A reported path as the baseline records it: relative to the file's folder."""
        absolute = str(Path(diagnostic_path).absolute())
        try:
            relative = os.path.relpath(absolute, self.path.parent.absolute())
        except ValueError:  # another drive on Windows
            relative = absolute
        return Path(relative).as_posix()

    def key(self, diagnostic: Diagnostic, sources: SourceLines) -> FindingKey:
        key = key_of(diagnostic, sources)
        return FindingKey(key.rule, self.relative(diagnostic.path), key.subject, key.snippet)

    def match(
        self, diagnostics: list[Diagnostic], sources: SourceLines
    ) -> tuple[list[Diagnostic], list[Diagnostic], dict[int, int]]:
        """(kept, hidden, unmatched count per entry index)."""
        remaining = {i: entry.count for i, entry in enumerate(self.entries)}
        by_key: dict[FindingKey, list[int]] = {}
        for i, entry in enumerate(self.entries):
            by_key.setdefault(entry.key, []).append(i)
        kept: list[Diagnostic] = []
        hidden: list[Diagnostic] = []
        for diagnostic in diagnostics:
            slot = next(
                (i for i in by_key.get(self.key(diagnostic, sources), ()) if remaining[i] > 0),
                None,
            )
            if slot is None:
                kept.append(diagnostic)
            else:
                remaining[slot] -= 1
                hidden.append(diagnostic)
        return kept, hidden, {i: n for i, n in remaining.items() if n > 0}

    def judged(self, entry: Entry, result: AnalysisResult) -> bool:
        """Whether this run can say an entry is stale: its rule ran and its file was
        analysed (or no longer exists). Checking one folder leaves the others' entries be."""
        if not any(rule.code == entry.key.rule for rule in result.rules):
            return False
        target = Path(os.path.normpath(self.path.parent.absolute() / entry.key.path))
        if not target.exists():
            return True
        return target in _analysed(result)


def _analysed(result: AnalysisResult) -> set[Path]:
    paths = {Path(os.path.normpath(Path(f.path).absolute())) for f in result.files}
    inventory = result.workspace.inventory
    if inventory is not None:
        paths.update(Path(os.path.normpath(Path(p).absolute())) for p in inventory.files)
    return paths


def _entries(path: Path, document: Any, text: str) -> list[Entry]:
    def bad(why: str) -> BaselineError:
        return BaselineError(f"{path}: {why}; regenerate it with --write-baseline")

    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise bad('not a runbook-analyzer baseline (no "findings" list)')
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise bad(f"baseline format version {version!r} is not {FORMAT_VERSION}")
    lines = _entry_lines(text)
    out: list[Entry] = []
    for number, item in enumerate(document["findings"]):
        fields = ("rule", "path", "subject", "snippet")
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in fields):
            raise bad(f"entry {number + 1} needs the strings {', '.join(fields)}")
        count = item.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise bad(f"entry {number + 1} has count {count!r}; a count is a positive integer")
        key = FindingKey(item["rule"], item["path"], item["subject"], item["snippet"])
        line = lines[number] if len(lines) == len(document["findings"]) else None
        out.append(Entry(key, count, line))
    return out


def _entry_lines(text: str) -> list[int]:
    """Line of each entry as --write-baseline lays them out (one object per line)."""
    return [
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if line.lstrip().startswith('{"rule"')
    ]


# ------------------------------------------------------------------ the stage
def baseline_stage(baseline: Baseline, result: AnalysisResult) -> Stage:
    from analyzer.engine.filters import Stage
    from analyzer.engine.suppressions import CODE, NAME

    sources = SourceLines(result.files)
    report = any(rule.code == CODE for rule in result.rules)
    severity = next((r.severity for r in result.rules if r.code == CODE), "warning")
    shown_path = _display(baseline.path)

    def apply(diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
        kept, hidden, unmatched = baseline.match(diagnostics, sources)
        if report:
            for index, missing in sorted(unmatched.items()):
                entry = baseline.entries[index]
                if not baseline.judged(entry, result):
                    continue
                kept.append(_stale(entry, missing, shown_path, CODE, NAME, severity))
        return kept, hidden

    return Stage("baseline", "hidden by the baseline", apply)


def _stale(
    entry: Entry, missing: int, path: str, code: str, name: str, severity: str
) -> Diagnostic:
    key = entry.key
    subject = f" (`{key.subject}`)" if key.subject else ""
    times = f" ({missing} of {entry.count})" if entry.count > 1 else ""
    return Diagnostic(
        code=code,
        name=name,
        severity=severity,  # type: ignore[arg-type]
        message=f"baseline entry matches no finding{times}: {key.rule} in {key.path}{subject}",
        path=path,
        span=Span(entry.line, 1, entry.line, 2) if entry.line else None,
        help="the finding is gone: remove the entry with --prune-baseline",
    )


def _display(path: Path) -> str:
    absolute = path.absolute()
    relative = os.path.relpath(absolute)
    return str(absolute) if relative.startswith("..") else Path(relative).as_posix()


# ------------------------------------------------------------------ writing
def _recordable(result: AnalysisResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.code not in _NOT_RECORDED]


def write_baseline(path: Path, result: AnalysisResult) -> int:
    """Record every current finding (after inline suppressions and configuration, before
    any threshold) and return how many; replaces the file."""
    baseline = Baseline(path)
    sources = SourceLines(result.files)
    counts = Counter(baseline.key(d, sources) for d in _recordable(result))
    _save(path, [Entry(key, count) for key, count in counts.items()])
    return sum(counts.values())


def prune_baseline(path: Path, result: AnalysisResult) -> tuple[int, int]:
    """Drop what no longer matches, add nothing; (entries kept, findings removed)."""
    baseline = Baseline.load(path)
    sources = SourceLines(result.files)
    _, _, unmatched = baseline.match(_recordable(result), sources)
    kept: list[Entry] = []
    removed = 0
    for index, entry in enumerate(baseline.entries):
        missing = unmatched.get(index, 0)
        if missing and baseline.judged(entry, result):
            removed += missing
            if entry.count > missing:
                kept.append(Entry(entry.key, entry.count - missing))
        else:
            kept.append(entry)
    _save(path, kept)
    return len(kept), removed


def _save(path: Path, entries: list[Entry]) -> None:
    ordered = sorted(entries, key=lambda e: (e.key.path, e.key.rule, e.key.subject, e.key.snippet))
    rows = [
        json.dumps(
            {
                "rule": e.key.rule,
                "path": e.key.path,
                "subject": e.key.subject,
                "snippet": e.key.snippet,
                "count": e.count,
            },
            ensure_ascii=False,
        )
        for e in ordered
    ]
    body = ",\n    ".join(rows)
    findings = f"[\n    {body}\n  ]" if rows else "[]"
    text = (
        "{\n"
        f'  "version": {FORMAT_VERSION},\n'
        f'  "comment": {json.dumps(_COMMENT)},\n'
        f'  "findings": {findings}\n'
        "}\n"
    )
    from analyzer.engine.source_edit import EditError, write_atomic

    try:
        write_atomic(str(path), text.encode("utf-8"), None)
    except EditError as exc:
        raise BaselineError(f"cannot write the baseline: {exc}") from None
