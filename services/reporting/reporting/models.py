"""Tables of the reporting service: read models built from the other services' events.

Every row is keyed by the entity it describes and written as an upsert that keeps the
newest state seen (`seen_key`: the record's version, then the event's time and id), or as
facts that only ever get set once (a deletion, an erasure, a first time), so the same
events in any order and any number of times leave the same rows. Table names start with
`report_`: every service's models share one metadata when migrations run in one process.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_chassis.changes import ChangeCounter  # noqa: F401 - part of this service's schema
from crm_chassis.db import Base
from crm_chassis.inbox import HandledEvent  # noqa: F401 - part of this service's schema
from crm_chassis.outbox import OutboxEvent  # noqa: F401 - part of this service's schema

ID = String(64)
MONEY = String(40)  # a decimal string: summed as Decimal, never as a float


class JournalEntry(Base):
    """Every event received, once: the history of a customer and what time travel reads."""

    __tablename__ = "report_journal"

    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    type: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column()
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(ID)
    contact_id: Mapped[str | None] = mapped_column(ID)
    account_id: Mapped[str | None] = mapped_column(ID)
    changed_by: Mapped[str | None] = mapped_column(ID)
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]

    __table_args__ = (
        Index("ix_report_journal_contact", "contact_id", "occurred_at"),
        Index("ix_report_journal_account", "account_id", "occurred_at"),
        Index("ix_report_journal_subject", "subject_id", "occurred_at"),
    )


class _Snapshot:
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    seen_key: Mapped[str] = mapped_column(String(120), default="")


class ContactFacts(_Snapshot, Base):
    __tablename__ = "report_contacts"

    account_id: Mapped[str | None] = mapped_column(ID, index=True)
    owner_id: Mapped[str | None] = mapped_column(ID)
    lifecycle_stage: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime | None] = mapped_column(index=True)
    filled: Mapped[int] = mapped_column(Integer, default=0)
    fields_total: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str | None] = mapped_column(ID)
    was_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    became_customer_at: Mapped[datetime | None] = mapped_column(index=True)
    deleted_at: Mapped[datetime | None] = mapped_column()
    erased_at: Mapped[datetime | None] = mapped_column()
    # Read on every contact 360 (customer_facts.same_person): indexed, or a scan of all.
    merged_into: Mapped[str | None] = mapped_column(ID, index=True)


class AccountFacts(_Snapshot, Base):
    __tablename__ = "report_accounts"

    owner_id: Mapped[str | None] = mapped_column(ID)
    tier: Mapped[str | None] = mapped_column(String(20))
    industry: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime | None] = mapped_column()
    filled: Mapped[int] = mapped_column(Integer, default=0)
    fields_total: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str | None] = mapped_column(ID)
    deleted_at: Mapped[datetime | None] = mapped_column()


class OpportunityFacts(_Snapshot, Base):
    __tablename__ = "report_opportunities"

    owner_id: Mapped[str | None] = mapped_column(ID, index=True)
    account_id: Mapped[str | None] = mapped_column(ID, index=True)
    contact_id: Mapped[str | None] = mapped_column(ID, index=True)
    pipeline_id: Mapped[str | None] = mapped_column(ID)
    pipeline_name: Mapped[str | None] = mapped_column(String(200))
    stage_id: Mapped[str | None] = mapped_column(ID)
    stage_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(10))
    amount: Mapped[str | None] = mapped_column(MONEY)
    weighted_amount: Mapped[str | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    probability: Mapped[int | None] = mapped_column(Integer)
    expected_close_date: Mapped[date | None] = mapped_column(index=True)
    source_campaign_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    stage_entered_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str | None] = mapped_column(ID)
    deleted_at: Mapped[datetime | None] = mapped_column()


class StageChange(Base):
    """One move of a deal between stages: time in stage and per-stage conversion."""

    __tablename__ = "report_stage_changes"

    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    opportunity_id: Mapped[str] = mapped_column(ID, index=True)
    from_stage_id: Mapped[str | None] = mapped_column(ID)
    from_stage_name: Mapped[str | None] = mapped_column(String(200))
    to_stage_id: Mapped[str] = mapped_column(ID)
    to_stage_name: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column()
    seconds_in_previous_stage: Mapped[int | None] = mapped_column(Integer)


class ActivityFacts(_Snapshot, Base):
    __tablename__ = "report_activities"

    type: Mapped[str | None] = mapped_column(String(20))
    assignee_id: Mapped[str | None] = mapped_column(ID, index=True)
    contact_id: Mapped[str | None] = mapped_column(ID, index=True)
    account_id: Mapped[str | None] = mapped_column(ID, index=True)
    opportunity_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime | None] = mapped_column(index=True)
    completed_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str | None] = mapped_column(ID)


class OrderFacts(Base):
    """Orders never change once placed: written once."""

    __tablename__ = "report_orders"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str | None] = mapped_column(ID, index=True)
    contact_id: Mapped[str | None] = mapped_column(ID, index=True)
    owner_id: Mapped[str | None] = mapped_column(ID)
    total: Mapped[str] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    ordered_at: Mapped[datetime] = mapped_column(index=True)


class TicketFacts(_Snapshot, Base):
    __tablename__ = "report_tickets"

    number: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str | None] = mapped_column(String(20))
    type: Mapped[str | None] = mapped_column(String(20))
    priority: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(20))
    contact_id: Mapped[str | None] = mapped_column(ID, index=True)
    account_id: Mapped[str | None] = mapped_column(ID, index=True)
    team_id: Mapped[str | None] = mapped_column(ID)
    assignee_id: Mapped[str | None] = mapped_column(ID)
    sla_policy_id: Mapped[str | None] = mapped_column(ID)
    first_response_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime | None] = mapped_column(index=True)
    first_responded_at: Mapped[datetime | None] = mapped_column()
    solved_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str | None] = mapped_column(ID)
    # From the latest ticket.solved (a reopened ticket is solved again).
    solved_key: Mapped[str] = mapped_column(String(120), default="")
    first_response_met: Mapped[bool | None] = mapped_column(Boolean)
    resolution_met: Mapped[bool | None] = mapped_column(Boolean)
    first_response_business_minutes: Mapped[float | None] = mapped_column(Float)
    resolution_business_minutes: Mapped[float | None] = mapped_column(Float)


class CsatFacts(Base):
    """The latest rating of each ticket."""

    __tablename__ = "report_csat"

    ticket_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seen_key: Mapped[str] = mapped_column(String(120), default="")
    rating: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    contact_id: Mapped[str | None] = mapped_column(ID, index=True)
    account_id: Mapped[str | None] = mapped_column(ID, index=True)
    team_id: Mapped[str | None] = mapped_column(ID)
    assignee_id: Mapped[str | None] = mapped_column(ID)
    channel: Mapped[str | None] = mapped_column(String(20))


class UpsellFlag(Base):
    __tablename__ = "report_upsell_flags"

    ticket_id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str | None] = mapped_column(ID, index=True)
    contact_id: Mapped[str | None] = mapped_column(ID, index=True)
    flagged_at: Mapped[datetime] = mapped_column()


class LeadScore(Base):
    """The latest lead score of each contact (marketing)."""

    __tablename__ = "report_lead_scores"

    contact_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seen_key: Mapped[str] = mapped_column(String(120), default="")
    score: Mapped[int | None] = mapped_column(Integer)
    scored_at: Mapped[datetime | None] = mapped_column()


class CampaignRecipient(Base):
    """One recipient of one campaign and what happened to their mail: first times only."""

    __tablename__ = "report_campaign_recipients"

    campaign_id: Mapped[str] = mapped_column(ID, primary_key=True)
    recipient_id: Mapped[str] = mapped_column(ID, primary_key=True)
    contact_id: Mapped[str | None] = mapped_column(ID)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    failed_at: Mapped[datetime | None] = mapped_column()
    bounced_at: Mapped[datetime | None] = mapped_column()
    opened_at: Mapped[datetime | None] = mapped_column()
    clicked_at: Mapped[datetime | None] = mapped_column()
    unsubscribed_at: Mapped[datetime | None] = mapped_column()


class CampaignFacts(_Snapshot, Base):
    """A marketing campaign: its name, status and what it cost."""

    __tablename__ = "report_campaigns"

    name: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str | None] = mapped_column(String(20))
    cost: Mapped[str | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    started_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()


class KpiAlertState(Base):
    """Whether each configured alert's KPI was last seen beyond its threshold, so that
    `kpi.threshold_crossed` is emitted once per crossing, not at every check."""

    __tablename__ = "report_alert_states"

    alert: Mapped[str] = mapped_column(String(80), primary_key=True)
    breached: Mapped[bool] = mapped_column(Boolean, default=False)
    value: Mapped[float | None] = mapped_column(Float)
    checked_at: Mapped[datetime | None] = mapped_column()


class DailyRollup(Base):
    """The additive parts of a family of KPIs (counts, sums, money per currency) for one
    day and one owner: a dashboard adds up the days of its periods instead of reading
    every row of them (operations/rollups.py)."""

    __tablename__ = "report_rollups"

    family: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    owner_id: Mapped[str] = mapped_column(ID, primary_key=True)  # "" when not by owner
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)  # "" when no money
    parts: Mapped[dict[str, Any]]


class DirtyDay(Base):
    """A day whose rollup of a family no longer matches the facts: a fact of that day was
    written. `version` moves at every such write, so that a refresh that read an older
    state of the day leaves the mark in place."""

    __tablename__ = "report_dirty_days"

    family: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


READ_MODELS = (JournalEntry, ContactFacts, AccountFacts, OpportunityFacts, StageChange,
               ActivityFacts, OrderFacts, TicketFacts, CsatFacts, UpsellFlag, LeadScore,
               CampaignRecipient, CampaignFacts, DailyRollup, DirtyDay)
