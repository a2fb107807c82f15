"""Text that no database of ours can store, refused where input enters.

PostgreSQL's text and JSON types cannot hold the NUL character, and a lone UTF-16
surrogate (JSON allows the escape "\\ud800" on its own) is not Unicode at all, so neither
can be encoded for the database. Such a string got through every schema and failed deep
in a service, or in the consumers of its event, as an error instead of an answer naming
the field.
"""

from __future__ import annotations

from typing import Any

NUL = "must not contain the NUL character (U+0000)"
SURROGATE = "is not valid Unicode text (a lone surrogate, U+D800 to U+DFFF)"


def text_problem(value: str) -> str | None:
    """Why this string cannot be stored, or None when it can."""
    if "\x00" in value:
        return NUL
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE
    return None


def unstorable(data: Any) -> dict[str, Any]:
    """The fields of a JSON-like value holding text that cannot be stored, nested as
    marshmallow nests its errors ({"lines": {0: {"name": [...]}}}); empty when none does.
    Keys are checked as well as values."""
    errors: dict[Any, Any] = {}
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return errors
    for key, value in items:
        if isinstance(key, str) and (problem := text_problem(key)):
            errors[_printable(key)] = [f"the field name {problem}"]
        elif isinstance(value, str):
            if problem := text_problem(value):
                errors[key] = [problem]
        elif nested := unstorable(value):
            errors[key] = nested
    return errors


def _printable(key: str) -> str:
    # The error names the field: that name must be storable itself ("a\\x00b").
    return ascii(key)[1:-1]
