"""The transactional outbox: a state change and its events are committed together.

Rows are never deleted: the outbox is also the service's ordered event log, which a read
model can be rebuilt from (`events_after`). The relay publishes rows that have not left
yet, in order, with publisher confirms, and marks them published in a transaction
committed only once the broker confirmed them all. A crash before the commit publishes a
row again after restart: consumers are idempotent, so that is harmless, while marks
committed before the confirms could lose an event.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text, cast, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm_chassis import bulk
from crm_chassis.amqp import ConfirmedPublisher, Outgoing, events_exchange
from crm_chassis.db import Base, is_postgres
from crm_contracts import registry

log = logging.getLogger(__name__)

PAGE_BYTES = 4 * 2**20  # of event data in a page of the log


class OutboxEvent(Base):
    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column()
    source: Mapped[str] = mapped_column(String(40))
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    published_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (Index("ix_outbox_unpublished", "published_at", "seq"),)

    def envelope(self) -> dict[str, Any]:
        return envelope(self)


def envelope(row) -> dict[str, Any]:
    """The message of an outbox row, given as a mapped object or as a plain table row."""
    return {**_head(row), "data": row.data}


def _encoded(row) -> str:
    """The message of an outbox row read with its data as JSON text: the relay neither
    parses an event's data nor encodes it again (an import's event carries 500 contacts)."""
    return f'{json.dumps(_head(row))[:-1]}, "data": {row.data_json}}}'


def _head(row) -> dict[str, Any]:
    """The envelope's fields but its data."""
    return {"id": row.id, "type": row.type, "version": row.version,
            "occurred_at": row.occurred_at.isoformat(), "source": row.source,
            "correlation_id": row.correlation_id}


def record_event(session: Session, source: str, event_type: str, data: dict[str, Any], *,
                 correlation_id: str | None = None, version: int | None = None) -> OutboxEvent:
    """Add an event to the session's transaction, validated against its contract.

    On PostgreSQL its row goes out with the COMMIT, in the same round trip (it is not in
    the table before then, nor in the session: the returned row is for reading only)."""
    version = version or registry.latest_version(event_type)
    values = {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "version": version,
        "occurred_at": datetime.now(UTC),
        "source": source,
        "correlation_id": correlation_id,
        "data": registry.dump_data(event_type, version, data),
    }
    row = OutboxEvent(**values)
    if not bulk.insert_with_commit(session, OutboxEvent.__table__, values):
        session.add(row)
    return row


def events_after(session: Session, cursor: int, limit: int = 500,
                 max_bytes: int = PAGE_BYTES) -> list[dict[str, Any]]:
    """The event log, in order, for rebuilding read models: each item has its `seq`. A
    page ends early once its events' data passes `max_bytes` (an import's event carries
    hundreds of contacts), but always holds at least one event."""
    rows = session.execute(
        select(OutboxEvent, func.length(cast(OutboxEvent.data, String)))
        .where(OutboxEvent.seq > cursor).order_by(OutboxEvent.seq).limit(limit)
    )
    page, size = [], 0
    for row, length in rows:
        size += length or 0
        if page and size > max_bytes:
            break
        page.append({"seq": row.seq, **row.envelope()})
    return page


def last_seq(session: Session) -> int:
    return session.scalar(select(func.max(OutboxEvent.seq))) or 0


def publish_pending(session: Session, publisher: ConfirmedPublisher, limit: int = 200) -> int:
    """Publish up to `limit` unpublished events in order; returns how many left."""
    postgres = is_postgres(session)
    rows = _take_pending(session, limit) if postgres else _pending(session, limit)
    if not rows:
        session.rollback()
        return 0
    publisher.publish_all([
        Outgoing(_encoded(row), row.type, events_exchange(row.source),
                 headers={"nameko.correlation_id": row.correlation_id or row.id},
                 content_type="application/json")
        for row in rows
    ])
    if not postgres:
        # Marked only now on SQLite: its write lock, held while the publisher waits for the
        # broker, would stop the service's every other writer (SQLite waits for a lock
        # without letting other green threads run, so the relay could not finish either).
        table = OutboxEvent.__table__
        session.execute(update(table).where(table.c.seq.in_([row.seq for row in rows]))
                        .values(published_at=datetime.now(UTC)))
    session.commit()  # the marks land only now, once the broker has confirmed every event
    return len(rows)


def _take_pending(session: Session, limit: int) -> list:
    """PostgreSQL: the oldest unpublished rows, marked published in the session's
    transaction, in order: one UPDATE ... RETURNING, where a SELECT and an UPDATE took two
    round trips. Plain rows, not mapped objects (nothing here changes them through the ORM),
    the data as the JSON text it is stored as (spliced into the message by `_encoded`)."""
    table = OutboxEvent.__table__
    # Replicas of a service share the outbox: each row is taken by one relay at a time.
    pending = (select(table.c.seq).where(table.c.published_at.is_(None))
               .order_by(table.c.seq).limit(limit).with_for_update(skip_locked=True))
    rows = session.execute(update(table).where(table.c.seq.in_(pending.scalar_subquery()))
                           .values(published_at=datetime.now(UTC))
                           .returning(*_columns(table))).all()
    return sorted(rows, key=lambda row: row.seq)  # RETURNING keeps no order


def _pending(session: Session, limit: int) -> list:
    """SQLite: the oldest unpublished rows, as `_take_pending` gives them, not yet marked."""
    table = OutboxEvent.__table__
    return session.execute(select(*_columns(table)).where(table.c.published_at.is_(None))
                           .order_by(table.c.seq).limit(limit)).all()


def _columns(table) -> list:
    return [*(column for column in table.c if column.name != "data"),
            cast(table.c.data, Text).label("data_json")]


def unpublished_count(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
    ) or 0
