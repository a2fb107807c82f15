"""Applying one event to the read models, whatever order events come in and however often.

Three kinds of write, each order-independent:
- a snapshot (`_keep_newest`): the row of an entity takes the event's state only when the
  event is newer than what the row holds (`seen_key`: the record's version, then the
  event's time and id, so that even two events with one version always resolve the same);
- a first time (`_earliest`): a deletion, an erasure, the first open of a mail keep the
  earliest time any event gave them;
- a fact (`insert_once`): a stage change, an order, a journal entry, keyed by its id.
Nothing is ever incremented, so a duplicate or a late event changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_contracts import registry
from reporting.domain.completeness import account_completeness, contact_completeness
from reporting.models import (
    AccountFacts,
    ActivityFacts,
    CampaignFacts,
    CampaignRecipient,
    ContactFacts,
    CsatFacts,
    JournalEntry,
    LeadScore,
    OpportunityFacts,
    OrderFacts,
    StageChange,
    TicketFacts,
    UpsellFlag,
)

ERASED = {"erased": True}


def stamp(moment: datetime) -> str:
    """A time as a string that sorts like the time (always with microseconds, in UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def seen_key(event: dict[str, Any], version: int | None = None,
             moment: datetime | None = None) -> str:
    prefix = f"{version:010d}|" if version is not None else ""
    return f"{prefix}{stamp(moment or event['occurred_at'])}|{event['id']}"


def _insert(session: Session, model):
    """The dialect's INSERT (both have ON CONFLICT) on the model's table: Core statements,
    which skip the ORM's bulk-write layer that costs more than the statement itself."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model.__table__)


def insert_once(session: Session, model, values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: two replicas inserting one row both succeed."""
    session.execute(_insert(session, model).values(**values).on_conflict_do_nothing())


def _keys(model, keys: dict[str, Any]) -> list:
    return [model.__table__.c[name] == value for name, value in keys.items()]


def _keep_newest(session: Session, model, keys: dict[str, Any], key: str,
                 values: dict[str, Any]) -> None:
    """One upsert: the row is created with the event's state, or takes it when the event
    is newer than what the row holds (``seen_key``)."""
    table = model.__table__
    statement = _insert(session, model).values(**keys, seen_key=key, **values)
    session.execute(statement.on_conflict_do_update(
        index_elements=list(keys), where=table.c.seen_key < statement.excluded.seen_key,
        set_={name: statement.excluded[name] for name in ("seen_key", *values)}))


def _earliest(session: Session, model, keys: dict[str, Any], column: str,
              moment: datetime | None) -> None:
    if moment is None:
        return
    current = model.__table__.c[column]
    session.execute(update(model.__table__).where(*_keys(model, keys))
                    .where((current.is_(None)) | (current > moment))
                    .values({column: moment}))


def _set_once(session: Session, model, keys: dict[str, Any], column: str, value) -> None:
    """A value only one event carries (who created a record): set when first known."""
    if value is None:
        return
    session.execute(update(model.__table__).where(*_keys(model, keys))
                    .where(model.__table__.c[column].is_(None)).values({column: value}))


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- contacts ---------------------------------------------------------------------------------


def _contact(session: Session, event: dict[str, Any], contact: dict[str, Any]) -> None:
    keys = {"id": contact["id"]}
    filled, total = contact_completeness(contact)
    _keep_newest(session, ContactFacts, keys, seen_key(event, contact["version"]), {
        "account_id": contact.get("account_id"), "owner_id": contact.get("owner_id"),
        "lifecycle_stage": contact.get("lifecycle_stage"),
        "created_at": contact["created_at"], "filled": filled, "fields_total": total})
    stage = contact.get("lifecycle_stage")
    if stage == "lead":
        session.execute(update(ContactFacts).where(ContactFacts.id == contact["id"])
                        .values(was_lead=True))
    if stage == "customer":
        _earliest(session, ContactFacts, keys, "became_customer_at", contact["updated_at"])
    if event["type"] == "contact.created":
        _set_once(session, ContactFacts, keys, "created_by", event["data"].get("changed_by"))


def contact_changed(session: Session, event: dict[str, Any]) -> None:
    _contact(session, event, event["data"]["contact"])


def contact_merged(session: Session, event: dict[str, Any]) -> None:
    data = event["data"]
    _contact(session, event, data["contact"])
    insert_once(session, ContactFacts, {"id": data["merged_id"], "seen_key": ""})
    session.execute(update(ContactFacts).where(ContactFacts.id == data["merged_id"])
                    .values(merged_into=data["surviving_id"]))
    _earliest(session, ContactFacts, {"id": data["merged_id"]}, "deleted_at",
              event["occurred_at"])


def contact_deleted(session: Session, event: dict[str, Any]) -> None:
    keys = {"id": event["data"]["contact_id"]}
    insert_once(session, ContactFacts, {**keys, "seen_key": ""})
    _earliest(session, ContactFacts, keys, "deleted_at", event["occurred_at"])


def contact_erased(session: Session, event: dict[str, Any]) -> None:
    """GDPR: the history keeps that something happened, when and by whom, not the words."""
    contact_id = event["data"]["contact_id"]
    keys = {"id": contact_id}
    insert_once(session, ContactFacts, {**keys, "seen_key": ""})
    _earliest(session, ContactFacts, keys, "erased_at", event["occurred_at"])
    _earliest(session, ContactFacts, keys, "deleted_at", event["occurred_at"])
    session.execute(update(JournalEntry).where(
        JournalEntry.source == "contacts", JournalEntry.contact_id == contact_id,
        JournalEntry.type != "contact.erased").values(data=ERASED))


def account_changed(session: Session, event: dict[str, Any]) -> None:
    account = event["data"]["account"]
    keys = {"id": account["id"]}
    filled, total = account_completeness(account)
    _keep_newest(session, AccountFacts, keys, seen_key(event, account["version"]), {
        "owner_id": account.get("owner_id"), "tier": account.get("tier"),
        "industry": account.get("industry"), "created_at": account["created_at"],
        "filled": filled, "fields_total": total})
    if event["type"] == "account.created":
        _set_once(session, AccountFacts, keys, "created_by", event["data"].get("changed_by"))


def account_deleted(session: Session, event: dict[str, Any]) -> None:
    keys = {"id": event["data"]["account_id"]}
    insert_once(session, AccountFacts, {**keys, "seen_key": ""})
    _earliest(session, AccountFacts, keys, "deleted_at", event["occurred_at"])


# --- sales ------------------------------------------------------------------------------------


def opportunity_changed(session: Session, event: dict[str, Any]) -> None:
    data = event["data"]
    deal = data["opportunity"]
    keys = {"id": deal["id"]}
    _keep_newest(session, OpportunityFacts, keys, seen_key(event, deal["version"]), {
        "owner_id": deal.get("owner_id"), "account_id": deal.get("account_id"),
        "contact_id": deal.get("contact_id"), "pipeline_id": deal["pipeline_id"],
        "pipeline_name": deal["pipeline_name"], "stage_id": deal["stage_id"],
        "stage_name": deal["stage_name"], "status": deal["status"],
        "amount": _money(deal["amount"]), "weighted_amount": _money(deal["weighted_amount"]),
        "currency": deal["currency"], "probability": deal["probability"],
        "expected_close_date": deal.get("expected_close_date"),
        "source_campaign_id": deal.get("source_campaign_id"),
        "created_at": deal["created_at"], "closed_at": deal.get("closed_at"),
        "stage_entered_at": deal["stage_entered_at"]})
    if event["type"] == "opportunity.created":
        _set_once(session, OpportunityFacts, keys, "created_by", data.get("changed_by"))
    if event["type"] == "opportunity.stage_changed":
        insert_once(session, StageChange, {
            "event_id": event["id"], "opportunity_id": deal["id"],
            "from_stage_id": data.get("from_stage_id"),
            "from_stage_name": data.get("from_stage_name"),
            "to_stage_id": data["to_stage_id"], "to_stage_name": data["to_stage_name"],
            "changed_at": data["changed_at"],
            "seconds_in_previous_stage": data.get("seconds_in_previous_stage")})


def opportunity_deleted(session: Session, event: dict[str, Any]) -> None:
    keys = {"id": event["data"]["opportunity_id"]}
    insert_once(session, OpportunityFacts, {**keys, "seen_key": ""})
    _earliest(session, OpportunityFacts, keys, "deleted_at", event["occurred_at"])


def order_created(session: Session, event: dict[str, Any]) -> None:
    order = event["data"]["order"]
    insert_once(session, OrderFacts, {
        "id": order["id"], "account_id": order.get("account_id"),
        "contact_id": order.get("contact_id"), "owner_id": order.get("owner_id"),
        "total": _money(order["total"]), "currency": order["currency"],
        "ordered_at": order["ordered_at"]})


def activity_changed(session: Session, event: dict[str, Any]) -> None:
    activity = event["data"]["activity"]
    keys = {"id": activity["id"]}
    _keep_newest(session, ActivityFacts, keys, seen_key(event, activity["version"]), {
        "type": activity["type"], "assignee_id": activity.get("assignee_id"),
        "contact_id": activity.get("contact_id"), "account_id": activity.get("account_id"),
        "opportunity_id": activity.get("opportunity_id"),
        "created_at": activity["created_at"], "completed_at": activity.get("completed_at")})
    if event["type"] == "activity.created":
        _set_once(session, ActivityFacts, keys, "created_by", event["data"].get("changed_by"))


# --- support ----------------------------------------------------------------------------------


def ticket_changed(session: Session, event: dict[str, Any]) -> None:
    data = event["data"]
    ticket = data["ticket"]
    keys = {"id": ticket["id"]}
    _keep_newest(session, TicketFacts, keys, seen_key(event, ticket["version"]), {
        name: ticket.get(name) for name in (
            "number", "channel", "type", "priority", "status", "contact_id", "account_id",
            "team_id", "assignee_id", "sla_policy_id", "first_response_breached",
            "resolution_breached", "created_at", "first_responded_at", "solved_at",
            "closed_at")})
    if event["type"] == "ticket.created":
        _set_once(session, TicketFacts, keys, "created_by", data.get("changed_by"))
    if event["type"] == "ticket.solved":
        key = seen_key(event, moment=data["solved_at"])
        session.execute(update(TicketFacts).where(TicketFacts.id == ticket["id"],
                                                  TicketFacts.solved_key < key).values(
            solved_key=key, first_response_met=data.get("first_response_met"),
            resolution_met=data.get("resolution_met"),
            first_response_business_minutes=data.get("first_response_elapsed_minutes"),
            resolution_business_minutes=data.get("resolution_elapsed_minutes")))


def csat_submitted(session: Session, event: dict[str, Any]) -> None:
    data = event["data"]
    _keep_newest(session, CsatFacts, {"ticket_id": data["ticket_id"]},
                 seen_key(event, moment=data["submitted_at"]), {
        "rating": data["rating"], "submitted_at": data["submitted_at"],
        **{name: data.get(name) for name in ("contact_id", "account_id", "team_id",
                                             "assignee_id", "channel")}})


def upsell_flagged(session: Session, event: dict[str, Any]) -> None:
    data = event["data"]
    insert_once(session, UpsellFlag, {
        "ticket_id": data["ticket_id"], "account_id": data.get("account_id"),
        "contact_id": data.get("contact_id"), "flagged_at": data["flagged_at"]})


# --- marketing --------------------------------------------------------------------------------

MAIL_COLUMNS = {"email.sent": "sent_at", "email.failed": "failed_at",
                "email.bounced": "bounced_at", "email.opened": "opened_at",
                "email.clicked": "clicked_at", "email.unsubscribed": "unsubscribed_at"}


def mail_event(session: Session, event: dict[str, Any]) -> None:
    data = event["data"]
    keys = {"campaign_id": data["campaign_id"], "recipient_id": data["recipient_id"]}
    insert_once(session, CampaignRecipient, {**keys, "contact_id": data["contact_id"]})
    _earliest(session, CampaignRecipient, keys, MAIL_COLUMNS[event["type"]], data["at"])


def campaign_changed(session: Session, event: dict[str, Any]) -> None:
    campaign = event["data"]["campaign"]
    _keep_newest(session, CampaignFacts, {"id": campaign["id"]},
                 seen_key(event, campaign["version"]), {
        "name": campaign["name"], "status": campaign["status"],
        "cost": _money(campaign["cost"]), "currency": campaign["currency"],
        "started_at": campaign.get("started_at"), "completed_at": campaign.get("completed_at")})


def lead_scored(session: Session, event: dict[str, Any]) -> None:
    data = event["data"]
    _keep_newest(session, LeadScore, {"contact_id": data["contact_id"]},
                 seen_key(event, moment=data["at"]),
                 {"score": data["score"], "scored_at": data["at"]})


# --- the journal ------------------------------------------------------------------------------

APPLY: dict[str, Callable[[Session, dict[str, Any]], None]] = {
    "contact.created": contact_changed, "contact.updated": contact_changed,
    "contact.merged": contact_merged, "contact.deleted": contact_deleted,
    "contact.erased": contact_erased, "account.created": account_changed,
    "account.updated": account_changed, "account.deleted": account_deleted,
    **{name: opportunity_changed for name in (
        "opportunity.created", "opportunity.updated", "opportunity.stage_changed",
        "opportunity.won", "opportunity.lost", "opportunity.stagnant")},
    "opportunity.deleted": opportunity_deleted, "order.created": order_created,
    "activity.created": activity_changed, "activity.completed": activity_changed,
    **{name: ticket_changed for name in (
        "ticket.created", "ticket.assigned", "ticket.status_changed", "ticket.solved",
        "ticket.sla_breached")},
    "csat.submitted": csat_submitted, "ticket.upsell_flagged": upsell_flagged,
    **{name: mail_event for name in MAIL_COLUMNS},
    "lead.score_changed": lead_scored,
    **{name: campaign_changed for name in (
        "campaign.scheduled", "campaign.started", "campaign.completed", "campaign.cancelled")},
}

# The nested record each event type carries, and what kind of subject it is.
RECORDS = ("contact", "account", "opportunity", "quote", "order", "activity", "ticket",
           "campaign")


def subject_of(event: dict[str, Any]) -> tuple[str | None, str | None, str | None, str | None]:
    """(subject type, subject id, contact id, account id) of an event, for its history."""
    data = event["data"]
    for kind in RECORDS:
        record = data.get(kind)
        if isinstance(record, dict):
            contact_id = record["id"] if kind == "contact" else record.get("contact_id")
            account_id = record["id"] if kind == "account" else record.get("account_id")
            if event["type"] == "contact.merged":
                return "contact", data["merged_id"], data["surviving_id"], account_id
            return kind, record["id"], contact_id, account_id
    kind = event["type"].split(".")[0]
    for name in (f"{kind}_id", "ticket_id", "contact_id", "account_id"):
        if data.get(name):
            subject = "ticket" if name == "ticket_id" else name.removesuffix("_id")
            return subject, data[name], data.get("contact_id"), data.get("account_id")
    return kind, None, data.get("contact_id"), data.get("account_id")


def journal(session: Session, event: dict[str, Any]) -> None:
    subject_type, subject_id, contact_id, account_id = subject_of(event)
    data = registry.schema_for(event["type"], event["version"]).dump(event["data"])
    if event["source"] == "contacts" and contact_id and event["type"] != "contact.erased":
        erased = session.scalar(select(ContactFacts.erased_at).where(
            ContactFacts.id == contact_id))
        if erased is not None:
            data = ERASED
    changed_by = event["data"].get("changed_by") or event["data"].get("flagged_by")
    insert_once(session, JournalEntry, {
        "event_id": event["id"], "type": event["type"], "version": event["version"],
        "source": event["source"], "occurred_at": event["occurred_at"],
        "subject_type": subject_type, "subject_id": subject_id, "contact_id": contact_id,
        "account_id": account_id, "changed_by": changed_by,
        "correlation_id": event.get("correlation_id"), "data": data})


def apply(session: Session, event: dict[str, Any]) -> None:
    """Apply one event (an envelope loaded by its contract) to every read model."""
    journal(session, event)
    project = APPLY.get(event["type"])
    if project is not None:
        project(session, event)
