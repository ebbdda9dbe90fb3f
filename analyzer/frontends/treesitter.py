"""Lazy, per-process tree-sitter set-up.

Languages, parsers and compiled queries are created on first use and cached for the life
of the process: compiling a query costs far more than running it, and worker processes
analyse many files each.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Language, Parser, Query


@cache
def language(name: str) -> Language:
    from tree_sitter import Language

    if name == "powershell":
        import tree_sitter_pwsh

        return Language(tree_sitter_pwsh.language())
    if name == "python":
        import tree_sitter_python

        return Language(tree_sitter_python.language())
    raise ValueError(f"no tree-sitter grammar for {name!r}")


@cache
def parser(name: str) -> Parser:
    from tree_sitter import Parser

    return Parser(language(name))


@cache
def query(name: str, source: str) -> Query:
    from tree_sitter import Query

    return Query(language(name), source)


def captures(name: str, source: str, node: object) -> dict[str, list]:
    """Run a cached query over ``node`` and return its captures by name."""
    from tree_sitter import QueryCursor

    return QueryCursor(query(name, source)).captures(node)  # type: ignore[arg-type]
