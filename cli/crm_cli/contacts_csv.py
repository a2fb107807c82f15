"""Contacts as a CSV file in the columns the import understands without a mapping."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

IMPORT_COLUMNS = ("first_name", "last_name", "email", "phone", "title", "account",
                  "lifecycle_stage", "source", "tags", "address_line", "city", "postal_code",
                  "country")
CUSTOM_PREFIX = "custom."


def contacts_csv(contacts: Iterable[Mapping[str, Any]],
                 custom_keys: Sequence[str] = ()) -> bytes:
    """UTF-8 CSV, one row per contact: `account` is the company's name, `tags` a
    comma-separated list, custom field values in `custom.<key>` columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*IMPORT_COLUMNS, *(CUSTOM_PREFIX + key for key in custom_keys)])
    for contact in contacts:
        custom = contact.get("custom_fields") or {}
        writer.writerow([_cell(contact.get(column)) for column in IMPORT_COLUMNS]
                        + [_cell(custom.get(key)) for key in custom_keys])
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
