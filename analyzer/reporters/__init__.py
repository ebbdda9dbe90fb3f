"""Reporters turn sorted diagnostics into bytes for people, CI systems and editors.

Every reporter is a function ``render(result, options) -> str`` in its own module, looked
up by format name so that the CLI imports only the one it needs.
"""

from __future__ import annotations

FORMATS = ("text", "json")


def renderer(name: str):  # noqa: ANN201 - returns a module-level function
    """The render function of format ``name`` (imported on demand)."""
    import importlib

    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return importlib.import_module(f"analyzer.reporters.{name}_report").render
