"""What a finding is, independent of where its line happens to be today.

The baseline, SARIF ``partialFingerprints`` and GitLab's ``fingerprint`` must all survive
an edit that moves code up or down, so none of them may contain a line number. A finding
is identified by its rule, its file, its *subject* (the token the caret is under, such as
``$name`` or ``'OpsConnection'``, or the graphical activity and parameter) and a
normalised snippet of its source line (whitespace collapsed). Two findings with the same
key in one file are told apart by their order (an occurrence counter), as GitHub and
GitLab recommend.

One place computes this, so the baseline, the reporters and the language server agree.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.model.diagnostic import Diagnostic

if TYPE_CHECKING:
    from analyzer.model.facts import FileFacts

#: Bumped when the key changes, so an old fingerprint is never compared with a new one.
FINGERPRINT_VERSION = "runbookAnalyzer/v1"
_SNIPPET_LIMIT = 160
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class FindingKey:
    """The line-independent identity of a finding (see the module docstring)."""

    rule: str
    path: str
    subject: str
    snippet: str


class SourceLines:
    """Lines of the files a result covers, for snippets; inventory files (which are not
    among the analysed sources) are read on first use and decoded as sources are."""

    def __init__(self, files: Iterable[FileFacts]) -> None:
        self._texts = {file.path: file.text for file in files}
        self._lines: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        cached = self._lines.get(path)
        if cached is not None:
            return cached
        text = self._texts.get(path)
        if text is None:
            text = _read(path)
        lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
        self._lines[path] = lines
        return lines

    def line(self, path: str, number: int) -> str | None:
        """Line ``number`` (1-based) of ``path``, without its line ending."""
        if not path:
            return None
        lines = self.lines(path)
        return lines[number - 1] if 1 <= number <= len(lines) else None


def _read(path: str) -> str:
    from analyzer.textio import DecodeError, decode

    try:
        return decode(Path(path).read_bytes()).text
    except (OSError, DecodeError):
        return ""


def normalise_snippet(line: str) -> str:
    return _SPACE.sub(" ", line).strip()[:_SNIPPET_LIMIT]


def key_of(diagnostic: Diagnostic, sources: SourceLines) -> FindingKey:
    subject = ""
    snippet = ""
    logical = diagnostic.logical
    span = diagnostic.span
    if logical is not None:
        subject = logical.activity + (f"/{logical.parameter}" if logical.parameter else "")
    elif span is not None:
        line = sources.line(diagnostic.path, span.line)
        if line is not None:
            end = span.end_column - 1 if span.end_line == span.line else len(line)
            subject = normalise_snippet(line[span.column - 1 : end])
            snippet = normalise_snippet(line)
    return FindingKey(diagnostic.code, diagnostic.path.replace("\\", "/"), subject, snippet)


def keys(diagnostics: Sequence[Diagnostic], sources: SourceLines) -> list[FindingKey]:
    return [key_of(d, sources) for d in diagnostics]


def fingerprints(diagnostics: Sequence[Diagnostic], sources: SourceLines) -> list[str]:
    """One fingerprint per finding, in the order given: unique within the list (equal keys
    get an occurrence counter in sort order) and unchanged when lines move."""
    seen: dict[FindingKey, int] = {}
    order = sorted(range(len(diagnostics)), key=lambda i: diagnostics[i].sort_key())
    out = [""] * len(diagnostics)
    for index in order:
        key = key_of(diagnostics[index], sources)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        material = "\0".join((key.rule, key.path, key.subject, key.snippet, str(occurrence)))
        out[index] = hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
    return out
