"""Reporters turn sorted diagnostics into bytes for people, CI systems and editors.

Every reporter is a module ``<format>_report`` with one function::

    render(result, diagnostics, show_source=True, hidden=(), exit_code=0) -> str

``diagnostics`` are what the filter stage shows (sorted); ``hidden`` is its
``(what was hidden, how many)`` list for a summary; ``exit_code`` is the status the run
will exit with (SARIF records it in ``invocations``). Looked up by format name so that the
CLI imports only the one it needs.
"""

from __future__ import annotations

FORMATS = ("text", "concise", "json", "sarif", "github", "azure", "gitlab", "junit")


def renderer(name: str):  # noqa: ANN201 - returns a module-level function
    """The render function of format ``name`` (imported on demand)."""
    import importlib

    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return importlib.import_module(f"analyzer.reporters.{name}_report").render
