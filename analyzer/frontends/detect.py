"""Which language a file's content is really in, whatever its extension says.

Public repositories contain Python saved as ``.ps1``; the Automation service would import
it as a PowerShell runbook that fails at its first line. Each line votes for the language
its shape belongs to; only a clear majority overrides the extension (RB904).
"""

from __future__ import annotations

import re

_PYTHON_LINES = re.compile(
    r"""^\s*(?:
        import\s+[\w.]+(?:\s+as\s+\w+)?\s*(?:,\s*[\w.]+)*\s*$
      | from\s+[\w.]+\s+import\s+[\w*(]
      | def\s+\w+\s*\(.*\)\s*(?:->\s*[^:]+)?:\s*(?:\#.*)?$
      | class\s+\w+\s*(?:\(.*\))?\s*:\s*(?:\#.*)?$
      | (?:if|elif|while|for|with)\s[^{}$]*:\s*(?:\#.*)?$
      | (?:try|else|finally)\s*:\s*(?:\#.*)?$
      | except(?:\s+[\w., ()]+)?\s*:\s*(?:\#.*)?$
      | print\s*\(
      | if\s+__name__\s*==
      | [A-Za-z_]\w*\s*=\s*[^=$].*$(?<![;{}])
    )""",
    re.VERBOSE,
)

_POWERSHELL_LINES = re.compile(
    r"""(?ix)(?:
        \$[\w:]+\s*(?:=|\.)
      | ^\s*param\s*\(
      | ^\s*(?:function|workflow|configuration|filter)\s+[\w-]+
      | \b[a-z]+-[a-z]+\b\s+-[a-z]
      | ^\s*[{}]\s*$
      | ^\s*<\#
      | ^\s*\#requires
      | \b(?:write-output|write-verbose|write-host|import-module|get-automation\w+)\b
      | \}\s*(?:else|elseif|catch|finally)\b
    )""",
)


#: Cheap whole-text probes: without them the line vote is skipped (almost every file).
_PYTHON_HINT = re.compile(
    r"^[ \t]*(?:import[ \t]+\w|from[ \t]+[\w.]+[ \t]+import\b|def[ \t]+\w+[ \t]*\()", re.M
)
_POWERSHELL_HINT = re.compile(r"\$\w+|^[ \t]*param[ \t]*\(|\b[A-Za-z]+-[A-Za-z]+\b", re.M | re.I)


_POWERSHELL_NON_CODE = re.compile(
    r"""@'[ \t]*\r?\n.*?\n[ \t]*'@|@"[ \t]*\r?\n.*?\n[ \t]*"@|<\#.*?\#>""", re.S
)


def sniff(text: str, declared: str | None = None) -> str | None:
    """``python`` or ``powershell`` when the content clearly is that language, else None.

    ``declared`` is the language the extension implies; only the other language is
    looked for, and only when a cheap probe says it might be there.
    """
    if declared == "powershell" and not _PYTHON_HINT.search(text):
        return None
    if declared == "python" and not _POWERSHELL_HINT.search(text):
        return None
    if declared == "powershell":
        # Here-strings and block comments hold data and prose (INI files, help text), not
        # code; their lines must not vote.
        text = _POWERSHELL_NON_CODE.sub("\n", text)
    python = powershell = 0
    for line in text.splitlines()[:400]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _POWERSHELL_LINES.search(line):
            powershell += 1
        elif _PYTHON_LINES.match(line):
            python += 1
    if python >= 3 and python > 4 * powershell:
        return "python"
    if powershell >= 3 and powershell > 4 * python:
        return "powershell"
    return None
