"""JUnit XML (output-conventions.md §6), the shape Azure Pipelines, GitLab and Jenkins
accept: ``<testsuites>``, one ``<testsuite>`` per file with findings, one failing
``<testcase name="runbook-analyzer.RB102">`` per finding. A clean run is one passing test
case, so a consumer that treats an empty report as a missing one stays quiet.

ElementTree escapes; what XML 1.0 cannot carry at all (control characters other than tab
and line breaks, lone surrogates) is removed first, so text from a hostile file cannot
make the report unreadable, and ``##vso[`` is written with a character reference, so a
report printed into an Azure Pipelines log cannot run a command.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from analyzer.reporters.ci import activity_label, located_message
from analyzer.reporters.common import related_place
from analyzer.reporters.text_report import summary

if TYPE_CHECKING:
    from analyzer.api import AnalysisResult
    from analyzer.model.diagnostic import Diagnostic

SUITE = "runbook-analyzer"
#: Azure Pipelines runs ``##vso[`` anywhere in a log line, a report printed to standard
#: output included; ``#`` occurs only in text and attribute values, where ``&#91;`` is ``[``.
_LOG_COMMANDS = (("##vso[", "##vso&#91;"), ("##[", "##&#91;"))
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _element(parent: ET.Element, tag: str, **attributes: str | int) -> ET.Element:
    return ET.SubElement(parent, tag, {k: clean(str(v)) for k, v in attributes.items()})


def _where(diagnostic: Diagnostic) -> str:
    label = activity_label(diagnostic)
    if label:
        return label
    span = diagnostic.span
    return f"line {span.line}, col {span.column}" if span else "the whole file"


def _testcase(suite: ET.Element, diagnostic: Diagnostic) -> None:
    span = diagnostic.span
    attributes: dict[str, str | int] = {
        "name": f"{SUITE}.{diagnostic.code}",
        "classname": diagnostic.path or SUITE,
    }
    if span is not None and diagnostic.logical is None:
        attributes.update(line=span.line, column=span.column)
    case = _element(suite, "testcase", **attributes)
    failure = _element(
        case,
        "failure",
        message=located_message(diagnostic),
        type=f"{diagnostic.code} {diagnostic.name}",
    )
    details = [f"{_where(diagnostic)}: {diagnostic.code} {diagnostic.name} [{diagnostic.severity}]"]
    for related in diagnostic.related:
        where = related_place(related)
        details.append(f"note: {related.message} ({where})")
    if diagnostic.help:
        details.append(f"help: {diagnostic.help}")
    failure.text = clean("\n".join(details))
    properties = _element(case, "properties")
    _element(properties, "property", name="severity", value=diagnostic.severity)


def render(
    result: AnalysisResult,
    diagnostics: list[Diagnostic],
    show_source: bool = True,
    hidden: Sequence[tuple[str, int]] = (),
    exit_code: int = 0,
) -> str:
    count = max(len(diagnostics), 1)
    root = ET.Element("testsuites", name=SUITE, tests=str(count), failures=str(len(diagnostics)))
    if not diagnostics:
        suite = _element(root, "testsuite", name=SUITE, tests=1, failures=0)
        case = _element(suite, "testcase", name=f"{SUITE}.check", classname=SUITE)
        _element(case, "system-out").text = clean(summary(result, diagnostics, hidden))
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    for path, findings in by_path.items():
        suite = _element(
            root, "testsuite", name=path or SUITE, tests=len(findings), failures=len(findings)
        )
        for diagnostic in findings:
            _testcase(suite, diagnostic)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    # As log_safe_json does for JSON: a character reference, the same text for a parser.
    for raw, escaped in _LOG_COMMANDS:
        body = body.replace(raw, escaped)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
