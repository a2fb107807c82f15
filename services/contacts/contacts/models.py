"""Tables of the contacts service. Its database is its own: no other service reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm_chassis.changes import ChangeCounter  # noqa: F401 - part of this service's schema
from crm_chassis.db import Base
from crm_chassis.inbox import HandledEvent  # noqa: F401 - part of this service's schema
from crm_chassis.outbox import OutboxEvent  # noqa: F401 - part of this service's schema
from crm_chassis.records import new_id, now  # noqa: F401 - re-exported


class _Record:
    """Columns every business record has: id, optimistic-concurrency version, times."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now,
                                                 index=True)
    deleted_at: Mapped[datetime | None] = mapped_column()


class Account(_Record, Base):
    __tablename__ = "accounts"
    # SQLAlchemy checks the version in every UPDATE: a concurrent write fails instead of
    # silently overwriting (optimistic concurrency, surfaced as StaleVersion).
    __mapper_args__ = {"version_id_col": _Record.version}

    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    domain: Mapped[str | None] = mapped_column(String(253), index=True)
    industry: Mapped[str | None] = mapped_column(String(100))
    tier: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[str | None] = mapped_column(String(20))
    owner_id: Mapped[str | None] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    website: Mapped[str | None] = mapped_column(String(300))
    address_line: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Contact(_Record, Base):
    __tablename__ = "contacts"
    __mapper_args__ = {"version_id_col": _Record.version}

    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(320))
    email_normalized: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(64), index=True)
    lifecycle_stage: Mapped[str | None] = mapped_column(String(40), index=True)
    source: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(default=list)
    address_line: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Lower-cased, accent-free "name email company": what text search looks in.
    search_text: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    erased_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        # Live contacts in each list order (see migration 0001): partial indexes.
        Index("ix_contacts_live_created", "created_at", "id",
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
        Index("ix_contacts_live_updated", "updated_at", "id",
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
        Index("ix_contacts_live_last_name", text("coalesce(last_name, '')"), "id",
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
    )


class DuplicateKey(Base):
    """Blocking keys of a contact: candidates for duplicates share at least one."""

    __tablename__ = "duplicate_keys"

    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"),
                                            primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_duplicate_keys_key", "key"),)


class CustomFieldDefinition(Base):
    __tablename__ = "custom_field_definitions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    object: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(63))
    label: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    options: Mapped[list[str]] = mapped_column(default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (UniqueConstraint("object", "key"),)


class Consent(Base):
    """Every consent decision ever recorded; the newest per channel is the current one."""

    __tablename__ = "consents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=now)
    recorded_by: Mapped[str | None] = mapped_column(String(64))


class MergeRecord(Base):
    """What a merge did, with the merged-away contact as it was: its history is kept."""

    __tablename__ = "merges"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    surviving_id: Mapped[str] = mapped_column(String(36), index=True)
    merged_id: Mapped[str] = mapped_column(String(36), index=True)
    merged_snapshot: Mapped[dict[str, Any]]
    choices: Mapped[dict[str, Any]] = mapped_column(default=dict)
    merged_by: Mapped[str | None] = mapped_column(String(64))
    merged_at: Mapped[datetime] = mapped_column(default=now)


class ImportJob(Base):
    __tablename__ = "import_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # uploading -> queued -> running -> done | failed
    status: Mapped[str] = mapped_column(String(20), default="uploading", index=True)
    format: Mapped[str] = mapped_column(String(10), default="csv")
    filename: Mapped[str | None] = mapped_column(String(300))
    mapping: Mapped[dict[str, Any] | None]
    dedup: Mapped[str] = mapped_column(String(10), default="skip")
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(64))
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # Checkpoint: the last line (CSV) or card (vCard) fully applied.
    last_line: Mapped[int] = mapped_column(Integer, default=0)
    chunks: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    finished_at: Mapped[datetime | None] = mapped_column()


class ImportChunk(Base):
    """The uploaded file, kept in pieces in the service's own database: the gateway and the
    service may run on different machines, and a restarted import reads it again."""

    __tablename__ = "import_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"),
                                        primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ImportRowError(Base):
    __tablename__ = "import_row_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"),
                                        index=True)
    line: Mapped[int] = mapped_column(Integer)
    errors: Mapped[dict[str, Any]]
