"""What the CI reporters (github, azure, gitlab, junit, concise, sarif) share: the order
in which annotations are printed, the activity that stands in for a line, a message with
its help, and JSON that is safe to print into a CI log.

CI systems display only the first few annotations of each type (GitHub and Azure keep ten
per step), so the reporters that annotate print the most severe findings first; within a
severity the engine's order (path, line) stays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analyzer.model.diagnostic import SEVERITY_RANK, Diagnostic


def worst_first(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: -SEVERITY_RANK[d.severity])


def activity_label(diagnostic: Diagnostic) -> str | None:
    """``activity "X" (parameter P)`` for a graphical runbook finding, which has no line."""
    logical = diagnostic.logical
    if logical is None:
        return None
    label = f'activity "{logical.activity}"'
    if logical.parameter:
        label += f" (parameter {logical.parameter})"
    return label


def located_message(diagnostic: Diagnostic) -> str:
    """The message, prefixed with the activity where the format has no place for one."""
    label = activity_label(diagnostic)
    return f"{label}: {diagnostic.message}" if label else diagnostic.message


def with_help(diagnostic: Diagnostic) -> str:
    """The located message and, on a second line, the help (the reporter escapes the
    line break as its format requires)."""
    message = located_message(diagnostic)
    return f"{message}\nhelp: {diagnostic.help}" if diagnostic.help else message


_LOG_COMMANDS = (("##vso[", "##vso\\u005b"), ("##[", "##\\u005b"))
_C1 = re.compile("[\x7f-\x9f]")


def log_safe_json(document: str) -> str:
    """Serialised JSON that a CI log cannot mistake for commands, with the same content.

    A report printed to standard output lands in the job log, where Azure Pipelines runs
    ``##vso[`` wherever it appears; a runbook's asset name could carry one into a message.
    Outside strings JSON has no ``#``, so writing the bracket as ``\\u005b`` (and C1 control
    characters as escapes, which ``ensure_ascii=False`` leaves raw) changes no value.
    """
    for raw, escaped in _LOG_COMMANDS:
        document = document.replace(raw, escaped)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def json_document(document: object) -> str:
    """A report as JSON text: two-space indentation, non-ASCII as is, one final newline,
    log-safe (:func:`log_safe_json`).

    orjson writes exactly the bytes of ``json.dumps(indent=2, ensure_ascii=False)`` for
    the documents reports hold (str keys, no floats) about thirty times faster, which is
    what a 10,000-runbook dependency report needs; what it refuses (a lone surrogate, an
    integer beyond 64 bits) falls back to the standard library, with the same layout.
    """
    import orjson

    try:
        text = orjson.dumps(document, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        import json

        text = json.dumps(document, indent=2, ensure_ascii=False)
    return log_safe_json(text) + "\n"
