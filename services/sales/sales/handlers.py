"""Reactions to other services' events, named for what they do. Each changes records
through the unit of work and does not commit: the chassis's `consumes` commits the effects
together with the record that the event was handled, so a redelivery changes nothing."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from sales.models import Activity, Opportunity, Order, Quote, now
from sales.operations.common import flush
from sales.operations.customer import about_people
from sales.operations.opportunities import create_opportunity, opportunity_data

ERASED_SUBJECT = "(erased)"


def repoint_merged_contact(uow, data: dict[str, Any]) -> int:
    """Everything that pointed at the merged-away contact now points at the survivor."""
    merged, survivor = data["merged_id"], data["surviving_id"]
    moved = 0
    for model in (Opportunity, Quote, Order, Activity):
        for record in uow.session.scalars(select(model).where(model.contact_id == merged)):
            record.contact_id = survivor
            record.updated_at = now()
            moved += 1
            if model is Opportunity and record.deleted_at is None:
                flush(uow.session)
                uow.emit("opportunity.updated", {
                    "opportunity": opportunity_data(record), "changed_fields": ["contact_id"],
                    "changed_by": data.get("changed_by")})
    flush(uow.session)
    return moved


def anonymise_erased_contact(uow, data: dict[str, Any]) -> int:
    """GDPR erasure: the person's activities (theirs, or on their deals) keep their row,
    type, dates and links (the pipeline's history stays true) but lose the words written
    about the person; so do their quotes' notes. The contacts merged into the erased one
    count as the person: their records are scrubbed here too, whether or not their
    `contact.merged` has re-pointed them yet."""
    people = [data["contact_id"], *data.get("merged_ids", [])]
    erased = 0
    moment = now()
    for activity in uow.session.scalars(select(Activity).where(
            about_people(people), Activity.erased_at.is_(None))):
        activity.subject, activity.notes = ERASED_SUBJECT, None
        activity.erased_at = activity.updated_at = moment
        erased += 1
    for quote in uow.session.scalars(select(Quote).where(
            Quote.contact_id.in_(people), Quote.notes.is_not(None))):
        quote.notes = None
        quote.updated_at = moment
    flush(uow.session)
    return erased


def open_upsell_lead(uow, data: dict[str, Any]) -> Opportunity:
    """A support agent saw a sale to make in a ticket: a lead deal at the start of the
    default pipeline for the account's owner (else the agent), its amount left for the
    rep to estimate."""
    number = data["ticket_number"]
    note = (data.get("note") or "").strip()
    return create_opportunity(uow, {
        "name": f"Upsell spotted by support ({number})",
        "description": f"Flagged on support ticket {number}." + (f"\n\n{note}" if note else ""),
        "amount": Decimal(0),
        "currency": os.environ.get("CRM_SALES_DEFAULT_CURRENCY") or "EUR",
        "account_id": data.get("account_id"),
        "contact_id": data.get("contact_id"),
        "owner_id": data.get("owner_id") or data.get("flagged_by"),
    })


def add_scenario_task(uow, data: dict[str, Any]):
    """A marketing scenario asks for a task for the contact's owner: in their day, due
    when the scenario says, linked to the contact and account."""
    from sales.operations.activities import add_follow_up_task

    return add_follow_up_task(uow, origin="marketing", assignee_id=data.get("owner_id"),
                              subject=data["subject"], due_at=data["due_at"],
                              contact_id=data.get("contact_id"),
                              account_id=data.get("account_id"))


def open_marketing_lead(uow, data: dict[str, Any]) -> Opportunity:
    """Marketing scored a contact past its threshold: a lead deal at the start of the
    default pipeline for the account's owner (else the contact's), sourced from the
    campaign the contact last engaged with, so its revenue is traced back to it."""
    return create_opportunity(uow, {
        "name": f"Marketing qualified lead ({data['score']} points)",
        "description": f"Lead score {data['score']} reached the threshold of "
                       f"{data['threshold']}.",
        "amount": Decimal(0),
        "currency": os.environ.get("CRM_SALES_DEFAULT_CURRENCY") or "EUR",
        "account_id": data.get("account_id"),
        "contact_id": data.get("contact_id"),
        "owner_id": data.get("owner_id"),
        "source_campaign_id": data.get("campaign_id"),
    })
