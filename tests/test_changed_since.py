"""``check --changed-since REF`` on a temporary git repository.

The repository has a main branch and a feature branch whose changes come in every way a
pull request brings them: a commit, a rename, a deletion, a staged and an unstaged edit,
an untracked file, and an ignored one. Cross-file rules must stay right because the whole
tree is read; only what is shown is narrowed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.engine.changes import ChangedFiles, ChangesError, changed_files

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="needs git on PATH (--changed-since runs git)"
)

DYNAMIC = "param([string]$Name = 'Ops')\n$c = Get-AutomationConnection -Name $Name\n"
CALL = "Start-AzAutomationRunbook -ResourceGroupName 'rg' -AutomationAccountName 'aa' -Name '{}'\n"


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's own git, for the test and the processes it starts: no GIT_DIR or index
    of an enclosing hook, no user or system configuration (signing, default branch,
    hooks), no search for a repository above the temporary folder."""
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    for key, value in {
        "HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CEILING_DIRECTORIES": str(tmp_path.parent),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }.items():
        monkeypatch.setenv(key, value)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "symbolic-ref", "HEAD", "refs/heads/main")
    # Never contacted: the remote only gives the fetch advice a name.
    git(root, "remote", "add", "origin", "https://example.invalid/runbooks.git")
    write(root / "Parent.ps1", CALL.format("Child"))
    write(root / "Child.ps1", "Write-Output 'child'\n")
    write(root / "Helper.ps1", "Write-Output 'helper'\n")
    write(root / "Old.ps1", DYNAMIC)
    write(root / "Renamed.ps1", DYNAMIC)
    write(root / "Staged.ps1", "Write-Output 'staged'\n")
    write(root / "Unstaged.ps1", "Write-Output 'unstaged'\n")
    write(root / "LoopA.ps1", CALL.format("LoopB"))
    write(root / "LoopB.ps1", "Write-Output 'b'\n")
    write(root / ".gitignore", "Ignored.ps1\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    # Committed on the branch: a new finding in Parent, which still calls the unchanged Child.
    write(root / "Parent.ps1", CALL.format("Child") + DYNAMIC)
    # LoopB now calls LoopA back: the cycle is reported at LoopA, which did not change.
    write(root / "LoopB.ps1", CALL.format("LoopA"))
    git(root, "commit", "-q", "-a", "-m", "parent and loop")
    git(root, "mv", "Renamed.ps1", "Moved.ps1")
    git(root, "rm", "-q", "Helper.ps1")
    git(root, "commit", "-q", "-m", "rename and delete")
    write(root / "Staged.ps1", "Write-Output 'staged'\n" + DYNAMIC)
    git(root, "add", "Staged.ps1")
    write(root / "Unstaged.ps1", "Write-Output 'unstaged'\n" + DYNAMIC)
    write(root / "New.ps1", CALL.format("Helper"))  # untracked, calls the deleted child
    write(root / "Ignored.ps1", DYNAMIC)  # ignored by git, still analysed
    return root


def check(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analyzer", "check", "--no-source", "--jobs", "1", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def findings(stdout: str) -> list[tuple[str, str]]:
    """(path, code) of each finding line of a text report."""
    out = []
    for line in stdout.splitlines():
        if line[:1] not in (" ", "") and ": RB" in line:
            where, _, rest = line.partition(": ")
            out.append((where.split(":")[0], rest.split()[0]))
    return out


def test_only_findings_of_changed_files_are_shown(repo: Path) -> None:
    everything = check(repo)
    assert findings(everything.stdout) == [
        ("Ignored.ps1", "RB101"),
        ("LoopA.ps1", "RB202"),
        ("Moved.ps1", "RB101"),
        ("New.ps1", "RB201"),
        ("Old.ps1", "RB101"),
        ("Parent.ps1", "RB101"),
        ("Staged.ps1", "RB101"),
        ("Unstaged.ps1", "RB101"),
    ]
    changed = check(repo, "--changed-since", "main")
    assert changed.returncode == 1, changed.stderr
    assert changed.stderr == ""
    assert findings(changed.stdout) == [
        # Reported at the unchanged LoopA, but LoopB (changed) is one of its places.
        ("LoopA.ps1", "RB202"),
        ("Moved.ps1", "RB101"),  # a rename counts as its new path
        ("New.ps1", "RB201"),  # untracked; its child was deleted on the branch
        ("Parent.ps1", "RB101"),  # committed on the branch
        ("Staged.ps1", "RB101"),
        ("Unstaged.ps1", "RB101"),
    ]
    assert changed.stdout.splitlines()[-2:] == [
        "Found 6 findings (1 error, 5 warnings) in 6 files of 10 checked; "
        "not shown: 2 findings in files unchanged since main.",
        "4 fixable with --fix --unsafe-fixes.",
    ]


def test_cross_file_rules_read_the_whole_tree(repo: Path) -> None:
    """Parent changed and calls Child, which did not: Child is still read, so no RB201."""
    result = check(repo, "--changed-since", "main", "--select", "RB201")
    assert findings(result.stdout) == [("New.ps1", "RB201")]
    assert 'child runbook "Helper" is not in the scanned tree' in result.stdout


def test_a_cycle_completed_before_ref_is_hidden(repo: Path) -> None:
    result = check(repo, "--changed-since", "HEAD", "--select", "RB202")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].endswith(
        "; not shown: 1 finding in files unchanged since HEAD."
    )


def test_paths_through_a_symlink_and_dot_dot(repo: Path, tmp_path: Path) -> None:
    """Reported paths are cwd-relative; git's are below the real top level. Both meet."""
    link = tmp_path / "link"
    try:
        link.symlink_to(repo, target_is_directory=True)
    except OSError as exc:  # Windows without the privilege
        pytest.skip(f"cannot create a symlink here: {exc}")
    sub = link / "sub"
    sub.mkdir()
    result = check(sub, "..", "--changed-since", "main", "--select", "RB101")
    assert findings(result.stdout) == [
        ("../Moved.ps1", "RB101"),
        ("../Parent.ps1", "RB101"),
        ("../Staged.ps1", "RB101"),
        ("../Unstaged.ps1", "RB101"),
    ]


def test_unknown_ref_is_a_usage_error(repo: Path) -> None:
    result = check(repo, "--changed-since", "nope")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        'runbook-analyzer: error: --changed-since nope: unknown git revision "nope"; '
        "fetch it first, e.g. `git fetch origin nope --depth=1` in CI, where shallow clones "
        "lack it, and pass --changed-since origin/nope\n"
    )


def test_outside_a_repository_is_a_usage_error(tmp_path: Path, git_env: None) -> None:
    plain = tmp_path / "plain"
    write(plain / "A.ps1", DYNAMIC)
    result = check(plain, "--changed-since", "main")
    assert result.returncode == 2
    assert result.stderr == (
        f"runbook-analyzer: error: --changed-since main: {plain} is not inside a git "
        "repository; run the check from a clone, or drop --changed-since\n"
    )


def test_git_missing_says_how_to_go_on(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-bin-here"))
    with pytest.raises(ChangesError, match="git is not installed or not on PATH"):
        changed_files("main", repo)


@pytest.mark.parametrize(
    ("ref", "advice"),
    [
        ("origin/release", "fetch it first, e.g. `git fetch origin release --depth=1` in CI"),
        ("HEAD~40", "a shallow clone may lack it: fetch more history first"),
        ("-p", None),
    ],
)
def test_ref_advice(repo: Path, ref: str, advice: str | None) -> None:
    with pytest.raises(ChangesError) as caught:
        changed_files(ref, repo)
    if advice is None:
        assert str(caught.value) == '"-p" is not a git revision'
    else:
        assert str(caught.value) == f'unknown git revision "{ref}"; ' + advice + (
            ", e.g. `git fetch --deepen=50`" if ref.startswith("HEAD") else ""
        )


def test_changed_files_from_a_subdirectory(repo: Path) -> None:
    sub = repo / "sub"
    sub.mkdir()
    changes = changed_files("main", sub)
    assert changes.note is None
    assert changes.base == git(repo, "merge-base", "main", "HEAD").strip()
    names = {Path(p).name for p in changes.paths}
    assert names == {
        "Parent.ps1",
        "LoopB.ps1",
        "Moved.ps1",
        "Staged.ps1",
        "Unstaged.ps1",
        "New.ps1",
    }
    assert changes.contains("../Parent.ps1")
    assert changes.contains(str(repo / "Moved.ps1"))
    assert not changes.contains("../Renamed.ps1")  # the old name of a rename
    assert not changes.contains("../Helper.ps1")  # deleted
    assert not changes.contains("../Ignored.ps1")
    assert not changes.contains("../Child.ps1")


def test_case_follows_the_file_system(repo: Path) -> None:
    """Another spelling matches exactly when the file system says it is the same file."""
    changes = changed_files("main", repo)
    other = repo / "parent.ps1"
    same = other.exists() and other.samefile(repo / "Parent.ps1")
    assert changes.contains("parent.ps1") is same


def test_a_file_whose_name_needs_quoting(repo: Path) -> None:
    """-z and core.quotepath off: names with spaces, quotes and non-ASCII come back whole."""
    name = 'Über "Nacht" Start.ps1'
    write(repo / name, DYNAMIC)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", "quoted")
    changes = changed_files("main", repo)
    assert changes.contains(name)


def test_shallow_clone_without_merge_base(repo: Path, tmp_path: Path) -> None:
    """A CI checkout of depth 1 (made as actions/checkout makes it) has no common ancestor
    with a main fetched as the error message advises: compare with main itself, say so."""
    git(repo, "commit", "-q", "-a", "-m", "unstaged too")
    clone = tmp_path / "clone"
    clone.mkdir()
    git(clone, "init", "-q")
    git(clone, "remote", "add", "origin", repo.as_uri())
    git(clone, "fetch", "-q", "--depth=1", "origin", "feature")
    git(clone, "checkout", "-q", "--detach", "FETCH_HEAD")
    git(clone, "fetch", "-q", "--depth=1", "origin", "main")
    changes = changed_files("origin/main", clone)
    assert changes.base == git(clone, "rev-parse", "origin/main").strip()
    assert changes.note is not None
    assert changes.note.startswith(
        "this shallow clone holds no common ancestor of origin/main and HEAD, so files are "
        "compared with origin/main itself"
    )
    assert {Path(p).name for p in changes.paths} == {
        "Parent.ps1",
        "LoopB.ps1",
        "Moved.ps1",
        "Staged.ps1",
        "Unstaged.ps1",
    }
    run = check(clone, ".", "--changed-since", "origin/main")
    assert run.stderr.startswith(
        "runbook-analyzer: --changed-since origin/main: this shallow clone holds no common "
    )


def test_changed_files_is_what_the_filter_stage_reads(tmp_path: Path) -> None:
    """The interface the filter stage and the CLI use: a ref, resolved paths, contains."""
    target = tmp_path / "a" / "B.ps1"
    write(target, DYNAMIC)
    changes = ChangedFiles(ref="main", paths=frozenset({str(target.resolve())}), cwd=tmp_path)
    assert changes.contains("a/B.ps1")
    assert changes.contains("a/../a/B.ps1")
    assert not changes.contains("a/C.ps1")
