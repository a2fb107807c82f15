"""What every service's use cases do to their records: ids and times, optimistic
concurrency, and applying a change field by field. Free of nameko, like the domain."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from crm_contracts.errors import StaleVersion

CHANGED_MEANWHILE = "the record was changed by someone else: read it again"


def new_id() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    return datetime.now(UTC)


def check_version(record, expected: int | None) -> None:
    """The version the caller read (its If-Match) must be the record's."""
    if expected is not None and record.version != expected:
        raise StaleVersion(f"{type(record).__name__.lower()} {record.id} is at version "
                           f"{record.version}, not {expected}: read it again")


def flush(session: Session) -> None:
    """Write now, so that events carry the new version; a concurrent write to the same
    record is the caller's StaleVersion, as at commit, not a crash."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleVersion(CHANGED_MEANWHILE) from None


def apply(record, values: dict[str, Any]) -> list[str]:
    """Set the values that differ; returns the names of the changed fields, sorted."""
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, values[name])
    if changed:
        record.updated_at = now()
    return sorted(changed)


def newest_versions(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each record's newest version among these, by id: a batch of events may carry two
    versions of one record, and a projection keeps only the newer (a record without a
    version counts as newest)."""
    newest: dict[str, dict[str, Any]] = {}
    for record in records:
        seen = newest.get(record["id"])
        version, other = record.get("version"), seen.get("version") if seen else None
        if seen is None or version is None or other is None or version >= other:
            newest[record["id"]] = record
    return newest
