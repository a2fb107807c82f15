"""The customer's side: the portal's own tickets, and the support part of the 360 views."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from crm_chassis import listing
from support.domain.tickets import OPEN_STATUSES
from support.exceptions import NotFound
from support.models import ContactView, Survey, Ticket
from support.operations import csat, tickets

VIEW_LIMIT = 50


def own_ticket(session: Session, contact_id: str, ticket_ref: str) -> Ticket:
    """The contact's ticket, or NotFound worded as for a ticket that does not exist: the
    portal must not learn that someone else's ticket is there."""
    try:
        ticket = tickets.get_ticket(session, ticket_ref)
    except NotFound:
        ticket = None
    if ticket is None or not contact_id or ticket.contact_id != contact_id:
        raise NotFound(f"no ticket {ticket_ref}")
    return ticket


def portal_data(session: Session, ticket: Ticket, messages: bool = False) -> dict[str, Any]:
    """What a customer sees: no internal notes, no team or agent internals."""
    data = tickets.ticket_data(session, ticket, messages=messages, public_only=True)
    for internal in ("assignee_id", "team_id", "escalated", "upsell_flagged", "vip", "tags"):
        data.pop(internal, None)
    if messages:
        for message in data["messages"]:
            message.pop("email_message_id", None)
            if message["author_type"] != "customer":
                message["author_id"] = None
    return data


def customer_view(session: Session, column: str, value: str) -> dict[str, Any]:
    """The support part of a customer's views: open and recent tickets, their SLA, CSAT."""
    ids = _first_ids(column)(session, value=value)
    found = listing.rows_by_id(session, Ticket.id, ids["open"] + ids["recent"])
    surveys = listing.rows_by_id(session, Survey.ticket_id, ids["csat"])
    open_data = [tickets.ticket_data(session, row)
                 for row in listing.in_order(found, ids["open"])]
    breached = sum(1 for row in open_data if row["sla"]["first_response"]["breached"]
                   or row["sla"]["resolution"]["breached"])
    at_risk = sum(1 for row in open_data if not row["sla"]["resolution"]["breached"]
                  and row["sla"]["resolution"]["status"] == "running"
                  and (row["sla"]["resolution"]["remaining_minutes"] or 0) < 60)
    history = [{"ticket_id": s.ticket_id, "rating": s.rating,
                "submitted_at": csat.csat_data(s)["submitted_at"]}
               for s in listing.in_order(surveys, ids["csat"])]
    return {"tickets": {"open": open_data,
                        "recent": [tickets.ticket_data(session, row)
                                   for row in listing.in_order(found, ids["recent"])]},
            "sla": {"open": len(open_data), "breached": breached, "at_risk": at_risk},
            "csat": history}


@functools.cache
def _first_ids(column: str) -> listing.FirstIds:
    value = bindparam("value")
    return listing.FirstIds({
        "open": (Ticket.id, [getattr(Ticket, column) == value,
                             Ticket.status.in_(OPEN_STATUSES)],
                 (Ticket.created_at.desc(), Ticket.id)),
        "recent": (Ticket.id, [getattr(Ticket, column) == value,
                               Ticket.status.not_in(OPEN_STATUSES)],
                   (Ticket.updated_at.desc(), Ticket.id)),
        "csat": (Survey.ticket_id, [getattr(Survey, column) == value,
                                    Survey.submitted_at.is_not(None)],
                 (Survey.submitted_at.desc(), Survey.ticket_id)),
    }, VIEW_LIMIT)


def personal_data(session: Session, contact_id: str) -> dict[str, Any]:
    """Everything this service holds about a person, for a subject access request: the copy
    of their name and email it keeps, every ticket of theirs with all its messages
    (internal notes too: they are about the person) and their survey answers."""
    copy = session.get(ContactView, contact_id)
    found = session.scalars(select(Ticket).where(Ticket.contact_id == contact_id)
                            .order_by(Ticket.created_at, Ticket.id)).all()
    surveys = session.scalars(select(Survey).where(Survey.contact_id == contact_id)
                              .order_by(Survey.ticket_id)).all()
    return {
        "contact": {"name": copy.name, "email": copy.email} if copy else None,
        "tickets": [tickets.ticket_data(session, row, messages=True) for row in found],
        "surveys": [csat.csat_data(row) for row in surveys],
    }
