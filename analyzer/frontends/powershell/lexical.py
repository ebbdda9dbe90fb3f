"""PowerShell lexical details that the grammar leaves to us.

PowerShell's tokenizer (``CharTraits.cs``) treats the typographic quotes U+2018 to U+201B as
single quotes, U+201C to U+201E as double quotes, and the en dash, em dash and horizontal bar
as parameter dashes. The tree-sitter grammars do not, so names written with them arrive as
bare tokens and are unquoted here.

:func:`scan` is the one place that reads a file the way PowerShell's tokenizer does
(comments, strings, here-strings, escapes, ``$( )`` inside strings, nesting): the parse
error check, the text the parser sees and the misleading-backtick verdicts all use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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


_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
    }
)


def ascii_punctuation(text: str) -> str:
    """Typographic quotes and dashes as PowerShell reads them; one code point for one, so
    offsets, lines and columns are those of ``text``."""
    return text.translate(_TYPOGRAPHIC)


# --- Reading a file as PowerShell's tokenizer does -------------------------------------

#: A backtick, then only spaces or tabs up to the end of the line.
TRAILING_BACKTICK = re.compile(r"`([ \t]+)(?=\r?\n)")
#: A backtick escape in whose run of non-blank characters a quote or a variable follows
#: (```n"text $x"``, ```t$x``); see :func:`_glued_escape`. Only a candidate: it also
#: matches inside strings, which :func:`scan` tells apart.
_GLUED_CANDIDATE = re.compile(r"""`[^\s](?:[^\s;|,()}&`'"$]|`[^\s])*(?:['"]|\$[\w{])""")
#: Characters that end tree-sitter-pwsh's escape token outside strings.
_ESCAPE_RUN_END = frozenset(" \t\r\n;|,)}(&")
_CODE_SPECIAL = re.compile(r"[#'\"`@(){}\[\]<\n]")
_STRING_SPECIAL = re.compile(r'[`"$\n]')
_TOKEN_BOUNDARY = frozenset(" \t\r\n;(){}|&,=")
_CLOSERS = {")": "(", "}": "{", "]": "["}
_PARAM_KEYWORD = re.compile(r"(?i)(?<![\w-])param\s*$")


@dataclass(frozen=True, slots=True)
class TrailingBacktick:
    """A backtick followed by blanks at the end of a line of code.

    PowerShell escapes the first blank, so the line does not continue: what follows is a
    plain newline. ``breaks`` says what that does to the statement the author meant to
    continue, or is None where a newline is harmless (see :func:`_trailing_verdict`).
    """

    offset: int
    length: int
    breaks: str | None


@dataclass(frozen=True, slots=True)
class Scan:
    #: Offset and message of the first delimiter, string or comment that does not balance.
    imbalance: tuple[int, str] | None
    trailing: tuple[TrailingBacktick, ...]
    #: Backticks of escapes outside strings that tree-sitter-pwsh reads as swallowing the
    #: quote or variable after them (see :func:`_glued_escape`).
    glued: tuple[int, ...]
    #: ``"$server: up"`` in an expandable string: ``$name:`` not followed by a variable
    #: name character, which PowerShell rejects ("Variable reference is not valid").
    invalid_variables: tuple[int, ...] = ()


def needs_scan(text: str) -> bool:
    """Whether :func:`scan` can find a backtick that matters; false for most files."""
    return "`" in text and bool(TRAILING_BACKTICK.search(text) or _GLUED_CANDIDATE.search(text))


@dataclass(slots=True)
class _Open:
    char: str
    offset: int


#: ``$name:`` followed by something that cannot continue a variable name.
_INVALID_QUALIFIED = re.compile(r"\$[A-Za-z_][\w]*:(?![\w?:])")
#: What makes the RB901 scan worth running on a file the grammar accepted.
SUSPECT = re.compile(r"(?m)^[ \t]+[\"']@|\$[A-Za-z_][\w]*:(?![\w?:])")


@lru_cache(maxsize=4)
def scan(text: str) -> Scan:
    """Read ``text`` (typographic punctuation already ASCII) as PowerShell's tokenizer
    does, well enough to tell code from strings and comments and to know the nesting.

    Cached because the text the parser sees and the RB901 check both need it; the Python
    loop visits only the characters that can open or close something.
    """
    stack: list[_Open] = []
    trailing: list[TrailingBacktick] = []
    glued: list[int] = []
    invalid: list[int] = []
    imbalance: tuple[int, str] | None = None
    n = len(text)
    i = 0

    def unmatched(offset: int, message: str) -> None:
        nonlocal imbalance
        if imbalance is None:
            imbalance = (offset, message)

    while i < n:
        top = stack[-1] if stack else None
        if top is not None and top.char == '"':
            match = _STRING_SPECIAL.search(text, i)
            if match is None:
                break
            i = match.start()
            c = text[i]
            if c == "`":
                i += 2
            elif c == '"':
                if text.startswith('""', i):
                    i += 2
                else:
                    stack.pop()
                    i += 1
            elif c == "$" and text.startswith("$(", i):
                stack.append(_Open("$(", i))
                i += 2
            elif c == "$" and _INVALID_QUALIFIED.match(text, i):
                invalid.append(i)
                i += 1
            else:
                i += 1
            continue
        match = _CODE_SPECIAL.search(text, i)
        if match is None:
            break
        i = match.start()
        c = text[i]
        at_token_start = i == 0 or text[i - 1] in _TOKEN_BOUNDARY
        if c == "\n":
            i += 1
        elif c == "#" and at_token_start:
            end = text.find("\n", i)
            i = n if end == -1 else end
        elif c == "<" and text.startswith("<#", i) and at_token_start:
            end = text.find("#>", i + 2)
            if end == -1:
                unmatched(i, "unterminated block comment: `<#` is never closed by `#>`")
                return Scan(imbalance, tuple(trailing), tuple(glued), tuple(invalid))
            i = end + 2
        elif c == "`":
            after = text[i + 1 : i + 2]
            if after in (" ", "\t"):
                j = i + 1
                while j < n and text[j] in " \t":
                    j += 1
                if j < n and (text[j] == "\n" or text.startswith("\r\n", j)):
                    context = top.char if top is not None else None
                    verdict = _trailing_verdict(text, i, j, context)
                    trailing.append(TrailingBacktick(i, j - i, verdict))
                    i = j
                    continue
            elif after and after not in "\r\n":
                glued.extend(_glued_escape(text, i))
            i += 2
        elif c == "'":
            j = i + 1
            while True:
                end = text.find("'", j)
                if end == -1:
                    unmatched(i, "unterminated string: the `'` opened here is never closed")
                    return Scan(imbalance, tuple(trailing), tuple(glued), tuple(invalid))
                if text.startswith("''", end):
                    j = end + 2
                    continue
                i = end + 1
                break
        elif c == '"':
            stack.append(_Open('"', i))
            i += 1
        elif c == "@" and text.startswith(("@'", '@"'), i) and _line_rest_blank(text, i + 2):
            quote = text[i + 1]
            # The terminator must start its line: PowerShell rejects an indented one
            # ("White space is not allowed before the string terminator").
            terminator = re.compile(r"^" + quote + "@", re.MULTILINE)
            body_start = text.find("\n", i) + 1
            found = terminator.search(text, body_start)
            if found is None:
                indented = re.compile(r"^[ \t]+" + quote + "@", re.MULTILINE)
                late = indented.search(text, body_start)
                if late is not None:
                    line = text.count("\n", 0, late.start()) + 1
                    unmatched(
                        i,
                        f"unterminated here-string: its closing `{quote}@` on line {line} is "
                        "indented; PowerShell needs it at the start of the line",
                    )
                else:
                    unmatched(
                        i, f"unterminated here-string: no line starts with `{quote}@` to close it"
                    )
                return Scan(imbalance, tuple(trailing), tuple(glued), tuple(invalid))
            i = found.end()
        elif c == "{" and i and text[i - 1] == "$":
            # ``${env:ProgramFiles(x86)}``: a variable name, not a block.
            j = i + 1
            while j < n and text[j] not in "}\n":
                j += 2 if text[j] == "`" else 1
            if j < n and text[j] == "}":
                i = j + 1
            else:
                stack.append(_Open("{", i))
                i += 1
        elif c in "({[":
            kind = c
            before = text[i - 1] if i else ""
            if before in ("$", "@") and c != "[":
                kind = before + c
            elif c == "(" and _PARAM_KEYWORD.search(text, max(0, i - 40), i):
                kind = "param("
            stack.append(_Open(kind, i))
            i += 1
        elif c in ")}]":
            opener = stack[-1] if stack else None
            i += 1
            if opener is None:
                unmatched(i - 1, f"unexpected `{c}`: nothing is open here to close")
                continue
            if opener.char[-1] == _CLOSERS[c]:
                stack.pop()
                continue
            where_line = text.count("\n", 0, opener.offset) + 1
            where_column = opener.offset - text.rfind("\n", 0, opener.offset)
            unmatched(
                i - 1,
                f"unexpected `{c}`: the `{opener.char[-1]}` opened at line {where_line}, "
                f"column {where_column} is still open",
            )
        else:
            i += 1
    if stack:
        opener = stack[-1]
        if opener.char == '"':
            unmatched(opener.offset, 'unterminated string: the `"` opened here is never closed')
        else:
            unmatched(opener.offset, f"`{opener.char[-1]}` opened here is never closed")
    return Scan(imbalance, tuple(trailing), tuple(glued), tuple(invalid))


def _line_rest_blank(text: str, start: int) -> bool:
    end = text.find("\n", start)
    rest = text[start:] if end == -1 else text[start:end]
    return not rest.strip()


def _glued_escape(text: str, start: int) -> list[int]:
    """The backticks to hide from the grammar for the escape at ``start``, if any.

    Outside strings tree-sitter-pwsh reads a backtick escape as one token that runs to
    the next blank (or ``; | , ) } ( &``), so in ``-Verbose `n"text $x"`` the token
    ```n"text`` swallows the quote that opens the string, the string then seems to close
    at the next quote and, one line later, the statement that follows is lost in an
    ERROR. PowerShell reads the escape (a newline) and then the string, as one argument.
    Replacing the escape's backtick with a letter keeps one argument and lets the grammar
    see the string or variable; escaped quotes and dollars are left alone (they are
    literal characters for PowerShell too).
    """
    escaped = text[start + 1]
    if escaped in "'\"$":
        return []
    backticks = [start]
    n = len(text)
    j = start + 2
    while j < n:
        c = text[j]
        if c in _ESCAPE_RUN_END:
            return []
        if c == "`":
            nxt = text[j + 1 : j + 2]
            if not nxt or nxt in " \t\r\n" or nxt in "'\"$":
                return []
            backticks.append(j)
            j += 2
            continue
        if c in "'\"":
            return backticks
        if c == "$" and j + 1 < n and (text[j + 1].isalnum() or text[j + 1] in "_{"):
            return backticks
        j += 1
    return []


#: PowerShell operators written as ``-word`` (``-and``, ``-f``, ``-ieq``, …).
_OPERATORS = frozenset(
    ("and", "or", "xor", "not", "band", "bor", "bxor", "bnot", "shl", "shr", "join", "split",
     "f", "is", "isnot", "as")
) | frozenset(
    prefix + op
    for op in ("eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch",
               "contains", "notcontains", "in", "notin", "replace", "split")
    for prefix in ("", "c", "i")
)  # fmt: skip
#: Reserved words that start a statement or a clause of the one before.
_KEYWORDS = frozenset(
    ("begin", "break", "catch", "class", "configuration", "continue", "data", "do",
     "dynamicparam", "else", "elseif", "end", "enum", "exit", "filter", "finally", "for",
     "foreach", "function", "if", "inlinescript", "parallel", "param", "process", "return",
     "sequence", "switch", "throw", "trap", "try", "until", "using", "while", "workflow")
)  # fmt: skip
_NEXT_WORD = re.compile(r"[A-Za-z_][\w-]*")
#: The next line assigns (``$x = …``, ``[int]$n += 1``) or is a hashtable entry or DSC
#: property (``Name = …``, ``'Key' = …``): a statement or entry of its own.
_STARTS_ASSIGNMENT = re.compile(
    r"""(?:\[[^\]\n]*\]\s*)*(?:\$\{[^}\n]*\}|\$[\w:?]+(?:\.\w+|\[[^\]\n]*\])*|[\w.-]+"""
    r"""|'[^'\n]*'|"[^"\n]*")\s*[-+*/%?]?=(?!=)"""
)
_LAST_WORD = re.compile(r"(-?)([A-Za-z_][\w.\\-]*)(:?)$")
#: A command name that starts its statement: ``Get-AutomationVariable`` at the start of
#: the line, after ``=``, ``|``, ``;``, an opening bracket or the call operator.
_COMMAND_AT_START = re.compile(r"(?:^|[=|;({&])\s*([A-Za-z_][\w.\\-]*)$")


def _trailing_verdict(text: str, backtick: int, line_end: int, context: str | None) -> str | None:
    """What the newline after a misleading backtick does to the statement, or None.

    The backtick escapes the blank after it, so PowerShell sees an ordinary newline. A
    newline is harmless where PowerShell's parser skips it or expects one:

    - after an opening ``(``, ``{``, ``[``, ``@(``, ``$(``, ``@{``, after ``,``, ``|``,
      ``;``, ``=`` and every operator (``+``, ``-and``, ``-f``, …): the parser skips newlines
      there;
    - before a closing ``)``, ``}`` or ``]``, a blank line or a comment;
    - before a new statement, hashtable entry or DSC property (``Name = $name``,
      ``$x = …``) or a keyword (``else``, ``catch``, ``foreach``): the newline is the
      separator the author needed (with a real continuation the entry would break);
    - inside ``param( … )``, between attributes and parameters.

    Everywhere else a newline ends the statement (in a script, a ``{ }`` block, ``$( )``,
    ``@( )``, a hashtable value or a parenthesised pipeline alike), and the author's
    continuation is lost when the next line is a parameter or operator (``-Name``; the
    line then fails on its own: "Missing expression after unary operator"), or an
    argument of a parameter or command that ends the line (``-Name`` or
    ``Get-AutomationVariable``, then ``'Region'``). A value after a value is left alone:
    either reading is plausible.
    """
    line_start = text.rfind("\n", 0, backtick) + 1
    before = text[line_start:backtick].rstrip()
    newline = line_end if text[line_end] == "\n" else line_end + 1
    next_end = text.find("\n", newline + 1)
    after = text[newline + 1 : len(text) if next_end == -1 else next_end].strip()
    if not before or not after or after[0] in "#)}]" or after.startswith("<#"):
        return None
    last = before[-1]
    if last in "({[,|=;+*/%" or (last == "-" and before[-2:-1] in (" ", "\t", "")):
        return None
    word = _LAST_WORD.search(before)
    if word is not None and word.group(1) and word.group(2).lower() in _OPERATORS:
        return None
    lost = f"`{after.split()[0][:40]}` on the next line is not part of the command"
    if after[0] == "-" and after[1:2].isalpha():
        token = _NEXT_WORD.match(after, 1)
        shown = "-" + (token.group(0) if token else "")
        return f"`{shown[:40]}` on the next line is not part of the command"
    if after[0] == "|" and not after.startswith("||"):
        # An empty pipe element in Windows PowerShell 5.1, but PowerShell 7 continues the
        # pipeline on a line that starts with `|`; the runtime is not known here.
        return None
    if context == "param(" or _STARTS_ASSIGNMENT.match(after):
        return None
    first = _NEXT_WORD.match(after)
    if first is not None and first.group(0).lower() in _KEYWORDS:
        return None
    if word is None:
        return None
    if word.group(1) and not word.group(3):
        return lost  # a parameter ends the line; its value (or the next argument) is lost
    command = _COMMAND_AT_START.search(before)
    if not word.group(1) and command is not None and command.group(1).lower() not in _KEYWORDS:
        return lost  # a command name ends the line; its arguments are lost
    return None
