"""Measure the two PyPI PowerShell grammars on the construct fixtures.

The project picks its PowerShell grammar by measurement, not by reputation: this script
parses every file with each grammar and reports how often the tree breaks and whether the
asset-cmdlet and Start-*Runbook calls are still findable through tree-sitter queries, which
is what the frontend depends on. Run it as ``python -m tests.bench.grammar_errors [PATHS]``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter as ts

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
DEFAULT_DIR = FIXTURES / "grammar"

# PyPI distribution -> import name. Both are measured even though only one is a dependency.
GRAMMARS: dict[str, str] = {
    "tree-sitter-pwsh": "tree_sitter_pwsh",
    "tree-sitter-powershell": "tree_sitter_powershell",
}

# Internal asset cmdlets, their management-cmdlet siblings, and every Start-*Runbook form.
CALL_NAMES = re.compile(
    r"(?<![\w-])(?:"
    r"(?:Get|Set)-Automation(?:Variable|Connection|PSCredential|Certificate)"
    r"|Get-Az(?:ureRm)?Automation(?:Variable|Connection|Credential|Certificate)"
    r"|Start-(?:Az|AzureRm|Azure)?AutomationRunbook"
    r")(?![\w-])",
    re.IGNORECASE,
)

ERROR_QUERY = "(ERROR) @e"
MISSING_QUERY = "(MISSING) @m"
# generic_token matters because DSC resource properties such as
# `Credential = Get-AutomationPSCredential -Name 'X'` parse as bare tokens, not commands.
NAME_QUERY = "(command_name) @n (generic_token) @g"
REPEATS = 5

# Workflow and DSC structure: what a grammar recognises as a dedicated node, compared with
# a textual count. Neither grammar has DSC nodes; `Configuration`/`Node` arrive as command
# names, which is enough for the frontend as long as it sees them.
STRUCTURES: tuple[tuple[str, str, str], ...] = (
    ("workflow", "(function_statement) @s", r"^[ \t]*workflow\s+[\w-]+"),
    ("InlineScript", "(inlinescript_statement) @s", r"(?<![\w-])inlinescript\s*\{"),
    ("parallel {}", "(parallel_statement) @s", r"(?<![\w$-])parallel\s*\{"),
    ("sequence {}", "(sequence_statement) @s", r"(?<![\w$-])sequence\s*\{"),
    ("foreach -parallel", "(foreach_parameter) @s", r"(?<![\w-])foreach\s+[-\u2013]parallel\b"),
    ("Configuration", "(command_name) @s", r"^[ \t]*configuration\s+[\w-]+"),
    ("Node", "(command_name) @s", r"^[ \t]*node\s+\S"),
)

SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = '"\u201c\u201d\u201e'
COMMENT_PRECEDERS = " \t\r\n;{}()|&,="


def blank_comments(text: str) -> str:
    """Replace PowerShell comments with spaces so a regex sees only code, strings included.

    Strings are tracked only so that a `#` inside them does not open a comment; their
    content is kept, because call-like text in strings is exactly what the parser must
    tell apart from calls. Newlines are kept, so offsets and line numbers stay valid.
    """
    out = list(text)
    i, n = 0, len(text)

    def blank(start: int, end: int) -> None:
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        ch = text[i]
        if text.startswith("<#", i):
            end = text.find("#>", i + 2)
            end = n if end < 0 else end + 2
            blank(i, end)
            i = end
        elif ch == "#" and (i == 0 or text[i - 1] in COMMENT_PRECEDERS):
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif ch == "@" and i + 1 < n and text[i + 1] in SINGLE_QUOTES + DOUBLE_QUOTES:
            closer = re.compile(r"\n[ \t]*[" + re.escape(SINGLE_QUOTES + DOUBLE_QUOTES) + "]@")
            match = closer.search(text, i + 2)
            i = n if match is None else match.end()
        elif ch in SINGLE_QUOTES:
            i = _skip_string(text, i + 1, SINGLE_QUOTES, escape=None)
        elif ch in DOUBLE_QUOTES:
            i = _skip_string(text, i + 1, DOUBLE_QUOTES, escape="`")
        else:
            i += 1
    return "".join(out)


def _skip_string(text: str, i: int, quotes: str, escape: str | None) -> int:
    """Return the offset after the string that starts at `i`; doubled quotes stay inside."""
    n = len(text)
    while i < n:
        ch = text[i]
        if escape is not None and ch == escape:
            i += 2
        elif ch in quotes:
            if i + 1 < n and text[i + 1] in quotes:
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return n


@dataclass(frozen=True)
class Source:
    path: Path
    data: bytes
    construct: str
    expected: tuple[tuple[int, str], ...]  # (1-based line, callee) of PowerShell calls

    @property
    def label(self) -> str:
        try:
            return str(self.path.relative_to(REPO))
        except ValueError:
            return str(self.path)


@dataclass
class FileResult:
    errors: list[int] = field(default_factory=list)  # start line of each ERROR node
    missing: int = 0
    names: int = 0
    missed: list[tuple[int, str]] = field(default_factory=list)
    nodes: int = 0
    seconds: float = 0.0  # best of REPEATS
    structures: dict[str, int] = field(default_factory=dict)


@dataclass
class GrammarResult:
    name: str
    version: str
    files: dict[str, FileResult] = field(default_factory=dict)


def collect(paths: Sequence[str]) -> list[Path]:
    """Expand the arguments; with none, use fixtures/grammar plus every other fixture .ps1."""
    roots = [Path(p) for p in paths] if paths else [DEFAULT_DIR, FIXTURES]
    found: set[Path] = set()
    for root in roots:
        if root.is_dir():
            found.update(p.resolve() for p in root.rglob("*.ps1") if p.is_file())
        elif root.is_file():
            found.add(root.resolve())
        else:
            raise SystemExit(f"no such file or directory: {root}")
    return sorted(found)


def load_expected(files: Iterable[Path]) -> dict[Path, dict]:
    """Read the `expected.json` beside each file, where one exists."""
    entries: dict[Path, dict] = {}
    for folder in sorted({f.parent for f in files}):
        manifest = folder / "expected.json"
        if not manifest.is_file():
            continue
        doc = json.loads(manifest.read_text(encoding="utf-8"))
        for entry in doc.get("files", []):
            entries[(folder / entry["file"]).resolve()] = entry
    return entries


def load_sources(files: Sequence[Path]) -> list[Source]:
    expected = load_expected(files)
    sources = []
    for path in files:
        entry = expected.get(path, {})
        calls = tuple(
            (call["line"], call["callee"])
            for call in entry.get("calls", [])
            if call.get("language", "powershell") == "powershell"
        )
        data = to_utf8(path.read_bytes())
        if data is None:
            continue  # binary test fixtures (RB902) are not PowerShell
        sources.append(Source(path, data, entry.get("construct", ""), calls))
    return sources


def to_utf8(data: bytes) -> bytes | None:
    """Decode as the analyzer does (BOMs, UTF-16, Windows-1252) so the grammars see the
    same text; None for files that are not text at all."""
    from analyzer.textio import DecodeError, decode

    try:
        return decode(data).text.encode("utf-8")
    except DecodeError:
        return None


def regex_count(data: bytes) -> int:
    """Count call names outside comments, as a parser-independent reference."""
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return len(CALL_NAMES.findall(blank_comments(text)))


def _text(node: ts.Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def text_structures(data: bytes) -> dict[str, int]:
    text = blank_comments(data.decode("utf-8", errors="replace").removeprefix("\ufeff"))
    return {
        label: len(re.findall(pattern, text, re.IGNORECASE | re.MULTILINE))
        for label, _, pattern in STRUCTURES
    }


def count_structures(queries: Sequence[ts.Query], root: ts.Node) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (label, query, _), compiled in zip(STRUCTURES, queries, strict=True):
        nodes = ts.QueryCursor(compiled).captures(root).get("s", [])
        if label == "workflow":
            nodes = [n for n in nodes if n.child_count and n.children[0].type == "workflow"]
        elif query.startswith("(command_name)"):
            nodes = [n for n in nodes if _text(n).casefold() == label.casefold()]
        counts[label] = len(nodes)
    return counts


def measure(dist: str, module_name: str, sources: Sequence[Source]) -> GrammarResult:
    module = importlib.import_module(module_name)
    language = ts.Language(module.language())
    parser = ts.Parser(language)
    result = GrammarResult(dist, importlib.metadata.version(dist))

    # Best of several passes: one pass over 30 small files is too short to time reliably.
    best = [float("inf")] * len(sources)
    trees: list[ts.Tree] = []
    for _ in range(REPEATS):
        trees = []
        for i, src in enumerate(sources):
            start = time.perf_counter()
            trees.append(parser.parse(src.data))
            best[i] = min(best[i], time.perf_counter() - start)

    error_query = ts.Query(language, ERROR_QUERY)
    missing_query = ts.Query(language, MISSING_QUERY)
    name_query = ts.Query(language, NAME_QUERY)
    structure_queries = [ts.Query(language, query) for _, query, _ in STRUCTURES]
    for src, tree, seconds in zip(sources, trees, best, strict=True):
        root = tree.root_node
        errors = ts.QueryCursor(error_query).captures(root).get("e", [])
        missing = ts.QueryCursor(missing_query).captures(root).get("m", [])
        captures = ts.QueryCursor(name_query).captures(root)
        hits: set[tuple[int, str]] = set()
        for node in [*captures.get("n", []), *captures.get("g", [])]:
            text = _text(node)
            if CALL_NAMES.fullmatch(text):
                hits.add((node.start_point.row + 1, text.casefold()))
        missed = [(line, c) for line, c in src.expected if (line, c.casefold()) not in hits]
        result.files[src.label] = FileResult(
            errors=sorted(node.start_point.row + 1 for node in errors),
            missing=len(missing),
            names=len(hits),
            missed=missed,
            nodes=root.descendant_count,
            seconds=seconds,
            structures=count_structures(structure_queries, root),
        )
    return result


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render a Markdown table padded for the terminal, so it pastes into the README as is."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def summary_rows(
    scope: str, sources: Sequence[Source], results: Sequence[GrammarResult]
) -> list[list[object]]:
    regex_total = sum(regex_count(src.data) for src in sources)
    expected_total = sum(len(src.expected) for src in sources)
    rows: list[list[object]] = []
    for res in results:
        files = [res.files[src.label] for src in sources]
        rows.append(
            [
                f"{scope} ({len(sources)})",
                f"{res.name} {res.version}",
                sum(1 for f in files if f.errors or f.missing),
                sum(len(f.errors) for f in files),
                sum(f.missing for f in files),
                f"{sum(f.names for f in files)} / {regex_total}",
                f"{expected_total - sum(len(f.missed) for f in files)} / {expected_total}",
                f"{sum(f.seconds for f in files) * 1000:.1f}",
                sum(f.nodes for f in files),
            ]
        )
    return rows


def report(sources: Sequence[Source], results: Sequence[GrammarResult]) -> str:
    construct_files = [src for src in sources if src.construct]
    rows = []
    if construct_files and len(construct_files) < len(sources):
        rows += summary_rows("construct fixtures", construct_files, results)
    rows += summary_rows("all files", sources, results)
    parts = [
        f"{len(sources)} files, tree-sitter {importlib.metadata.version('tree-sitter')}",
        "",
        table(
            [
                "files",
                "grammar",
                "with ERROR/MISSING",
                "ERROR nodes",
                "MISSING nodes",
                "call names: query / regex",
                "recorded calls found on their line",
                "parse ms (best of 5)",
                "tree nodes",
            ],
            rows,
        ),
        "",
    ]
    text_counts = [text_structures(src.data) for src in sources]
    struct_rows = []
    for label, _, _ in STRUCTURES:
        row: list[object] = [label, sum(c[label] for c in text_counts)]
        row += [sum(f.structures[label] for f in r.files.values()) for r in results]
        struct_rows.append(row)
    names = [r.name for r in results]
    parts.append("Workflow and DSC structure: textual count vs nodes each grammar produced:")
    parts.append("")
    parts.append(table(["construct", "text", *names], struct_rows))
    parts.append("")
    per_file = []
    for src in sources:
        outcomes = [r.files[src.label] for r in results]
        if not any(o.errors or o.missing or o.missed for o in outcomes):
            continue
        per_file.append([_short(src), *[_cell(o) for o in outcomes], src.construct or "-"])
    parts.append("Files a grammar fails on (ERROR lines; calls not found on their line):")
    parts.append("")
    parts.append(table(["file", *names, "construct"], per_file) if per_file else "(none)")
    return "\n".join(parts)


def _short(src: Source) -> str:
    """Construct fixtures by bare name, other files by their path below fixtures/."""
    if src.construct:
        return src.path.name
    try:
        return str(src.path.relative_to(FIXTURES))
    except ValueError:
        return src.label


def _cell(outcome: FileResult) -> str:
    if not (outcome.errors or outcome.missing or outcome.missed):
        return "ok"
    bits = []
    if outcome.errors:
        lines = sorted(set(outcome.errors))
        bits.append(f"{len(outcome.errors)} ERROR @" + ",".join(map(str, lines)))
    if outcome.missing:
        bits.append(f"{outcome.missing} MISSING")
    if outcome.missed:
        bits.append("missed " + ",".join(f"L{line}" for line, _ in outcome.missed))
    return "; ".join(bits)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.bench.grammar_errors", description=__doc__)
    ap.add_argument("paths", nargs="*", help="files or folders (default: fixtures/grammar)")
    args = ap.parse_args(argv)
    sources = load_sources(collect(args.paths))
    if not sources:
        print("no .ps1 files found", file=sys.stderr)
        return 2
    results = []
    for dist, module in GRAMMARS.items():
        try:
            results.append(measure(dist, module, sources))
        except ImportError:
            print(f"skipping {dist}: not installed (pip install {dist})", file=sys.stderr)
    if not results:
        return 2
    print(report(sources, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
