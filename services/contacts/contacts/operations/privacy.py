"""Consent and GDPR: what a contact agreed to, everything held about them, and erasure."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from contacts.models import Account, Consent, Contact, DuplicateKey, MergeRecord, OutboxEvent, now
from contacts.operations.records import account_data, contact_data, get_contact
from contacts.schemas import ConsentOutput
from crm_chassis.records import flush

_consent_out = ConsentOutput()
ERASED = "erased"


def record_consent(uow, contact_id: str, data: dict[str, Any]) -> Consent:
    get_contact(uow.session, contact_id)
    consent = Consent(contact_id=contact_id, channel=data["channel"], status=data["status"],
                      source=data.get("source"), recorded_at=now(),
                      recorded_by=uow.actor_id)
    uow.session.add(consent)
    flush(uow.session)
    uow.emit("consent.changed", {
        "contact_id": contact_id, "channel": consent.channel, "status": consent.status,
        "source": consent.source, "recorded_at": consent.recorded_at,
        "changed_by": uow.actor_id,
    })
    return consent


def consent_history(session: Session, contact_id: str) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.contact_id == contact_id)
                                .order_by(Consent.recorded_at, Consent.id)))


def consents(session: Session, contact_id: str) -> dict[str, Any]:
    return consents_of(consent_history(session, contact_id))


def consents_of(decisions: list[Consent]) -> dict[str, Any]:
    """The newest decision per channel, and every decision in order."""
    history = [_consent_out.dump(consent) for consent in decisions]
    current = {consent["channel"]: consent for consent in history}
    return {"current": current, "history": history}


def gdpr_export(session: Session, contact_id: str) -> dict[str, Any]:
    """Everything this service holds about a person, for a subject access request: the
    contact, the contacts merged into it and every event that names one of them."""
    contact = get_contact(session, contact_id, deleted=True)
    merged = list(session.scalars(select(MergeRecord).where(
        MergeRecord.surviving_id == contact_id)))
    events = _events_naming(session, [contact_id, *(record.merged_id for record in merged)])
    return {
        "contact": contact_data(contact),
        "account": _account(session, contact.account_id),
        "consents": [_consent_out.dump(c) for c in consent_history(session, contact_id)],
        "merged_contacts": [record.merged_snapshot for record in merged],
        "events": [event.envelope() for event in events],
        "exported_at": now().isoformat(),
    }


def erase_contact(uow, contact_id: str) -> list[Contact]:
    """Anonymise the person: the contact and every contact merged into it (the same person,
    recorded twice once), in place, in merge history and in the event log; then tell every
    other service to do the same through `contact.erased`, which names the merged ones too.
    The erased contacts, the one asked for first."""
    session = uow.session
    contact = get_contact(session, contact_id, deleted=True)
    merged = list(session.scalars(select(Contact).where(
        Contact.merged_into_id == contact_id, Contact.erased_at.is_(None))
        .order_by(Contact.id)))
    people = [contact, *merged]
    for person in people:
        _anonymise(session, person)
    _scrub_event_log(session, {person.id for person in people})
    flush(session)
    uow.emit("contact.erased", {"contact_id": contact_id,
                                "merged_ids": [person.id for person in merged],
                                "changed_by": uow.actor_id})
    return people


def _anonymise(session: Session, contact: Contact) -> None:
    for name in ("first_name", "last_name", "email", "email_normalized", "phone", "title",
                 "address_line", "city", "postal_code"):
        setattr(contact, name, None)
    contact.first_name, contact.last_name = None, ERASED
    contact.tags, contact.custom_fields, contact.search_text = [], {}, ""
    moment = now()
    contact.erased_at = contact.updated_at = moment
    contact.deleted_at = contact.deleted_at or moment
    session.execute(delete(DuplicateKey).where(DuplicateKey.contact_id == contact.id))
    session.execute(update(Consent).where(Consent.contact_id == contact.id)
                    .values(source=None, recorded_by=None))
    session.execute(update(MergeRecord).where(or_(
        MergeRecord.surviving_id == contact.id, MergeRecord.merged_id == contact.id))
        .values(merged_snapshot={"erased": True}))


def _events_naming(session: Session, contact_ids: list[str]) -> list[OutboxEvent]:
    """The events of the log that name one of these contacts, oldest first."""
    return list(session.scalars(select(OutboxEvent).where(or_(*(
        cast(OutboxEvent.data, String).like(f'%"{one}"%') for one in contact_ids)))
        .order_by(OutboxEvent.seq)))


def _scrub_event_log(session: Session, contact_ids: set[str]) -> None:
    # The outbox is kept as the event log for rebuilds: erasure must reach it too, or a
    # rebuilt read model would bring the person back.
    for event in _events_naming(session, list(contact_ids)):
        event.data = _scrubbed(event.data, contact_ids)


def _scrubbed(data: Any, contact_ids: set[str]) -> Any:
    """The event's data without what it said of the person: a contact record becomes its
    id and times; a consent keeps its channel, status and time but not its free-text source
    ("asked at the booth by ..."), nor who recorded it."""
    if isinstance(data, dict):
        if data.get("id") in contact_ids and "first_name" in data:
            return {"id": data["id"], "erased": True, "version": data.get("version", 0),
                    "created_at": data.get("created_at"), "updated_at": data.get("updated_at")}
        if data.get("contact_id") in contact_ids and "source" in data:
            data = {**data, "source": None, "changed_by": None}
        return {key: _scrubbed(value, contact_ids) for key, value in data.items()}
    if isinstance(data, list):
        return [_scrubbed(item, contact_ids) for item in data]
    return data


def _account(session: Session, account_id: str | None) -> dict[str, Any] | None:
    account = session.get(Account, account_id) if account_id else None
    return account_data(account) if account is not None else None
