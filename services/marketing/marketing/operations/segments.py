"""Segments and their members. Dynamic segments are evaluated in memory over the local
projection (no RPC per contact); membership is stored, kept current as events arrive, and
every change is a `segment.joined` or `segment.left` event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from marketing.domain import segments as rules_of
from marketing.exceptions import InvalidTransition, ValidationFailed
from marketing.models import (
    AccountView,
    ContactView,
    Deal,
    FormSubmission,
    LeadScore,
    Recipient,
    Segment,
    SegmentMember,
    TicketView,
    now,
)
from marketing.operations import triggers
from marketing.operations.common import apply, check_version, flush, get_or_404, page, plain

OPEN_TICKET_STATUSES = ("new", "open", "pending", "on_hold")
BATCH = 2000


def check_rules(rules: Any, custom_fields: dict[str, set[str]] | None) -> None:
    try:
        rules_of.validate_rules(rules, custom_fields)
    except rules_of.RuleError as exc:
        raise ValidationFailed("the segment's rules are not valid", exc.errors) from None


# --- facts -------------------------------------------------------------------------------

def facts_for(session: Session, contacts: list,
              behaviour: bool = True) -> dict[str, dict[str, Any]]:
    """Each contact's facts, as domain.segments reads them; loaded a batch at a time."""
    ids = [contact.id for contact in contacts]
    account_ids = {contact.account_id for contact in contacts if contact.account_id}
    accounts = {row.id: row for row in session.execute(
        select(*AccountView.__table__.columns).where(AccountView.id.in_(account_ids)))} \
        if account_ids else {}
    opened = clicked = set()
    tickets: dict[str, int] = {}
    won: dict[str, int] = {}
    scores: dict[str, int] = {}
    submitted: set[str] = set()
    if behaviour and ids:
        engaged = session.execute(
            select(Recipient.contact_id, func.max(Recipient.opened_at),
                   func.max(Recipient.clicked_at))
            .where(Recipient.contact_id.in_(ids)).group_by(Recipient.contact_id)).all()
        opened = {row[0] for row in engaged if row[1] is not None}
        clicked = {row[0] for row in engaged if row[2] is not None}
        tickets = dict(session.execute(
            select(TicketView.contact_id, func.count()).where(
                TicketView.contact_id.in_(ids), TicketView.status.in_(OPEN_TICKET_STATUSES))
            .group_by(TicketView.contact_id)).all())
        won = dict(session.execute(
            select(Deal.contact_id, func.count()).where(Deal.contact_id.in_(ids),
                                                        Deal.status == "won")
            .group_by(Deal.contact_id)).all())
        submitted = set(session.scalars(select(FormSubmission.contact_id).where(
            FormSubmission.contact_id.in_(ids), FormSubmission.outcome == "accepted")))
        scores = dict(session.execute(select(LeadScore.contact_id, LeadScore.score).where(
            LeadScore.contact_id.in_(ids))).all())
    facts = {}
    for contact in contacts:
        account = accounts.get(contact.account_id)
        values: dict[str, Any] = {name: getattr(contact, name) for name in (
            "first_name", "last_name", "email", "phone", "title", "lifecycle_stage", "source",
            "city", "country", "owner_id", "account_id", "tags")}
        values["consent.email"] = contact.email_consent
        for key, value in (contact.custom_fields or {}).items():
            values[f"custom.{key}"] = value
        if account is not None:
            for name in ("name", "domain", "industry", "tier", "size", "owner_id", "country"):
                values[f"account.{name}"] = getattr(account, name)
            for key, value in (account.custom_fields or {}).items():
                values[f"account.custom.{key}"] = value
        values["behaviour.opened"] = contact.id in opened
        values["behaviour.clicked"] = contact.id in clicked
        values["behaviour.submitted_form"] = contact.id in submitted
        values["behaviour.open_tickets"] = tickets.get(contact.id, 0)
        values["behaviour.won_deals"] = won.get(contact.id, 0)
        values["behaviour.lead_score"] = scores.get(contact.id, 0)
        facts[contact.id] = values
    return facts


def matching_ids(session: Session, rules: dict[str, Any]) -> set[str]:
    """Every contact the rules match, a batch at a time."""
    behaviour = rules_of.uses_behaviour(rules)
    found: set[str] = set()
    last = ""
    while True:
        # Plain rows, not ORM objects: a segment over 100,000 contacts builds none.
        batch = session.execute(select(*ContactView.__table__.columns).where(
            ContactView.version > 0, ContactView.id > last)
            .order_by(ContactView.id).limit(BATCH)).all()
        if not batch:
            return found
        facts = facts_for(session, batch, behaviour)
        found.update(cid for cid, values in facts.items() if rules_of.matches(rules, values))
        last = batch[-1].id


def count_matching(session: Session, rules: dict[str, Any]) -> int:
    return len(matching_ids(session, rules))


# --- membership --------------------------------------------------------------------------

def member_ids(session: Session, segment_id: str) -> set[str]:
    return set(session.scalars(select(SegmentMember.contact_id)
                               .where(SegmentMember.segment_id == segment_id)))


def member_count(session: Session, segment_id: str) -> int:
    return session.scalar(select(func.count()).select_from(SegmentMember)
                          .where(SegmentMember.segment_id == segment_id)) or 0


def _membership(uow, segment: Segment, contact_id: str, event: str) -> None:
    uow.emit(event, {"segment_id": segment.id, "segment_name": segment.name,
                     "kind": segment.kind, "contact_id": contact_id, "at": now()})


def join(uow, segment: Segment, contact_ids: Iterable[str]) -> int:
    moment, joined = now(), sorted(contact_ids)
    for contact_id in joined:
        uow.session.add(SegmentMember(segment_id=segment.id, contact_id=contact_id,
                                      joined_at=moment))
        _membership(uow, segment, contact_id, "segment.joined")
    flush(uow.session)
    if joined:
        triggers.enrol(uow, "segment.joined", joined, segment.id)
    return len(joined)


def leave(uow, segment: Segment, contact_ids: Iterable[str]) -> int:
    ids = sorted(contact_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        uow.session.execute(delete(SegmentMember).where(
            SegmentMember.segment_id == segment.id, SegmentMember.contact_id.in_(chunk))
            .execution_options(synchronize_session=False))
    for contact_id in ids:
        _membership(uow, segment, contact_id, "segment.left")
    return len(ids)


def refresh_segment(uow, segment: Segment) -> tuple[int, int]:
    """Bring a dynamic segment's members in line with its rules: (joined, left)."""
    if segment.kind != "dynamic" or segment.deleted_at is not None:
        return 0, 0
    current = member_ids(uow.session, segment.id)
    wanted = matching_ids(uow.session, segment.rules) if segment.rules else set()
    return join(uow, segment, wanted - current), leave(uow, segment, current - wanted)


def dynamic_segments(session: Session, behaviour_only: bool = False) -> list[Segment]:
    rows = session.scalars(select(Segment).where(Segment.kind == "dynamic",
                                                 Segment.deleted_at.is_(None))).all()
    return [row for row in rows if row.rules and (
        not behaviour_only or rules_of.uses_behaviour(row.rules))]


def refresh_contact(uow, contact_id: str, behaviour_only: bool = False) -> None:
    """Re-evaluate one contact against every dynamic segment (after its record, its
    account, its consent or its behaviour changed)."""
    refresh_contacts(uow, [contact_id], behaviour_only)


def refresh_contacts(uow, contact_ids: Iterable[str], behaviour_only: bool = False) -> None:
    """refresh_contact for several contacts at once: their facts and memberships are read
    together (a batch of events would otherwise read them a contact at a time)."""
    segments = dynamic_segments(uow.session, behaviour_only)
    ids = sorted(set(contact_ids))
    if not segments or not ids:
        return
    contacts = [contact for contact in contact_views(uow.session, ids).values()
                if contact.version > 0]
    facts = facts_for(uow.session, contacts) if contacts else {}
    joined: dict[str, set[str]] = {}
    for contact_id, segment_id in uow.session.execute(
            select(SegmentMember.contact_id, SegmentMember.segment_id)
            .where(SegmentMember.contact_id.in_(ids))):
        joined.setdefault(segment_id, set()).add(contact_id)
    for segment in segments:
        members = joined.get(segment.id, set())
        should = {contact_id for contact_id, values in facts.items()
                  if rules_of.matches(segment.rules, values)}
        if should - members:
            join(uow, segment, should - members)
        if members - should:
            leave(uow, segment, members - should)


def contact_views(session: Session, ids: list[str]) -> dict[str, ContactView]:
    """The known ones of these contacts; those already in the session are not read again."""
    found: dict[str, ContactView] = {}
    for contact_id in ids:
        row = session.identity_map.get(session.identity_key(ContactView, contact_id))
        if row is not None:
            found[contact_id] = row
    missing = [contact_id for contact_id in ids if contact_id not in found]
    if missing:
        found.update((row.id, row) for row in session.scalars(
            select(ContactView).where(ContactView.id.in_(missing))))
    return found


def drop_contact(uow, contact_id: str) -> None:
    """The contact is gone (deleted, merged away, erased): out of every segment."""
    for segment_id in uow.session.scalars(select(SegmentMember.segment_id).where(
            SegmentMember.contact_id == contact_id)).all():
        segment = uow.session.get(Segment, segment_id)
        if segment is not None:
            leave(uow, segment, [contact_id])


# --- segments ----------------------------------------------------------------------------

def get_segment(session: Session, segment_id: str) -> Segment:
    return get_or_404(session, Segment, segment_id, "segment")


def create_segment(uow, values: dict[str, Any],
                   custom_fields: dict[str, set[str]] | None) -> Segment:
    rules = values.get("rules")
    if values["kind"] == "dynamic":
        if not rules:
            raise ValidationFailed("a dynamic segment needs rules",
                                   {"rules": ["required for a dynamic segment"]})
        check_rules(rules, custom_fields)
    elif rules:
        raise ValidationFailed("a static segment has no rules",
                               {"rules": ["a static segment is a list: add members instead"]})
    segment = Segment(name=values["name"], description=values.get("description"),
                      kind=values["kind"], rules=rules)
    uow.session.add(segment)
    flush(uow.session)
    refresh_segment(uow, segment)
    return segment


def update_segment(uow, segment_id: str, values: dict[str, Any], expected: int | None,
                   custom_fields: dict[str, set[str]] | None) -> Segment:
    segment = get_segment(uow.session, segment_id)
    check_version(segment, expected)
    if "rules" in values:
        if segment.kind == "static" and values["rules"]:
            raise ValidationFailed("a static segment has no rules",
                                   {"rules": ["a static segment is a list"]})
        if segment.kind == "dynamic":
            if not values["rules"]:
                raise ValidationFailed("a dynamic segment needs rules", {"rules": ["required"]})
            check_rules(values["rules"], custom_fields)
    if apply(segment, values):
        flush(uow.session)
        refresh_segment(uow, segment)
    return segment


def delete_segment(uow, segment_id: str, expected: int | None, in_use: bool) -> None:
    segment = get_segment(uow.session, segment_id)
    check_version(segment, expected)
    if in_use:
        raise InvalidTransition("a campaign that is not finished uses this segment")
    segment.deleted_at = segment.updated_at = now()
    uow.session.execute(delete(SegmentMember).where(SegmentMember.segment_id == segment.id))
    flush(uow.session)


def add_members(uow, segment_id: str, contact_ids: list[str]) -> Segment:
    segment = get_segment(uow.session, segment_id)
    if segment.kind != "static":
        raise InvalidTransition("a dynamic segment's members follow its rules")
    known = set(uow.session.scalars(select(ContactView.id).where(
        ContactView.id.in_(contact_ids), ContactView.version > 0)))
    unknown = [cid for cid in contact_ids if cid not in known]
    if unknown:
        raise ValidationFailed("unknown contacts", {"contact_ids": [
            f"no contact {', '.join(unknown[:10])}"]})
    join(uow, segment, set(contact_ids) - member_ids(uow.session, segment.id))
    segment.updated_at = now()
    return segment


def remove_members(uow, segment_id: str, contact_ids: list[str]) -> Segment:
    segment = get_segment(uow.session, segment_id)
    if segment.kind != "static":
        raise InvalidTransition("a dynamic segment's members follow its rules")
    leave(uow, segment, set(contact_ids) & member_ids(uow.session, segment.id))
    segment.updated_at = now()
    return segment


def list_segments(session: Session, values: dict[str, Any]):
    query = select(Segment).where(Segment.deleted_at.is_(None))
    if kind := values["filters"].get("kind"):
        query = query.where(Segment.kind == kind)
    return page(session, query, Segment, values)


def members(session: Session, segment_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """A page of members by contact id, with what a marketer recognises them by."""
    get_segment(session, segment_id)
    query = (select(SegmentMember, ContactView)
             .join(ContactView, ContactView.id == SegmentMember.contact_id, isouter=True)
             .where(SegmentMember.segment_id == segment_id))
    if values.get("cursor"):
        query = query.where(SegmentMember.contact_id > values["cursor"])
    limit = values.get("limit", 50)
    rows = session.execute(query.order_by(SegmentMember.contact_id).limit(limit + 1)).all()
    cursor = rows[limit - 1][0].contact_id if len(rows) > limit else None
    return {"items": [{
        "contact_id": member.contact_id,
        "first_name": contact.first_name if contact else None,
        "last_name": contact.last_name if contact else None,
        "email": contact.email if contact else None,
        "email_consent": contact.email_consent if contact else "unknown",
        "joined_at": member.joined_at.isoformat(),
    } for member, contact in rows[:limit]], "next_cursor": cursor}


def segment_data(session: Session, segment: Segment) -> dict[str, Any]:
    return plain({
        "id": segment.id, "name": segment.name, "description": segment.description,
        "kind": segment.kind, "rules": segment.rules,
        "member_count": member_count(session, segment.id),
        "version": segment.version, "created_at": segment.created_at,
        "updated_at": segment.updated_at,
    })
