"""Guard the benchmark inputs: a drifting generator or manifest would silently skew numbers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import tree_sitter as ts
import tree_sitter_pwsh
import tree_sitter_python

from tests.bench import grammar_errors
from tests.bench.generate import MIX, generate

GRAMMAR_DIR = grammar_errors.DEFAULT_DIR


def _has_error(language: object, data: bytes) -> bool:
    return ts.Parser(ts.Language(language)).parse(data).root_node.has_error


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", count=60, seed=11)
    second = generate(tmp_path / "b", count=60, seed=11)
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))


def test_generator_mix_and_clean_parse(tmp_path: Path) -> None:
    paths = generate(tmp_path, count=200)
    assert len(paths) == 200
    kinds: Counter[str] = Counter()
    for path in paths:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
        if path.suffix == ".py":
            kinds["python2" if text.startswith("#!/usr/bin/env python2") else "python3"] += 1
            assert not _has_error(tree_sitter_python.language(), data), path.name
        else:
            first = next(
                line.split()[0]
                for line in text.splitlines()
                if line and line.split()[0] in ("workflow", "Configuration", "param")
            )
            kinds[{"workflow": "workflow", "Configuration": "dsc"}.get(first, "powershell")] += 1
            assert not _has_error(tree_sitter_pwsh.language(), data), path.name
    assert kinds == Counter({kind: 200 * pct // 100 for kind, pct in MIX})


def test_grammar_manifest_matches_fixtures() -> None:
    manifest = json.loads((GRAMMAR_DIR / "expected.json").read_text(encoding="utf-8"))
    listed = {entry["file"] for entry in manifest["files"]}
    assert listed == {p.name for p in GRAMMAR_DIR.glob("*.ps1")}
    for entry in manifest["files"]:
        lines = (GRAMMAR_DIR / entry["file"]).read_text(encoding="utf-8-sig").splitlines()
        assert entry["calls"], entry["file"]
        for call in entry["calls"]:
            assert call["callee"] in lines[call["line"] - 1], (entry["file"], call)


@pytest.mark.parametrize(("dist", "module"), sorted(grammar_errors.GRAMMARS.items()))
def test_grammars_find_every_recorded_call(dist: str, module: str) -> None:
    # tree-sitter-powershell is measured, not a dependency.
    pytest.importorskip(module, reason=f"{dist} is not installed; `make grammar` installs it")
    sources = grammar_errors.load_sources(grammar_errors.collect([str(GRAMMAR_DIR)]))
    result = grammar_errors.measure(dist, module, sources)
    assert {label: f.missed for label, f in result.files.items() if f.missed} == {}


def test_blank_comments_keeps_strings_and_lines() -> None:
    text = "<# Get-AutomationVariable #>\n$a = '#x' # Get-AutomationVariable\n@'\n# kept\n'@"
    blanked = grammar_errors.blank_comments(text)
    assert blanked.count("\n") == text.count("\n")
    assert "Get-AutomationVariable" not in blanked
    assert "'#x'" in blanked
    assert "# kept" in blanked
