"""What every use case needs: version checks, lookups, field application, plain output."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from support.exceptions import NotFound, StaleVersion
from support.models import now


def flush(session: Session) -> None:
    """Write now, so that events carry the new version; a concurrent write to the same
    record is the caller's StaleVersion, not a crash (the chassis maps it only at commit)."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleVersion("the record was changed by someone else: read it again") from None


def check_version(record, expected: int | None) -> None:
    if expected is not None and record.version != expected:
        raise StaleVersion(f"{type(record).__name__.lower()} {record.id} is at version "
                           f"{record.version}, not {expected}: read it again")


def get_or_404(session: Session, model, record_id: Any, what: str):
    record = session.get(model, record_id) if isinstance(record_id, str) else None
    if record is None:
        raise NotFound(f"no {what} {record_id}")
    return record


def apply(record, values: dict[str, Any]) -> list[str]:
    """Set the values that differ; returns the names of the changed fields, sorted."""
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, values[name])
    if changed:
        record.updated_at = now()
    return sorted(changed)


def plain(value: Any) -> Any:
    """Times as ISO 8601 strings all the way down: kombu would wrap datetimes in objects
    that a pika client or another language cannot read."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value
