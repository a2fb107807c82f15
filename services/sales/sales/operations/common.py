"""What every use case needs: version checks, soft-deleted records, field application."""

from __future__ import annotations

# The chassis's, re-exported for the service's modules.
from crm_chassis.records import apply, check_version, flush, now  # noqa: F401
from sales.exceptions import NotFound


def get_live(session, model, record_id: str, what: str):
    record = session.get(model, record_id) if isinstance(record_id, str) else None
    if record is None or getattr(record, "deleted_at", None) is not None:
        raise NotFound(f"no {what} {record_id}")
    return record


def soft_delete(uow, record, expected_version: int | None) -> None:
    check_version(record, expected_version)
    record.deleted_at = now()
    record.updated_at = now()
    flush(uow.session)
