"""Reading an uploaded CSV file of contacts as a stream, in flat memory.

Usage::

    reader = CsvImportReader(chunks, mapping, allowed_fields, start_after_line=0)
    reader.headers    # the header cells, stripped, as in the file
    reader.columns    # {column index: field name}, e.g. {0: "email", 3: "custom_fields.tier"}
    for row in reader:    # CsvRow(line, values, error), one per non-blank data row
        ...

`chunks` is any iterable of bytes (an upload read 64 KiB at a time, say); a chunk may end
anywhere, inside a character or inside a quoted field. The constructor reads only the
header and raises `CsvFormatError` (no usable header) or `MappingError` (bad mapping);
iteration never raises for bad data: a row it cannot read becomes a `CsvRow` with an
error and no values. The reader is single-pass, like the upload it reads.

`read_csv(...)` is the same as a function returning `(headers, rows)`.

Text is UTF-8 (a byte order mark is dropped) or UTF-16 with a byte order mark. The
delimiter is the most frequent of , ; tab | in the header line. A row's `line` is the
physical line it starts on, the header's line being 1 in a file without leading blank
lines; an importer that restarts passes the last line it processed as
`start_after_line`, and the rows up to it are parsed but not built.
"""

import csv
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ._text_stream import BadByteWatch, LineTooLong, decode, first_bad_byte, physical_lines
from .custom_fields import KEY_PATTERN
from .normalise import clean_text

CUSTOM_PREFIX = "custom_fields."
DELIMITERS = (",", ";", "\t", "|")
_CUSTOM_HEADER_PREFIXES = ("custom_fields.", "custom.", "cf_")
_QUOTED = re.compile(r'"[^"]*"')
_FIELD_LIMIT = "field larger than field limit"

_SPELLINGS = {
    "first_name": ("first name", "firstname", "given name", "forename", "prénom"),
    "last_name": ("last name", "lastname", "surname", "family name", "nom"),
    "email": ("email", "e-mail", "email address", "mail", "courriel"),
    "phone": ("phone", "phone number", "telephone", "mobile", "cell", "téléphone", "portable"),
    "title": ("title", "job title", "position", "role", "fonction", "poste"),
    "account": (
        "company", "company name", "account", "account name", "organization", "organisation",
        "société", "entreprise",
    ),
    "lifecycle_stage": ("lifecycle stage", "lifecycle", "stage"),
    "source": ("source", "lead source", "origine"),
    "tags": ("tags", "tag", "labels", "étiquettes"),
    # Not "owner": that column usually holds a person's name, which is no id.
    "owner_id": ("owner id",),
    "address_line": ("address", "address line", "street", "street address", "adresse", "rue"),
    "city": ("city", "town", "ville"),
    "postal_code": ("postal code", "zip", "zip code", "postcode", "code postal"),
    "country": ("country", "pays"),
}  # fmt: skip
KNOWN_HEADERS: dict[str, str] = {
    spelling: field for field, spellings in _SPELLINGS.items() for spelling in spellings
}


def _header_key(header: str) -> str:
    # "First_Name", "first-name" and "FIRST NAME" are one header.
    return clean_text(header).replace(" ", "")


_KNOWN_BY_KEY = {_header_key(spelling): field for spelling, field in KNOWN_HEADERS.items()}


class CsvFormatError(ValueError):
    """The file has no usable header line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MappingError(ValueError):
    """The column mapping cannot be applied to this file; `errors` is keyed "mapping"."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(message for found in errors.values() for message in found))
        self.errors = errors


@dataclass(slots=True)
class CsvRow:
    line: int
    values: dict[str, str]
    error: str | None = None


def _custom_field(name: str) -> str | None:
    lowered = name.strip().lower()
    for prefix in _CUSTOM_HEADER_PREFIXES:
        if lowered.startswith(prefix):
            key = lowered.removeprefix(prefix).strip()
            return CUSTOM_PREFIX + key if KEY_PATTERN.fullmatch(key) else None
    return None


def _guess_field(header: str) -> str | None:
    return _custom_field(header) or _KNOWN_BY_KEY.get(_header_key(header))


def _is_target(field: str, allowed_fields: set[str]) -> bool:
    if field.startswith(CUSTOM_PREFIX):
        return _custom_field(field) == field
    return field in allowed_fields


def _explicit_columns(
    headers: list[str], mapping: Mapping[str, str | None], allowed_fields: set[str]
) -> tuple[dict[int, str | None], list[str]]:
    position = {}
    for index, header in enumerate(headers):
        position.setdefault(header.strip(), index)
    chosen: dict[int, str | None] = {}
    errors = []
    for header, field in mapping.items():
        index = position.get(header.strip()) if isinstance(header, str) else None
        if index is None:
            errors.append(f"no column {header!r} in the file")
        elif field is not None and not isinstance(field, str):
            errors.append(f"column {header!r}: the field must be a name")
        elif field and not _is_target(field, allowed_fields):
            errors.append(f"column {header!r}: unknown field {field!r}")
        else:
            chosen[index] = field or None
    return chosen, errors


def resolve_mapping(
    headers: list[str], mapping: Mapping[str, str | None] | None, allowed_fields: set[str]
) -> tuple[dict[int, str], dict[str, list[str]]]:
    """Column index -> field name, and the errors (keyed "mapping") in `mapping`.

    `mapping` (header -> field, "" or None to ignore the column) wins over the known
    header spellings; other columns that no field is known for are ignored. Two columns
    mapped to one field by hand is an error; guessed twice, the first column wins.
    """
    if mapping is not None and not isinstance(mapping, Mapping):
        return {}, {"mapping": ["must be an object of header -> field"]}
    chosen, errors = _explicit_columns(headers, mapping or {}, allowed_fields)
    columns: dict[int, str] = {}
    owner: dict[str, int] = {}
    for index, field in sorted(chosen.items()):
        if field is None:
            continue
        if field in owner:
            first = headers[owner[field]].strip()
            errors.append(f"columns {first!r} and {headers[index].strip()!r} both map to {field!r}")
        else:
            owner[field] = index
            columns[index] = field
    for index, header in enumerate(headers):
        field = None if index in chosen else _guess_field(header)
        if field and field not in owner and _is_target(field, allowed_fields):
            owner[field] = index
            columns[index] = field
    return dict(sorted(columns.items())), ({"mapping": errors} if errors else {})


def _sniff_delimiter(line: str) -> str:
    unquoted = _QUOTED.sub("", line)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


class CsvImportReader:
    """The rows of an uploaded CSV file, read lazily; see the module docstring."""

    def __init__(
        self,
        chunks: Iterable[bytes],
        mapping: Mapping[str, str | None] | None,
        allowed_fields: set[str],
        *,
        start_after_line: int = 0,
    ) -> None:
        self.encoding, pieces = decode(chunks)
        self.start_after_line = start_after_line
        self._text = BadByteWatch(pieces)
        lines = physical_lines(self._text)
        opening = self._opening_lines(lines)
        self.delimiter = _sniff_delimiter(opening[-1])
        # strict: an unclosed quote at the end, or text after a closing quote, is reported
        # instead of silently swallowing the lines that follow into one field.
        self._rows = csv.reader(
            itertools.chain(opening, lines), delimiter=self.delimiter, strict=True
        )
        self.headers = self._read_headers(header_line=len(opening))
        self.columns, errors = resolve_mapping(self.headers, mapping, allowed_fields)
        if errors:
            raise MappingError(errors)

    @staticmethod
    def _opening_lines(lines: Iterator[str]) -> list[str]:
        """The blank lines before the header, then the header's first line."""
        opening = []
        try:
            for line in lines:
                opening.append(line)
                if line.strip():
                    return opening
        except LineTooLong as exc:
            raise CsvFormatError(f"line {len(opening) + 1}: {exc}") from None
        raise CsvFormatError("the file is empty: its first line must name the columns")

    def _read_headers(self, header_line: int) -> list[str]:
        try:
            cells = next(self._rows)
            while self._rows.line_num < header_line:
                cells = next(self._rows)
        except (csv.Error, LineTooLong) as exc:
            raise CsvFormatError(f"line {self._rows.line_num}: {exc}") from None
        headers = [cell.strip() for cell in cells]
        line = self._rows.line_num
        if not "".join(headers):
            raise CsvFormatError(f"line {line}: the header line is empty")
        if first_bad_byte("".join(headers)) is not None:
            raise CsvFormatError(
                f"line {line}: the header is not valid {self.encoding}; save the file as UTF-8"
            )
        if any("\x00" in header for header in headers):
            raise CsvFormatError(
                "the file looks like UTF-16 without a byte order mark; save it as UTF-8"
            )
        return headers

    def __iter__(self) -> Iterator[CsvRow]:
        rows, width = self._rows, len(self.headers)
        columns = tuple(self.columns.items())
        while True:
            line = rows.line_num + 1
            try:
                cells = next(rows)
            except StopIteration:
                return
            except (csv.Error, LineTooLong) as exc:
                # Past an oversized field the row boundaries are unknown: stop, not misread.
                if isinstance(exc, LineTooLong) or str(exc).startswith(_FIELD_LIMIT):
                    yield CsvRow(line, {}, f"line {line}: {exc}; the rest of the file was not read")
                    return
                yield CsvRow(line, {}, f"line {line}: {exc}")
                continue
            if line <= self.start_after_line or not cells:
                continue
            if not (cells[0].strip() or "".join(cells).strip()):
                continue
            # Most files have no bad byte: then only the width needs a look.
            if self._text.bad_bytes_seen or len(cells) != width:
                problem = self._problem(line, cells)
                if problem:
                    yield CsvRow(line, {}, problem)
                    continue
            # A plain loop: a comprehension would build a function object for every row.
            values = {}
            for index, field in columns:
                values[field] = cells[index].strip()
            yield CsvRow(line, values)

    def _problem(self, line: int, cells: list[str]) -> str | None:
        bad = first_bad_byte("".join(cells))
        if bad is not None:
            return f"line {line}: invalid {self.encoding} (byte 0x{bad:02X}) in this row"
        if len(cells) != len(self.headers):
            return f"expected {len(self.headers)} columns, found {len(cells)}"
        return None


def read_csv(
    chunks: Iterable[bytes],
    mapping: Mapping[str, str | None] | None,
    allowed_fields: set[str],
    *,
    start_after_line: int = 0,
) -> tuple[list[str], Iterator[CsvRow]]:
    reader = CsvImportReader(chunks, mapping, allowed_fields, start_after_line=start_after_line)
    return reader.headers, iter(reader)
