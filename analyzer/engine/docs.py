"""Rule documentation as data: docstring sections and their code examples.

The docstring is the documentation (``explain`` prints it, the README table is generated
from it) and its examples are tests: lines marked ``# expect: CODE`` must be reported,
nothing else may be, and "Use instead" blocks must be clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.engine.rule import Rule

REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")
_FENCE = re.compile(r"^```(\w*)\s*$")
_FILE_MARKER = re.compile(r"^#\s*file:\s*(\S+)\s*$")
_EXPECT = re.compile(r"(?:#|//)\s*expect:\s*([A-Z]{1,4}\d{3}(?:\s*,\s*[A-Z]{1,4}\d{3})*)")
_EXPECT_MARKER = re.compile(r"[ \t]*" + _EXPECT.pattern)
_EXTENSIONS = {"powershell": ".ps1", "python": ".py"}


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
