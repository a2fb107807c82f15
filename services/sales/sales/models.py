"""Tables of the sales service. Its database is its own: no other service reads it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_chassis import changes
from crm_chassis.changes import ChangeCounter  # noqa: F401 - part of this service's schema
from crm_chassis.db import Base
from crm_chassis.inbox import HandledEvent  # noqa: F401 - part of this service's schema
from crm_chassis.outbox import OutboxEvent  # noqa: F401 - part of this service's schema
from crm_chassis.records import new_id, now  # noqa: F401 - re-exported
from sales.column_types import ExactDecimal
from sales.domain.opportunities import effective_probability, weighted_amount

# Room for 16 integer digits and the 4 decimals of the finest ISO 4217 minor unit.
Money = ExactDecimal(20, 4)
Rate = ExactDecimal(7, 4)  # percentages, 0..100 with 4 decimals
Quantity = ExactDecimal(18, 4)


class _Record:
    """Columns every business record has: id, optimistic-concurrency version, times."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    deleted_at: Mapped[datetime | None] = mapped_column()


# SQLAlchemy checks the version in every UPDATE: a concurrent write fails instead of
# silently overwriting (optimistic concurrency, surfaced as StaleVersion).
_VERSIONED = {"version_id_col": _Record.version}


class Pipeline(_Record, Base):
    __tablename__ = "pipelines"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

    # Loaded when read, not with the pipeline: every deal read loads its pipeline (joined),
    # and a deal's move or update never needs the stages; loading them was a query and a
    # fifth of a move's time. A list of pipelines asks for them (selectinload).
    stages: Mapped[list[Stage]] = relationship(
        order_by="Stage.position", cascade="all, delete-orphan", lazy="select")


class Stage(Base):
    __tablename__ = "stages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    pipeline_id: Mapped[str] = mapped_column(ForeignKey("pipelines.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    probability: Mapped[int] = mapped_column(Integer)
    time_limit_days: Mapped[int | None] = mapped_column(Integer)


class Opportunity(_Record, Base):
    __tablename__ = "opportunities"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(64), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    expected_close_date: Mapped[date | None] = mapped_column(Date, index=True)
    pipeline_id: Mapped[str] = mapped_column(ForeignKey("pipelines.id"))
    stage_id: Mapped[str] = mapped_column(ForeignKey("stages.id"))
    probability_override: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    source_campaign_id: Mapped[str | None] = mapped_column(String(36), index=True)
    stage_entered_at: Mapped[datetime] = mapped_column(default=now)
    # The stage-history row of the current stay: a stagnation is reported once per stay.
    current_stay_id: Mapped[str | None] = mapped_column(String(36))
    closed_at: Mapped[datetime | None] = mapped_column()

    stage: Mapped[Stage] = relationship(lazy="joined", innerjoin=True)
    pipeline: Mapped[Pipeline] = relationship(lazy="joined", innerjoin=True)

    @property
    def probability(self) -> int:
        return effective_probability(self.status, self.stage.probability,
                                     self.probability_override)

    @property
    def weighted_amount(self) -> Decimal:
        return weighted_amount(self.amount, self.probability, self.currency)

    __table_args__ = (
        # The board and the forecast read live deals of a pipeline by status and stage.
        Index("ix_opportunities_board", "pipeline_id", "status", "stage_id", "deleted_at"),
    )


class StageChange(Base):
    """Every stage a deal entered, with who moved it and when: cycle length, time in stage."""

    __tablename__ = "stage_changes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    opportunity_id: Mapped[str] = mapped_column(ForeignKey("opportunities.id"), index=True)
    from_stage_id: Mapped[str | None] = mapped_column(String(36))
    from_stage_name: Mapped[str | None] = mapped_column(String(200))
    to_stage_id: Mapped[str] = mapped_column(String(36))
    to_stage_name: Mapped[str] = mapped_column(String(200))
    changed_by: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(default=now)
    seconds_in_previous_stage: Mapped[int | None] = mapped_column(Integer)

    # Lets one flush insert a new deal and its first stay in the right order.
    opportunity: Mapped[Opportunity] = relationship(lazy="raise")


class Product(_Record, Base):
    __tablename__ = "products"
    __mapper_args__ = _VERSIONED

    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PriceList(_Record, Base):
    __tablename__ = "price_lists"
    __mapper_args__ = _VERSIONED

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    prices: Mapped[list[Price]] = relationship(
        order_by="(Price.product_id, Price.currency)", cascade="all, delete-orphan",
        lazy="selectin")


class Price(Base):
    __tablename__ = "prices"

    price_list_id: Mapped[str] = mapped_column(ForeignKey("price_lists.id"), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    unit_price: Mapped[Decimal] = mapped_column(Money)


class _Amounts:
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(Money)
    discount_total: Mapped[Decimal] = mapped_column(Money)
    net_total: Mapped[Decimal] = mapped_column(Money)
    tax_total: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)


class Quote(_Record, _Amounts, Base):
    __tablename__ = "quotes"
    __mapper_args__ = _VERSIONED

    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    opportunity_id: Mapped[str | None] = mapped_column(ForeignKey("opportunities.id"),
                                                       index=True)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(64), index=True)
    price_list_id: Mapped[str | None] = mapped_column(ForeignKey("price_lists.id"))
    valid_until: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()
    rejected_at: Mapped[datetime | None] = mapped_column()
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    expired_at: Mapped[datetime | None] = mapped_column()
    order_id: Mapped[str | None] = mapped_column(String(36))

    lines: Mapped[list[QuoteLine]] = relationship(
        order_by="QuoteLine.position", cascade="all, delete-orphan", lazy="selectin")


class QuoteLine(Base):
    __tablename__ = "quote_lines"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id"))
    description: Mapped[str | None] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    discount_percent: Mapped[Decimal] = mapped_column(Rate)
    tax_rate: Mapped[Decimal] = mapped_column(Rate)
    gross_amount: Mapped[Decimal] = mapped_column(Money)
    net_amount: Mapped[Decimal] = mapped_column(Money)
    tax_amount: Mapped[Decimal] = mapped_column(Money)
    total_amount: Mapped[Decimal] = mapped_column(Money)


class Order(_Record, _Amounts, Base):
    """What an accepted quote became: its amounts frozen, for revenue and lifetime value."""

    __tablename__ = "orders"
    __mapper_args__ = _VERSIONED

    number: Mapped[str] = mapped_column(String(32), unique=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id"), unique=True)
    opportunity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(64), index=True)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ordered_at: Mapped[datetime] = mapped_column(default=now)


class Activity(_Record, Base):
    __tablename__ = "activities"
    __mapper_args__ = _VERSIONED

    type: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column()
    start_at: Mapped[datetime | None] = mapped_column()
    end_at: Mapped[datetime | None] = mapped_column()
    assignee_id: Mapped[str | None] = mapped_column(String(64))
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    opportunity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    quote_id: Mapped[str | None] = mapped_column(String(36))
    origin: Mapped[str] = mapped_column(String(20), default="manual")
    completed_at: Mapped[datetime | None] = mapped_column()
    completed_by: Mapped[str | None] = mapped_column(String(64))
    erased_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        # "My day": a user's open activities by due time.
        Index("ix_activities_assignee_open", "assignee_id", "completed_at", "due_at"),
    )


class FollowUp(Base):
    """A rule's action to perform at `due_at`, written with the change that called for it.

    `key` is unique, so a rule never schedules the same thing twice; a replica claims a due
    row by setting `claim_token` and `lease_until` in a conditional UPDATE, and marks it done
    in the transaction of its effect, only while its claim still holds.
    """

    __tablename__ = "follow_ups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(36))
    due_at: Mapped[datetime] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(36))
    lease_until: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (Index("ix_follow_ups_due", "done_at", "due_at"),)


# The board is kept by its readers under this counter (crm_chassis.changes).
changes.track("opportunities", Opportunity, Pipeline, Stage)
