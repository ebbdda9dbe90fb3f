"""Bytes to text the way the Automation service and Windows PowerShell read files.

A BOM decides the encoding (UTF-8, UTF-16 LE/BE, UTF-32). Without one, valid UTF-8 is
UTF-8; anything else falls back to Windows-1252, as Windows PowerShell 5.1 reads a
BOM-less script. What cannot be text at all (NUL bytes without a UTF-16 BOM, broken
UTF-16) is reported, never guessed at: the caller turns :class:`DecodeError` into RB902.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Windows-1252 leaves five bytes undefined; Windows maps them to the C1 controls.
_CP1252_HOLES = {0x81: "\x81", 0x8D: "\x8d", 0x8F: "\x8f", 0x90: "\x90", 0x9D: "\x9d"}


class DecodeError(Exception):
    """The bytes are not text in any encoding the platform accepts."""


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    bom: bool
    #: "\n", "\r\n" or "mixed"; kept so a later ``--fix`` can write the file back as it was.
    newline: str


def _newline_style(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n")
    if crlf == 0:
        return "\n"
    return "\r\n" if crlf == lf else "mixed"


def _cp1252(data: bytes) -> str:
    return "".join(
        _CP1252_HOLES[b] if b in _CP1252_HOLES else bytes([b]).decode("cp1252") for b in data
    )


def decode(data: bytes) -> DecodedText:
    """Decode a source file; raise :class:`DecodeError` with a user-facing reason."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError as exc:
                name = encoding.upper()
                if exc.end >= len(body) and "truncated" in exc.reason:
                    raise DecodeError(
                        f"the file starts with a {name} byte order mark but ends in the "
                        "middle of a character: it is truncated"
                    ) from None
                raise DecodeError(
                    f"the file starts with a {name} byte order mark but byte "
                    f"{exc.start + len(bom)} is not valid {name}"
                ) from None
            if "\x00" in text:
                raise DecodeError(f"the {encoding.upper()} text contains NUL characters")
            return DecodedText(text, encoding, True, _newline_style(text))
    if b"\x00" in data:
        raise DecodeError(
            "the file contains NUL bytes: it is binary, or UTF-16 without a byte order mark"
        )
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = _cp1252(data)
        encoding = "cp1252"
    return DecodedText(text, encoding, False, _newline_style(text))


_CP1252_HOLE_BYTES = {char: bytes([byte]) for byte, char in _CP1252_HOLES.items()}


def encode(text: str, encoding: str) -> bytes:
    """The inverse of :func:`decode` for text without its BOM: ``encoding`` is what decode
    reported. Raises :class:`UnicodeEncodeError` for a character the encoding lacks."""
    if encoding != "cp1252":
        return text.encode(encoding)
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return b"".join(_CP1252_HOLE_BYTES.get(ch) or ch.encode("cp1252") for ch in text)


class JsonFileError(Exception):
    """A JSON document the user named (a baseline, a saved report) cannot be read; the
    message names the file (and line:column for bad JSON) and what to do."""


def read_json_file(path: Path, remedy: str) -> tuple[object, str]:
    """The parsed document at ``path`` and its text (a UTF-8 BOM is allowed). ``remedy``
    ends every message: how to get a good file (``regenerate it with --write-baseline``).
    A missing file raises :class:`FileNotFoundError`, which callers word for themselves."""
    import json

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise JsonFileError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise JsonFileError(f"{path}: not UTF-8 text; {remedy}") from None
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise JsonFileError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); {remedy}"
        ) from None
