"""Tables of the support service. Its database is its own: no other service reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    event,
    inspect,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from crm_chassis import changes
from crm_chassis.changes import ChangeCounter  # noqa: F401 - part of this service's schema
from crm_chassis.db import Base
from crm_chassis.inbox import HandledEvent  # noqa: F401 - part of this service's schema
from crm_chassis.outbox import OutboxEvent  # noqa: F401 - part of this service's schema
from crm_chassis.records import new_id, now  # noqa: F401 - re-exported


class SearchVector(TypeDecorator):
    """A `tsvector` on PostgreSQL (GIN-indexed full text); elsewhere the article's words as
    text, which the portable search matches word by word."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TSVECTOR())
        return dialect.type_descriptor(Text())


class _Record:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


_VERSIONED = {"version_id_col": _Record.version}


class Counter(Base):
    """Numbers every replica shares, incremented with an UPDATE, which serialises: ticket
    numbers on SQLite only (on PostgreSQL they come from the ticket_numbers sequence)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class Calendar(_Record, Base):
    __tablename__ = "calendars"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    holidays: Mapped[list[str]] = mapped_column(JSON)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class SlaPolicy(_Record, Base):
    __tablename__ = "sla_policies"
    __mapper_args__ = _VERSIONED
    __table_args__ = (Index("ux_sla_policies_priority_tier", "priority", "tier", unique=True),)

    name: Mapped[str] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(10))
    tier: Mapped[str] = mapped_column(String(10))
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    calendar_id: Mapped[str] = mapped_column(ForeignKey("calendars.id"))


class Team(_Record, Base):
    __tablename__ = "teams"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JSON)
    strategy: Mapped[str] = mapped_column(String(20))
    manager_id: Mapped[str | None] = mapped_column(String(64))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # Tickets given so far: the round-robin's turn, advanced by a plain UPDATE.
    turns: Mapped[int] = mapped_column(Integer, default=0)


class AssignmentRule(_Record, Base):
    __tablename__ = "assignment_rules"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON)


class Ticket(_Record, Base):
    __tablename__ = "tickets"
    # Versioned by hand (see _one_version_per_transaction): a use case flushes a ticket
    # several times so that each event carries its state, yet one write is one version.
    __mapper_args__ = {**_VERSIONED, "version_id_generator": False}
    __table_args__ = (
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_team_status", "team_id", "status"),
        Index("ix_tickets_first_response_due", "first_response_due_at"),
        Index("ix_tickets_resolution_due", "resolution_due_at"),
    )

    # On PostgreSQL the column's default (migration 0007) draws the number from the
    # ticket_numbers sequence (0004) and the INSERT returns it; SQLite's is set before.
    number: Mapped[int] = mapped_column(Integer, unique=True, server_default=FetchedValue())
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    type: Mapped[str] = mapped_column(String(10))
    priority: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON)
    assignee_id: Mapped[str | None] = mapped_column(String(64))
    team_id: Mapped[str | None] = mapped_column(String(36))
    language: Mapped[str | None] = mapped_column(String(10))
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    upsell_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[datetime | None] = mapped_column()

    # The SLA clock (see domain/sla.py): targets copied from the policy at creation.
    sla_policy_id: Mapped[str | None] = mapped_column(String(36))
    calendar_id: Mapped[str | None] = mapped_column(String(36))
    first_response_minutes: Mapped[int | None] = mapped_column(Integer)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    paused_minutes: Mapped[float] = mapped_column(Float, default=0.0)
    paused_since: Mapped[datetime | None] = mapped_column()
    first_response_due_at: Mapped[datetime | None] = mapped_column()
    resolution_due_at: Mapped[datetime | None] = mapped_column()
    first_responded_at: Mapped[datetime | None] = mapped_column()
    first_response_elapsed: Mapped[float | None] = mapped_column(Float)
    first_response_breached_at: Mapped[datetime | None] = mapped_column()
    solved_at: Mapped[datetime | None] = mapped_column()
    resolution_elapsed: Mapped[float | None] = mapped_column(Float)
    resolution_breached_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # Breach checks claimed by one replica at a time (see operations/sla_checks.py).
    check_token: Mapped[str | None] = mapped_column(String(36))
    check_lease_until: Mapped[datetime | None] = mapped_column()

    # Read only where a thread is shown (one ticket at a time): lists and queues, which show
    # none, do not pay for loading every message of every ticket on the page.
    messages: Mapped[list[Message]] = relationship(
        order_by="Message.created_at", cascade="all, delete-orphan", lazy="select",
        back_populates="ticket")


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    author_type: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[str | None] = mapped_column(String(64))
    email_message_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")


class Survey(Base):
    """One CSAT survey per ticket: issued when solved, rated at most once."""

    __tablename__ = "surveys"

    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    token: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(default=now)
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column()


class KbCategory(_Record, Base):
    __tablename__ = "kb_categories"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class Article(_Record, Base):
    __tablename__ = "kb_articles"
    __mapper_args__ = _VERSIONED
    __table_args__ = (
        Index("ix_kb_articles_search", "search_vector", postgresql_using="gin"),
    )

    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category_id: Mapped[str | None] = mapped_column(ForeignKey("kb_categories.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column()
    search_vector: Mapped[str | None] = mapped_column(SearchVector)


class AccountView(Base):
    """The contacts service's accounts, as its events tell them: enough to know a VIP."""

    __tablename__ = "account_views"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(300))
    tier: Mapped[str | None] = mapped_column(String(20))
    owner_id: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=0)


class ContactView(Base):
    """The contacts service's contacts, as its events tell them."""

    __tablename__ = "contact_views"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    # first and last name, up to 100 characters each in the contacts service, and a space
    name: Mapped[str | None] = mapped_column(String(201))
    version: Mapped[int] = mapped_column(Integer, default=0)


class RetiredContact(Base):
    """A contact that was erased or merged into another: its portal sessions end, although
    the gateway signed them for hours."""

    __tablename__ = "retired_contacts"

    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reason: Mapped[str] = mapped_column(String(10))  # erased | merged
    retired_at: Mapped[datetime] = mapped_column()


@event.listens_for(Ticket, "before_insert")
@event.listens_for(Ticket, "before_update")
def _one_version_per_transaction(_mapper, _connection, ticket: Ticket) -> None:
    """The version goes up once per transaction that changes the ticket; the UPDATE still
    checks the version it read, so a concurrent write fails (StaleVersion)."""
    transaction = object_session(ticket).get_transaction()
    if ticket.__dict__.get("_versioned_in") is transaction:
        return
    ticket.__dict__["_versioned_in"] = transaction
    if inspect(ticket).has_identity:
        ticket.version += 1
    elif ticket.version is None:
        ticket.version = 1


# An agent's queue is kept by its readers under this counter (crm_chassis.changes): the SLA
# time it shows depends on the tickets, their policies and the business calendars.
changes.track("tickets", Ticket, SlaPolicy, Calendar)
