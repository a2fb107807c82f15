"""Data completeness: how many of the fields a team relies on a record has filled in."""

from __future__ import annotations

from typing import Any

CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "title", "account_id",
                  "owner_id", "lifecycle_stage")
ACCOUNT_FIELDS = ("name", "domain", "industry", "tier", "size", "owner_id", "phone",
                  "website", "country")


def _filled(record: dict[str, Any], names: tuple[str, ...]) -> tuple[int, int]:
    return sum(1 for name in names if record.get(name) not in (None, "", [])), len(names)


def contact_completeness(contact: dict[str, Any]) -> tuple[int, int]:
    """(fields filled, fields counted)."""
    return _filled(contact, CONTACT_FIELDS)


def account_completeness(account: dict[str, Any]) -> tuple[int, int]:
    return _filled(account, ACCOUNT_FIELDS)
