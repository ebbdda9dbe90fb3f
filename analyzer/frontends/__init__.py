"""Frontends turn one source file into language-neutral facts.

They are the only code that sees tree-sitter nodes. :func:`analyze_source` is the pure
per-file step (read → decode → parse → facts) that worker processes run; it never raises
for bad input: unreadable bytes, syntax errors and even a frontend bug become problems on
the file (RB902, RB901, RB906) so the rest of the run stands.
"""

from __future__ import annotations

import traceback
from dataclasses import replace
from pathlib import Path

from analyzer.discovery import SourceFile
from analyzer.model.facts import FileFacts, Problem, Runbook

_EXTENSION_LANGUAGE = {"powershell": "PowerShell", "python": "Python"}


def _runbook_name(path: str) -> str:
    return Path(path).stem


def analyze_text(path: str, text: str, language: str) -> FileFacts:
    """Facts for already-decoded text (the language server calls this with buffer text)."""
    from analyzer.frontends.detect import sniff

    actual = language
    mismatch: Problem | None = None
    if language in ("powershell", "python"):
        sniffed = sniff(text, language)
        if sniffed is not None and sniffed != language:
            actual = sniffed
            mismatch = Problem(
                "RB904",
                f"this {Path(path).suffix} file contains {_EXTENSION_LANGUAGE[sniffed]} code; "
                f"it was analysed as {_EXTENSION_LANGUAGE[sniffed]}",
                None,
                "rename the file to the extension of its language, or replace its content",
            )
    if actual == "powershell":
        from analyzer.frontends.powershell import extract
    elif actual == "python":
        from analyzer.frontends.python import extract
    else:
        raise ValueError(f"no frontend for {actual!r}")
    facts = extract(path, text)
    runbook = facts.runbook or Runbook("", "powershell", "powershell")
    kind = runbook.kind
    is_runbook = True
    if path.lower().endswith(".psm1"):
        kind, is_runbook = "powershell-module", False
    facts.runbook = replace(runbook, name=_runbook_name(path), kind=kind, is_runbook=is_runbook)
    if mismatch is not None:
        facts.problems.insert(0, mismatch)
    return facts


def analyze_source(source: SourceFile) -> FileFacts:
    """The per-file step: never raises; trouble becomes a problem on the file."""
    from analyzer.textio import DecodeError, decode

    try:
        data = Path(source.abspath).read_bytes()
    except OSError as exc:
        return _unreadable(source, f"cannot read the file: {exc.strerror or exc}")
    if source.language == "graphical":
        return _graphical(source, data)
    try:
        decoded = decode(data)
    except DecodeError as exc:
        return _unreadable(source, str(exc))
    try:
        return analyze_text(source.path, decoded.text, source.language)
    except Exception as exc:  # a frontend bug must not end the run (RB906)
        return _internal_error(source, decoded.text, exc)


def _graphical(source: SourceFile, data: bytes) -> FileFacts:
    from analyzer.frontends.graphical import extract_graphical
    from analyzer.frontends.graphical_model import GraphRunbookError

    try:
        return extract_graphical(source.path, data)
    except GraphRunbookError as exc:
        return _unreadable(source, str(exc), help=_GRAPHICAL_HELP)
    except Exception as exc:  # a frontend bug must not end the run (RB906)
        return _internal_error(source, "", exc)


_GRAPHICAL_HELP = "export the runbook again from the portal (Export, graphical format)"


def _internal_error(source: SourceFile, text: str, exc: Exception) -> FileFacts:
    detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return FileFacts(
        path=source.path,
        runbook=None,
        text=text,
        problems=[
            Problem(
                "RB906",
                f"internal error while analysing this file: {detail}",
                None,
                "please report this with the file; other files' results stand",
            )
        ],
    )


def _unreadable(source: SourceFile, reason: str, help: str | None = None) -> FileFacts:
    return FileFacts(
        path=source.path,
        runbook=None,
        problems=[
            Problem(
                "RB902",
                f"unreadable file: {reason}",
                None,
                help or "save the file as UTF-8 (with or without BOM) or UTF-16 with a BOM",
            )
        ],
    )
