"""``--fix``, ``--unsafe-fixes`` and ``--diff``: each fix edits only the reported range,
keeps encoding, BOM and line endings, is written atomically, and the file re-analyses
with that finding gone and nothing new (style.md habit 8)."""

from __future__ import annotations

import codecs
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.api import AnalysisResult, analyze
from analyzer.cli import main
from analyzer.config import Config
from analyzer.engine.fixes import plan_fixes
from analyzer.engine.source_edit import EditError, SourceText, TextEdit, write_atomic
from analyzer.model.diagnostic import Diagnostic, Edit, Fix
from analyzer.model.span import Span
from analyzer.textio import decode, encode
from tests.conftest import FIXTURES

REPO = FIXTURES / "fixes" / "repo"

RB103_RUNBOOK = (
    "# Reports the tenant of the operations connection (caf\u00e9 \u2013 ops).\n"
    "Connect-AzAccount -Identity | Out-Null\n"
    "$conn = Get-AzAutomationConnection -ResourceGroupName 'rg' -AutomationAccountName 'aa' "
    "-Name 'OpsConnection'\n"
    "Write-Output $conn.TenantId\n"
)
RB103_CALL = (
    "Get-AzAutomationConnection -ResourceGroupName 'rg' -AutomationAccountName 'aa' "
    "-Name 'OpsConnection'"
)
RB103_FIXED = "Get-AutomationConnection -Name 'OpsConnection'"

RB104_RUNBOOK = (
    "#!/usr/bin/env python3\n"
    '"""Posts the region (r\u00e9gion) to the operations channel."""\n'
    "import json\n"
    "\n"
    'region = get_automation_variable("Region")\n'
    'print(json.dumps({"region": region}))\n'
)
RB104_IMPORT = "from automationassets import get_automation_variable\n"
RB104_AT = "import json\n"

RB101_RUNBOOK = (
    "# Copies the export (caf\u00e9) to the archive account.\n"
    "$storageVariable = 'StorageAccountName'\n"
    "$accountName = Get-AutomationVariable -Name $storageVariable\n"
    'Write-Output "Archiving to $accountName"\n'
)
RB101_NAME = "$storageVariable\n"
RB101_LITERAL = "'StorageAccountName'\n"

#: (name, encoding as textio reports it, BOM, line ending)
ENCODINGS = [
    pytest.param("utf-8", b"", "\n", id="utf8-lf"),
    pytest.param("utf-8", codecs.BOM_UTF8, "\r\n", id="utf8-bom-crlf"),
    pytest.param("utf-16-le", codecs.BOM_UTF16_LE, "\r\n", id="utf16le-bom-crlf"),
    pytest.param("cp1252", b"", "\r\n", id="windows1252-crlf"),
]


def _bytes(text: str, encoding: str, bom: bytes, newline: str) -> bytes:
    return bom + encode(text.replace("\n", newline), encoding)


def _analyze(root: Path, monkeypatch: pytest.MonkeyPatch, *select: str) -> AnalysisResult:
    monkeypatch.chdir(root)
    return analyze(["."], Config(select=select, jobs=1))


def _codes(result: AnalysisResult, path: str) -> Counter[str]:
    return Counter(d.code for d in result.diagnostics if d.path == path)


def _inside_only(old: bytes, new: bytes, prefix: bytes, suffix: bytes) -> None:
    """Bytes before and after the reported range are the original bytes."""
    assert old.startswith(prefix) and old.endswith(suffix)
    assert new.startswith(prefix), "bytes before the reported range changed"
    assert new.endswith(suffix), "bytes after the reported range changed"
    assert len(new) >= len(prefix) + len(suffix)


CASES = [
    pytest.param(
        "Report-Tenant.ps1", RB103_RUNBOOK, RB103_CALL, RB103_FIXED, "RB103", False, id="RB103"
    ),
    pytest.param(
        "report_region.py",
        RB104_RUNBOOK,
        RB104_AT,
        RB104_IMPORT + RB104_AT,
        "RB104",
        False,
        id="RB104",
    ),
    pytest.param(
        "Sync-Storage.ps1", RB101_RUNBOOK, RB101_NAME, RB101_LITERAL, "RB101", True, id="RB101"
    ),
]


@pytest.mark.parametrize(("name", "text", "old", "new", "code", "unsafe"), CASES)
@pytest.mark.parametrize(("encoding", "bom", "newline"), ENCODINGS)
def test_fix_edits_only_its_range_and_keeps_the_encoding(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    text: str,
    old: str,
    new: str,
    code: str,
    unsafe: bool,
    encoding: str,
    bom: bytes,
    newline: str,
) -> None:
    original = _bytes(text, encoding, bom, newline)
    path = tmp_path / name
    path.write_bytes(original)
    before = _analyze(tmp_path, monkeypatch)
    assert decode(original).encoding == encoding
    assert _codes(before, name)[code] == 1

    plan = plan_fixes(before, before.diagnostics, unsafe=unsafe)
    assert plan.problems == []
    assert [c.path for c in plan.changes] == [name]
    outcome = plan.write()
    assert (outcome.fixed, outcome.problems) == (1, [])

    written = path.read_bytes()
    start = text.index(old)
    _inside_only(
        original,
        written,
        _bytes(text[:start], encoding, bom, newline),
        _bytes(text[start + len(old) :], encoding, b"", newline),
    )
    expected = text[:start] + new + text[start + len(old) :]
    assert written == _bytes(expected, encoding, bom, newline)
    decoded = decode(written)
    assert (decoded.encoding, decoded.bom, decoded.newline) == (
        encoding,
        bool(bom),
        newline,
    )

    after = _analyze(tmp_path, monkeypatch)
    remaining = _codes(before, name)
    remaining[code] -= 1
    assert _codes(after, name) == +remaining, "the finding is gone and nothing new appeared"


def test_unsafe_fix_needs_unsafe_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Sync-Storage.ps1").write_text(RB101_RUNBOOK, encoding="utf-8")
    result = _analyze(tmp_path, monkeypatch, "RB101")
    safe = plan_fixes(result, result.diagnostics, unsafe=False)
    assert (safe.changes, safe.withheld) == ([], 1)
    assert safe.summary() == "No fixes available (1 with --unsafe-fixes)"
    unsafe = plan_fixes(result, result.diagnostics, unsafe=True)
    assert (len(unsafe.changes), unsafe.withheld) == (1, 0)
    assert unsafe.summary() == "Would fix 1 finding in 1 file"


# ------------------------------------------------------------------- the fixes


def _fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, code: str) -> str:
    """The text after every fix of rule ``code`` (unsafe too) in one file."""
    (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    result = _analyze(tmp_path, monkeypatch, code)
    plan = plan_fixes(result, result.diagnostics, unsafe=True)
    assert plan.problems == []
    return plan.changes[0].after if plan.changes else text


@pytest.mark.parametrize(
    ("source", "fixed"),
    [
        pytest.param(
            "$c = Get-AzAutomationConnection `\n"
            "    -ResourceGroupName $rg `\n"
            "    -AutomationAccountName $aa `\n"
            "    -Name 'Ops'\n",
            "$c = Get-AutomationConnection `\n    -Name 'Ops'\n",
            id="continued-lines",
        ),
        pytest.param(
            "$c = Get-AzAutomationConnection -Name 'Ops' -ResourceGroupName rg "
            "-AutomationAccountName:aa -Verbose\n",
            "$c = Get-AutomationConnection -Name 'Ops' -Verbose\n",
            id="name-first-colon-bound-common-parameter",
        ),
        pytest.param(
            "$n = 'Ops'\n"
            "$c = Get-AzureRmAutomationConnection rg aa -Name $n -DefaultProfile $ctx\n",
            "$n = 'Ops'\n$c = Get-AutomationConnection -Name $n\n",
            id="azurerm-positional-account-constant-name",
        ),
        pytest.param(
            "$c = Get-AzureAutomationConnection -AutomationAccountName 'aa' -Name 'Ops'\n",
            "$c = Get-AutomationConnection -Name 'Ops'\n",
            id="classic",
        ),
        pytest.param(
            "$c = Get-AzAutomationCertificate -ResourceGroupName rg -AutomationAccountName aa "
            "-Name 'Signing'\n",
            "$c = Get-AutomationCertificate -Name 'Signing'\n",
            id="certificate",
        ),
    ],
)
def test_rb103_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, fixed: str
) -> None:
    head = "$rg = 'rg'\n$aa = 'aa'\n"
    use = "Write-Output $c.TenantId $c.PrivateKey\n"
    text = head + source + use
    assert _fixed(tmp_path, monkeypatch, "Run.ps1", text, "RB103") == head + fixed + use


@pytest.mark.parametrize(
    "call",
    [
        pytest.param("Get-AzAutomationConnection @account -Name 'Ops'", id="splat"),
        pytest.param(
            "Get-AzAutomationConnection -ResourceGroupName (Get-Rg) -AutomationAccountName aa "
            "-Name 'Ops'",
            id="account-from-a-command",
        ),
        pytest.param(
            "Get-AzAutomationConnection -ResourceGroupName rg -AutomationAccountName aa "
            "-Name 'Ops' -ConnectionTypeName Azure",
            id="other-parameter",
        ),
        pytest.param(
            "Get-AzAutomationConnection -ResourceGroupName rg <# the rg #> "
            "-AutomationAccountName aa -Name 'Ops'",
            id="comment-between-arguments",
        ),
        pytest.param("Get-AzAutomationConnection rg aa 'Ops'", id="positional-name"),
    ],
)
def test_rb103_offers_no_fix_where_a_rewrite_could_lose_something(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    source = f"$account = @{{ ResourceGroupName = 'rg' }}\n$c = {call}\nWrite-Output $c.TenantId\n"
    (tmp_path / "Run.ps1").write_text(source, encoding="utf-8")
    result = _analyze(tmp_path, monkeypatch, "RB103")
    assert [d.code for d in result.diagnostics] == ["RB103"]
    assert result.diagnostics[0].fix is None


def test_rb103_offers_no_fix_for_an_encrypted_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (
        "$v = Get-AzAutomationVariable -ResourceGroupName rg -AutomationAccountName aa "
        "-Name 'Secret'\nWrite-Output $v.Value\n"
    )
    (tmp_path / "Run.ps1").write_text(source, encoding="utf-8")
    (tmp_path / "inventory.json").write_text(
        '{"kind": "azure-automation-inventory", "version": 1, '
        '"variables": [{"name": "Secret", "encrypted": true}]}',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = analyze(["Run.ps1"], Config(select=("RB103",), jobs=1, inventory=("inventory.json",)))
    assert [d.code for d in result.diagnostics] == ["RB103"]
    assert result.diagnostics[0].fix is None


@pytest.mark.parametrize(
    ("source", "fixed"),
    [
        pytest.param(
            "import sys\nconn = automationassets.get_automation_connection('Ops')\n",
            "import automationassets\n"
            "import sys\n"
            "conn = automationassets.get_automation_connection('Ops')\n",
            id="module-call",
        ),
        pytest.param(
            "# -*- coding: utf-8 -*-\n"
            '"""Doc\nstring."""\n'
            "from __future__ import print_function\n"
            "\n"
            "# the region\n"
            "region = get_automation_variable('Region')\n",
            "# -*- coding: utf-8 -*-\n"
            '"""Doc\nstring."""\n'
            "from __future__ import print_function\n"
            "\n"
            "from automationassets import get_automation_variable\n"
            "\n"
            "# the region\n"
            "region = get_automation_variable('Region')\n",
            id="after-cookie-docstring-future-before-comments",
        ),
        pytest.param(
            "x = get_automation_variable('A')\n"
            "c = get_automation_connection('B')\n"
            "k = get_automation_credential('C')\n"
            "set_automation_variable('D', 1)\n",
            "from automationassets import (\n"
            "    get_automation_connection,\n"
            "    get_automation_credential,\n"
            "    get_automation_variable,\n"
            "    set_automation_variable,\n"
            ")\n"
            "\n"
            "x = get_automation_variable('A')\n"
            "c = get_automation_connection('B')\n"
            "k = get_automation_credential('C')\n"
            "set_automation_variable('D', 1)\n",
            id="many-functions-wrapped",
        ),
    ],
)
def test_rb104_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, fixed: str
) -> None:
    assert _fixed(tmp_path, monkeypatch, "run.py", source, "RB104") == fixed


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "import automationassets as aa\nregion = get_automation_variable('Region')\n",
            id="module-imported-under-another-name",
        ),
        pytest.param(
            "import sys\nregion = get_automation_variable('Region')\nif (:\n", id="syntax-error"
        ),
    ],
)
def test_rb104_offers_no_fix_where_the_import_is_the_authors_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    (tmp_path / "run.py").write_text(source, encoding="utf-8")
    result = _analyze(tmp_path, monkeypatch, "RB104")
    assert [d.code for d in result.diagnostics] == ["RB104"]
    assert result.diagnostics[0].fix is None


@pytest.mark.parametrize(
    ("name", "source", "fixed"),
    [
        pytest.param(
            "Run.ps1",
            '$n = "O\'Brien\u2019s"\n$a = Get-AutomationVariable -Name $n\n'
            "$b = Get-AutomationVariable -Name $n\n",
            "$n = \"O'Brien\u2019s\"\n$a = Get-AutomationVariable -Name 'O''Brien\u2019\u2019s'\n"
            "$b = Get-AutomationVariable -Name 'O''Brien\u2019\u2019s'\n",
            id="powershell-quotes-doubled-every-lookup",
        ),
        pytest.param(
            "run.py",
            'import automationassets\nNAME = "it\'s"\n'
            "v = automationassets.get_automation_variable(NAME)\n",
            'import automationassets\nNAME = "it\'s"\n'
            'v = automationassets.get_automation_variable("it\'s")\n',
            id="python",
        ),
    ],
)
def test_rb101_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str, fixed: str
) -> None:
    assert _fixed(tmp_path, monkeypatch, name, source, "RB101") == fixed


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('$c = Get-AutomationConnection -Name "$prefix-Ops"\n', id="expression"),
        pytest.param(
            "param([string]$Name)\n$c = Get-AutomationConnection -Name $Name\n", id="unresolved"
        ),
    ],
)
def test_rb101_offers_no_fix_without_a_proven_constant_in_a_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    (tmp_path / "Run.ps1").write_text("$prefix = 'p'\n" + source, encoding="utf-8")
    result = _analyze(tmp_path, monkeypatch, "RB101")
    assert [d.code for d in result.diagnostics] == ["RB101"]
    assert result.diagnostics[0].fix is None


# --------------------------------------------------------------- the plan


def _result_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> AnalysisResult:
    (tmp_path / "Run.ps1").write_text(text, encoding="utf-8")
    return _analyze(tmp_path, monkeypatch, "RB103")


def _finding(code: str, line: int, *edits: Edit) -> Diagnostic:
    return Diagnostic(
        code,
        code.lower(),
        "warning",
        "m",
        "Run.ps1",
        Span(line, 1, line, 2),
        fix=Fix("safe", "f", edits),
    )


def test_overlapping_fixes_keep_the_first_and_report_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _result_with(tmp_path, monkeypatch, "one two three\n")
    first = _finding("RB101", 1, Edit(Span(1, 1, 1, 8), "ONE TWO"))
    second = _finding("RB103", 1, Edit(Span(1, 5, 1, 14), "X"))
    third = _finding("RB104", 1, Edit(Span(1, 14, 1, 14), "!"))
    plan = plan_fixes(result, [third, second, first], unsafe=False)
    assert plan.changes[0].after == "ONE TWO three!\n"
    assert [d.code for d in plan.changes[0].fixed] == ["RB101", "RB104"]
    assert plan.problems == [
        "Run.ps1:1: RB103 fix skipped: it overlaps the RB101 fix at line 1; run again to apply it"
    ]


def test_two_insertions_at_one_point_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _result_with(tmp_path, monkeypatch, "x\n")
    plan = plan_fixes(
        result,
        [
            _finding("RB101", 1, Edit(Span(1, 1, 1, 1), "a")),
            _finding("RB102", 1, Edit(Span(1, 1, 1, 1), "b")),
        ],
        unsafe=False,
    )
    assert plan.changes[0].after == "ax\n"
    assert "RB102 fix skipped" in plan.problems[0]


def test_a_file_changed_since_the_analysis_is_not_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _result_with(tmp_path, monkeypatch, RB103_RUNBOOK)
    changed = RB103_RUNBOOK + "# edited meanwhile\n"
    (tmp_path / "Run.ps1").write_text(changed, encoding="utf-8")
    plan = plan_fixes(result, result.diagnostics, unsafe=False)
    assert plan.changes == []
    assert plan.problems == [
        "Run.ps1: changed on disk since it was analysed; nothing was written to it "
        "(run the command again)"
    ]
    assert (tmp_path / "Run.ps1").read_text(encoding="utf-8") == changed


def test_a_file_changed_before_the_write_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _result_with(tmp_path, monkeypatch, RB103_RUNBOOK)
    plan = plan_fixes(result, result.diagnostics, unsafe=False)
    (tmp_path / "Run.ps1").write_text("# replaced\n", encoding="utf-8")
    outcome = plan.write()
    assert outcome.fixed == 0
    assert "changed on disk while the edits were prepared" in outcome.problems[0]
    assert (tmp_path / "Run.ps1").read_text(encoding="utf-8") == "# replaced\n"


def test_a_file_that_became_undecodable_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _result_with(tmp_path, monkeypatch, RB103_RUNBOOK)
    (tmp_path / "Run.ps1").write_bytes(b"\x00\x01binary")
    plan = plan_fixes(result, result.diagnostics, unsafe=False)
    assert plan.changes == []
    assert plan.problems[0].startswith("Run.ps1: cannot be read as text: the file contains NUL")


# ------------------------------------------------------------ atomic writes


def test_write_keeps_the_mode_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _result_with(tmp_path, monkeypatch, RB103_RUNBOOK)
    path = tmp_path / "Run.ps1"
    path.chmod(0o640)
    outcome = plan_fixes(result, result.diagnostics, unsafe=False).write()
    assert outcome.fixed == 1
    assert RB103_FIXED in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Run.ps1"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_write_leaves_the_original_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    result = _result_with(tmp_path, monkeypatch, RB103_RUNBOOK)
    original = (tmp_path / "Run.ps1").read_bytes()
    plan = plan_fixes(result, result.diagnostics, unsafe=False)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    outcome = plan.write()
    assert outcome.fixed == 0
    assert outcome.problems == [
        "Run.ps1: cannot write: No space left on device; the file is unchanged"
    ]
    assert (tmp_path / "Run.ps1").read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Run.ps1"]


def test_write_through_a_symbolic_link_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real.ps1"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.ps1"
    link.symlink_to(target.name)
    write_atomic(str(link), b"new\n", b"old\n")
    assert link.is_symlink()
    assert target.read_bytes() == b"new\n"


# ------------------------------------------------------------ source_edit


def _source(tmp_path: Path, data: bytes) -> SourceText:
    path = tmp_path / "f.ps1"
    path.write_bytes(data)
    return SourceText.read(str(path))


def test_columns_never_count_the_carriage_return(tmp_path: Path) -> None:
    source = _source(tmp_path, b"ab\r\ncd\r\n")
    assert source.offset(1, 3) == 2  # the end of "ab", before "\r\n"
    assert source.offset(2, 1) == 4
    with pytest.raises(EditError, match="outside the line"):
        source.offset(1, 4)
    with pytest.raises(EditError, match="beyond the end"):
        source.offset(4, 1)


def test_new_text_gets_the_files_line_endings(tmp_path: Path) -> None:
    crlf = _source(tmp_path, b"a\r\nb\r\n")
    assert crlf.insertion(2, 1, "x\ny\n").text == "x\r\ny\r\n"
    mixed = _source(tmp_path, b"a\r\nb\nc")
    assert mixed.insertion(1, 1, "x\n").text == "x\r\n"  # the edited line's own ending
    assert mixed.insertion(2, 1, "x\n").text == "x\n"
    assert mixed.insertion(3, 1, "x\n").text == "x\n"  # the last line: the one before it


def test_bytes_outside_the_edits_are_copied_not_reencoded(tmp_path: Path) -> None:
    # Windows-1252 with the undefined byte 0x81 (kept by textio as U+0081) elsewhere.
    data = b"caf\xe9 \x81\r\n$x = 1\r\n"
    source = _source(tmp_path, data)
    text, new = source.apply([source.resolve(Span(2, 6, 2, 7), "\u20ac")])
    assert text == "caf\xe9 \x81\r\n$x = \u20ac\r\n"
    assert new == b"caf\xe9 \x81\r\n$x = \x80\r\n"


def test_a_character_the_encoding_lacks_is_refused(tmp_path: Path) -> None:
    source = _source(tmp_path, b"caf\xe9\n")
    with pytest.raises(EditError, match="cannot be written in cp1252"):
        source.apply([source.resolve(Span(1, 1, 1, 1), "\u4e2d")])


def test_conflicting_edits_are_refused(tmp_path: Path) -> None:
    source = _source(tmp_path, b"abcdef\n")
    with pytest.raises(EditError, match="overlap"):
        source.apply([TextEdit(0, 3, "x"), TextEdit(2, 4, "y")])
    assert source.apply([TextEdit(0, 2, "x"), TextEdit(2, 4, "y")])[0] == "xyef\n"


# -------------------------------------------------------------------- CLI


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("expected*"))
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def _cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["check", "--isolated", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _golden(path: Path, actual: str, update: bool) -> None:
    if update:
        path.write_text(actual, encoding="utf-8", newline="")
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs"


@pytest.mark.parametrize(
    ("flags", "golden", "summary"),
    [
        pytest.param(
            [],
            "expected.diff",
            "Would fix 3 findings in 2 files (1 more with --unsafe-fixes)",
            id="safe",
        ),
        pytest.param(
            ["--unsafe-fixes"],
            "expected-unsafe.diff",
            "Would fix 4 findings in 3 files",
            id="unsafe",
        ),
    ],
)
def test_diff_prints_the_fixes_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    update_goldens: bool,
    flags: list[str],
    golden: str,
    summary: str,
) -> None:
    root = _repo(tmp_path)
    before = _snapshot(root)
    code, out, err = _cli(["--diff", *flags, "."], root, monkeypatch)
    assert code == 1
    _golden(REPO / golden, out, update_goldens)
    assert err.strip().splitlines()[-1] == summary
    assert _snapshot(root) == before
    assert sorted(p.name for p in root.iterdir()) == sorted(before)


def test_diff_without_fixes_exits_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Clean.ps1").write_text(
        "$c = Get-AutomationConnection -Name 'Ops'\n", encoding="utf-8"
    )
    code, out, err = _cli(["--diff", "."], tmp_path, monkeypatch)
    assert (code, out, err.strip()) == (0, "", "No fixes available")


def test_fix_writes_safe_fixes_and_reports_what_remains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    code, out, _ = _cli(["--fix", "--no-source", "."], root, monkeypatch)
    assert code == 1  # the RB101 warning has only an unsafe fix
    assert [line.split(": ")[1].split()[0] for line in out.splitlines() if ": RB" in line] == [
        "RB101"
    ]
    assert out.rstrip().endswith(
        "not shown: 3 findings fixed.\n1 fixable with --fix --unsafe-fixes."
    )
    assert "Get-AutomationPSCredential -Name 'ReportMailer' -ErrorAction Stop" in (
        root / "Connect-Reporting.ps1"
    ).read_text(encoding="utf-8")
    code, out, err = _cli(["--diff", "."], root, monkeypatch)
    assert (code, out, err.strip()) == (0, "", "No fixes available (1 with --unsafe-fixes)")


def test_fix_with_unsafe_fixes_leaves_a_clean_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    code, out, _ = _cli(["--fix", "--unsafe-fixes", "."], root, monkeypatch)
    assert code == 0
    assert "No findings in 3 files; not shown: 4 findings fixed." in out
    assert _cli(["."], root, monkeypatch)[0] == 0


def test_unsafe_fixes_alone_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _cli(["--unsafe-fixes", "."], _repo(tmp_path), monkeypatch)
    assert code == 2
    assert "--unsafe-fixes goes with --fix or --diff" in err


def test_a_fix_that_would_break_the_syntax_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _result_with(tmp_path, monkeypatch, "$x = (1)\n")
    broken = _finding("RB101", 1, Edit(Span(1, 8, 1, 9), ""))
    plan = plan_fixes(result, [broken], unsafe=False)
    assert plan.changes == []
    assert plan.problems == [
        "Run.ps1: the fixes would leave a syntax error; nothing was written to it "
        "(please report this)"
    ]
