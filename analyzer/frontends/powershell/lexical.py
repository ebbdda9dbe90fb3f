"""PowerShell lexical details that the grammar leaves to us.

PowerShell's tokenizer (``CharTraits.cs``) treats the typographic quotes U+2018 to U+201B as
single quotes, U+201C to U+201E as double quotes, and the en dash, em dash and horizontal bar
as parameter dashes. The tree-sitter grammars do not, so names written with them arrive as
bare tokens and are unquoted here.
"""

from __future__ import annotations

SINGLE_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")
DOUBLE_QUOTES = frozenset('"\u201c\u201d\u201e')
QUOTES = SINGLE_QUOTES | DOUBLE_QUOTES
DASHES = frozenset("-\u2013\u2014\u2015")

_BACKTICK_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}


def unquote_single(body: str) -> str:
    """Content of a verbatim string: doubled single quotes (any style) stand for one."""
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch in SINGLE_QUOTES and i + 1 < len(body) and body[i + 1] in SINGLE_QUOTES:
            out.append(ch)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def unescape_double(body: str) -> str:
    """Content of an expandable string without variables: backtick escapes, doubled quotes."""
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "`" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(_BACKTICK_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if ch in DOUBLE_QUOTES and i + 1 < len(body) and body[i + 1] in DOUBLE_QUOTES:
            out.append(ch)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def quoted_literal(text: str) -> tuple[str, int, int] | None:
    """Unquote ``text`` if it is one complete quoted string.

    Returns the value and the character offsets of the content within ``text`` (so the
    caller can point at the name without its quotes), or None when ``text`` is not a
    single variable-free quoted string.
    """
    if len(text) < 2:
        return None
    first, last = text[0], text[-1]
    if first in SINGLE_QUOTES and last in SINGLE_QUOTES:
        return unquote_single(text[1:-1]), 1, len(text) - 1
    if first in DOUBLE_QUOTES and last in DOUBLE_QUOTES:
        body = text[1:-1]
        if "$" in body.replace("`$", ""):
            return None
        return unescape_double(body), 1, len(text) - 1
    return None


def here_string_body(text: str) -> tuple[str, int, int] | None:
    """Content of a here-string ``@'\\n…\\n'@`` (or ``@"…"@``) and its offsets."""
    if len(text) < 5 or text[0] != "@":
        return None
    start = text.find("\n")
    end = text.rfind("\n")
    if start == -1 or end <= start:
        return "", len(text), len(text)
    body = text[start + 1 : end]
    if body.endswith("\r"):
        body = body[:-1]
    return body, start + 1, start + 1 + len(body)


def parameter_name(token: str) -> tuple[str, bool] | None:
    """``-Name`` / ``-Name:`` (any dash) → (``Name``, colon-bound) if it is a parameter."""
    if len(token) < 2 or token[0] not in DASHES:
        return None
    body = token[1:]
    colon = body.endswith(":")
    if colon:
        body = body[:-1]
    if not body or not (body[0].isalpha() or body[0] == "_"):
        return None
    if not all(ch.isalnum() or ch in "_-?" for ch in body):
        return None
    return body, colon


def single_string(text: str) -> str | None:
    """The value of ``text`` if it is exactly one variable-free string literal.

    Stricter than :func:`quoted_literal`: ``'Sql' + 'Admin'`` starts and ends with a
    quote but is an expression, not a string.
    """
    quoted = quoted_literal(text)
    if quoted is None:
        return None
    body = text[1:-1]
    if text[0] in SINGLE_QUOTES:
        stripped = body
        for a in SINGLE_QUOTES:
            for b in SINGLE_QUOTES:
                stripped = stripped.replace(a + b, "")
        return None if set(stripped) & SINGLE_QUOTES else quoted[0]
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "`":
            i += 2
            continue
        if ch in DOUBLE_QUOTES:
            if i + 1 < len(body) and body[i + 1] in DOUBLE_QUOTES:
                i += 2
                continue
            return None
        i += 1
    return quoted[0]
