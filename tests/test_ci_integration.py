"""The ready-made CI integration: the pre-commit hooks, the GitHub composite action, the
Azure Pipelines template, the GitLab include and the README's "Use it in CI" snippets.

Each file is parsed and its structure checked against what its consumer requires; every
``runbook-analyzer check`` command line in them must use options that exist; and the
shell of the action and the Azure template is run for real on the demo repository, with
the analyzer of this checkout standing in for the installed one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from analyzer.cli import check as check_command
from analyzer.discovery import SOURCE_SUFFIXES
from analyzer.engine.registry import load_rules
from analyzer.reporters import FORMATS
from tests.conftest import FIXTURES, ROOT

yaml = pytest.importorskip(
    "yaml", reason="needs PyYAML, which comes with pre-commit: pip install -e '.[dev]'"
)

ACTION = ROOT / "action.yml"
AZURE = ROOT / "ci" / "azure-pipelines" / "runbook-analyzer.yml"
GITLAB = ROOT / "ci" / "gitlab" / "runbook-analyzer.gitlab-ci.yml"
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
DEMO = FIXTURES / "demo"
needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash on PATH")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------ command lines in them
def _check_options() -> set[str]:
    options: set[str] = set()
    for param in check_command.params:
        if isinstance(param, click.Option):
            options.update(param.opts, param.secondary_opts)
    return options


CHECK_OPTIONS = _check_options()
#: ``runbook-analyzer check …``, or the scripts' ``"$ANALYZER" check …`` / ``"$analyzer" check …``.
_CHECK_CALL = re.compile(r"(?:runbook-analyzer|\$ANALYZER|\$analyzer)\"? check\b(?P<rest>.*)")


def check_calls(text: str) -> list[str]:
    """The argument text of every ``runbook-analyzer check`` in ``text`` (YAML, shell)."""
    return [m["rest"] for m in _CHECK_CALL.finditer(text)]


def assert_real_options(rest: str) -> None:
    """Every option of one command line exists, and so does every format it names."""
    words = rest.replace("=", " ").split()
    for index, word in enumerate(words):
        option = word.strip("\"',[]")
        if option.startswith("--"):
            assert option in CHECK_OPTIONS, f"runbook-analyzer check has no {option}: {rest}"
        if option == "--format":
            assert words[index + 1].strip("\"',[]") in FORMATS, rest


def test_the_option_reader_can_fail() -> None:
    with pytest.raises(AssertionError, match="no --colour"):
        assert_real_options(" --colour always")
    with pytest.raises(AssertionError):
        assert_real_options(" --format checkstyle")
    assert_real_options(" --format sarif --output x.sarif --changed-since origin/main")


@pytest.mark.parametrize("path", [ACTION, AZURE, GITLAB, MANIFEST], ids=lambda p: p.name)
def test_command_lines_use_real_options(path: Path) -> None:
    calls = check_calls(path.read_text(encoding="utf-8"))
    assert calls, f"{path.name} runs no runbook-analyzer check"
    for rest in calls:
        assert_real_options(rest)


# ------------------------------------------------------------------------ pre-commit
def _clientlib() -> Any:
    return pytest.importorskip(
        "pre_commit.clientlib", reason="needs pre-commit (>=4): pip install -e '.[dev]'"
    )


def manifest() -> dict[str, dict[str, Any]]:
    """The hooks as pre-commit reads them: validated with its own manifest schema."""
    hooks = _clientlib().load_manifest(str(MANIFEST))
    return {hook["id"]: hook for hook in hooks}


def test_pre_commit_manifest_passes_pre_commits_own_schema() -> None:
    hooks = manifest()
    assert sorted(hooks) == ["runbook-analyzer", "runbook-analyzer-files"]
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True
        assert hook["entry"].startswith("runbook-analyzer check")
    # The whole repository by default: cross-file rules see every runbook.
    assert hooks["runbook-analyzer"]["pass_filenames"] is False
    assert hooks["runbook-analyzer-files"]["pass_filenames"] is True


def test_pre_commit_manifest_would_be_rejected_when_broken(tmp_path: Path) -> None:
    """The schema check is a real one: a hook without an entry does not load."""
    broken = tmp_path / ".pre-commit-hooks.yaml"
    broken.write_text("- id: x\n  name: x\n  language: python\n", encoding="utf-8")
    clientlib = _clientlib()
    with pytest.raises(clientlib.InvalidManifestError, match="entry"):
        clientlib.load_manifest(str(broken))


def test_hooks_select_exactly_the_files_discovery_analyses() -> None:
    for hook in manifest().values():
        files = re.compile(hook["files"])
        for suffix in SOURCE_SUFFIXES:
            assert files.search(f"runbooks/Start-Vm{suffix}"), suffix
            assert files.search(f"runbooks/START-VM{suffix.upper()}"), suffix
        for other in ("infra/main.bicep", "infra/account.json", "Module.psd1", "notes.py.txt"):
            assert not files.search(other), other


def test_the_per_file_hook_leaves_out_the_rules_a_partial_view_gets_wrong() -> None:
    entry = manifest()["runbook-analyzer-files"]["entry"]
    ignored = entry.split("--ignore", 1)[1].split()[0].split(",")
    rules = {rule.code: rule for rule in load_rules()}
    assert ignored == ["RB201", "RB203"]
    assert all(rules[code].scope == "workspace" for code in ignored)


def _pre_commit_run(repo: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook, "--files", *files],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git on PATH (pre-commit runs git)")
def test_pre_commit_runs_both_hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pre-commit itself runs the manifest's hooks (as local hooks that call the analyzer
    of this checkout, so nothing is installed): the whole-repository hook reads files that
    are not being committed, the per-file hook does not and still reports no RB201."""
    languages = pytest.importorskip("pre_commit.all_languages").languages
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _wrapper(bin_dir)
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    repo = tmp_path / "repo"
    repo.mkdir()
    call = "Start-AzAutomationRunbook -ResourceGroupName rg -AutomationAccountName aa -Name Child\n"
    (repo / "Parent.ps1").write_text(call, encoding="utf-8")
    (repo / "Child.ps1").write_text("Write-Output 'child'\n", encoding="utf-8")
    (repo / "Warn.ps1").write_text(
        "param([string]$Name = 'Ops')\n$c = Get-AutomationConnection -Name $Name\n",
        encoding="utf-8",
    )
    local = "unsupported" if "unsupported" in languages else "system"
    hooks = [{**hook, "language": local} for hook in yaml.safe_load(MANIFEST.read_text())]
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)

    whole = _pre_commit_run(repo, "runbook-analyzer", "Parent.ps1")
    assert whole.returncode == 1, whole.stdout + whole.stderr
    assert "Warn.ps1:2:37: RB101 dynamic-asset-name" in whole.stdout
    assert "RB201" not in whole.stdout

    files = _pre_commit_run(repo, "runbook-analyzer-files", "Parent.ps1")
    assert files.returncode == 0, files.stdout + files.stderr
    assert "RB" not in files.stdout

    warn = _pre_commit_run(repo, "runbook-analyzer-files", "Warn.ps1")
    assert warn.returncode == 1, warn.stdout + warn.stderr
    assert "Warn.ps1:2:37: RB101 dynamic-asset-name" in warn.stdout


# --------------------------------------------------------------------- GitHub action
#: In ``${{ … }}`` and in ``if:`` conditions, which need no braces.
_INPUT_REF = re.compile(r"\binputs\.([A-Za-z0-9_-]+)")
_STEP_REF = re.compile(r"\bsteps\.([A-Za-z0-9_-]+)\.")


def _wrapper(directory: Path) -> Path:
    """A ``runbook-analyzer`` command that runs the analyzer of this checkout."""
    path = directory / "runbook-analyzer"
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m analyzer "$@"\n', encoding="utf-8")
    path.chmod(0o755)
    return path


def action_steps() -> list[dict[str, Any]]:
    return load(ACTION)["runs"]["steps"]


def step(steps: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    found = [s for s in steps if str(s.get(key, "")).startswith(value)]
    assert len(found) == 1, f"one step with {key} {value}"
    return found[0]


def test_action_is_a_composite_whose_run_steps_have_a_shell() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert action["name"] and action["description"]
    for entry in action_steps():
        assert ("run" in entry) != ("uses" in entry), entry.get("name")
        if "run" in entry:
            assert entry.get("shell") == "bash", entry.get("name")
        else:  # pinned to a major version at least
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", entry["uses"]), entry["uses"]


def test_action_inputs_and_step_outputs_are_consistent() -> None:
    action = load(ACTION)
    text = ACTION.read_text(encoding="utf-8")
    inputs = set(action["inputs"])
    referenced = set(_INPUT_REF.findall(text))
    assert referenced <= inputs, f"undeclared inputs: {referenced - inputs}"
    assert inputs <= referenced, f"inputs never used: {inputs - referenced}"
    for name, spec in action["inputs"].items():
        assert spec.get("description"), name
        assert "default" in spec, name
    seen: set[str] = set()
    for entry in action_steps():
        used = set(_STEP_REF.findall(yaml.safe_dump(entry)))
        assert used <= seen, f"{entry.get('name')} reads steps not run before it: {used - seen}"
        if "id" in entry:
            seen.add(entry["id"])
    for name, spec in action["outputs"].items():
        assert set(_STEP_REF.findall(spec["value"])) <= seen, name


def test_action_installs_from_its_own_checkout_and_uploads_even_after_a_failure() -> None:
    steps = action_steps()
    python = step(steps, "uses", "actions/setup-python@")
    assert python["with"]["update-environment"] is False  # the job's Python is untouched
    install = step(steps, "id", "install")
    assert install["env"]["SOURCE"] == "${{ github.action_path }}"
    assert '-m pip install --quiet --disable-pip-version-check "$SOURCE"' in install["run"]
    upload = step(steps, "uses", "github/codeql-action/upload-sarif@")
    assert upload["if"].startswith("always() && inputs.upload-sarif == 'true'")
    assert upload["with"] == {
        "sarif_file": "${{ steps.check.outputs.sarif-file }}",
        "category": "${{ inputs.category }}",
    }
    last = steps[-1]
    assert last["if"].startswith("always()")
    assert steps.index(upload) < steps.index(last)


def _run_script(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],  # as GitHub runs `shell: bash`
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines())


@needs_bash
def test_action_check_step_annotates_writes_sarif_and_records_the_status(tmp_path: Path) -> None:
    script = step(action_steps(), "id", "check")["run"]
    outputs = tmp_path / "github-output"
    sarif = tmp_path / "out dir" / "report.sarif"
    sarif.parent.mkdir()
    env = {
        "ANALYZER": str(_wrapper(tmp_path)),
        "PATHS": "runbooks/Export-VmInventory.ps1\nrunbooks/Start-LabEnvironment.ps1",
        "INVENTORY": "infra",
        "FAIL_ON": "error",
        "ARGS": "--select RB102 --jobs 1",
        "SARIF": str(sarif),
        "GITHUB_OUTPUT": str(outputs),
    }
    result = _run_script(script, env, DEMO)
    assert result.returncode == 0, result.stderr  # the last step fails the job, not this one
    assert _outputs(outputs) == {
        "exit-code": "1",
        "sarif-file": str(sarif),
        "sarif-written": "true",
    }
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations
    assert all(line.startswith("::error file=runbooks/") for line in annotations)
    assert "title=RB102 missing-asset::" in annotations[0]
    log = json.loads(sarif.read_text(encoding="utf-8"))
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"RB102"}
    assert len(results) == len(annotations)


@needs_bash
def test_action_check_step_records_a_usage_error(tmp_path: Path) -> None:
    script = step(action_steps(), "id", "check")["run"]
    outputs = tmp_path / "github-output"
    env = {
        "ANALYZER": str(_wrapper(tmp_path)),
        "PATHS": "no-such-folder",
        "INVENTORY": "",
        "FAIL_ON": "",
        "ARGS": "",
        "SARIF": str(tmp_path / "report.sarif"),
        "GITHUB_OUTPUT": str(outputs),
    }
    result = _run_script(script, env, DEMO)
    assert result.returncode == 0, result.stderr
    assert _outputs(outputs)["exit-code"] == "2"
    assert _outputs(outputs)["sarif-written"] == "false"
    assert "no-such-folder: no such file or directory" in result.stderr


@needs_bash
@pytest.mark.parametrize("status", ["0", "1", "2"])
def test_action_last_step_fails_the_job_with_the_check_status(status: str, tmp_path: Path) -> None:
    result = _run_script(action_steps()[-1]["run"], {"STATUS": status}, tmp_path)
    assert str(result.returncode) == status


# ------------------------------------------------------------------- Azure Pipelines
_PARAMETER_REF = re.compile(r"\bparameters\.([A-Za-z0-9_]+)")


def test_azure_template_parameters_and_steps() -> None:
    template = load(AZURE)
    parameters = {p["name"]: p for p in template["parameters"]}
    assert set(parameters) == {
        "install",
        "paths",
        "inventory",
        "failOn",
        "args",
        "publishSarif",
        "workingDirectory",
        "pythonVersion",
    }
    assert "default" not in parameters["install"]  # required: no guess at what to install
    assert parameters["publishSarif"] == {
        "name": "publishSarif",
        "type": "boolean",
        "default": True,
    }
    text = AZURE.read_text(encoding="utf-8")
    used = set(_PARAMETER_REF.findall(text))
    assert used == set(parameters), (
        f"unused: {set(parameters) - used}, unknown: {used - set(parameters)}"
    )
    steps = template["steps"]
    assert steps[0]["task"] == "UsePythonVersion@0"
    assert all("bash" in s for s in steps[1:3])
    conditional = steps[3]
    ((condition, publish_steps),) = conditional.items()
    assert condition == "${{ if eq(parameters.publishSarif, true) }}"
    (publish,) = publish_steps
    assert publish["task"] == "PublishBuildArtifacts@1"
    assert publish["inputs"]["ArtifactName"] == "CodeAnalysisLogs"
    assert publish["condition"].startswith("and(succeededOrFailed(),")
    assert publish["inputs"]["PathtoPublish"] == steps[2]["env"]["SARIF_DIR"]


@needs_bash
def test_azure_check_step_reports_issues_writes_sarif_and_exits_with_the_status(
    tmp_path: Path,
) -> None:
    check_step = load(AZURE)["steps"][2]
    _wrapper(tmp_path)
    sarif_dir = tmp_path / "CodeAnalysisLogs"
    env = {
        "RUNBOOK_ANALYZER_BIN": str(tmp_path),
        "PATHS": "runbooks/Export-VmInventory.ps1",
        "INVENTORY": "infra",
        "FAIL_ON": "",
        "ARGS": "--select RB102",
        "SARIF_DIR": str(sarif_dir),
    }
    result = _run_script(check_step["bash"], env, DEMO)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "##vso[task.setvariable variable=RUNBOOK_ANALYZER_SARIF]true" in lines
    issues = [line for line in lines if line.startswith("##vso[task.logissue")]
    assert len(issues) == 1
    assert issues[0].startswith(
        "##vso[task.logissue type=error;sourcepath=runbooks/Export-VmInventory.ps1;linenumber=14;"
    )
    log = json.loads((sarif_dir / "runbook-analyzer.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["RB102"]


# ------------------------------------------------------------------------ GitLab CI
def test_gitlab_include_reports_code_quality_and_junit() -> None:
    job = load(GITLAB)["runbook-analyzer"]
    assert job["artifacts"]["when"] == "always"
    reports = job["artifacts"]["reports"]
    script = "\n".join(job["script"])
    assert f"--format gitlab --output {reports['codequality']}" in script
    assert f"--format junit --output {reports['junit']}" in script
    # The run that decides the job's status comes last and is not --exit-zero.
    assert "--exit-zero" not in check_calls(script)[-1]
    assert set(job["variables"]) == set(re.findall(r"\$(RUNBOOK_ANALYZER_\w+)", script))


# --------------------------------------------------------------------------- README
def readme_ci_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Use it in CI\n")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, re.S)


def test_readme_ci_snippets_parse_and_use_real_options() -> None:
    section = readme_ci_section()
    blocks = yaml_blocks(section)
    assert len(blocks) >= 6
    for block in blocks:
        assert yaml.safe_load(block) is not None
    calls = check_calls(section)
    assert len(calls) >= 5
    for rest in calls:
        assert_real_options(rest.split("`")[0])


def test_readme_pre_commit_snippet_is_a_valid_config() -> None:
    cfgv = pytest.importorskip("cfgv")
    config = yaml.safe_load(yaml_blocks(readme_ci_section())[0])
    cfgv.validate(config, _clientlib().CONFIG_SCHEMA)
    hook_ids = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert hook_ids <= set(manifest())


def test_readme_action_snippets_use_declared_inputs() -> None:
    inputs = set(load(ACTION)["inputs"])
    used = 0
    for block in yaml_blocks(readme_ci_section()):
        for entry in _steps_in(yaml.safe_load(block)):
            if str(entry.get("uses", "")).startswith("runbook-analyzer/runbook-analyzer@"):
                assert set(entry.get("with", {})) <= inputs
                used += 1
    assert used == 2


def test_readme_azure_snippet_passes_declared_parameters() -> None:
    parameters = {p["name"] for p in load(AZURE)["parameters"]}
    templates = [
        entry
        for block in yaml_blocks(readme_ci_section())
        for entry in _steps_in(yaml.safe_load(block))
        if "template" in entry
    ]
    assert len(templates) == 1
    assert templates[0]["template"] == "ci/azure-pipelines/runbook-analyzer.yml@analyzer"
    assert "install" in templates[0]["parameters"]
    assert set(templates[0]["parameters"]) <= parameters


def _steps_in(document: Any) -> list[dict[str, Any]]:
    """Every step mapping in a workflow, a job, a pipeline or a bare list of steps."""
    found: list[dict[str, Any]] = []
    if isinstance(document, list):
        for item in document:
            if isinstance(item, dict) and ({"uses", "run", "template", "checkout"} & set(item)):
                found.append(item)
            found.extend(_steps_in(item))
    elif isinstance(document, dict):
        for value in document.values():
            found.extend(_steps_in(value))
    return found
