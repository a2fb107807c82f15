"""Inbound email: a raw message becomes a new ticket, or a reply on the ticket it answers.

The sender is found (or created) in the contacts service by the caller-supplied
`find_contact(email, name) -> {"id", "account_id"}`: the RPC stays in service.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from support.domain import inbound_email
from support.domain import tickets as rules
from support.exceptions import ValidationFailed
from support.models import Message, Ticket
from support.operations import tickets

FindContact = Callable[[str, str], dict[str, Any]]


def parse(raw: Any) -> inbound_email.InboundEmail:
    try:
        return inbound_email.parse(raw)
    except inbound_email.UnreadableEmail as exc:
        raise ValidationFailed(f"the email cannot be read: {exc}", {"raw": [str(exc)]}) \
            from None


def known_message(session: Session, message_id: str) -> Message | None:
    return session.scalar(select(Message).where(Message.email_message_id == message_id))


def thread_of(session: Session, email: inbound_email.InboundEmail,
              contact_id: str | None) -> Ticket | None:
    """The ticket this email answers: by the Message-IDs it replies to, else by the
    `[T-1042]` tag of its subject when it comes from that ticket's contact."""
    if email.references:
        found = session.scalar(select(Message.ticket_id).where(
            Message.email_message_id.in_(email.references)).limit(1))
        if found:
            return session.get(Ticket, found)
    number = rules.number_in_subject(email.subject)
    if number is not None:
        ticket = session.scalar(select(Ticket).where(Ticket.number == number))
        # A tag alone is easy to copy: it threads only the ticket's own customer.
        if ticket is not None and ticket.contact_id == contact_id:
            return ticket
    return None


def receive(uow, email: inbound_email.InboundEmail, contact: dict[str, Any]) -> dict[str, Any]:
    session = uow.session
    if (known := known_message(session, email.message_id)) is not None:
        return {"ticket": known.ticket, "message": known, "created": False, "duplicate": True}
    ticket = thread_of(session, email, contact["id"])
    if ticket is not None and ticket.status != "closed":
        message = tickets.add_message(uow, ticket, email.body or email.subject,
                                      author_type="customer", author_id=contact["id"],
                                      email_message_id=email.message_id)
        return {"ticket": ticket, "message": message, "created": False, "duplicate": False}
    ticket = tickets.create_ticket(uow, {
        "subject": email.subject or "(no subject)", "description": email.body or email.subject,
        "contact_id": contact["id"], "account_id": contact.get("account_id"),
        "channel": "email", "language": email.language},
        author_type="customer", email_message_id=email.message_id)
    return {"ticket": ticket, "message": ticket.messages[0], "created": True,
            "duplicate": False}
