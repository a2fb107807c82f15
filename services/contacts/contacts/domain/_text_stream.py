"""Uploaded bytes to text to physical lines, a chunk at a time (for the CSV and vCard readers).

Bad bytes never stop decoding: each one becomes a lone surrogate (U+DC00 + byte), which
no valid UTF-8 or UTF-16 text can contain, so a reader can find the lines that hold
them, report those and go on with the rest.
"""

import codecs
import itertools
import re
from collections.abc import Iterable, Iterator

_MARK_BAD_BYTES = "crm-contacts-mark-bad-bytes"
_BAD_BYTE = re.compile("[\udc00-\udcff]")
_LINE_END = re.compile(r"\r\n?|\n")
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
MAX_LINE_CHARS = 1 << 20


def _mark_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(_MARK_BAD_BYTES, _mark_bad_bytes)


class LineTooLong(ValueError):
    """A line so long the input cannot be a file of contacts."""


def first_bad_byte(text: str) -> int | None:
    found = _BAD_BYTE.search(text)
    return None if found is None else ord(found.group()) - 0xDC00


class BadByteWatch:
    """Text passed through piece by piece, noting whether a bad byte went by.

    One search per piece spares a search per row in the usual file, which has none.
    """

    def __init__(self, pieces: Iterable[str]) -> None:
        self._pieces = pieces
        self.bad_bytes_seen = False

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            if not self.bad_bytes_seen and _BAD_BYTE.search(piece):
                self.bad_bytes_seen = True
            yield piece


def decode(chunks: Iterable[bytes]) -> tuple[str, Iterator[str]]:
    """The encoding's name ("UTF-8" or "UTF-16") and the text, piece by piece.

    UTF-16 is recognised by its byte order mark; anything else is read as UTF-8, whose
    byte order mark, if any, is dropped.
    """
    chunks = iter(chunks)
    head = b""
    while len(head) < 2:
        chunk = next(chunks, None)
        if chunk is None:
            break
        head += chunk
    utf16 = head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    codec = "utf-16" if utf16 else "utf-8-sig"
    return ("UTF-16" if utf16 else "UTF-8"), _decoded(codec, itertools.chain([head], chunks))


def _decoded(codec: str, chunks: Iterator[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(codec)(errors=_MARK_BAD_BYTES)
    for chunk in chunks:
        # The decoder keeps a character cut in two by a chunk boundary for the next call.
        text = decoder.decode(chunk)
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _cut(text: str) -> list[str]:
    """The text cut after each \r\n, \n or \r; the last piece may have no line end."""
    # splitlines is fast but also cuts at form feeds and other separators that are data.
    if not _OTHER_BREAKS.search(text):
        return text.splitlines(keepends=True)
    lines, start = [], 0
    for end in _LINE_END.finditer(text):
        lines.append(text[start : end.end()])
        start = end.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def physical_lines(pieces: Iterable[str], max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """Lines with their ending kept, as the csv module wants them."""
    unfinished: list[str] = []  # the start of a line that has not ended yet
    waiting = 0
    for piece in pieces:
        if (
            "\n" not in piece
            and "\r" not in piece
            and not (unfinished and unfinished[-1][-1:] == "\r")
        ):
            # Gathered, not re-joined, so that a long line costs its length once.
            unfinished.append(piece)
            waiting += len(piece)
        else:
            lines = _cut("".join(unfinished) + piece)
            # A last line without \n is unfinished, or a \r whose \n is in the next piece.
            last = lines.pop() if lines[-1][-1] != "\n" else ""
            yield from lines
            unfinished, waiting = [last], len(last)
        if waiting > max_chars:
            raise LineTooLong(f"a line is longer than {max_chars} characters")
    if tail := "".join(unfinished):
        yield tail
