"""Rule documentation as data: docstring sections and their code examples.

The docstring is the documentation (``explain`` prints it, the README table and the
pages under ``docs/rules/`` are generated from it) and its examples are tests: lines
marked ``# expect: CODE`` must be reported, nothing else may be, and "Use instead" blocks
must be clean.

``python -m analyzer.engine.docs --write docs/rules`` rewrites the rule pages; SARIF's
``helpUri`` points at them, so a test fails while they are stale.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from analyzer import PROJECT_URL
from analyzer.engine.rule import Rule

REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")
_FENCE = re.compile(r"^```(\w*)\s*$")
_FILE_MARKER = re.compile(r"^#\s*file:\s*(\S+)\s*$")
_EXPECT = re.compile(r"(?:#|//)\s*expect:\s*([A-Z]{1,4}\d{3}(?:\s*,\s*[A-Z]{1,4}\d{3})*)")
_EXPECT_MARKER = re.compile(r"[ \t]*" + _EXPECT.pattern)
_EXTENSIONS = {"powershell": ".ps1", "python": ".py"}
#: Where the rule pages live in the repository (and under PROJECT_URL).
RULE_PAGES = "docs/rules"
_BUILTIN_PACKAGE = "analyzer.rules."


@dataclass(frozen=True)
class ExampleFile:
    name: str
    text: str
    #: (line, code) pairs marked ``# expect: CODE``.
    expected: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Example:
    section: str
    language: str
    files: tuple[ExampleFile, ...]

    @property
    def runnable(self) -> bool:
        return self.language in _EXTENSIONS


def for_users(rule: type[Rule]) -> str:
    """The documentation as ``explain`` prints it: the docstring without the
    ``# expect:`` markers, which are there for the tests, not for the reader."""
    return "\n".join(
        _EXPECT_MARKER.sub("", line).rstrip() if _EXPECT.search(line) else line
        for line in rule.documentation().splitlines()
    )


def sections(rule: type[Rule]) -> dict[str, str]:
    """Docstring sections by heading (``## Heading``); the summary is under ``""``."""
    out: dict[str, list[str]] = {"": []}
    current = ""
    for line in rule.documentation().splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
            continue
        out[current].append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


def examples(rule: type[Rule]) -> list[Example]:
    found: list[Example] = []
    for section in ("Example", "Use instead"):
        body = sections(rule).get(section, "")
        language: str | None = None
        block: list[str] = []
        for line in body.splitlines():
            fence = _FENCE.match(line.strip())
            if fence and language is None:
                language = fence.group(1) or "text"
                block = []
                continue
            if fence and language is not None:
                found.append(Example(section, language, _split_files(language, block)))
                language = None
                continue
            if language is not None:
                block.append(line)
    return found


def _split_files(language: str, lines: list[str]) -> tuple[ExampleFile, ...]:
    files: list[tuple[str, list[str]]] = []
    default = "example" + _EXTENSIONS.get(language, ".txt")
    for line in lines:
        marker = _FILE_MARKER.match(line.strip())
        if marker:
            files.append((marker.group(1), []))
            continue
        if not files:
            files.append((default, []))
        files[-1][1].append(line)
    out: list[ExampleFile] = []
    for name, body in files:
        expected: list[tuple[int, str]] = []
        for number, line in enumerate(body, start=1):
            match = _EXPECT.search(line)
            if match:
                expected.extend((number, code.strip()) for code in match.group(1).split(","))
        out.append(ExampleFile(name, "\n".join(body) + "\n", tuple(expected)))
    return tuple(out)


def rules_table(rules: list[type[Rule]]) -> str:
    """The Markdown rule table in the README (a test keeps it in step with the rules)."""
    rows = [
        "| code | name | default | fix | summary |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        fix = "—" if rule.fix == "none" else rule.fix
        rows.append(f"| {rule.code} | `{rule.name}` | {rule.severity} | {fix} | {rule.summary()} |")
    return "\n".join(rows) + "\n"


def is_builtin(rule: type[Rule]) -> bool:
    return rule.__module__.startswith(_BUILTIN_PACKAGE)


def help_uri(rule: type[Rule]) -> str | None:
    """The rule's documentation page; None for a custom rule, which has no page of ours."""
    if not is_builtin(rule):
        return None
    return f"{PROJECT_URL}/blob/main/{RULE_PAGES}/{rule.code}.md"


def rule_page(rule: type[Rule]) -> str:
    """The Markdown page of a rule: its metadata, then the documentation ``explain`` prints."""
    languages = ", ".join(rule.languages) or "all"
    tags = ", ".join(f"`{tag}`" for tag in rule.tags) or "—"
    fix = "—" if rule.fix == "none" else rule.fix
    header = [
        f"# {rule.code} `{rule.name}`",
        "",
        "<!-- generated from the rule's docstring by "
        f"`python -m analyzer.engine.docs --write {RULE_PAGES}`; do not edit -->",
        "",
        "| default severity | languages | fix | tags | since |",
        "|---|---|---|---|---|",
        f"| {rule.severity} | {languages} | {fix} | {tags} | {rule.since} |",
        "",
    ]
    return "\n".join(header) + "\n" + for_users(rule).rstrip() + "\n"


def rule_pages(rules: list[type[Rule]]) -> dict[str, str]:
    """File name -> content of every built-in rule's page."""
    return {f"{rule.code}.md": rule_page(rule) for rule in rules if is_builtin(rule)}


def write_rule_pages(directory: Path, rules: list[type[Rule]]) -> list[str]:
    """Write the pages and remove pages of rules that no longer exist; returns what changed."""
    directory.mkdir(parents=True, exist_ok=True)
    pages = rule_pages(rules)
    changed: list[str] = []
    for name, text in pages.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(name)
    for path in sorted(directory.glob("*.md")):
        if path.name not in pages:
            path.unlink()
            changed.append(path.name)
    return changed


def _main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "--write":
        print(f"usage: python -m analyzer.engine.docs --write {RULE_PAGES}", file=sys.stderr)
        return 2
    from analyzer.engine.registry import load_rules

    changed = write_rule_pages(Path(argv[1]), load_rules())
    print(f"{argv[1]}: {len(changed)} pages written or removed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
