"""A customer's history and what the platform knew of it at a moment, from the journal
of events: every change, who made it, when, and from which service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import Session

from crm_chassis.listing import decode_cursor, encode_cursor
from crm_contracts.errors import NotFound, ValidationFailed
from reporting.models import JournalEntry
from reporting.operations.projection import ERASED

# Events after which a record no longer exists for the customer view.
GONE = {"contact.deleted", "contact.erased", "account.deleted", "opportunity.deleted"}


def entry_data(entry: JournalEntry) -> dict[str, Any]:
    return {"event_id": entry.event_id, "type": entry.type, "version": entry.version,
            "source": entry.source, "occurred_at": entry.occurred_at.isoformat(),
            "changed_by": entry.changed_by, "subject_type": entry.subject_type,
            "subject_id": entry.subject_id,
            "changed_fields": (entry.data or {}).get("changed_fields"),
            "correlation_id": entry.correlation_id, "data": entry.data}


def _about(column_id, record_id: str):
    return or_(column_id == record_id, JournalEntry.subject_id == record_id)


def history(session: Session, kind: str, record_id: str, limit: int,
            cursor: str | None) -> dict[str, Any]:
    """Oldest first, keyset-paged by (time, event id)."""
    column = JournalEntry.contact_id if kind == "contact" else JournalEntry.account_id
    query = select(JournalEntry).where(_about(column, record_id))
    if cursor:
        moment, last_id = decode_cursor(cursor)
        query = query.where(tuple_(JournalEntry.occurred_at, JournalEntry.event_id)
                            > (datetime.fromisoformat(moment), last_id))
    rows = list(session.scalars(query.order_by(JournalEntry.occurred_at,
                                               JournalEntry.event_id).limit(limit + 1)))
    if not rows and not cursor:
        raise NotFound(f"no history of {kind} {record_id}")
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [entry_data(row) for row in rows],
            "next_cursor": encode_cursor(rows[-1].occurred_at.isoformat(), rows[-1].event_id)
            if more else None}


def _record_of(entry: JournalEntry) -> dict[str, Any] | None:
    record = (entry.data or {}).get(entry.subject_type or "")
    return record if isinstance(record, dict) else None


def _states(entries: list[JournalEntry]) -> dict[str, dict[str, dict[str, Any]]]:
    """{kind: {id: the newest record known}} from entries in time order."""
    newest: dict[tuple[str, str], tuple[tuple, dict[str, Any] | None]] = {}
    for entry in entries:
        if not entry.subject_type or not entry.subject_id:
            continue
        key = (entry.subject_type, entry.subject_id)
        if entry.type in GONE:
            newest[key] = ((float("inf"),), None)
            continue
        record = _record_of(entry)
        if entry.type == "contact.merged":
            newest[key] = ((float("inf"),), None)  # the merged-away one; the survivor below
            record = (entry.data or {}).get("contact")
            if isinstance(record, dict):
                key = ("contact", record["id"])
        if record is None or entry.data == ERASED:
            continue
        rank = (record.get("version", 0), entry.occurred_at.isoformat(), entry.event_id)
        if key not in newest or newest[key][0] < rank:
            newest[key] = (rank, record)
    states: dict[str, dict[str, dict[str, Any]]] = {}
    for (kind, record_id), (_rank, record) in newest.items():
        if record is not None:
            states.setdefault(kind, {})[record_id] = record
    return states


def _check_moment(as_of: datetime, first_seen: datetime | None, kind: str,
                  record_id: str) -> None:
    if as_of > datetime.now(UTC):
        raise ValidationFailed("as_of is in the future", {"as_of": ["must not be in the future"]})
    if first_seen is None:
        raise NotFound(f"no history of {kind} {record_id}")
    if as_of < first_seen:
        raise ValidationFailed(f"the {kind} did not exist yet at {as_of.isoformat()}", {
            "as_of": [f"before the {kind} existed (first known {first_seen.isoformat()})"]})


def _first_seen(session: Session, kind: str, record_id: str) -> datetime | None:
    return session.scalar(select(func.min(JournalEntry.occurred_at)).where(
        JournalEntry.subject_type == kind, JournalEntry.subject_id == record_id))


def customer_as_of(session: Session, kind: str, record_id: str,
                   as_of: datetime) -> dict[str, Any]:
    """What the platform knew of a contact or an account at `as_of`: the record, its
    account (for a contact), and its deals, tickets, orders and activities then."""
    _check_moment(as_of, _first_seen(session, kind, record_id), kind, record_id)
    column = JournalEntry.contact_id if kind == "contact" else JournalEntry.account_id
    entries = list(session.scalars(select(JournalEntry).where(
        _about(column, record_id), JournalEntry.occurred_at <= as_of)
        .order_by(JournalEntry.occurred_at, JournalEntry.event_id)))
    # A deletion names only its record: find those of the records seen above.
    subjects = {entry.subject_id for entry in entries if entry.subject_id}
    entries += session.scalars(select(JournalEntry).where(
        JournalEntry.type.in_(GONE), JournalEntry.subject_id.in_(subjects),
        JournalEntry.occurred_at <= as_of, JournalEntry.contact_id.is_(None),
        JournalEntry.account_id.is_(None)))
    states = _states(entries)
    record = states.get(kind, {}).get(record_id)
    if record is None:
        raise ValidationFailed(f"the {kind} no longer existed at {as_of.isoformat()}", {
            "as_of": [f"the {kind} was deleted or erased before then"]})
    view: dict[str, Any] = {"as_of": as_of.isoformat(), kind: record}
    if kind == "contact" and record.get("account_id"):
        accounts = _states(list(session.scalars(select(JournalEntry).where(
            JournalEntry.subject_type == "account",
            JournalEntry.subject_id == record["account_id"],
            JournalEntry.occurred_at <= as_of))))
        view["account"] = accounts.get("account", {}).get(record["account_id"])
    if kind == "account":
        view["contacts"] = sorted(states.get("contact", {}).values(), key=lambda r: r["id"])
    for plural, single in (("opportunities", "opportunity"), ("tickets", "ticket"),
                           ("orders", "order"), ("activities", "activity"),
                           ("quotes", "quote")):
        view[plural] = sorted(states.get(single, {}).values(),
                              key=lambda r: (r.get("created_at") or "", r["id"]))
    return view
