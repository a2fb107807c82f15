"""Activities: tasks, calls, meetings and logged emails; completion; "my day"; the feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from crm_chassis.db import UTCDateTime
from sales.domain.ical import CalendarEntry, activity_calendar
from sales.exceptions import InvalidTransition, ValidationFailed
from sales.models import Activity, new_id, now
from sales.operations import listing
from sales.operations.access import actor_id, check_owner
from sales.operations.common import apply, check_version, flush, get_live, soft_delete
from sales.schemas import ActivityOutput

FIELDS = ("type", "subject", "notes", "due_at", "start_at", "end_at", "assignee_id",
          "contact_id", "account_id", "opportunity_id")

_out = ActivityOutput()


def activity_data(activity: Activity) -> dict[str, Any]:
    return _out.dump(activity)


def get_activity(session: Session, activity_id: str) -> Activity:
    return get_live(session, Activity, activity_id, "activity")


def create_activity(uow, data: dict[str, Any]) -> Activity:
    values = {name: data[name] for name in FIELDS if name in data}
    values["assignee_id"] = values.get("assignee_id") or actor_id(uow)
    check_owner(uow, values["assignee_id"], "the activity")
    _check_times(values)
    # A logged email is a record of something done, so it is born completed.
    completed = data.get("completed", values["type"] == "email")
    activity = _add(uow, values, origin="manual", completed=completed)
    return activity


def add_follow_up_task(uow, *, origin: str, assignee_id: str | None, subject: str,
                       due_at: datetime | None = None, **links: str | None) -> Activity:
    """A task a follow-up rule (or a marketing scenario) creates, due at once unless told:
    it lands in its owner's day."""
    values = {"type": "task", "subject": subject[:300], "assignee_id": assignee_id,
              "due_at": due_at or now(),
              **{k: v for k, v in links.items() if k != "quote_id"}}
    return _add(uow, values, origin=origin, completed=False, quote_id=links.get("quote_id"))


def update_activity(uow, activity_id: str, data: dict[str, Any],
                    expected_version: int | None) -> Activity:
    activity = _writable(uow, activity_id, expected_version)
    values = {name: data[name] for name in FIELDS if name in data}
    if "assignee_id" in values:
        check_owner(uow, values["assignee_id"], "the activity")
    _check_times({name: values.get(name, getattr(activity, name)) for name in FIELDS})
    if "completed" in data:
        raise ValidationFailed("completion has its own call",
                               {"completed": ["use complete_activity"]})
    if apply(activity, values):
        flush(uow.session)
    return activity


def complete_activity(uow, activity_id: str, expected_version: int | None) -> Activity:
    activity = _writable(uow, activity_id, expected_version)
    if activity.completed_at is not None:
        raise InvalidTransition("the activity is already completed")
    activity.completed_at, activity.completed_by = now(), actor_id(uow)
    activity.updated_at = activity.completed_at
    flush(uow.session)
    uow.emit("activity.completed", {"activity": activity_data(activity),
                                    "changed_by": actor_id(uow)})
    return activity


def delete_activity(uow, activity_id: str, expected_version: int | None) -> None:
    activity = _writable(uow, activity_id, None)
    soft_delete(uow, activity, expected_version)


def my_day(session: Session, user_id: str | None, day: date, limit: int) -> dict[str, Any]:
    """Open activities due (or starting) by the end of `day`, overdue first, then undated."""
    if not user_id:
        raise ValidationFailed("whose day?", {"user_id": ["a user id, or call as a user"]})
    start = datetime.combine(day, time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    moment = now()
    when = func.coalesce(Activity.due_at, Activity.start_at)
    rows = session.scalars(
        select(Activity).where(Activity.assignee_id == user_id,
                               Activity.completed_at.is_(None), Activity.deleted_at.is_(None),
                               or_(when.is_(None), when < end))
        .order_by(case((when.is_(None), 1), else_=0),
                  func.coalesce(when, literal(end, UTCDateTime())), Activity.id)
        .limit(limit)).all()
    items = []
    for row in rows:
        due = row.due_at or row.start_at
        overdue = due is not None and due < min(moment, end)
        items.append({**activity_data(row), "overdue": overdue})
    return {"items": items, "overdue": sum(1 for item in items if item["overdue"])}


def calendar_feed(session: Session, user_id: str, horizon_days: int = 365) -> str:
    """Open work and the last `horizon_days` of it, as a subscribable calendar."""
    since = now() - timedelta(days=horizon_days)
    rows = session.scalars(select(Activity).where(
        Activity.assignee_id == user_id, Activity.deleted_at.is_(None),
        Activity.type.in_(("task", "call", "meeting")),
        or_(Activity.completed_at.is_(None), Activity.completed_at >= since),
        or_(and_(Activity.due_at.is_(None), Activity.start_at.is_(None)),
            func.coalesce(Activity.start_at, Activity.due_at) >= since))
        .order_by(Activity.created_at, Activity.id)).all()
    entries = [CalendarEntry(id=row.id, type=row.type, subject=row.subject, notes=row.notes,
                             due_at=row.due_at, start_at=row.start_at, end_at=row.end_at,
                             completed_at=row.completed_at, updated_at=row.updated_at,
                             created_at=row.created_at, version=row.version)
               for row in rows]
    return activity_calendar(entries, name=f"CRM activities of {user_id}", now=now())


def _add(uow, values: dict[str, Any], *, origin: str, completed: bool,
         quote_id: str | None = None) -> Activity:
    moment = now()
    activity = Activity(id=new_id(), version=1, created_at=moment, updated_at=moment,
                        deleted_at=None, origin=origin, quote_id=quote_id,
                        completed_at=moment if completed else None,
                        completed_by=actor_id(uow) if completed else None, **values)
    uow.session.add(activity)
    flush(uow.session)
    uow.emit("activity.created", {"activity": activity_data(activity),
                                  "changed_by": actor_id(uow)})
    if completed:
        uow.emit("activity.completed", {"activity": activity_data(activity),
                                        "changed_by": actor_id(uow)})
    return activity


def _writable(uow, activity_id: str, expected_version: int | None) -> Activity:
    activity = get_activity(uow.session, activity_id)
    check_owner(uow, activity.assignee_id, "the activity")
    check_version(activity, expected_version)
    return activity


def _check_times(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    start, end = values.get("start_at"), values.get("end_at")
    if values.get("type") == "meeting":
        if start is None:
            errors["start_at"] = ["a meeting has a start"]
        if end is None:
            errors["end_at"] = ["a meeting has an end"]
    if start is not None and end is not None and end <= start:
        errors["end_at"] = ["after the start"]
    if errors:
        raise ValidationFailed("the activity's times are not valid", errors)


ACTIVITY_FILTERS = {
    **{name: listing.equals(getattr(Activity, name)) for name in
       ("assignee_id", "type", "contact_id", "account_id", "opportunity_id", "origin",
        "quote_id")},
    "completed": lambda v: Activity.completed_at.is_not(None)
    if listing.parse_bool(v, "completed") else Activity.completed_at.is_(None),
    "due_after": listing.on_or_after(Activity.due_at, listing.parse_time),
    "due_before": listing.before(Activity.due_at, listing.parse_time),
}


def list_activities(session: Session,
                    query: dict[str, Any]) -> tuple[list[Activity], str | None]:
    conditions = [Activity.deleted_at.is_(None)]
    conditions += listing.conditions_for(query["filters"], ACTIVITY_FILTERS)
    return listing.page(session, Activity, conditions, query,
                        {"created_at", "updated_at", "due_at"})
