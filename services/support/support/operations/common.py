"""What every use case needs: version checks, lookups, field application, plain output."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

# The chassis's, re-exported for the service's modules.
from crm_chassis.records import apply, check_version, flush  # noqa: F401
from support.exceptions import NotFound


def get_or_404(session: Session, model, record_id: Any, what: str):
    record = session.get(model, record_id) if isinstance(record_id, str) else None
    if record is None:
        raise NotFound(f"no {what} {record_id}")
    return record


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
