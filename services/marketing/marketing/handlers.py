"""Reactions to other services' events, named for what they do. Each changes records
through the unit of work and does not commit: the chassis's `consumes` commits the effects
together with the record that the event was handled, so a redelivery changes nothing.

The same functions replay the contacts service's event log when the projection is rebuilt
(operations/projection.py): each is safe to apply twice, and an older version of a record
never overwrites a newer one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from crm_chassis.records import newest_versions
from marketing.domain.scoring import ScoreSettings
from marketing.models import (
    AccountView,
    ContactView,
    Deal,
    Recipient,
    RetiredContact,
    ScoreEntry,
    TicketView,
    now,
)
from marketing.operations import scoring, segments
from marketing.operations.common import ensure_row, flush, insert_new

CONTACT_FIELDS = ("first_name", "last_name", "phone", "title", "account_id", "owner_id",
                  "lifecycle_stage", "source", "city", "country")
ACCOUNT_FIELDS = ("name", "domain", "industry", "tier", "size", "owner_id", "country")


# A contact known only by a consent change so far: version 0 (see models.ContactView).
_NEW_CONTACT = {"email_consent": "unknown", "tags": [], "custom_fields": {}, "version": 0}


def _newer(row, version: int | None) -> bool:
    """Events may arrive out of order: an older version never overwrites a newer one."""
    return row is None or version is None or version >= (row.version or 0)


def project_contact(uow, contact: dict[str, Any]) -> None:
    project_contacts(uow, [contact])


def project_contacts(uow, contacts: list[dict[str, Any]]) -> None:
    """The contacts' records into the projection, then the segments and scores of those
    that changed, all read together. Only each contact's newest version in the batch
    counts (an older one never overwrites a newer), so a contact's passing state between
    two of its versions in one batch is not scored. The contacts new to the projection are
    inserted in one statement; the others are compared and updated one by one."""
    newest = newest_versions(contacts)
    retired = _retired(uow.session, newest)
    values = {contact_id: _contact_values(contact) for contact_id, contact in newest.items()
              if contact_id not in retired}
    changed = insert_new(uow.session, ContactView,
                         [{"id": contact_id, **_NEW_CONTACT, **row}
                          for contact_id, row in values.items()])
    for contact_id, row_values in values.items():
        if contact_id not in changed and _update_contact(uow, contact_id, row_values):
            changed.add(contact_id)
    if changed:
        flush(uow.session)
        segments.refresh_contacts(uow, changed)
        scoring.rescore_all(uow, sorted(changed), ScoreSettings.from_env(), "contact changed")


def _contact_values(contact: dict[str, Any]) -> dict[str, Any]:
    values = {name: contact.get(name) for name in CONTACT_FIELDS}
    values.update(email=(contact.get("email") or "").strip().lower() or None,
                  tags=list(contact.get("tags") or []),
                  custom_fields=dict(contact.get("custom_fields") or {}),
                  version=contact.get("version") or 1)
    return values


def _update_contact(uow, contact_id: str, values: dict[str, Any]) -> bool:
    """A known contact updated to this version; whether it was newer than the projection's."""
    row = uow.session.get(ContactView, contact_id)
    if row is None or not _newer(row, values["version"]):
        return False
    for name, value in values.items():
        setattr(row, name, value)
    return True


def forget_contact(uow, contact_id: str) -> None:
    segments.drop_contact(uow, contact_id)
    scoring.forget(uow, contact_id)
    row = uow.session.get(ContactView, contact_id)
    if row is not None:
        uow.session.delete(row)
        flush(uow.session)


def retire_contact(uow, contact_id: str, reason: str) -> None:
    """A contact deleted, merged away or erased leaves the audience for good: a late event
    about it (its last update, a consent) is not taken in again."""
    forget_contact(uow, contact_id)
    row = uow.session.get(RetiredContact, contact_id)
    if row is None:
        uow.session.add(RetiredContact(contact_id=contact_id, reason=reason,
                                       retired_at=now()))
        flush(uow.session)
    elif reason == "erased":  # deleted or merged away, then erased
        row.reason, row.retired_at = reason, now()


def _retired(session, contact_ids) -> set[str]:
    ids = list(contact_ids)
    if not ids:
        return set()
    return set(session.scalars(select(RetiredContact.contact_id).where(
        RetiredContact.contact_id.in_(ids))))


def project_account(uow, account: dict[str, Any]) -> None:
    row = uow.session.get(AccountView, account["id"])
    if not _newer(row, account.get("version")):
        return
    if row is None:
        row = ensure_row(uow.session, AccountView, account["id"], custom_fields={}, version=0)
        if not _newer(row, account.get("version")):
            return
    for name in ACCOUNT_FIELDS:
        setattr(row, name, account.get(name))
    row.custom_fields = dict(account.get("custom_fields") or {})
    row.version = account.get("version") or 1
    flush(uow.session)
    _refresh_account_contacts(uow, row.id)


def forget_account(uow, account_id: str) -> None:
    row = uow.session.get(AccountView, account_id)
    if row is not None:
        uow.session.delete(row)
        flush(uow.session)
        _refresh_account_contacts(uow, account_id)


def _refresh_account_contacts(uow, account_id: str) -> None:
    if not segments.dynamic_segments(uow.session) and not scoring.has_field_rules(
            uow.session):
        return
    config = ScoreSettings.from_env()
    for contact_id in uow.session.scalars(select(ContactView.id).where(
            ContactView.account_id == account_id)).all():
        segments.refresh_contact(uow, contact_id)
        scoring.rescore(uow, contact_id, config, "account changed")


def record_consent(uow, data: dict[str, Any]) -> None:
    """Only the email channel matters here; the newest recorded change wins."""
    if data["channel"] != "email" or _retired(uow.session, [data["contact_id"]]):
        return
    recorded = data["recorded_at"]
    # When the consent overtakes contact.created, it is kept until the contact arrives.
    row = uow.session.get(ContactView, data["contact_id"]) or ensure_row(
        uow.session, ContactView, data["contact_id"], **_NEW_CONTACT)
    if row.email_consent_at is not None and row.email_consent_at > recorded:
        return
    row.email_consent, row.email_consent_at = data["status"], recorded
    flush(uow.session)
    segments.refresh_contact(uow, row.id)
    scoring.rescore(uow, row.id, ScoreSettings.from_env(), "consent changed")


def repoint_merged_contact(uow, data: dict[str, Any]) -> None:
    """The merged-away contact's static memberships, received mails, score entries, tickets
    and deals now belong to the survivor; then the survivor is projected and re-evaluated
    (unless it was erased or deleted before this event came: then what moved goes too)."""
    merged, survivor = data["merged_id"], data["surviving_id"]
    received = set(uow.session.scalars(select(Recipient.campaign_id).where(
        Recipient.contact_id == survivor)))
    for recipient in uow.session.scalars(select(Recipient).where(
            Recipient.contact_id == merged)):
        if recipient.campaign_id not in received:
            recipient.contact_id = survivor
    static_ids = set(uow.session.scalars(select(segments.SegmentMember.segment_id).where(
        segments.SegmentMember.contact_id == merged)))
    # What the merged-away contact did still counts, for the survivor.
    for model in (ScoreEntry, TicketView, Deal):
        uow.session.execute(update(model).where(model.contact_id == merged)
                            .values(contact_id=survivor)
                            .execution_options(synchronize_session=False))
    retire_contact(uow, merged, "merged")
    if (retired := uow.session.get(RetiredContact, survivor)) is not None:
        if retired.reason == "erased":
            erase_contact(uow, {"contact_id": survivor})
        else:
            forget_contact(uow, survivor)
        return
    project_contact(uow, data["contact"])
    for segment_id in static_ids:
        segment = uow.session.get(segments.Segment, segment_id)
        if segment is not None and segment.kind == "static" and segment.deleted_at is None \
                and survivor not in segments.member_ids(uow.session, segment_id):
            segments.join(uow, segment, [survivor])


def erase_contact(uow, data: dict[str, Any]) -> None:
    """GDPR erasure of the person and of the contacts merged into them (whichever of this
    and their `contact.merged` came first): they leave every segment and the audience for
    good; their mails keep their counts (reports stay true) but lose the address."""
    people = [data["contact_id"], *data.get("merged_ids", [])]
    uow.session.execute(update(Recipient).where(Recipient.contact_id.in_(people))
                        .values(email=None, erased=True)
                        .execution_options(synchronize_session=False))
    for contact_id in people:
        retire_contact(uow, contact_id, "erased")


def project_ticket(uow, ticket: dict[str, Any]) -> None:
    project_tickets(uow, [ticket])


def project_tickets(uow, tickets: list[dict[str, Any]]) -> None:
    """The tickets into the projection (new ones in one statement, as contacts), then the
    behaviour segments of the contacts whose open tickets changed, read together."""
    newest = newest_versions(tickets)
    touched: set[str] = set()
    inserted = insert_new(uow.session, TicketView, [
        {"id": ticket_id, "contact_id": ticket.get("contact_id"), "status": ticket["status"],
         "version": ticket.get("version") or 0} for ticket_id, ticket in newest.items()])
    for ticket_id, ticket in newest.items():
        if ticket_id in inserted:
            touched |= {ticket.get("contact_id")} - {None}
        else:
            touched |= _update_ticket(uow, ticket)
    if touched:
        flush(uow.session)
        segments.refresh_contacts(uow, touched, behaviour_only=True)


def _update_ticket(uow, ticket: dict[str, Any]) -> set[str]:
    """The contacts whose tickets this version changed (none when it was not newer)."""
    row = uow.session.get(TicketView, ticket["id"])
    if row is None or not _newer(row, ticket.get("version")):
        return set()
    before = row.contact_id
    row.contact_id, row.status = ticket.get("contact_id"), ticket["status"]
    row.version = ticket.get("version") or 0
    return {before, row.contact_id} - {None}


def project_deal(uow, opportunity: dict[str, Any], occurred_at) -> None:
    """An opportunity with a contact, credited to the campaigns that contact engaged with
    before it was opened (see models.Deal)."""
    contact_id = opportunity.get("contact_id")
    row = uow.session.get(Deal, opportunity["id"])
    if row is None and not contact_id:
        return
    if not _newer(row, opportunity.get("version")):
        return
    won_before = row is not None and row.status == "won"
    if row is None:
        opened_at = opportunity.get("created_at") or occurred_at
        row = ensure_row(
            uow.session, Deal, opportunity["id"], opened_at=opened_at, status="open",
            amount="0", currency=opportunity["currency"], version=0,
            first_touch_campaign_id=scoring.first_touch(uow.session, contact_id, opened_at),
            last_touch_campaign_id=opportunity.get("source_campaign_id")
            or scoring.last_touch(uow.session, contact_id, opened_at))
        if not _newer(row, opportunity.get("version")):
            return
    row.contact_id, row.account_id = contact_id, opportunity.get("account_id")
    row.status = opportunity["status"]
    row.amount, row.currency = str(opportunity["amount"]), opportunity["currency"]
    row.won_at = (opportunity.get("closed_at") or occurred_at) if row.status == "won" else None
    row.version = opportunity.get("version") or 0
    flush(uow.session)
    if contact_id and won_before != (row.status == "won"):
        segments.refresh_contact(uow, contact_id, behaviour_only=True)


# The contacts service's events, by type, for the consumers and the rebuild alike.
CONTACTS_EVENTS = {
    "contact.created": lambda uow, data: project_contact(uow, data["contact"]),
    "contact.updated": lambda uow, data: project_contact(uow, data["contact"]),
    "contact.deleted": lambda uow, data: retire_contact(uow, data["contact_id"], "deleted"),
    "contact.merged": repoint_merged_contact,
    "contact.erased": erase_contact,
    "account.created": lambda uow, data: project_account(uow, data["account"]),
    "account.updated": lambda uow, data: project_account(uow, data["account"]),
    "account.deleted": lambda uow, data: forget_account(uow, data["account_id"]),
    "consent.changed": record_consent,
}
