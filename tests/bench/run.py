"""Benchmark `runbook-analyzer check` against the cost of merely parsing the same files.

Parsing is the floor: a check cannot be faster than reading and parsing every file once.
The ratio of check time to parse time shows what the rest of the pipeline (facts,
workspace, rules, reporting, process start-up) costs, and it stays meaningful across
machines where absolute seconds do not. Run with ``make bench`` or
``python -m tests.bench.run [--count N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tree_sitter as ts
import tree_sitter_pwsh
import tree_sitter_python

from tests.bench.generate import generate

REPEATS = 5
PARSE_REPEATS = 3
TIMEOUT = 1800


class BenchError(Exception):
    """The CLI is missing or failed; the message carries what it printed."""


@dataclass(frozen=True)
class Corpus:
    paths: list[Path]
    lines: int
    size: int


REPO = Path(__file__).resolve().parents[2]


def cli_command() -> tuple[list[str], dict[str, str] | None]:
    """Prefer the installed entry point, which is what users run (start-up cost included).

    The fallback runs the package from this checkout, which the subprocess (started in a
    temporary directory) would not find without PYTHONPATH.
    """
    name = "runbook-analyzer.exe" if os.name == "nt" else "runbook-analyzer"
    script = Path(sys.executable).parent / name
    if script.is_file():
        return [str(script)], None
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return [sys.executable, "-m", "analyzer"], env


def parse_only(paths: Sequence[Path]) -> float:
    """Seconds to read and parse every file once, single process; best of a few passes."""
    parsers = {
        ".ps1": ts.Parser(ts.Language(tree_sitter_pwsh.language())),
        ".py": ts.Parser(ts.Language(tree_sitter_python.language())),
    }
    best = float("inf")
    for _ in range(PARSE_REPEATS):
        start = time.perf_counter()
        for path in paths:
            parser = parsers.get(path.suffix.lower())
            data = path.read_bytes()
            if parser is not None:
                parser.parse(data)
        best = min(best, time.perf_counter() - start)
    return best


def timed(
    cmd: Sequence[str], cwd: Path, env: dict[str, str] | None, ok: Sequence[int] = (0,)
) -> float:
    """Wall time of one CLI run; anything but an expected exit status is a failure."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            list(cmd),
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BenchError(f"{' '.join(cmd)}: {exc}") from exc
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise BenchError(f"{' '.join(cmd)} exited with {proc.returncode}\n{tail}")
    return elapsed


def median_time(
    cmd: Sequence[str], cwd: Path, env: dict[str, str] | None, ok: Sequence[int] = (0,)
) -> float:
    return statistics.median(timed(cmd, cwd, env, ok) for _ in range(REPEATS))


def count_findings(report: Path) -> str:
    """Best effort: the JSON report's shape belongs to the analyzer, not to this script."""
    try:
        doc = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"unreadable report ({exc.__class__.__name__})"
    if isinstance(doc, list):
        return str(len(doc))
    if isinstance(doc, dict):
        for key in ("diagnostics", "findings", "results"):
            if isinstance(doc.get(key), list):
                return str(len(doc[key]))
    return "?"


def render(rows: Sequence[tuple[str, str, str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    out = []
    for i, row in enumerate(rows):
        out.append(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:<{widths[2]}}".rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def build(root: Path, count: int, seed: int) -> tuple[Corpus, float]:
    start = time.perf_counter()
    paths = generate(root, count, seed)
    elapsed = time.perf_counter() - start
    size = lines = 0
    for path in paths:
        data = path.read_bytes()
        size += len(data)
        lines += data.count(b"\n") + (not data.endswith(b"\n"))
    return Corpus(paths, lines, size), elapsed


def measure(corpus: Corpus, tree: Path, work: Path) -> int:
    rows: list[tuple[str, str, str]] = [("measurement", "seconds", "ratio")]
    parse = parse_only(corpus.paths)
    rows.append(
        (f"parse-only (tree-sitter, 1 process, best of {PARSE_REPEATS})", f"{parse:.3f}", "")
    )
    cli, env = cli_command()
    report = work / "findings.json"
    base = [*cli, "check", str(tree), "--format", "json", "--exit-zero", "--output", str(report)]
    try:
        check = timed(base, work, env)
        findings = count_findings(report)
        check_1 = timed([*base, "--jobs", "1"], work, env)
        one_file = median_time([*cli, "check", str(corpus.paths[0])], work, env, ok=(0, 1))
        version = median_time([*cli, "--version"], work, env)
    except BenchError as exc:
        print(render(rows))
        print(f"\ncheck failed, CLI = {' '.join(cli)}:\n{exc}", file=sys.stderr)
        return 1
    rows += [
        ("check (default --jobs)", f"{check:.3f}", f"{check / parse:.2f}x parse-only"),
        ("check --jobs 1", f"{check_1:.3f}", f"{check_1 / parse:.2f}x parse-only"),
        (f"one-file CLI wall time (median of {REPEATS})", f"{one_file:.3f}", ""),
        (f"--version wall time (median of {REPEATS})", f"{version:.3f}", ""),
    ]
    print(render(rows))
    print(f"\nfindings reported by the full check: {findings}; CLI = {' '.join(cli)}")
    from tests.bench.graphical import report

    print(report())
    from tests.bench.graph import report as graph_report

    print(f"\n{graph_report()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__)
    ap.add_argument("--count", type=int, default=2000, help="runbooks to generate")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, metavar="DIR", help="write the tree to DIR and keep it")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rb-bench-") as tmp:
        work = Path(tmp)
        tree = args.keep.resolve() if args.keep else work / "tree"
        if tree.exists() and any(tree.iterdir()):
            print(f"{tree} is not empty; choose an empty or new directory", file=sys.stderr)
            return 2
        corpus, gen_seconds = build(tree, args.count, args.seed)
        print(
            f"{len(corpus.paths)} files, {corpus.lines:,} lines, {corpus.size / 1e6:.1f} MB "
            f"(seed {args.seed}, generated in {gen_seconds:.2f} s) in {tree}\n"
        )
        return measure(corpus, tree, work)


if __name__ == "__main__":
    sys.exit(main())
