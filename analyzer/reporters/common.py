"""What several reporters share: source lines for snippets, safe text, counts."""

from __future__ import annotations

import re
from collections import Counter

from analyzer.model.diagnostic import Diagnostic, Related

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")


def neutralise(text: str) -> str:
    """Make text copied from scanned files harmless in CI logs and terminals.

    Azure Pipelines executes ``##vso[`` wherever it appears in a log line, and terminal
    escape sequences could rewrite what a reviewer sees; a runbook must not be able to
    inject either through a message or a source snippet.
    """
    text = text.replace("##vso[", "#\u200b#vso[").replace("##[", "#\u200b#[")
    return _CONTROL.sub("\ufffd", text)


def source_lines(text: str) -> list[str]:
    """Lines split on LF only (CRLF counts once), matching how positions are counted."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def severity_counts(diagnostics: list[Diagnostic]) -> Counter[str]:
    return Counter(d.severity for d in diagnostics)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def related_place(related: Related) -> str:
    """``path:line:col`` of a related location (``path`` alone when it has no span)."""
    if related.span is None:
        return related.path
    return f"{related.path}:{related.span.line}:{related.span.column}"
