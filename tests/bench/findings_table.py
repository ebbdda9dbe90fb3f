"""Per-rule verdicts on the real-world findings corpus (``fixtures/realworld-findings/``).

Each case folder is laid out like a public Automation repository (runbooks, scripts,
modules, an optional ``inventory/``) and holds ``expected.txt``: the findings a careful
reviewer expects, one ``path:line CODE severity`` per line, written from what the code
does when it runs in Azure Automation, not from what the analyzer printed. An empty file
means the case must be silent.

The table counts, per rule, the findings the analyzer produced, how many of them a
reviewer expects (true) or does not (false; a repeat of the same finding counts as
false, one cause gets one finding), the expected ones it did not produce (missed), and
the precision of its warning- and error-level findings: the number a CI gate is judged
by (issue 7 asks for 95 % overall and no rule below 90 %).

Run as ``.venv/bin/python -m tests.bench.findings_table``; ``--details`` lists every
false and missed finding by case. The test suite (``tests/test_realworld_findings.py``)
checks each case exactly with the same functions.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "fixtures" / "realworld-findings"
EXPECTED = "expected.txt"
INVENTORY = "inventory"
#: Severities whose findings fail a gate by default, and so count for precision.
GATING = ("warning", "error")


@dataclass(frozen=True, order=True)
class Finding:
    """One finding as the corpus labels it: where, which rule, how severe."""

    path: str
    line: int
    code: str
    severity: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.code} {self.severity}"

    @classmethod
    def parse(cls, text: str) -> Finding:
        """Read ``path:line CODE severity``; a malformed label is a corpus bug, so it raises."""
        where, code, severity = text.split()
        path, _, line = where.rpartition(":")
        if not path or not line.isdigit():
            raise ValueError(f"not `path:line CODE severity`: {text!r}")
        return cls(path, int(line), code, severity)

    @property
    def site(self) -> tuple[str, int, str]:
        """What "the same finding twice" means: one rule, one place, whatever the severity."""
        return (self.path, self.line, self.code)


def case_folders(corpus: Path = CORPUS) -> list[Path]:
    if not corpus.is_dir():
        return []
    return sorted(p for p in corpus.iterdir() if p.is_dir())


def expected_findings(case: Path) -> list[Finding]:
    text = (case / EXPECTED).read_text(encoding="utf-8")
    return [Finding.parse(line) for line in text.splitlines() if line.strip()]


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    """Reported paths are relative to the working directory; cases label them from inside."""
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def produced_findings(case: Path) -> list[Finding]:
    """Every finding the analyzer reports on the case, in the engine's order, repeats kept."""
    from analyzer.api import analyze
    from analyzer.config import Config

    inventory = (INVENTORY,) if (case / INVENTORY).is_dir() else ()
    with _working_directory(case):
        result = analyze(["."], Config(jobs=1, inventory=inventory))
    return [
        Finding(d.path, d.span.line if d.span else 0, d.code, d.severity)
        for d in result.diagnostics
    ]


def repeated_sites(findings: Iterable[Finding]) -> list[tuple[str, int, str]]:
    """Sites (path, line, code) reported more than once."""
    counts = Counter(f.site for f in findings)
    return sorted(site for site, count in counts.items() if count > 1)


@dataclass
class Verdicts:
    """One case judged: which produced findings were true, which false, which were missed."""

    case: str
    true: list[Finding] = field(default_factory=list)
    false: list[Finding] = field(default_factory=list)
    missed: list[Finding] = field(default_factory=list)


def judge(case: str, expected: Iterable[Finding], produced: Iterable[Finding]) -> Verdicts:
    verdicts = Verdicts(case)
    remaining = set(expected)
    for finding in produced:
        if finding in remaining:
            remaining.remove(finding)
            verdicts.true.append(finding)
        else:
            verdicts.false.append(finding)
    verdicts.missed = sorted(remaining)
    return verdicts


@dataclass
class Tally:
    produced: int = 0
    true: int = 0
    false: int = 0
    missed: int = 0
    gating_true: int = 0
    gating_false: int = 0

    def add(self, verdict: str, finding: Finding) -> None:
        if verdict == "missed":
            self.missed += 1
            return
        self.produced += 1
        gating = finding.severity in GATING
        if verdict == "true":
            self.true += 1
            self.gating_true += gating
        else:
            self.false += 1
            self.gating_false += gating

    @property
    def precision(self) -> float | None:
        """True share of warning/error findings; None when the rule produced none."""
        gating = self.gating_true + self.gating_false
        return self.gating_true / gating if gating else None


def tally(all_verdicts: Iterable[Verdicts]) -> dict[str, Tally]:
    rules: dict[str, Tally] = {}
    for verdicts in all_verdicts:
        for name, findings in (
            ("true", verdicts.true),
            ("false", verdicts.false),
            ("missed", verdicts.missed),
        ):
            for finding in findings:
                rules.setdefault(finding.code, Tally()).add(name, finding)
    return dict(sorted(rules.items()))


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def render(rules: dict[str, Tally], cases: int) -> str:
    """A plain-text table, one row per rule and a total row."""
    total = Tally()
    for row in rules.values():
        for name in ("produced", "true", "false", "missed", "gating_true", "gating_false"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    header = (
        f"{'rule':<7} {'produced':>8} {'true':>5} {'false':>5} {'missed':>6}  "
        "precision (warning/error)"
    )
    lines = [f"real-world findings corpus: {cases} cases", "", header, "-" * len(header)]
    for code, row in [*rules.items(), ("all", total)]:
        if code == "all":
            lines.append("-" * len(header))
        gating = row.gating_true + row.gating_false
        detail = f" ({row.gating_true} of {gating})" if gating else ""
        lines.append(
            f"{code:<7} {row.produced:>8} {row.true:>5} {row.false:>5} {row.missed:>6}  "
            f"{_percent(row.precision)}{detail}"
        )
    return "\n".join(lines)


def details(all_verdicts: Iterable[Verdicts]) -> str:
    lines: list[str] = []
    for verdicts in all_verdicts:
        if not verdicts.false and not verdicts.missed:
            continue
        lines.append(verdicts.case)
        lines.extend(f"  false   {f}" for f in verdicts.false)
        lines.extend(f"  missed  {f}" for f in verdicts.missed)
    return "\n".join(lines)


def run(corpus: Path = CORPUS) -> list[Verdicts]:
    return [
        judge(case.name, expected_findings(case), produced_findings(case))
        for case in case_folders(corpus)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder")
    parser.add_argument(
        "--details", action="store_true", help="list every false and missed finding by case"
    )
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    all_verdicts = run(corpus)
    print(render(tally(all_verdicts), len(all_verdicts)))
    if args.details:
        listed = details(all_verdicts)
        print()
        print(listed or "no false and no missed findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
