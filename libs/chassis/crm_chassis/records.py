"""What every service's use cases do to their records: ids and times, optimistic
concurrency, and applying a change field by field. Free of nameko, like the domain."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from crm_contracts.errors import Conflict, CrmError, StaleVersion

CHANGED_MEANWHILE = "the record was changed by someone else: read it again"
COLLIDED = ("this change collided with another made at the same time (a unique value or "
            "a record it needed was taken, or the database chose it to give way): read "
            "again and retry")
# SQLSTATEs of a collision with a concurrent write: a unique value taken, a referenced row
# gone, a deadlock or serialization failure whose victim PostgreSQL chose this transaction
# to be. A NOT NULL or CHECK violation is a bug, not a collision, and stays one.
_COLLISIONS = {"23505", "23503", "40P01", "40001"}
_SQLITE_COLLISIONS = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed")


def new_id() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    return datetime.now(UTC)


def check_version(record, expected: int | None, what: str | None = None) -> None:
    """The version the caller read (its If-Match) must be the record's; `what` names a
    record read as a row rather than an object."""
    if expected is not None and record.version != expected:
        name = what or type(record).__name__.lower()
        raise StaleVersion(f"{name} {record.id} is at version {record.version}, not "
                           f"{expected}: read it again")


def answer_for(error: BaseException) -> CrmError | None:
    """The caller's answer for a database error that a concurrent write caused, found at a
    flush or commit the service did not guard: a row changed meanwhile is StaleVersion
    (412); a unique value taken or a referenced row removed meanwhile, or a deadlock this
    transaction lost, is Conflict (409).
    None for anything else, which stays the crash it is."""
    if isinstance(error, StaleDataError):
        return StaleVersion(CHANGED_MEANWHILE)
    if isinstance(error, DBAPIError):
        orig = error.orig
        code = getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None)
        if code in _COLLISIONS or (isinstance(error, IntegrityError) and any(
                text in str(orig) for text in _SQLITE_COLLISIONS)):
            return Conflict(COLLIDED)
    return None


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
