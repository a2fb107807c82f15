"""Tickets: created on any channel, threaded messages, statuses, SLA clocks, assignment."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.orm import Session

from crm_chassis.db import is_postgres
from crm_chassis.listing import like_escape
from support.domain import sla
from support.domain import tickets as rules
from support.exceptions import NotFound, ValidationFailed
from support.models import (
    AccountView,
    ContactView,
    Counter,
    Message,
    Ticket,
    new_id,
    now,
)
from support.operations import calendars, csat, teams
from support.operations.common import apply, check_version, flush, plain

SORTS = {"created_at", "updated_at", "resolution_due_at", "priority"}
FILTERS = {"status", "priority", "channel", "type", "team_id", "assignee_id", "contact_id",
           "account_id", "tag", "breached", "open"}
EMAIL_DOMAIN = "support.crm"


# --- reading -----------------------------------------------------------------------------

def clock_of(session: Session, ticket: Ticket) -> sla.Clock:
    return sla.Clock(calendars.calendar_rules(session, ticket.calendar_id), ticket.created_at,
                     ticket.paused_minutes or 0.0, ticket.paused_since)


def sla_state(session: Session, ticket: Ticket, moment: datetime | None = None) -> dict:
    moment = moment or now()
    clock = clock_of(session, ticket)
    return {
        "policy_id": ticket.sla_policy_id,
        "paused": ticket.paused_since is not None,
        "first_response": _times_as_text(sla.target_state(
            clock, ticket.first_response_minutes, moment, ticket.first_responded_at,
            ticket.first_response_elapsed, ticket.first_response_breached_at)),
        "resolution": _times_as_text(sla.target_state(
            clock, ticket.resolution_minutes, moment, ticket.solved_at,
            ticket.resolution_elapsed, ticket.resolution_breached_at)),
    }


def _times_as_text(target: dict) -> dict:
    target["due_at"], target["met_at"] = _iso(target["due_at"]), _iso(target["met_at"])
    return target


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def message_data(message: Message) -> dict[str, Any]:
    return plain({"id": message.id, "ticket_id": message.ticket_id, "body": message.body,
                  "public": message.public, "author_type": message.author_type,
                  "author_id": message.author_id,
                  "email_message_id": message.email_message_id,
                  "created_at": message.created_at})


def ticket_data(session: Session, ticket: Ticket, *, messages: bool = False,
                public_only: bool = False) -> dict[str, Any]:
    data = {
        "id": ticket.id, "number": rules.number_text(ticket.number),
        "subject": ticket.subject, "description": ticket.description,
        "contact_id": ticket.contact_id, "account_id": ticket.account_id,
        "channel": ticket.channel, "type": ticket.type, "priority": ticket.priority,
        "status": ticket.status, "tags": list(ticket.tags or []),
        "assignee_id": ticket.assignee_id, "team_id": ticket.team_id,
        "language": ticket.language, "vip": ticket.vip, "escalated": ticket.escalated,
        "upsell_flagged": ticket.upsell_flagged, "sla": sla_state(session, ticket),
        "first_responded_at": _iso(ticket.first_responded_at),
        "solved_at": _iso(ticket.solved_at), "closed_at": _iso(ticket.closed_at),
        "version": ticket.version,
        "created_at": _iso(ticket.created_at), "updated_at": _iso(ticket.updated_at),
    }
    # Times are written as text here rather than by plain() over the whole dict: a queue
    # page is fifty tickets, and that walk was a tenth of its time.
    if messages:
        data["messages"] = [message_data(m) for m in ticket.messages
                            if m.public or not public_only]
    return data


def event_ticket(ticket: Ticket) -> dict[str, Any]:
    """The ticket as its events carry it: the contract drops every word about people."""
    return {
        "id": ticket.id, "number": rules.number_text(ticket.number), "channel": ticket.channel,
        "type": ticket.type, "priority": ticket.priority, "status": ticket.status,
        "contact_id": ticket.contact_id, "account_id": ticket.account_id,
        "team_id": ticket.team_id, "assignee_id": ticket.assignee_id,
        "language": ticket.language, "tags": list(ticket.tags or []), "vip": ticket.vip,
        "escalated": ticket.escalated, "sla_policy_id": ticket.sla_policy_id,
        "first_response_minutes": ticket.first_response_minutes,
        "resolution_minutes": ticket.resolution_minutes,
        "first_response_due_at": ticket.first_response_due_at,
        "resolution_due_at": ticket.resolution_due_at,
        "first_responded_at": ticket.first_responded_at,
        "first_response_breached": ticket.first_response_breached_at is not None,
        "resolution_breached": ticket.resolution_breached_at is not None,
        "solved_at": ticket.solved_at, "closed_at": ticket.closed_at,
        "version": ticket.version, "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
    }


def get_ticket(session: Session, ticket_ref: str) -> Ticket:
    """By id, or by its readable number (`T-1042`)."""
    ticket = None
    if isinstance(ticket_ref, str):
        number = rules.parse_number(ticket_ref)
        ticket = session.scalar(select(Ticket).where(Ticket.number == number)) \
            if number is not None else session.get(Ticket, ticket_ref)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_ref}")
    return ticket


def list_tickets(session: Session, query: dict[str, Any],
                 extra: list | None = None) -> tuple[list[Ticket], str | None]:
    conditions = list(extra or []) + _filters(query["filters"])
    if text := (query.get("q") or "").strip().lower():
        like = f"%{like_escape(text)}%"
        conditions.append(func.lower(Ticket.subject).like(like, escape="\\"))
    sort = query.get("sort") or "-created_at"
    name = sort.lstrip("-")
    if name not in SORTS:
        raise ValidationFailed("unknown sort", {"sort": [f"one of {', '.join(sorted(SORTS))}"]})
    column = getattr(Ticket, name)
    order = [column.desc(), Ticket.id.desc()] if sort.startswith("-") \
        else [column.asc(), Ticket.id.asc()]
    offset = _offset(query.get("cursor"))
    limit = query["limit"]
    rows = list(session.scalars(select(Ticket).where(*conditions).order_by(*order)
                                .offset(offset).limit(limit + 1)))
    cursor = _cursor(offset + limit) if len(rows) > limit else None
    return rows[:limit], cursor


def _filters(filters: dict[str, Any]) -> list:
    unknown = sorted(set(filters) - FILTERS)
    if unknown:
        raise ValidationFailed("unknown filter", {name: ["not a filter"] for name in unknown})
    conditions = []
    for name, value in filters.items():
        if name == "tag":
            conditions.append(cast(Ticket.tags, String).like(f'%"{value}"%'))
        elif name == "open":
            statuses = rules.OPEN_STATUSES
            conditions.append(Ticket.status.in_(statuses) if value
                              else Ticket.status.not_in(statuses))
        elif name == "breached":
            breached = or_(Ticket.first_response_breached_at.is_not(None),
                           Ticket.resolution_breached_at.is_not(None))
            conditions.append(breached if value else ~breached)
        elif isinstance(value, list):
            conditions.append(getattr(Ticket, name).in_(value))
        else:
            column = getattr(Ticket, name)
            conditions.append(column.is_(None) if value in (None, "") else column == value)
    return conditions


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        kind, value = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        assert kind == "o"
        return max(0, int(value))
    except (ValueError, AssertionError, UnicodeDecodeError):
        raise ValidationFailed("bad cursor", {"cursor": ["not a cursor of this list"]}) \
            from None


# --- writing -----------------------------------------------------------------------------

def next_number(session: Session) -> int:
    """SQLite's next ticket number. On PostgreSQL the INSERT draws it from a sequence, which
    is distinct across replicas and holds no lock until the commit (a rolled-back creation
    leaves a gap in the numbers, as in most help desks)."""
    # The UPDATE takes the counter row's lock. A table-level statement: no Counter object
    # is kept in the session, so none needs synchronising.
    table = Counter.__table__
    return session.execute(update(table).where(table.c.name == "ticket")
                           .values(value=table.c.value + 1).returning(table.c.value)).scalar_one()


def _customer(session: Session, contact_id: str | None, account_id: str | None
              ) -> tuple[str | None, bool]:
    if contact_id and not account_id:
        contact = session.get(ContactView, contact_id)
        account_id = contact.account_id if contact else None
    account = session.get(AccountView, account_id) if account_id else None
    return account_id, sla.tier_of(account.tier if account else None) == "vip"


def _start_clock(session: Session, ticket: Ticket) -> None:
    policy = calendars.policy_for(session, ticket.priority, "vip" if ticket.vip else "default")
    if policy is None:
        return
    ticket.sla_policy_id, ticket.calendar_id = policy.id, policy.calendar_id
    ticket.first_response_minutes = policy.first_response_minutes
    ticket.resolution_minutes = policy.resolution_minutes
    refresh_due_times(session, ticket)


def refresh_due_times(session: Session, ticket: Ticket, moment: datetime | None = None) -> None:
    """The due times the breach checks look at: none while paused or once met."""
    moment = moment or now()
    clock = clock_of(session, ticket)
    paused = ticket.paused_since is not None
    ticket.first_response_due_at = None if paused or ticket.first_responded_at or \
        ticket.first_response_minutes is None else clock.due_at(ticket.first_response_minutes,
                                                                moment)
    ticket.resolution_due_at = None if paused or ticket.solved_at or \
        ticket.resolution_minutes is None else clock.due_at(ticket.resolution_minutes, moment)


def create_ticket(uow, data: dict[str, Any], *, author_type: str = "agent",
                  email_message_id: str | None = None) -> Ticket:
    """Everything about the ticket is decided before it is written, in one INSERT, and its
    number is drawn last: the counter row stays locked only until the commit that follows."""
    session = uow.session
    moment = now()
    account_id, vip = _customer(session, data.get("contact_id"), data.get("account_id"))
    ticket = Ticket(
        id=new_id(), subject=data["subject"].strip(),
        description=data.get("description"), contact_id=data.get("contact_id"),
        account_id=account_id, channel=data.get("channel") or "api",
        type=data.get("type") or "question", priority=data.get("priority") or "normal",
        status="new", tags=sorted(set(data.get("tags") or [])), language=data.get("language"),
        vip=vip, escalated=False, upsell_flagged=False, paused_minutes=0.0,
        created_at=moment, updated_at=moment, messages=[])
    _start_clock(session, ticket)
    if data.get("description") and author_type == "customer":
        ticket.messages.append(Message(
            id=new_id(), body=data["description"], public=True, author_type="customer",
            author_id=ticket.contact_id, email_message_id=email_message_id,
            created_at=moment))
    rule_id = None
    if data.get("team_id") or data.get("assignee_id"):
        team_id, assignee_id = data.get("team_id"), data.get("assignee_id")
        if team_id:
            teams.get_team(session, team_id)
    else:
        team, assignee_id, rule = teams.choose(session, ticket)
        team_id, rule_id = (team.id if team else None), (rule.id if rule else None)
    ticket.team_id, ticket.assignee_id = team_id, assignee_id
    if not is_postgres(session):
        ticket.number = next_number(session)
    session.add(ticket)
    flush(session)
    uow.emit("ticket.created", {"ticket": event_ticket(ticket), "changed_by": uow.actor_id})
    if team_id or assignee_id:
        _assigned(uow, ticket, (None, None), rule_id)
    return ticket


def update_ticket(uow, ticket_ref: str, data: dict[str, Any],
                  expected_version: int | None) -> Ticket:
    ticket = get_ticket(uow.session, ticket_ref)
    check_version(ticket, expected_version)
    if "tags" in data:
        data["tags"] = sorted(set(data["tags"]))
    changed = apply(ticket, data)
    if {"contact_id", "account_id"} & set(changed):
        ticket.account_id, ticket.vip = _customer(uow.session, ticket.contact_id,
                                                  ticket.account_id)
    if {"priority", "contact_id", "account_id"} & set(changed):
        # Another priority or customer tier is another policy: its targets, same clock.
        _start_clock(uow.session, ticket)
    flush(uow.session)
    return ticket


def run_rules(uow, ticket: Ticket) -> Ticket:
    team, assignee, rule = teams.choose(uow.session, ticket)
    assign(uow, ticket, team.id if team else None, assignee, rule_id=rule.id if rule else None)
    return ticket


def assign(uow, ticket: Ticket, team_id: str | None, assignee_id: str | None,
           rule_id: str | None = None) -> Ticket:
    if team_id:
        teams.get_team(uow.session, team_id)
    previous = (ticket.team_id, ticket.assignee_id)
    if previous == (team_id, assignee_id):
        return ticket
    ticket.team_id, ticket.assignee_id = team_id, assignee_id
    ticket.updated_at = now()
    flush(uow.session)
    _assigned(uow, ticket, previous, rule_id)
    return ticket


def _assigned(uow, ticket: Ticket, previous: tuple[str | None, str | None],
              rule_id: str | None) -> None:
    uow.emit("ticket.assigned", {
        "ticket": event_ticket(ticket), "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id, "previous_team_id": previous[0],
        "previous_assignee_id": previous[1], "rule_id": rule_id, "changed_by": uow.actor_id})


def change_status(uow, ticket: Ticket, status: str, expected_version: int | None = None
                  ) -> Ticket:
    check_version(ticket, expected_version)
    current = ticket.status
    rules.check_transition(current, status)
    if status == current:
        return ticket
    moment = now()
    clock = clock_of(uow.session, ticket)
    if status == rules.PENDING:
        clock = clock.pause(moment)
    elif current == rules.PENDING:
        clock = clock.resume(moment)
    ticket.paused_minutes, ticket.paused_since = clock.paused_minutes, clock.paused_since
    ticket.status, ticket.updated_at = status, moment
    if status == rules.SOLVED:
        ticket.solved_at = moment
        ticket.resolution_elapsed = clock.elapsed(moment)
    elif current == rules.SOLVED and status != rules.CLOSED:
        ticket.solved_at, ticket.resolution_elapsed = None, None
    if status == rules.CLOSED:
        ticket.closed_at = moment
    refresh_due_times(uow.session, ticket, moment)
    flush(uow.session)
    uow.emit("ticket.status_changed", {
        "ticket": event_ticket(ticket), "from_status": current, "to_status": status,
        "changed_at": moment, "changed_by": uow.actor_id})
    if status == rules.SOLVED:
        _solved(uow, ticket, moment)
    return ticket


def _solved(uow, ticket: Ticket, moment: datetime) -> None:
    first_met = None if ticket.first_response_minutes is None or \
        ticket.first_responded_at is None else (
            ticket.first_response_breached_at is None
            and (ticket.first_response_elapsed or 0) <= ticket.first_response_minutes)
    resolution_met = None if ticket.resolution_minutes is None else (
        ticket.resolution_breached_at is None
        and (ticket.resolution_elapsed or 0) <= ticket.resolution_minutes)
    uow.emit("ticket.solved", {
        "ticket": event_ticket(ticket), "solved_at": moment,
        "first_response_elapsed_minutes": ticket.first_response_elapsed,
        "resolution_elapsed_minutes": ticket.resolution_elapsed,
        "first_response_met": first_met, "resolution_met": resolution_met,
        "changed_by": uow.actor_id})
    csat.issue_survey(uow.session, ticket, moment)


def add_message(uow, ticket: Ticket, body: str, *, public: bool = True,
                author_type: str = "agent", author_id: str | None = None,
                email_message_id: str | None = None) -> Message:
    moment = now()
    message_id = new_id()
    if author_type == "agent" and public and email_message_id is None:
        # Sent to the customer with this Message-ID, so that their answer threads back.
        email_message_id = f"{message_id}@{EMAIL_DOMAIN}"
    message = Message(id=message_id, ticket_id=ticket.id, body=body, public=public,
                      author_type=author_type, author_id=author_id,
                      email_message_id=email_message_id, created_at=moment)
    ticket.messages.append(message)
    ticket.updated_at = moment
    if author_type == "agent" and public:
        if ticket.first_responded_at is None:
            ticket.first_responded_at = moment
            ticket.first_response_elapsed = clock_of(uow.session, ticket).elapsed(moment)
            refresh_due_times(uow.session, ticket, moment)
        flush(uow.session)
        if ticket.status == "new":
            change_status(uow, ticket, rules.OPEN)
    elif author_type == "customer":
        flush(uow.session)
        if rules.reopens_on_customer_reply(ticket.status):
            change_status(uow, ticket, rules.OPEN)
    flush(uow.session)
    return message


def flag_upsell(uow, ticket: Ticket, note: str | None) -> Ticket:
    """Mark the ticket as a sale to make: once. A second flag (an agent's double click, a
    colleague at the same moment) changes nothing and opens no second lead."""
    if ticket.upsell_flagged:
        return ticket
    moment = now()
    ticket.upsell_flagged, ticket.updated_at = True, moment
    flush(uow.session)
    account = uow.session.get(AccountView, ticket.account_id) if ticket.account_id else None
    uow.emit("ticket.upsell_flagged", {
        "ticket_id": ticket.id, "ticket_number": rules.number_text(ticket.number),
        "account_id": ticket.account_id, "contact_id": ticket.contact_id,
        "owner_id": account.owner_id if account else None, "note": note,
        "flagged_by": uow.actor_id, "flagged_at": moment})
    return ticket
