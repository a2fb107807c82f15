"""Reactions to other services' events, named for what they do. Each changes records
through the unit of work and does not commit: the chassis's `consumes` commits the effects
together with the record that the event was handled, so a redelivery changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from crm_chassis.bulk import insert_new_rows
from crm_chassis.records import newest_versions
from support.models import (
    AccountView,
    ContactView,
    Message,
    RetiredContact,
    Survey,
    Ticket,
    now,
)
from support.operations.common import flush

ERASED_TEXT = "(erased)"


def _newer(row, version: int | None) -> bool:
    """Events may arrive out of order: an older version never overwrites a newer one."""
    return row is None or version is None or version >= (row.version or 0)


def project_account(uow, account: dict[str, Any]) -> None:
    row = uow.session.get(AccountView, account["id"])
    if not _newer(row, account.get("version")):
        return
    if row is None:
        row = AccountView(id=account["id"])
        uow.session.add(row)
    row.name, row.tier = account.get("name"), account.get("tier")
    row.owner_id, row.version = account.get("owner_id"), account.get("version") or 0
    flush(uow.session)


def forget_account(uow, account_id: str) -> None:
    row = uow.session.get(AccountView, account_id)
    if row is not None:
        uow.session.delete(row)
        flush(uow.session)


def project_contact(uow, contact: dict[str, Any]) -> None:
    project_contacts(uow, [contact])


def project_contacts(uow, contacts: list[dict[str, Any]]) -> None:
    """The contacts' newest versions among these into the projection: the new ones in one
    statement, the known ones compared and updated one by one. An erased contact is never
    projected again, whatever late event still carries it."""
    newest = {contact_id: _contact_values(contact)
              for contact_id, contact in newest_versions(contacts).items()}
    for contact_id in _erased(uow.session, newest):
        del newest[contact_id]
    table = ContactView.__table__
    inserted = set(insert_new_rows(uow.session, table, list(newest.values()), table.c.id))
    for contact_id, values in newest.items():
        row = None if contact_id in inserted else uow.session.get(ContactView, contact_id)
        if row is not None and _newer(row, values["version"]):
            for name, value in values.items():
                setattr(row, name, value)
    flush(uow.session)


def _contact_values(contact: dict[str, Any]) -> dict[str, Any]:
    name = " ".join(part for part in (contact.get("first_name"), contact.get("last_name"))
                    if part)
    return {"id": contact["id"], "account_id": contact.get("account_id"), "name": name or None,
            "email": (contact.get("email") or "").lower() or None,
            "version": contact.get("version") or 0}


def repoint_merged_contact(uow, data: dict[str, Any]) -> int:
    """Tickets, messages and surveys of the merged-away contact now point at the survivor;
    when the survivor was erased before this event came, what moved is scrubbed too."""
    merged, survivor = data["merged_id"], data["surviving_id"]
    moved = 0
    for ticket in uow.session.scalars(select(Ticket).where(Ticket.contact_id == merged)):
        ticket.contact_id, ticket.updated_at = survivor, now()
        moved += 1
    uow.session.execute(update(Message).where(
        Message.author_type == "customer", Message.author_id == merged)
        .values(author_id=survivor).execution_options(synchronize_session=False))
    uow.session.execute(update(Survey).where(Survey.contact_id == merged)
                        .values(contact_id=survivor)
                        .execution_options(synchronize_session=False))
    forget_contact(uow, merged)
    retire_contact(uow, merged, "merged")
    if _erased(uow.session, [survivor]):
        anonymise_erased_contact(uow, {"contact_id": survivor})
    elif contact := data.get("contact"):
        project_contact(uow, contact)
    flush(uow.session)
    return moved


def retire_contact(uow, contact_id: str, reason: str) -> None:
    row = uow.session.get(RetiredContact, contact_id)
    if row is None:
        uow.session.add(RetiredContact(contact_id=contact_id, reason=reason, retired_at=now()))
    elif reason == "erased":  # merged away, then erased with its survivor
        row.reason, row.retired_at = reason, now()


def _erased(session, contact_ids) -> set[str]:
    ids = list(contact_ids)
    if not ids:
        return set()
    return set(session.scalars(select(RetiredContact.contact_id).where(
        RetiredContact.contact_id.in_(ids), RetiredContact.reason == "erased")))


def forget_contact(uow, contact_id: str) -> None:
    row = uow.session.get(ContactView, contact_id)
    if row is not None:
        uow.session.delete(row)
        flush(uow.session)


def anonymise_erased_contact(uow, data: dict[str, Any]) -> int:
    """GDPR erasure: the person's tickets keep their rows, numbers, dates, statuses and SLA
    outcomes (reports stay true) but lose every word written by or about the person. The
    contacts merged into the erased one are the same person: theirs go too, whether or not
    their `contact.merged` came first."""
    people = [data["contact_id"], *data.get("merged_ids", [])]
    moment = now()
    erased = 0
    for ticket in uow.session.scalars(select(Ticket).where(
            Ticket.contact_id.in_(people), Ticket.erased_at.is_(None))
            .options(selectinload(Ticket.messages))):
        ticket.subject, ticket.description = ERASED_TEXT, None
        ticket.erased_at = ticket.updated_at = moment
        for message in ticket.messages:
            message.body = ERASED_TEXT
        erased += 1
    uow.session.execute(update(Survey).where(Survey.contact_id.in_(people))
                        .values(comment=None).execution_options(synchronize_session=False))
    for contact_id in people:
        forget_contact(uow, contact_id)
        retire_contact(uow, contact_id, "erased")
    flush(uow.session)
    return erased
