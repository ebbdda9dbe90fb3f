"""Which files changed since a git revision (``check --changed-since REF``).

A pull-request gate on a large repository wants the findings its change brought, yet
cross-file rules (missing children, cycles, unused assets) are only right when the whole
tree is read. So the analysis reads everything and the filter stage
(:func:`analyzer.engine.filters.changed_only`) keeps the findings in the files this module
names: those that differ between the merge base of REF and HEAD and the working tree
(committed on the branch, staged or not), plus untracked files git does not ignore. A
rename counts as its new path; a deleted file is in no list, since no finding can be in it.

Without a merge base (a shallow clone whose history does not reach the branch point, or
unrelated histories) the files are compared with REF itself. That is exact for the merge
commit a pull-request build checks out (it is REF plus the change), and otherwise errs on
the side of showing more: files changed on REF after the branch point count as changed
too. Nothing a change touched is ever hidden; ``ChangedFiles.note`` says what happened.

git runs as a subprocess (never a library: its own rules for ignores, renames and
worktrees are the ones users expect), in the repository that contains the working
directory, with ``-z`` output, ``core.quotepath`` off, no optional locks (a concurrent
``git`` or pre-commit must not find the index locked, and nothing is written), the C
locale (its messages are read) and a timeout.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

#: Seconds one git command may take; a diff of a very large tree stays well below it.
GIT_TIMEOUT = 60.0
_HEX = re.compile(r"[0-9a-fA-F]{7,64}")


class ChangesError(Exception):
    """The changed files cannot be known; the message says what to do (exit 2)."""


def _key(path: Path) -> str:
    """The comparable form of a path on this platform: absolute, symlinks and ``..``
    resolved, case folded where the platform folds it (Windows)."""
    return os.path.normcase(path.resolve())


def _identity(path: Path) -> tuple[int, int] | None:
    """The file's device and inode: equal for two spellings of one file even where the
    file system ignores case and no path normalisation can tell (macOS)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


@dataclass(frozen=True)
class ChangedFiles:
    """The files changed since ``ref``, as the filter stage asks about them."""

    ref: str
    #: Resolved absolute paths (see :func:`_key`) of the files changed since ``ref``.
    paths: frozenset[str]
    #: Where relative paths given to :meth:`contains` are taken from.
    cwd: Path = field(default_factory=Path.cwd)
    #: The commit compared with: the merge base of ``ref`` and HEAD, or ``ref`` itself.
    base: str = ""
    #: Set when the comparison is not the exact one (no merge base), for the user.
    note: str | None = None
    _identities: frozenset[tuple[int, int]] = field(default=frozenset(), repr=False)

    def __post_init__(self) -> None:
        if not self._identities:
            found = (_identity(Path(p)) for p in self.paths)
            object.__setattr__(self, "_identities", frozenset(i for i in found if i))

    def contains(self, path: str) -> bool:
        """Whether ``path`` (as reported: relative to ``cwd``, or absolute) changed."""
        full = self.cwd / path  # an absolute path stays itself
        if _key(full) in self.paths:
            return True
        identity = _identity(full)
        return identity is not None and identity in self._identities


def changed_files(ref: str, cwd: Path) -> ChangedFiles:
    """The files changed since ``ref`` in the git repository that contains ``cwd``."""
    if not ref.strip() or ref.startswith("-"):
        raise ChangesError(f'"{ref}" is not a git revision')
    top = _toplevel(cwd)
    commit = _revision(ref, top)
    base, note = _base(ref, commit, top)
    # Against the working tree: commits on the branch, staged and unstaged edits alike.
    # --no-renames splits a rename into a deletion and an addition; "d" drops deletions.
    tracked = _git_paths(
        ["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", "--no-color", base],
        top,
    )
    untracked = _git_paths(["ls-files", "-z", "--others", "--exclude-standard"], top)
    paths = frozenset(_key(Path(top, rel)) for rel in (*tracked, *untracked))
    return ChangedFiles(ref=ref, paths=paths, cwd=cwd.absolute(), base=base, note=note)


# ------------------------------------------------------------------- git plumbing
def _git(args: list[str], cwd: Path | str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "C", "GIT_OPTIONAL_LOCKS": "0"}
    command = ["git", "-c", "core.quotepath=off", *args]
    try:
        return subprocess.run(
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise ChangesError(
            "git is not installed or not on PATH; install git, or drop --changed-since"
        ) from None
    except subprocess.TimeoutExpired:
        raise ChangesError(
            f"`git {args[0]}` did not finish within {GIT_TIMEOUT:.0f} s; drop --changed-since "
            "to check every file"
        ) from None
    except OSError as exc:
        raise ChangesError(f"cannot run git: {exc.strerror or exc}") from None


def _stderr(result: subprocess.CompletedProcess[bytes]) -> str:
    text = os.fsdecode(result.stderr).strip()
    lines = [line.removeprefix("fatal: ").strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else f"git exited with status {result.returncode}"


def _toplevel(cwd: Path) -> str:
    if not cwd.is_dir():
        raise ChangesError(f"{cwd} is not a directory")
    result = _git(["rev-parse", "--show-toplevel"], cwd)
    if result.returncode != 0:
        message = _stderr(result)
        if "not a git repository" in message:
            raise ChangesError(
                f"{cwd} is not inside a git repository; run the check from a clone, "
                "or drop --changed-since"
            )
        raise ChangesError(f"git cannot read the repository: {message}")
    top = os.fsdecode(result.stdout).strip()
    if not top:  # inside .git itself, or a bare repository
        raise ChangesError(f"{cwd} is not inside a git work tree; run the check from a clone")
    return top


def _revision(ref: str, top: str) -> str:
    result = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    commit = os.fsdecode(result.stdout).strip()
    if result.returncode == 0 and commit:
        return commit
    raise ChangesError(f'unknown git revision "{ref}"; {_fetch_hint(ref, top)}')


def _fetch_hint(ref: str, top: str) -> str:
    """How to get ``ref`` into a CI clone, which usually holds only the checked-out commit."""
    if any(mark in ref for mark in "~^@:"):
        return "a shallow clone may lack it: fetch more history first, e.g. `git fetch --deepen=50`"
    remotes = os.fsdecode(_git(["remote"], top).stdout).split()
    if not remotes:
        return "no branch, tag or commit of that name is in this clone, which has no remote"
    remote, _, branch = ref.partition("/")
    if branch and remote in remotes:
        return f"fetch it first, e.g. `git fetch {remote} {branch} --depth=1` in CI"
    remote = "origin" if "origin" in remotes else remotes[0]
    if _HEX.fullmatch(ref):
        return f"fetch it first, e.g. `git fetch {remote} {ref} --depth=1` in CI"
    return (
        f"fetch it first, e.g. `git fetch {remote} {ref} --depth=1` in CI, where shallow "
        f"clones lack it, and pass --changed-since {remote}/{ref}"
    )


def _base(ref: str, commit: str, top: str) -> tuple[str, str | None]:
    """The merge base of ``commit`` and HEAD, or ``commit`` itself with a note saying why."""
    result = _git(["merge-base", commit, "HEAD"], top)
    base = os.fsdecode(result.stdout).strip().splitlines()
    if result.returncode == 0 and base:
        return base[0], None
    shallow = _git(["rev-parse", "--is-shallow-repository"], top)
    if os.fsdecode(shallow.stdout).strip() == "true":
        why = f"this shallow clone holds no common ancestor of {ref} and HEAD"
        more = "; fetch more history (fetch-depth: 0) for the exact branch point"
    else:
        why = f"{ref} and HEAD have no common ancestor"
        more = ""
    return commit, (
        f"{why}, so files are compared with {ref} itself: exact for a pull request's merge "
        f"commit, otherwise files changed on {ref} since the branch point count as changed "
        f"too{more}"
    )


def _git_paths(args: list[str], top: str) -> list[str]:
    result = _git(args, top)
    if result.returncode != 0:
        raise ChangesError(f"`git {args[0]}` failed: {_stderr(result)}")
    return [os.fsdecode(part) for part in result.stdout.split(b"\0") if part]
