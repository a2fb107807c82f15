"""Rebuilding the projection of contacts, accounts and consent from the contacts service's
event log (its outbox, served by its `event_log` RPC), e.g. after a restore or when this
service is installed into a running platform."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from crm_contracts.registry import UnknownEvent, schema_for
from marketing import handlers
from marketing.models import ProjectionCursor, now
from marketing.operations import segments

log = logging.getLogger(__name__)
SOURCE = "contacts"


def rebuild(uow, read_page: Callable[[int], dict[str, Any]], from_start: bool = True,
            pause: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """Replay the log from the start (or from where the last rebuild stopped), a page per
    transaction; then bring every dynamic segment in line. Returns what was applied."""
    cursor = 0 if from_start else _cursor_row(uow.session).seq
    applied = 0
    while True:
        done = apply_page(uow, read_page(cursor))
        applied += done["applied"]
        cursor = done["last_seq"] or cursor
        if done["next_cursor"] is None:
            return {"applied": applied, "cursor": cursor}
        pause()


def apply_page(uow, page: dict[str, Any]) -> dict[str, Any]:
    """One page of the contacts log into the projection, with the cursor, in one
    transaction; after the last page (no `next_cursor`) every dynamic segment is brought
    in line. What a page-by-page rebuild (`crm marketing rebuild`) calls."""
    last_seq = None
    for item in page["items"]:
        apply_logged(uow, item)
        last_seq = item["seq"]
    row = _cursor_row(uow.session)
    if last_seq is not None:
        row.seq = last_seq
    if page.get("next_cursor") is None:
        for segment in segments.dynamic_segments(uow.session):
            segments.refresh_segment(uow, segment)
        row.rebuilt_at = now()
    uow.commit()
    return {"applied": len(page["items"]), "last_seq": last_seq,
            "next_cursor": page.get("next_cursor"), "head": page.get("head")}


def _cursor_row(session) -> ProjectionCursor:
    row = session.get(ProjectionCursor, SOURCE)
    if row is None:
        row = ProjectionCursor(source=SOURCE, seq=0)
        session.add(row)
    return row


def apply_logged(uow, item: dict[str, Any]) -> None:
    reaction = handlers.CONTACTS_EVENTS.get(item["type"])
    if reaction is None:
        return
    try:
        data = schema_for(item["type"], item["version"]).load(item["data"])
    except UnknownEvent:
        log.warning("event %s v%s has no contract here, skipped", item["type"],
                    item["version"])
        return
    reaction(uow, data)


def status(session) -> dict[str, Any]:
    row = session.scalar(select(ProjectionCursor).where(ProjectionCursor.source == SOURCE))
    return {"source": SOURCE, "cursor": row.seq if row else 0,
            "rebuilt_at": row.rebuilt_at.isoformat() if row and row.rebuilt_at else None}
