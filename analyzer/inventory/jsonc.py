"""Tolerant JSON with positions: what ARM accepts, and what real templates contain.

ARM templates may contain ``//`` and ``/* */`` comments and trailing commas, which
``json.loads`` rejects; and every declaration must carry its line. This small
recursive-descent parser accepts both and returns :class:`JObject` / :class:`JArray`
(``dict`` / ``list`` subclasses with ``.line``) so loaders can point at the exact place.
Errors name the line and column. Depth and size are bounded: inventories are untrusted
input too.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 200
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_WHITESPACE = re.compile(r"(?:[ \t\r\n\ufeff]+|//[^\n]*|/\*.*?\*/)*", re.S)
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class JsonError(ValueError):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} at line {line}, column {column}")
        self.line = line
        self.column = column
        self.reason = message


class JObject(dict):
    """A JSON object that remembers the line it starts on; keys keep their case."""

    line: int = 0

    def get_ci(self, key: str, default: Any = None) -> Any:
        """Case-insensitive lookup: ARM property names are case-insensitive in practice."""
        if key in self:
            return self[key]
        lowered = key.lower()
        for existing, value in self.items():
            if existing.lower() == lowered:
                return value
        return default


class JArray(list):
    line: int = 0


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._line_starts: list[int] | None = None

    def location(self, pos: int) -> tuple[int, int]:
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self.text))
            self._line_starts = starts
        import bisect

        index = bisect.bisect_right(self._line_starts, pos) - 1
        return index + 1, pos - self._line_starts[index] + 1

    def error(self, message: str, pos: int | None = None) -> JsonError:
        line, column = self.location(self.pos if pos is None else pos)
        return JsonError(message, line, column)

    def skip(self) -> None:
        match = _WHITESPACE.match(self.text, self.pos)
        if match:
            self.pos = match.end()
        if self.text.startswith("/*", self.pos):
            raise self.error("unterminated /* comment")

    def value(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.error("nesting too deep")
        self.skip()
        if self.pos >= len(self.text):
            raise self.error("unexpected end of input")
        c = self.text[self.pos]
        if c == "{":
            return self.object(depth)
        if c == "[":
            return self.array(depth)
        if c == '"':
            return self.string()
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return value
        match = _NUMBER.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            number = match.group()
            return float(number) if any(ch in number for ch in ".eE") else int(number)
        raise self.error(f"unexpected character {c!r}")

    def object(self, depth: int) -> JObject:
        result = JObject()
        result.line = self.location(self.pos)[0]
        self.pos += 1
        while True:
            self.skip()
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            if not self.text.startswith('"', self.pos):
                raise self.error("expected a property name in double quotes")
            key = self.string()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.error("expected ':' after a property name")
            self.pos += 1
            result[key] = self.value(depth + 1)
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            raise self.error("expected ',' or '}'")

    def array(self, depth: int) -> JArray:
        result = JArray()
        result.line = self.location(self.pos)[0]
        self.pos += 1
        while True:
            self.skip()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            result.append(self.value(depth + 1))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            raise self.error("expected ',' or ']'")

    def string(self) -> str:
        start = self.pos
        self.pos += 1
        out: list[str] = []
        text = self.text
        while True:
            end = self.pos
            while end < len(text) and text[end] not in '"\\\n':
                end += 1
            out.append(text[self.pos : end])
            self.pos = end
            if end >= len(text) or text[end] == "\n":
                raise self.error("unterminated string", start)
            if text[end] == '"':
                self.pos += 1
                return "".join(out)
            escape = text[end + 1 : end + 2]
            if escape == "u":
                digits = text[end + 2 : end + 6]
                if len(digits) != 4 or not all(ch in "0123456789abcdefABCDEF" for ch in digits):
                    raise self.error("invalid \\u escape", end)
                out.append(chr(int(digits, 16)))
                self.pos = end + 6
            elif escape in _ESCAPES:
                out.append(_ESCAPES[escape])
                self.pos = end + 2
            else:
                raise self.error(f"invalid escape \\{escape}", end)


def loads(text: str) -> Any:
    """Parse tolerant JSON (comments, trailing commas); raise :class:`JsonError`."""
    parser = _Parser(text)
    value = parser.value(0)
    parser.skip()
    if parser.pos != len(text):
        raise parser.error("unexpected data after the JSON value")
    return value
