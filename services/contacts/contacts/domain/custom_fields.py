"""Custom fields: definitions per object (contact, account) and the values written to them.

Values arrive from the API as JSON and from CSV imports as strings, so numbers, dates
and booleans are also accepted in their written form. A blank string or None clears a
value. Stored values are JSON-ready: str, int, float or bool.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from crm_contracts.vocabulary import CUSTOM_FIELD_TYPES

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,62}")
MAX_TEXT_LENGTH = 1000
MAX_LABEL_LENGTH = 100
MAX_OPTIONS = 200
MAX_OPTION_LENGTH = 100

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")
# Longer than any quantity someone types; also keeps the patterns' work small.
MAX_NUMBER_LENGTH = 50
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class FieldDefinition:
    key: str
    label: str
    type: str
    options: tuple[str, ...] = ()
    required: bool = False


def _options_errors(type: str, options: Any) -> list[str]:
    if isinstance(options, str) or not isinstance(options, Iterable):
        return ["must be a list of strings"]
    options = list(options)
    if type != "enum":
        return ["only enum fields have options"] if options else []
    if not options:
        return ["an enum field needs at least one option"]
    errors = []
    if len(options) > MAX_OPTIONS:
        errors.append(f"at most {MAX_OPTIONS} options")
    if not all(isinstance(o, str) and o.strip() for o in options):
        errors.append("options must be non-empty strings")
    elif any(len(o) > MAX_OPTION_LENGTH for o in options):
        errors.append(f"options must be at most {MAX_OPTION_LENGTH} characters")
    elif len(set(options)) != len(options):
        errors.append("options must be unique")
    return errors


def validate_definition(
    key: str,
    label: str,
    type: str,
    options: Iterable[str] | None = (),
    required: bool = False,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        errors["key"] = [
            "must start with a lower-case letter and hold only a-z, 0-9 and _ (64 at most)"
        ]
    if not isinstance(label, str) or not label.strip():
        errors["label"] = ["required"]
    elif len(label) > MAX_LABEL_LENGTH:
        errors["label"] = [f"must be at most {MAX_LABEL_LENGTH} characters"]
    if type not in CUSTOM_FIELD_TYPES:
        errors["type"] = [f"must be one of: {', '.join(CUSTOM_FIELD_TYPES)}"]
    elif option_errors := _options_errors(type, options if options is not None else ()):
        errors["options"] = option_errors
    if not isinstance(required, bool):
        errors["required"] = ["must be true or false"]
    return errors


class _Invalid(ValueError):
    """A value that does not fit its field; the message is shown to the user."""


def _text(value: Any, _: FieldDefinition) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be text")
    if len(value) > MAX_TEXT_LENGTH:
        raise _Invalid(f"must be at most {MAX_TEXT_LENGTH} characters")
    return value


def _number_from_text(text: str) -> int | float:
    text = text.strip()
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Invalid("must be a number")
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    raise _Invalid("must be a number")


def _number(value: Any, _: FieldDefinition) -> int | float:
    # bool is an int to Python, but True is not a quantity anyone meant to type.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Invalid("must be a number")
    number = _number_from_text(value) if isinstance(value, str) else value
    if isinstance(number, float):
        if not math.isfinite(number):
            raise _Invalid("must be a finite number")
        if number.is_integer():
            return int(number)
    return number


def _date(value: Any, _: FieldDefinition) -> str:
    # datetime is a date too, but a time of day would be silently lost.
    if type(value) is date:
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise _Invalid("is not a real date") from None
    raise _Invalid("must be a date as YYYY-MM-DD")


def _enum(value: Any, field: FieldDefinition) -> str:
    if isinstance(value, str):
        if value in field.options:
            return value
        # Spreadsheets change case and pad cells; the stored value stays the defined one.
        folded = [o for o in field.options if o.casefold() == value.strip().casefold()]
        if len(folded) == 1:
            return folded[0]
    raise _Invalid(f"must be one of: {', '.join(field.options)}")


def _boolean(value: Any, _: FieldDefinition) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise _Invalid("must be true or false")


_COERCERS = {"text": _text, "number": _number, "date": _date, "enum": _enum, "boolean": _boolean}


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_custom_fields(
    definitions: Iterable[FieldDefinition],
    values: Mapping[str, Any] | None,
    *,
    partial: bool = False,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The clean values to store and the errors, both keyed by field key.

    A cleared value is returned as None, for the caller to remove. With `partial`, a
    required field left out is not an error: the stored value stays.
    """
    fields = {field.key: field for field in definitions}
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        return {}, {"custom_fields": ["must be an object"]}
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        field = fields.get(key)
        if field is None:
            errors[str(key)] = ["unknown custom field"]
        elif _is_blank(value):
            if field.required:
                errors[key] = ["required"]
            else:
                clean[key] = None
        else:
            coerce = _COERCERS.get(field.type)
            try:
                if coerce is None:
                    raise _Invalid(f"has an unknown type {field.type!r}")
                clean[key] = coerce(value, field)
            except _Invalid as exc:
                errors[key] = [str(exc)]
    if not partial:
        for key, field in fields.items():
            if field.required and key not in values:
                errors[key] = ["required"]
    return clean, errors
