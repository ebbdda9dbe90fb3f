"""Editing source files in place without disturbing anything else in them.

``--fix`` and ``--add-ignores`` both change a few ranges of a file the analysis read.
Everything they share lives here, so that both keep the same promises (DESIGN §6):

- a file is edited only if its bytes still decode to the text that was analysed, and it
  is written only if its bytes are still those read for the edit;
- positions are the facts' own: 1-based lines split on ``\\n``, 1-based code-point
  columns that never count the ``\\r`` of a ``\\r\\n``;
- the bytes outside the edited ranges are copied, not re-encoded, so encoding, BOM,
  line endings and even undecodable oddities elsewhere stay exactly as they were; a
  ``\\n`` in new text becomes the file's line ending (in a file with mixed endings, the
  ending of the line edited);
- the new text can be read back with the frontend (:func:`reanalysed`) to check that the
  edit did what it meant and broke nothing;
- the new bytes go to a temporary file in the same directory, which replaces the
  original in one ``os.replace`` (same mode), so a reader never sees half a file and a
  failure leaves the original intact.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from analyzer.model.span import Span
from analyzer.textio import DecodedText, DecodeError, decode, encode

if TYPE_CHECKING:
    from analyzer.model.facts import FileFacts


class EditError(Exception):
    """A file cannot be edited as asked; the message names the file and what to do."""


@dataclass(frozen=True, slots=True)
class TextEdit:
    """An edit resolved to character offsets of the decoded text; ``text`` already has
    the file's line endings."""

    start: int
    end: int
    text: str

    def conflicts(self, other: TextEdit) -> bool:
        """Overlapping ranges, or two insertions at one point (their order is unknown);
        edits that only touch are fine."""
        if self.start < other.end and other.start < self.end:
            return True
        return self.start == self.end == other.start == other.end


@dataclass
class SourceText:
    """A file as read for editing: its bytes and their decoding."""

    path: str
    location: Path
    data: bytes
    decoded: DecodedText
    _line_starts: list[int] = field(default_factory=list, repr=False)

    @classmethod
    def read(cls, path: str, analysed: str | None = None) -> SourceText:
        """Read ``path`` (as reports show it: relative to the working directory, or
        absolute). With ``analysed``, refuse a file whose text is no longer that."""
        location = Path(path)
        try:
            data = location.read_bytes()
        except OSError as exc:
            raise EditError(f"{path}: cannot read: {exc.strerror or exc}") from None
        try:
            decoded = decode(data)
        except DecodeError as exc:
            raise EditError(f"{path}: cannot be read as text: {exc}") from None
        if analysed is not None and decoded.text != analysed:
            raise EditError(
                f"{path}: changed on disk since it was analysed; nothing was written to it "
                "(run the command again)"
            )
        starts = [0]
        text = decoded.text
        position = text.find("\n")
        while position != -1:
            starts.append(position + 1)
            position = text.find("\n", position + 1)
        return cls(path, location, data, decoded, starts)

    @property
    def text(self) -> str:
        return self.decoded.text

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) without its line ending."""
        start, end = self._bounds(number)
        return self.text[start:end]

    def _bounds(self, number: int) -> tuple[int, int]:
        """Offsets of line ``number``'s content: from its start to before ``\\r\\n``."""
        if not 1 <= number <= len(self._line_starts):
            raise EditError(f"{self.path}: line {number} is beyond the end of the file")
        start = self._line_starts[number - 1]
        if number < len(self._line_starts):
            end = self._line_starts[number] - 1
            if end > start and self.text[end - 1] == "\r":
                end -= 1
        else:
            end = len(self.text)
        return start, end

    def offset(self, line: int, column: int) -> int:
        """The character offset of a 1-based line and code-point column."""
        start, end = self._bounds(line)
        if not 1 <= column <= end - start + 1:
            raise EditError(
                f"{self.path}:{line}:{column}: the column is outside the line "
                f"({end - start} characters)"
            )
        return start + column - 1

    def line_ending(self, number: int) -> str:
        """What ends line ``number`` (``\\r\\n``, ``\\n``, or "" for the last line)."""
        if number >= len(self._line_starts):
            return ""
        end = self._line_starts[number] - 1
        start = self._line_starts[number - 1]
        return "\r\n" if end > start and self.text[end - 1] == "\r" else "\n"

    def newline_for(self, line: int) -> str:
        """The line ending new text on ``line`` gets: the file's, or in a file with mixed
        endings that of the line itself (the one before it for the last line)."""
        style = self.decoded.newline
        if style != "mixed":
            return style
        for number in (line, line - 1):
            if number >= 1:
                ending = self.line_ending(number)
                if ending:
                    return ending
        return "\n"

    def resolve(self, span: Span, text: str) -> TextEdit:
        """An edit of ``span`` (the facts' coordinates) with the file's line endings."""
        start = self.offset(span.line, span.column)
        end = self.offset(span.end_line, span.end_column)
        if end < start:
            raise EditError(
                f"{self.path}:{span.line}:{span.column}: the edit ends before it starts"
            )
        return TextEdit(start, end, text.replace("\n", self.newline_for(span.line)))

    def insertion(self, line: int, column: int, text: str) -> TextEdit:
        offset = self.offset(line, column)
        return TextEdit(offset, offset, text.replace("\n", self.newline_for(line)))

    # ------------------------------------------------------------------ applying
    def apply(self, edits: list[TextEdit]) -> tuple[str, bytes]:
        """The new text and bytes. Edits must not conflict; the bytes between them are
        the original bytes, so nothing outside the edited ranges is re-encoded."""
        ordered = sorted(edits, key=lambda e: (e.start, e.end))
        for before, after in itertools.pairwise(ordered):
            if before.conflicts(after):
                raise EditError(f"{self.path}: two edits overlap at character {after.start}")
        text = self.text
        encoding = self.decoded.encoding
        head = len(self.data) - len(self._encode(text))  # the BOM
        pieces: list[str] = []
        chunks: list[bytes] = [self.data[:head]]
        position = 0
        byte_position = head
        for edit in ordered:
            kept = text[position : edit.start]
            kept_bytes = len(self._encode(kept))
            chunks.append(self.data[byte_position : byte_position + kept_bytes])
            try:
                chunks.append(encode(edit.text, encoding))
            except UnicodeEncodeError as exc:
                raise EditError(
                    f"{self.path}: {exc.object[exc.start : exc.end]!r} cannot be written in "
                    f"{encoding}, the file's encoding; the file was left as it is"
                ) from None
            pieces.extend((kept, edit.text))
            byte_position += kept_bytes + len(self._encode(text[edit.start : edit.end]))
            position = edit.end
        pieces.append(text[position:])
        chunks.append(self.data[byte_position:])
        return "".join(pieces), b"".join(chunks)

    def _encode(self, text: str) -> bytes:
        return encode(text, self.decoded.encoding)


def write_atomic(path: str, data: bytes, expected: bytes | None) -> None:
    """Replace the file at ``path`` with ``data`` in one step, keeping its mode, unless its
    bytes are no longer ``expected`` (someone changed it in the meantime). A symbolic
    link keeps pointing at the file, which is written where it really is. With
    ``expected`` None the file may be new (a baseline) and is replaced whatever it holds.
    """
    location = Path(os.path.realpath(path))
    if expected is not None:
        try:
            current = location.read_bytes()
        except OSError as exc:
            raise EditError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if current != expected:
            raise EditError(
                f"{path}: changed on disk while the edits were prepared; nothing was written "
                "to it (run the command again)"
            )
    try:
        status = location.stat() if location.exists() else None
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{location.name}.", suffix=".tmp", dir=location.parent
        )
    except OSError as exc:
        raise EditError(f"{path}: cannot write: {exc.strerror or exc}") from None
    staged = Path(temporary)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if status is None:  # a new file: the mode a plain open() would give it
            umask = os.umask(0)
            os.umask(umask)
            staged.chmod(0o666 & ~umask)
        else:
            staged.chmod(stat.S_IMODE(status.st_mode))
        if status is not None and hasattr(os, "chown"):  # POSIX; only root may give a file away
            with contextlib.suppress(OSError):
                os.chown(staged, status.st_uid, status.st_gid)
        staged.replace(location)
    except OSError as exc:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise EditError(
            f"{path}: cannot write: {exc.strerror or exc}; the file is unchanged"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise


def reanalysed(path: str, text: str) -> FileFacts | None:
    """The facts of ``text`` as the analysis reads a file at ``path``; None if the
    frontend failed (it reports bad input as problems, so that would be our bug)."""
    from analyzer.discovery import SOURCE_SUFFIXES
    from analyzer.frontends import analyze_text

    language = SOURCE_SUFFIXES.get(PurePath(path).suffix.lower(), "powershell")
    try:
        return analyze_text(path, text, language)
    except Exception:
        return None


def parse_errors(facts: FileFacts) -> int:
    """Syntax errors the frontend vouches for (RB901): an edit must not add any."""
    return sum(1 for problem in facts.problems if problem.code == "RB901")
