"""Find the files to analyse and say what each one is.

Walking is sorted and deterministic so that output bytes never depend on directory order
or on ``--jobs``. Classification is by extension only here; whether a ``.ps1`` is a
workflow, a DSC configuration or really Python is decided by the frontends from content.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

#: Extension → file role. ``.psm1`` is analysed but is not a runbook.
SOURCE_SUFFIXES: dict[str, str] = {
    ".ps1": "powershell",
    ".psm1": "powershell",
    ".py": "python",
    ".graphrunbook": "graphical",
}

ALWAYS_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules"})


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file selected for analysis.

    ``path`` is what reports show: relative to the working directory when the file lies
    below it (DESIGN §4), otherwise absolute, always with forward slashes.
    """

    path: str
    abspath: str
    language: str


class DiscoveryError(Exception):
    """A path given on the command line cannot be analysed (a usage error, exit 2)."""


def display_path(path: Path, cwd: Path) -> str:
    resolved = path.absolute()
    try:
        return resolved.relative_to(cwd).as_posix()
    except ValueError:
        return resolved.as_posix()


def _excluded(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(name, pattern):
            return True
        if fnmatch.fnmatchcase(rel, pattern + "/*"):
            return True
    return False


def discover(
    paths: list[str] | tuple[str, ...],
    exclude: tuple[str, ...] = (),
    cwd: Path | None = None,
) -> list[SourceFile]:
    """Expand files and directories into a sorted, de-duplicated list of sources.

    Files named explicitly are analysed whatever the exclude patterns say (as ruff does)
    but must have a known extension; directories are walked with excludes applied.
    """
    cwd = (cwd or Path.cwd()).absolute()
    found: dict[str, SourceFile] = {}
    for raw in paths:
        root = Path(raw)
        if not root.exists():
            raise DiscoveryError(f"{raw}: no such file or directory")
        if root.is_file():
            language = SOURCE_SUFFIXES.get(root.suffix.lower())
            if language is None:
                raise DiscoveryError(
                    f"{raw}: not a runbook source (expected .ps1, .psm1, .py or .graphrunbook)"
                )
            source = SourceFile(display_path(root, cwd), str(root.absolute()), language)
            found[source.abspath] = source
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            rel_dir = display_path(here, cwd)
            prefix = "" if rel_dir == "." else rel_dir + "/"
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d not in ALWAYS_SKIPPED_DIRS and not _excluded(prefix + d, d, exclude)
            )
            for name in sorted(filenames):
                language = SOURCE_SUFFIXES.get(Path(name).suffix.lower())
                if language is None:
                    continue
                path = here / name
                rel = display_path(path, cwd)
                if _excluded(rel, name, exclude):
                    continue
                source = SourceFile(rel, str(path.absolute()), language)
                found.setdefault(source.abspath, source)
    return sorted(found.values(), key=lambda s: s.path)
