"""Discovery and decoding: encodings, line endings, binary input, file kinds."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from analyzer.discovery import DiscoveryError, discover
from analyzer.frontends import analyze_source
from analyzer.textio import DecodeError, decode

LOOKUP = "$c = Get-AutomationConnection -Name 'Ops'\n"


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (LOOKUP.encode(), "utf-8", False),
        (codecs.BOM_UTF8 + LOOKUP.encode(), "utf-8", True),
        (codecs.BOM_UTF16_LE + LOOKUP.encode("utf-16-le"), "utf-16-le", True),
        (codecs.BOM_UTF16_BE + LOOKUP.encode("utf-16-be"), "utf-16-be", True),
        ("# café\n".encode("cp1252") + LOOKUP.encode(), "cp1252", False),
    ],
)
def test_decode_variants(data: bytes, encoding: str, bom: bool) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.bom is bom
    assert decoded.text.endswith(LOOKUP)
    assert not decoded.text.startswith("\ufeff")


def test_cp1252_keeps_undefined_bytes() -> None:
    assert decode(b"# \x81\x8d\xe9\n").text == "# \x81\x8d\xe9\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\x01\x02binary", "NUL bytes"),
        (LOOKUP.encode("utf-16-le"), "NUL bytes"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16-LE"),
        (codecs.BOM_UTF8 + b"ok\x00", "NUL characters"),
    ],
)
def test_undecodable(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(data)


def test_newline_styles() -> None:
    assert decode(b"a\nb\n").newline == "\n"
    assert decode(b"a\r\nb\r\n").newline == "\r\n"
    assert decode(b"a\r\nb\n").newline == "mixed"


def _facts(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    (source,) = discover([str(path)], cwd=tmp_path)
    return analyze_source(source)


def test_binary_file_is_rb902_not_a_traceback(tmp_path: Path) -> None:
    facts = _facts(tmp_path, "Blob.ps1", bytes(range(256)) * 4)
    assert [p.code for p in facts.problems] == ["RB902"]
    assert facts.runbook is None
    assert "NUL bytes" in facts.problems[0].message


@pytest.mark.parametrize(
    "data",
    [
        b"x = 1\r\n" + LOOKUP.encode(),
        codecs.BOM_UTF8 + b"x = 1\r\n" + LOOKUP.encode(),
        codecs.BOM_UTF16_LE + ("x = 1\r\n" + LOOKUP).encode("utf-16-le"),
        b"x = 1\n" + LOOKUP.replace("\n", "\r\n").encode(),
    ],
)
def test_positions_ignore_bom_and_crlf(tmp_path: Path, data: bytes) -> None:
    facts = _facts(tmp_path, "Run.ps1", data)
    (ref,) = facts.refs
    assert (ref.span.line, ref.span.column) == (2, 6)
    assert (ref.name.span.line, ref.name.span.column, ref.name.span.end_column) == (2, 38, 41)


def test_columns_count_code_points(tmp_path: Path) -> None:
    line = "Write-Output 'Überprüfung 😀'; $c = Get-AutomationConnection -Name 'Ops'\n"
    facts = _facts(tmp_path, "Run.ps1", line.encode())
    (ref,) = facts.refs
    assert ref.span.column == line.index("Get-") + 1
    assert ref.name.span.column == line.index("Ops") + 1


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("workflow Run {\n  Write-Output 1\n}\n", "powershell-workflow"),
        ("<# help #>\n# comment\nworkflow Run { }\n", "powershell-workflow"),
        ("Configuration Run {\n  Node localhost { }\n}\n", "dsc-configuration"),
        ("configuration Run { }\n", "dsc-configuration"),
        ("Write-Output 1\nworkflow Run { }\n", "powershell"),
        ("function Run { }\n", "powershell"),
        ("$x = 1\nConfiguration Meta { }\n", "powershell"),
    ],
)
def test_powershell_kind(tmp_path: Path, source: str, kind: str) -> None:
    assert _facts(tmp_path, "Run.ps1", source.encode()).runbook.kind == kind


def test_module_is_not_a_runbook(tmp_path: Path) -> None:
    facts = _facts(tmp_path, "Helpers.psm1", b"function Get-X { }\n")
    assert facts.runbook.kind == "powershell-module"
    assert facts.runbook.is_runbook is False


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("print('x')\n", "python3"),
        ("print 'x'\n", "python2"),
        ("#!/usr/bin/env python2\nprint('x')\n", "python2"),
        ("try:\n    pass\nexcept Exception, e:\n    pass\n", "python2"),
        ("x = 0777\n", "python2"),
        ("if a <> b:\n    pass\n", "python2"),
        ("x = `y`\n", "python2"),
        ("exec 'code'\n", "python2"),
        ("raise ValueError, 'bad'\n", "python2"),
        ("#!/usr/bin/env python3\nx = 10\n", "python3"),
    ],
)
def test_python_kind(tmp_path: Path, source: str, kind: str) -> None:
    assert _facts(tmp_path, "run.py", source.encode()).runbook.kind == kind


PYTHON_IN_PS1 = """import automationassets
from datetime import datetime

def main():
    conn = automationassets.get_automation_connection("Ops")
    print(conn["TenantId"])

if __name__ == "__main__":
    main()
"""


def test_python_saved_as_ps1_is_rb904_and_analysed_as_python(tmp_path: Path) -> None:
    facts = _facts(tmp_path, "Report.ps1", PYTHON_IN_PS1.encode())
    assert [p.code for p in facts.problems] == ["RB904"]
    assert facts.runbook.language == "python"
    assert [(r.callee, r.name.literal) for r in facts.refs] == [
        ("automationassets.get_automation_connection", "Ops")
    ]


def test_powershell_saved_as_py_is_rb904(tmp_path: Path) -> None:
    source = (
        "param([string]$Name = 'x')\n$c = Get-AutomationConnection -Name 'Ops'\n"
        "Write-Output $c.TenantId\nif ($c) {\n  Write-Output 'ok'\n}\n"
    )
    facts = _facts(tmp_path, "report.py", source.encode())
    assert [p.code for p in facts.problems] == ["RB904"]
    assert facts.runbook.language == "powershell"


def test_discovery_is_sorted_and_skips(tmp_path: Path) -> None:
    for rel in [
        "b/Z.ps1",
        "b/a.py",
        "A.ps1",
        ".git/x.ps1",
        "notes.txt",
        "legacy/Old.ps1",
        "m.psm1",
    ]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Write-Output 1\n", encoding="utf-8")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        found = [s.path for s in discover(["."], exclude=("legacy",))]
        assert found == ["A.ps1", "b/Z.ps1", "b/a.py", "m.psm1"]
        assert [s.path for s in discover(["legacy/Old.ps1"], exclude=("legacy",))] == [
            "legacy/Old.ps1"
        ]
        with pytest.raises(DiscoveryError):
            discover(["missing"])
    finally:
        os.chdir(old)


def test_unreadable_file_is_rb902(tmp_path: Path) -> None:
    path = tmp_path / "Locked.ps1"
    path.write_text("x", encoding="utf-8")
    (source,) = discover([str(path)], cwd=tmp_path)
    path.unlink()
    facts = analyze_source(source)
    assert [p.code for p in facts.problems] == ["RB902"]
    assert "cannot read the file" in facts.problems[0].message
