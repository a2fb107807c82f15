"""What every use case needs: lookups, version checks, pages, plain output."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

from crm_chassis.bulk import insert_new_rows
from crm_chassis.db import conflict_insert

# The chassis's, re-exported for the service's modules.
from crm_chassis.listing import decode_cursor, encode_cursor
from crm_chassis.records import apply, check_version, flush  # noqa: F401
from marketing.exceptions import NotFound, ValidationFailed


def ensure_row(session: Session, model, key: str, **values):
    """The row with this primary key, inserted with `values` when missing. Two handlers
    projecting the same new record at once (contact.created and consent.changed arrive on
    different queues) must not both INSERT: the loser's commit would fail, and the chassis
    would take that for a duplicate delivery and drop its effects."""
    primary = model.__table__.primary_key.columns.keys()[0]
    # RETURNING the entity: the row inserted is the one the session gets, in one statement.
    inserted = session.scalars(conflict_insert(session, model)
                               .values(**{primary: key, **values}).on_conflict_do_nothing()
                               .returning(model)).first()
    return inserted if inserted is not None else session.get(model, key, populate_existing=True)


def insert_new(session: Session, model, rows: list[dict[str, Any]]) -> set[str]:
    """Inserts those of `rows` whose key no row has yet, in one round trip; the keys
    inserted. A batch of events about new records costs that instead of a read and a
    write each."""
    table = model.__table__
    return set(insert_new_rows(session, table, rows, table.primary_key.columns.values()[0]))


def get_or_404(session: Session, model, record_id: Any, what: str):
    record = session.get(model, record_id) if isinstance(record_id, str) else None
    if record is None or getattr(record, "deleted_at", None) is not None:
        raise NotFound(f"no {what} {record_id}")
    return record


def page(session: Session, query: Select, model, values: dict[str, Any]):
    """One page, newest first, by keyset on (created_at, id); (rows, next_cursor)."""
    if values.get("sort") not in (None, "-created_at"):
        raise ValidationFailed("bad sort", {"sort": ["only -created_at"]})
    if values.get("cursor"):
        moment, last_id = decode_cursor(values["cursor"])
        try:
            moment = datetime.fromisoformat(moment)
        except (TypeError, ValueError):
            raise ValidationFailed("bad cursor", {"cursor": ["not a cursor from this list"]}) \
                from None
        query = query.where(or_(model.created_at < moment,
                                and_(model.created_at == moment, model.id < last_id)))
    limit = values.get("limit", 50)
    rows = session.scalars(query.order_by(model.created_at.desc(), model.id.desc())
                           .limit(limit + 1)).all()
    cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        cursor = encode_cursor(rows[-1].created_at.isoformat(), rows[-1].id)
    return rows, cursor


def plain(value: Any) -> Any:
    """Times as ISO 8601 strings, decimals as strings, all the way down: kombu would wrap
    them in objects that a pika client or another language cannot read."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value
