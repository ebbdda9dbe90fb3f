"""``graph --format json``: the dependency report as DESIGN §4 fixes it."""

from __future__ import annotations

from typing import Any

from analyzer.reporters.ci import json_document


def render(report: dict[str, Any]) -> str:
    # Printed into CI logs: no ``##vso[`` a runbook's names could smuggle in (same values).
    return json_document(report)
