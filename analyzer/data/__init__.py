"""Platform data the rules and the workspace read (dates, names); see ``platform.toml``
and ``powershell-commands.toml``."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@cache
def platform() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parent / "platform.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class PowerShellCommands:
    """What a bare command in a workflow can be besides a child runbook
    (``powershell-commands.toml``); every name lower-cased, as PowerShell compares them."""

    approved_verbs: frozenset[str]
    #: Cmdlets, aliases and programs known by their whole name: activities, keywords,
    #: built-in aliases, native programs, cmdlets with an unapproved verb.
    known: frozenset[str]


@cache
def powershell_commands() -> PowerShellCommands:
    path = Path(__file__).parent / "powershell-commands.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    known = (
        *data["cmdlets"]["unapproved-verb"],
        *data["workflow"]["activities"],
        *data["workflow"]["keywords"],
        *data["language"]["keywords"],
        *data["language"]["dsc-keywords"],
        *data["aliases"]["builtin"],
        *data["native"]["programs"],
    )
    return PowerShellCommands(
        approved_verbs=frozenset(v.lower() for v in data["verbs"]["approved"]),
        known=frozenset(name.lower() for name in known),
    )
