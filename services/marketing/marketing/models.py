"""Tables of the marketing service. Its database is its own: no other service reads it.

The `audience_*` tables and `attributed_deals` are projections of other services' records, kept
from their events (never read from their databases), so that evaluating a segment needs no
RPC per contact. Their names are this service's own: several services' models share one
SQLAlchemy metadata when the migrations run in one process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm_chassis.changes import ChangeCounter  # noqa: F401 - part of this service's schema
from crm_chassis.db import Base
from crm_chassis.inbox import HandledEvent  # noqa: F401 - part of this service's schema
from crm_chassis.outbox import OutboxEvent  # noqa: F401 - part of this service's schema
from crm_chassis.records import new_id, now  # noqa: F401 - re-exported


class _Record:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


_VERSIONED = {"version_id_col": _Record.version}


# --- projections of the contacts, support and sales services ------------------------------

class ContactView(Base):
    __tablename__ = "audience_contacts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(64))
    lifecycle_stage: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The email channel's consent, from consent.changed: only "granted" receives mail.
    email_consent: Mapped[str] = mapped_column(String(20), default="unknown")
    email_consent_at: Mapped[datetime | None] = mapped_column()
    # 0 until contact.created arrives: a consent change may overtake it on the bus.
    version: Mapped[int] = mapped_column(Integer, default=0)


class RetiredContact(Base):
    """A contact deleted, merged away or erased: never projected again, whatever late event
    still carries it (each kind of event has its queue, so they arrive in any order)."""

    __tablename__ = "audience_retired_contacts"

    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reason: Mapped[str] = mapped_column(String(10))  # deleted | merged | erased
    retired_at: Mapped[datetime] = mapped_column()


class AccountView(Base):
    __tablename__ = "audience_accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(255))
    industry: Mapped[str | None] = mapped_column(String(200))
    tier: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[str | None] = mapped_column(String(20))
    owner_id: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(100))
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)


class TicketView(Base):
    """A support ticket's contact and status: the `open_tickets` behaviour."""

    __tablename__ = "audience_tickets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=0)


class Deal(Base):
    """A sales opportunity with a contact: the `won_deals` behaviour, and what attribution
    credits to campaigns. Its first and last touch are the campaigns the contact first and
    last engaged with (opened or clicked) before the deal was opened; an opportunity that
    names its `source_campaign_id` is that campaign's last touch."""

    __tablename__ = "attributed_deals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    account_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(10))
    amount: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    first_touch_campaign_id: Mapped[str | None] = mapped_column(String(36), index=True)
    last_touch_campaign_id: Mapped[str | None] = mapped_column(String(36), index=True)
    opened_at: Mapped[datetime] = mapped_column()
    won_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=0)


class ProjectionCursor(Base):
    """How far a rebuild from another service's event log has read."""

    __tablename__ = "projection_cursors"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    rebuilt_at: Mapped[datetime | None] = mapped_column()


# --- segments -----------------------------------------------------------------------------

class Segment(_Record, Base):
    __tablename__ = "segments"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))  # static | dynamic
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    deleted_at: Mapped[datetime | None] = mapped_column()


class SegmentMember(Base):
    __tablename__ = "segment_members"

    segment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column()


# --- templates and campaigns --------------------------------------------------------------

class Template(_Record, Base):
    __tablename__ = "templates"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(500))
    html_body: Mapped[str | None] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column()


class Campaign(_Record, Base):
    __tablename__ = "campaigns"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    # None for a scenario's mails (status "automated"), which have no segment.
    segment_id: Mapped[str | None] = mapped_column(String(36))
    template_id: Mapped[str] = mapped_column(String(36))
    scenario_id: Mapped[str | None] = mapped_column(String(36), index=True)
    from_address: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10), index=True)
    cost: Mapped[Any] = mapped_column(Numeric(14, 2))
    budget: Mapped[Any | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    scheduled_at: Mapped[datetime | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    skipped_without_consent: Mapped[int] = mapped_column(Integer, default=0)


class Recipient(Base):
    """One mail of a campaign to one contact, and what became of it.

    pending -> sending (claimed under a lease) -> sent | pending again (retry) | failed;
    pending -> cancelled. The Message-ID is derived from campaign and recipient, so a
    mail re-sent after a crash between the SMTP answer and the commit is the same mail.
    """

    __tablename__ = "recipients"
    __table_args__ = (
        UniqueConstraint("campaign_id", "contact_id", name="ux_recipients_campaign_contact"),
        Index("ix_recipients_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    campaign_id: Mapped[str] = mapped_column(String(36), index=True)
    contact_id: Mapped[str] = mapped_column(String(36), index=True)
    email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(36))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column()
    opened_at: Mapped[datetime | None] = mapped_column()
    opens: Mapped[int] = mapped_column(Integer, default=0)
    clicked_at: Mapped[datetime | None] = mapped_column()
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    bounced_at: Mapped[datetime | None] = mapped_column()
    unsubscribed_at: Mapped[datetime | None] = mapped_column()
    erased: Mapped[bool] = mapped_column(Boolean, default=False)


# --- lead scoring -------------------------------------------------------------------------

class ScoringRule(_Record, Base):
    """Points for a contact whose facts match `rules` (kind "field"), or for each time
    they do `event` (kind "event": a first open or click of a campaign mail...)."""

    __tablename__ = "scoring_rules"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    event: Mapped[str | None] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column()


class LeadScore(Base):
    __tablename__ = "lead_scores"

    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    score: Mapped[int] = mapped_column(Integer, default=0, index=True)
    field_points: Mapped[int] = mapped_column(Integer, default=0)
    qualified_at: Mapped[datetime | None] = mapped_column()
    qualified_campaign_id: Mapped[str | None] = mapped_column(String(36), index=True)
    updated_at: Mapped[datetime] = mapped_column()


class ScoreEntry(Base):
    """Points a contact earned by doing something; they fade with time (see
    domain/scoring.py), so the history shows what was earned, not what is left."""

    __tablename__ = "score_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(String(36), index=True)
    rule_id: Mapped[str] = mapped_column(String(36))
    rule_name: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(40))
    campaign_id: Mapped[str | None] = mapped_column(String(36))
    points: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column()


# --- web-to-lead forms --------------------------------------------------------------------

class Form(_Record, Base):
    __tablename__ = "forms"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    consent_text: Mapped[str] = mapped_column(Text)
    allowed_origins: Mapped[list[str]] = mapped_column(JSON)
    honeypot_field: Mapped[str] = mapped_column(String(50))
    segment_id: Mapped[str | None] = mapped_column(String(36))  # a static list to join
    thank_you_url: Mapped[str | None] = mapped_column(String(2000))
    rate_limit_per_minute: Mapped[int] = mapped_column(Integer, default=10)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column()


class FormSubmission(Base):
    __tablename__ = "form_submissions"
    __table_args__ = (Index("ix_form_submissions_form_client", "form_id", "client", "at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    form_id: Mapped[str] = mapped_column(String(36), index=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # The wording the person agreed to, as it was then: the evidence of their consent.
    consent_text: Mapped[str | None] = mapped_column(Text)
    utm: Mapped[dict[str, Any]] = mapped_column(JSON)
    origin: Mapped[str | None] = mapped_column(String(300))
    # A keyed hash of the sender's address, for the rate limit: not the address itself.
    client: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))  # accepted | bot | rate_limited
    at: Mapped[datetime] = mapped_column()


# --- nurturing scenarios ------------------------------------------------------------------

class Scenario(_Record, Base):
    __tablename__ = "scenarios"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[dict[str, Any]] = mapped_column(JSON)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column()


class Enrolment(Base):
    """One contact in one scenario: where it is, and when its next step runs (a durable
    timer of crm_chassis.timers: claimed under a lease, run once)."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("scenario_id", "contact_id", name="ux_enrolments_scenario_contact"),
        Index("ix_enrolments_due", "done_at", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scenario_id: Mapped[str] = mapped_column(String(36), index=True)
    contact_id: Mapped[str] = mapped_column(String(36), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))  # active | completed | exited
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    entered_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(36))
    lease_until: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
