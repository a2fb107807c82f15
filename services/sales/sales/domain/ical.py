"""An RFC 5545 calendar of a user's activities, for calendar applications to subscribe to.

Meetings are VEVENTs; tasks and calls are VTODOs (a call is something to do by a time).
Logged emails are history, not plans, and are left out. The `icalendar` library does the
escaping and the 75-octet line folding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, Todo

PRODID = "-//CRM//sales//EN"
UID_DOMAIN = "sales.crm"


@dataclass(frozen=True)
class CalendarEntry:
    id: str
    type: str
    subject: str
    notes: str | None
    due_at: datetime | None
    start_at: datetime | None
    end_at: datetime | None
    completed_at: datetime | None
    updated_at: datetime
    created_at: datetime
    version: int


def activity_calendar(entries: list[CalendarEntry], name: str, now: datetime) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        component = _event(entry) if entry.type == "meeting" else _todo(entry)
        if component is None:
            continue
        component.add("uid", f"{entry.id}@{UID_DOMAIN}")
        component.add("dtstamp", now)
        component.add("created", entry.created_at)
        component.add("last-modified", entry.updated_at)
        component.add("sequence", entry.version - 1)
        component.add("summary", entry.subject)
        if entry.notes:
            component.add("description", entry.notes)
        calendar.add_component(component)
    return calendar.to_ical().decode("utf-8")


def _event(entry: CalendarEntry) -> Event | None:
    start = entry.start_at or entry.due_at
    if start is None:
        return None
    event = Event()
    event.add("dtstart", start)
    event.add("dtend", entry.end_at or start + timedelta(minutes=30))
    event.add("status", "CONFIRMED")
    return event


def _todo(entry: CalendarEntry) -> Todo | None:
    if entry.type not in {"task", "call"}:
        return None
    todo = Todo()
    if entry.due_at is not None:
        todo.add("due", entry.due_at)
    if entry.completed_at is not None:
        todo.add("status", "COMPLETED")
        todo.add("completed", entry.completed_at)
    else:
        todo.add("status", "NEEDS-ACTION")
    if entry.type == "call":
        todo.add("categories", ["CALL"])
    return todo
