"""String literals written the way each language reads them back: the text a fix puts in
a file in place of an expression whose constant value the frontend proved.

Kept beside the frontends because it is their knowledge of the languages' quoting; rules
that build fixes call :func:`string_literal` instead of quoting on their own.
"""

from __future__ import annotations

from analyzer.frontends.powershell.lexical import SINGLE_QUOTES


def string_literal(value: str, language: str, *, python2: bool = False) -> str | None:
    """``value`` as a literal of ``language`` (``powershell`` or ``python``), or None
    when it cannot be written safely.

    PowerShell gets a verbatim string: single quotes, and every quote character doubled,
    including the typographic ones, which PowerShell's tokenizer also reads as single
    quotes. Python gets ``repr``'s quoting; a Python 2 file only gets ASCII values, since
    anything else needs an encoding declaration the file may not have.
    """
    if language == "powershell":
        return "'" + "".join(ch * 2 if ch in SINGLE_QUOTES else ch for ch in value) + "'"
    if language == "python":
        if python2 and not value.isascii():
            return None
        return repr(value)
    return None
