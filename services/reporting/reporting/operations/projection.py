"""Applying one event to the read models, whatever order events come in and however often.

Three kinds of write, each order-independent (operations/writes.py sends them):
- a snapshot (`newest`): the row of an entity takes the event's state only when the
  event is newer than what the row holds (`seen_key`: the record's version, then the
  event's time and id, so that even two events with one version always resolve the same);
- a first time (`earliest`): a deletion, an erasure, the first open of a mail keep the
  earliest time any event gave them;
- a fact (`first`): a stage change, an order, a journal entry, keyed by its id.
Nothing is ever incremented, so a duplicate or a late event changes nothing twice, and the
writes of a whole page of events can be gathered and sent together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

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
from reporting.operations import rollups
from reporting.operations.writes import Writes

ERASED = {"erased": True}
IMPORTED = "contact.imported"
# Namespace of the ids of the entries an import's event is taken apart into.
IMPORTED_IDS = UUID("5b0c2f53-8d6e-4a63-9f2e-1f0e8e0b7c41")


def stamp(moment: datetime) -> str:
    """A time as a string that sorts like the time (always with microseconds, in UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def seen_key(event: dict[str, Any], version: int | None = None,
             moment: datetime | None = None) -> str:
    prefix = f"{version:010d}|" if version is not None else ""
    return f"{prefix}{stamp(moment or event['occurred_at'])}|{event['id']}"


def _creator(event: dict[str, Any], *created: str) -> dict[str, Any]:
    """Who created the record: only its `created` event says, and it is kept once known."""
    return {"created_by": event["data"].get("changed_by") if event["type"] in created
            else None}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- contacts ---------------------------------------------------------------------------------


def _contact(w: Writes, event: dict[str, Any], contact: dict[str, Any]) -> None:
    keys = {"id": contact["id"]}
    filled, total = contact_completeness(contact)
    stage = contact.get("lifecycle_stage")
    w.newest(ContactFacts, keys, seen_key(event, contact["version"]), {
        "account_id": contact.get("account_id"), "owner_id": contact.get("owner_id"),
        "lifecycle_stage": stage, "created_at": contact["created_at"], "filled": filled,
        "fields_total": total},
        once=_creator(event, "contact.created", IMPORTED), flags={"was_lead": stage == "lead"})
    if stage == "customer":
        w.earliest(ContactFacts, keys, "became_customer_at", contact["updated_at"])


def contact_changed(w: Writes, event: dict[str, Any]) -> None:
    _contact(w, event, event["data"]["contact"])


def contact_merged(w: Writes, event: dict[str, Any]) -> None:
    data = event["data"]
    _contact(w, event, data["contact"])
    w.earliest(ContactFacts, {"id": data["merged_id"]}, "deleted_at", event["occurred_at"])
    w.then(update(ContactFacts).where(ContactFacts.id == data["merged_id"])
           .values(merged_into=data["surviving_id"]))


def contact_deleted(w: Writes, event: dict[str, Any]) -> None:
    w.earliest(ContactFacts, {"id": event["data"]["contact_id"]}, "deleted_at",
               event["occurred_at"])


def contact_erased(w: Writes, event: dict[str, Any]) -> None:
    """GDPR: the history keeps that something happened, when and by whom, not the words;
    of the person's own record and of those merged into it earlier."""
    people = [event["data"]["contact_id"], *event["data"].get("merged_ids", [])]
    for contact_id in people:
        keys = {"id": contact_id}
        w.earliest(ContactFacts, keys, "erased_at", event["occurred_at"])
        w.earliest(ContactFacts, keys, "deleted_at", event["occurred_at"])
    w.then(update(JournalEntry).where(
        JournalEntry.source == "contacts", JournalEntry.contact_id.in_(people),
        JournalEntry.type != "contact.erased").values(data=ERASED))


def account_changed(w: Writes, event: dict[str, Any]) -> None:
    account = event["data"]["account"]
    filled, total = account_completeness(account)
    w.newest(AccountFacts, {"id": account["id"]}, seen_key(event, account["version"]), {
        "owner_id": account.get("owner_id"), "tier": account.get("tier"),
        "industry": account.get("industry"), "created_at": account["created_at"],
        "filled": filled, "fields_total": total}, once=_creator(event, "account.created"))


def account_deleted(w: Writes, event: dict[str, Any]) -> None:
    w.earliest(AccountFacts, {"id": event["data"]["account_id"]}, "deleted_at",
               event["occurred_at"])


# --- sales ------------------------------------------------------------------------------------


def opportunity_changed(w: Writes, event: dict[str, Any]) -> None:
    data = event["data"]
    deal = data["opportunity"]
    w.newest(OpportunityFacts, {"id": deal["id"]}, seen_key(event, deal["version"]), {
        "owner_id": deal.get("owner_id"), "account_id": deal.get("account_id"),
        "contact_id": deal.get("contact_id"), "pipeline_id": deal["pipeline_id"],
        "pipeline_name": deal["pipeline_name"], "stage_id": deal["stage_id"],
        "stage_name": deal["stage_name"], "status": deal["status"],
        "amount": _money(deal["amount"]), "weighted_amount": _money(deal["weighted_amount"]),
        "currency": deal["currency"], "probability": deal["probability"],
        "expected_close_date": deal.get("expected_close_date"),
        "source_campaign_id": deal.get("source_campaign_id"),
        "created_at": deal["created_at"], "closed_at": deal.get("closed_at"),
        "stage_entered_at": deal["stage_entered_at"]},
        once=_creator(event, "opportunity.created"))
    if event["type"] == "opportunity.stage_changed":
        w.first(StageChange, {
            "event_id": event["id"], "opportunity_id": deal["id"],
            "from_stage_id": data.get("from_stage_id"),
            "from_stage_name": data.get("from_stage_name"),
            "to_stage_id": data["to_stage_id"], "to_stage_name": data["to_stage_name"],
            "changed_at": data["changed_at"],
            "seconds_in_previous_stage": data.get("seconds_in_previous_stage")})


def opportunity_deleted(w: Writes, event: dict[str, Any]) -> None:
    w.earliest(OpportunityFacts, {"id": event["data"]["opportunity_id"]}, "deleted_at",
               event["occurred_at"])


def order_created(w: Writes, event: dict[str, Any]) -> None:
    order = event["data"]["order"]
    w.first(OrderFacts, {
        "id": order["id"], "account_id": order.get("account_id"),
        "contact_id": order.get("contact_id"), "owner_id": order.get("owner_id"),
        "total": _money(order["total"]), "currency": order["currency"],
        "ordered_at": order["ordered_at"]})


def activity_changed(w: Writes, event: dict[str, Any]) -> None:
    activity = event["data"]["activity"]
    w.newest(ActivityFacts, {"id": activity["id"]}, seen_key(event, activity["version"]), {
        "type": activity["type"], "assignee_id": activity.get("assignee_id"),
        "contact_id": activity.get("contact_id"), "account_id": activity.get("account_id"),
        "opportunity_id": activity.get("opportunity_id"),
        "created_at": activity["created_at"], "completed_at": activity.get("completed_at")},
        once=_creator(event, "activity.created"))


# --- support ----------------------------------------------------------------------------------

TICKET_COLUMNS = ("number", "channel", "type", "priority", "status", "contact_id", "account_id",
                  "team_id", "assignee_id", "sla_policy_id", "first_response_breached",
                  "resolution_breached", "created_at", "first_responded_at", "solved_at",
                  "closed_at")


def ticket_changed(w: Writes, event: dict[str, Any]) -> None:
    data = event["data"]
    ticket = data["ticket"]
    keys = {"id": ticket["id"]}
    w.newest(TicketFacts, keys, seen_key(event, ticket["version"]),
             {name: ticket.get(name) for name in TICKET_COLUMNS},
             once=_creator(event, "ticket.created"))
    if event["type"] == "ticket.solved":
        # The latest solving counts (a reopened ticket is solved again): a key of its own.
        w.newest(TicketFacts, keys, seen_key(event, moment=data["solved_at"]), {
            "first_response_met": data.get("first_response_met"),
            "resolution_met": data.get("resolution_met"),
            "first_response_business_minutes": data.get("first_response_elapsed_minutes"),
            "resolution_business_minutes": data.get("resolution_elapsed_minutes")},
            key_column="solved_key")


def csat_submitted(w: Writes, event: dict[str, Any]) -> None:
    data = event["data"]
    w.newest(CsatFacts, {"ticket_id": data["ticket_id"]},
             seen_key(event, moment=data["submitted_at"]), {
        "rating": data["rating"], "submitted_at": data["submitted_at"],
        **{name: data.get(name) for name in ("contact_id", "account_id", "team_id",
                                             "assignee_id", "channel")}})


def upsell_flagged(w: Writes, event: dict[str, Any]) -> None:
    data = event["data"]
    w.first(UpsellFlag, {
        "ticket_id": data["ticket_id"], "account_id": data.get("account_id"),
        "contact_id": data.get("contact_id"), "flagged_at": data["flagged_at"]})


# --- marketing --------------------------------------------------------------------------------

MAIL_COLUMNS = {"email.sent": "sent_at", "email.failed": "failed_at",
                "email.bounced": "bounced_at", "email.opened": "opened_at",
                "email.clicked": "clicked_at", "email.unsubscribed": "unsubscribed_at"}


def mail_event(w: Writes, event: dict[str, Any]) -> None:
    data = event["data"]
    keys = {"campaign_id": data["campaign_id"], "recipient_id": data["recipient_id"]}
    w.earliest(CampaignRecipient, keys, MAIL_COLUMNS[event["type"]], data["at"],
               values={"contact_id": data["contact_id"]})


def campaign_changed(w: Writes, event: dict[str, Any]) -> None:
    campaign = event["data"]["campaign"]
    w.newest(CampaignFacts, {"id": campaign["id"]}, seen_key(event, campaign["version"]), {
        "name": campaign["name"], "status": campaign["status"],
        "cost": _money(campaign["cost"]), "currency": campaign["currency"],
        "started_at": campaign.get("started_at"), "completed_at": campaign.get("completed_at")})


def lead_scored(w: Writes, event: dict[str, Any]) -> None:
    data = event["data"]
    w.newest(LeadScore, {"contact_id": data["contact_id"]}, seen_key(event, moment=data["at"]),
             {"score": data["score"], "scored_at": data["at"]})


# --- the journal ------------------------------------------------------------------------------

APPLY: dict[str, Callable[[Writes, dict[str, Any]], None]] = {
    "contact.created": contact_changed, IMPORTED: contact_changed,
    "contact.updated": contact_changed,
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


def journal(w: Writes, event: dict[str, Any], data: dict[str, Any] | None = None) -> None:
    """The event as history. `data`: its payload as it travelled, when the caller has it
    (a rebuild reads it from the log), saving a second serialisation."""
    subject_type, subject_id, contact_id, account_id = subject_of(event)
    if data is None:
        data = registry.dump(event["type"], event["version"], event["data"])
    changed_by = event["data"].get("changed_by") or event["data"].get("flagged_by")
    w.first(JournalEntry, {
        "event_id": event["id"], "type": event["type"], "version": event["version"],
        "source": event["source"], "occurred_at": event["occurred_at"],
        "subject_type": subject_type, "subject_id": subject_id, "contact_id": contact_id,
        "account_id": account_id, "changed_by": changed_by,
        "correlation_id": event.get("correlation_id"), "data": data})


def _blank_erased(w: Writes, events: list[dict[str, Any]]) -> None:
    """The contacts' events of an erased contact keep no words in the journal, whichever of
    them came first: after the page's entries are in, blank those whose contact is erased."""
    ids = [event["id"] for event in events
           if event["source"] == "contacts" and event["type"] != "contact.erased"]
    if ids:
        w.then(update(JournalEntry).where(
            JournalEntry.event_id.in_(ids), JournalEntry.contact_id.in_(
                select(ContactFacts.id).where(ContactFacts.erased_at.is_not(None))))
            .values(data=ERASED))


def one_per_contact(events: list[dict[str, Any]], payloads: list[dict[str, Any] | None]
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any] | None]]:
    """The events with each `contact.imported` taken apart: one event of that type per
    contact it names, as if it had come alone, so that each contact has its own entry in
    the journal. Its id is derived from the batch's and the contact's, the same on every
    replay (a rebuild, a redelivery)."""
    if not any(event["type"] == IMPORTED for event in events):
        return events, payloads
    split_events, split_payloads = [], []
    for event, payload in zip(events, payloads, strict=True):
        if event["type"] != IMPORTED:
            split_events.append(event)
            split_payloads.append(payload)
            continue
        data = event["data"]
        if payload is None:
            payload = registry.dump(IMPORTED, event["version"], data)
        alone = {"job_id": data["job_id"], "changed_by": data.get("changed_by")}
        for contact, travelled in zip(data["contacts"], payload["contacts"], strict=True):
            split_events.append({**event, "id": str(uuid5(IMPORTED_IDS, f"{event['id']}/"
                                                          f"{contact['id']}")),
                                 "data": {**alone, "contact": contact}})
            split_payloads.append({**alone, "contact": travelled})
    return split_events, split_payloads


def apply_all(session: Session, events: list[dict[str, Any]],
              payloads: list[dict[str, Any]] | None = None) -> None:
    """Apply events (envelopes loaded by their contracts) to every read model, their
    writes gathered and sent together; `payloads`, when given, are their data as it
    travelled, in the same order."""
    events, payloads = one_per_contact(events, payloads or [None] * len(events))
    w = Writes(session, before_flush=rollups.mark_dirty)
    for index, event in enumerate(events):
        journal(w, event, payloads[index])
        project = APPLY.get(event["type"])
        if project is not None:
            project(w, event)
    _blank_erased(w, events)
    w.flush()


def apply(session: Session, event: dict[str, Any]) -> None:
    """Apply one event (an envelope loaded by its contract) to every read model."""
    apply_all(session, [event])
