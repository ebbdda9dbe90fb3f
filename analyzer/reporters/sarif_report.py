"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it
(output-conventions.md §2).

Choices a reader of the log may want to know:

- URIs are relative to ``%SRCROOT%``, the working directory (``originalUriBaseIds`` gives
  its file URI), so an upload from a checkout shows repository paths; a file outside the
  working directory gets an absolute ``file:`` URI without a base. Both are
  percent-encoded (spaces, ``#``, ``%``, non-ASCII as UTF-8).
- Regions are 1-based with an exclusive end, columns in Unicode code points
  (``columnKind`` says so). A zero-width span (an inventory declaration is reported at the
  start of its line) becomes a region from that column to the end of the line rather than
  an empty one. A graphical runbook has no lines: its findings point at line 1 of the file,
  name the activity in the message (GitHub shows no logical locations) and carry it as a
  logical location, ``<runbook>/<activity>``, with the activity's EntityId. The one
  finding without a file (a workspace rule that crashed, RB906) has only a logical
  location, ``workspace``.
- ``message.text`` is the message as a sentence (GitHub makes the first sentence the
  alert title), then the finding's help; related locations (the other calls of an
  aggregated finding, the inventory declaration) have their own messages, and a finding
  with an edit has ``fixes`` (its applicability, safe or unsafe, in ``properties``).
- ``partialFingerprints`` come from :mod:`analyzer.engine.fingerprints`, the same
  line-independent identity the baseline uses, so alerts survive code moving up or down.
- Every rule that ran is described, and so is every rule a finding names (RB905 and RB906
  come from the engine even when not selected); the full help is the rule's documentation
  and ``helpUri`` its page.
- Nothing depends on the time or on ``--jobs``: the same input gives the same bytes.
- ``invocations`` records the exit code; exit code 2 (usage, configuration or internal
  error, DESIGN §6) is an unsuccessful execution.

Microsoft's SARIF Multitool (``validate --rule-kind "Sarif;Gh"``) reports neither errors
nor warnings on this output (tests/reporters/test_multitool.py).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from analyzer import PROJECT_URL, __version__
from analyzer.engine.fingerprints import FINGERPRINT_VERSION, SourceLines, fingerprints
from analyzer.reporters.ci import json_document, located_message

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.engine.rule import Rule
    from analyzer.engine.source_edit import SourceText
    from analyzer.model.diagnostic import Diagnostic, Fix, Related
    from analyzer.model.span import Span

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
TOOL_NAME = "runbook-analyzer"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
#: No rule declares its precision yet; every finding is one the rule can vouch for
#: (rules say less when a premise is not proven), which GitHub calls "high".
DEFAULT_PRECISION = "high"
#: Where a finding about no file in particular is (a workspace rule that crashed).
WORKSPACE: dict[str, str] = {
    "name": "workspace",
    "fullyQualifiedName": "workspace",
    "kind": "module",
}


def render(
    result: AnalysisResult,
    diagnostics: list[Diagnostic],
    show_source: bool = True,
    hidden: Sequence[tuple[str, int]] = (),
    exit_code: int = 0,
) -> str:
    places = _Places(Path.cwd(), result)
    descriptors = _descriptors(result, diagnostics)
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    prints = fingerprints(diagnostics, SourceLines(result.files))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": PROJECT_URL,
                "rules": descriptors,
            }
        },
        "automationDetails": {"id": f"{TOOL_NAME}/"},
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {SRCROOT: {"uri": directory_uri(places.cwd)}},
        "invocations": [{"executionSuccessful": exit_code != 2, "exitCode": exit_code}],
        "results": [
            _result(d, index[d.code], fingerprint, places)
            for d, fingerprint in zip(diagnostics, prints, strict=True)
        ],
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_document(log)


# ---------------------------------------------------------------------------- rules


def _descriptors(result: AnalysisResult, diagnostics: list[Diagnostic]) -> list[dict[str, Any]]:
    """The rules that ran, plus those findings name from outside the selection (looked up
    among the built-ins); sorted by code, which ``ruleIndex`` refers to."""
    rules: dict[str, type[Rule]] = {rule.code: rule for rule in result.rules}
    missing = {d.code for d in diagnostics} - set(rules)
    if missing:
        from analyzer.engine.registry import load_rules

        rules.update((r.code, r) for r in load_rules() if r.code in missing)
    out = {code: _descriptor(rule) for code, rule in rules.items()}
    for d in diagnostics:
        # A code no rule class defines (a finding made up by a caller of the library).
        out.setdefault(
            d.code,
            {
                "id": d.code,
                "name": d.name,
                "shortDescription": {"text": d.name},
                "defaultConfiguration": {"level": LEVELS[d.severity]},
            },
        )
    return [out[code] for code in sorted(out)]


def _descriptor(rule: type[Rule]) -> dict[str, Any]:
    from analyzer.engine.docs import for_users, help_uri, sections

    documentation = for_users(rule)
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": _unwrap(sections(rule).get("What it does") or rule.summary())},
        "help": {"text": documentation, "markdown": documentation},
    }
    uri = help_uri(rule)
    if uri:
        descriptor["helpUri"] = uri
    descriptor["defaultConfiguration"] = {"level": LEVELS[rule.severity]}
    descriptor["properties"] = {"tags": list(rule.tags), "precision": DEFAULT_PRECISION}
    return descriptor


def _unwrap(text: str) -> str:
    """Docstring paragraphs as single lines: viewers wrap descriptions themselves."""
    paragraphs = (" ".join(line.strip() for line in p.splitlines()) for p in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


# -------------------------------------------------------------------------- results


def _result(
    diagnostic: Diagnostic, rule_index: int, fingerprint: str, places: _Places
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": _message(diagnostic)},
    }
    location = places.location(diagnostic.path, diagnostic.span)
    if diagnostic.logical is not None:
        location["logicalLocations"] = [places.logical(diagnostic)]
    if not location:
        # Only a crash of a workspace rule has no file; GitHub requires a location.
        location["logicalLocations"] = [dict(WORKSPACE)]
    out["locations"] = [location]
    if diagnostic.related:
        out["relatedLocations"] = [
            _related(related, number, places)
            for number, related in enumerate(diagnostic.related, start=1)
        ]
    out["partialFingerprints"] = {FINGERPRINT_VERSION: fingerprint}
    if diagnostic.fix is not None:
        out["fixes"] = [_fix(diagnostic.path, diagnostic.fix, places)]
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _message(diagnostic: Diagnostic) -> str:
    """The message as sentences (the first becomes GitHub's alert title), then the help."""
    text = _sentence(located_message(diagnostic))
    if diagnostic.help:
        text += " Help: " + _sentence(diagnostic.help)
    return text


def _related(related: Related, number: int, places: _Places) -> dict[str, Any]:
    out: dict[str, Any] = {"id": number}
    out.update(places.location(related.path, related.span))
    out["message"] = {"text": _sentence(related.message)}
    return out


def _fix(path: str, fix: Fix, places: _Places) -> dict[str, Any]:
    return {
        "description": {"text": _sentence(fix.message)},
        "artifactChanges": [
            {
                "artifactLocation": places.artifact(path),
                "replacements": [
                    {
                        "deletedRegion": _exact_region(edit.span),
                        "insertedContent": {
                            "text": edit.text.replace("\n", places.newline(path, edit.span.line))
                        },
                    }
                    for edit in fix.edits
                ],
            }
        ],
        "properties": {"applicability": fix.applicability},
    }


# ------------------------------------------------------------------------ locations


class _Places:
    """Artifact locations, regions and logical locations relative to the working
    directory."""

    def __init__(self, cwd: Path, result: AnalysisResult) -> None:
        self.cwd = cwd
        self._runbooks = {f.path: f.runbook.name for f in result.files if f.runbook}
        self._sources: dict[str, SourceText] = {}

    def artifact(self, path: str) -> dict[str, Any]:
        return artifact_location(path, self.cwd)

    def location(self, path: str, span: Span | None) -> dict[str, Any]:
        if not path:
            return {}
        physical: dict[str, Any] = {"artifactLocation": self.artifact(path)}
        physical["region"] = _region(span)
        return {"physicalLocation": physical}

    def logical(self, diagnostic: Diagnostic) -> dict[str, Any]:
        logical = diagnostic.logical
        assert logical is not None
        runbook = self._runbooks.get(diagnostic.path) or Path(diagnostic.path).stem
        out: dict[str, Any] = {
            "name": logical.activity,
            "fullyQualifiedName": f"{runbook}/{logical.activity}",
            "kind": "function",
        }
        properties = {"entityId": logical.entity_id, "parameter": logical.parameter}
        properties = {k: v for k, v in properties.items() if v}
        if properties:
            out["properties"] = properties
        return out

    def newline(self, path: str, line: int) -> str:
        """The line ending an edit on ``line`` writes, as ``--fix`` would write it."""
        from analyzer.engine.source_edit import EditError, SourceText

        source = self._sources.get(path)
        if source is None:
            try:
                source = self._sources[path] = SourceText.read(path)
            except EditError:
                return "\n"
        return source.newline_for(line)


def _region(span: Span | None) -> dict[str, int]:
    if span is None:
        return {"startLine": 1}
    if (span.line, span.column) == (span.end_line, span.end_column):
        return {"startLine": span.line, "startColumn": span.column}
    return _exact_region(span)


def _exact_region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


def directory_uri(directory: Path) -> str:
    """The file URI of a directory, ending in a slash as a base URI must."""
    return directory.absolute().as_uri().rstrip("/") + "/"


def artifact_location(path: str, cwd: Path) -> dict[str, Any]:
    """``{"uri", "uriBaseId"}`` for a path below ``cwd``, an absolute file URI otherwise.

    Report paths are relative to the working directory when the file lies below it, but a
    path given as ``../x`` stays relative and lexical, so it is normalised first.
    """
    full = Path(os.path.normpath(Path(cwd, path)))
    try:
        relative = full.relative_to(cwd)
    except ValueError:
        return {"uri": full.as_uri()}
    # ':' is encoded too: in a relative reference it would read as a scheme.
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SRCROOT}
