"""What the reporter tests share: running ``check`` in-process from a directory, the
SARIF schema, and the reporter fixture workspace."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tests.conftest import FIXTURES, ROOT
from tests.test_cli import invoke_streams

REPORTERS = FIXTURES / "reporters"
#: Every location shape: PowerShell (a path with a space and non-ASCII letters), Python,
#: graphical, inventory files, aggregated findings with related places, and a message with
#: ``%``, ``,``, ``:`` and ``##vso[``.
WORKSPACE = REPORTERS / "workspace"
WORKSPACE_ARGS = ["check", ".", "--inventory", "infra"]
#: The SARIF 2.1.0 schema as Microsoft's SARIF Multitool 5.7.0 ships it (npm package
#: @microsoft/sarif-multitool-linux, sarif-2.1.0.json; MIT licence).
SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


def invoke(args: list[str], cwd: Path) -> tuple[int, str]:
    """``runbook-analyzer ARGS`` from ``cwd``: exit code and standard output."""
    code, output, _ = invoke_streams(args, cwd)
    return code, output


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema, format_checker=validator.FORMAT_CHECKER)


def schema_errors(log: dict[str, Any]) -> list[str]:
    """Every violation of the SARIF 2.1.0 schema, with the JSON path where it is."""
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(_validator().iter_errors(log), key=lambda e: e.json_path)
    ]
