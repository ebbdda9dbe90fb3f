"""``graph --format json``: the dependency report as DESIGN §4 fixes it."""

from __future__ import annotations

import json
from typing import Any

from analyzer.reporters.ci import log_safe_json


def render(report: dict[str, Any]) -> str:
    # Printed into CI logs: no ``##vso[`` a runbook's names could smuggle in (same values).
    return log_safe_json(json.dumps(report, indent=2, ensure_ascii=False)) + "\n"
