"""Business-hours calendars and SLA policies."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm_chassis.lazy_begin import prepared
from support.domain import business_time, sla
from support.exceptions import Conflict, NotFound, ValidationFailed
from support.models import Calendar, SlaPolicy
from support.operations.common import apply, check_version, flush, get_or_404, plain

_cache: dict[tuple[str, int], business_time.Calendar] = {}


def default_calendar(session: Session) -> Calendar:
    calendar = session.scalar(select(Calendar).where(Calendar.is_default.is_(True)))
    if calendar is None:
        raise NotFound("no default calendar: apply the migrations")
    return calendar


def get_calendar(session: Session, calendar_id: str | None) -> Calendar:
    if not calendar_id:
        return default_calendar(session)
    return get_or_404(session, Calendar, calendar_id, "calendar")


RULES_KEY = "support.calendar_rules"


def rules_of(calendar: Calendar | Row) -> business_time.Calendar:
    """The pure calendar of a row (or of any row with its timezone, hours and holidays),
    kept per content: parsing it on every read is waste.
    (Not per id and version: two databases, as tests have, may hold different calendars
    under the same id and version.)"""
    key = (calendar.timezone, json.dumps(calendar.hours, sort_keys=True),
           tuple(calendar.holidays or ()))
    if key not in _cache:
        _cache[key] = business_time.Calendar.from_data(calendar.timezone, calendar.hours,
                                                       calendar.holidays)
    return _cache[key]


def _known_rules(session: Session) -> dict[str | None, business_time.Calendar]:
    """The calendars' rules this session has read, by calendar id."""
    return session.info.setdefault(RULES_KEY, {})


def calendar_rules(session: Session, calendar_id: str | None) -> business_time.Calendar:
    """Remembered for the session: a page of tickets shares a calendar or two, and their
    rows, which nothing else holds, would otherwise be read again for every ticket."""
    known = _known_rules(session)
    if calendar_id not in known:
        row = session.get(Calendar, calendar_id) if calendar_id else None
        known[calendar_id] = rules_of(row or default_calendar(session))
    return known[calendar_id]


def calendar_data(calendar: Calendar) -> dict[str, Any]:
    return plain({"id": calendar.id, "name": calendar.name, "timezone": calendar.timezone,
                  "hours": calendar.hours, "holidays": calendar.holidays,
                  "is_default": calendar.is_default, "version": calendar.version})


def update_calendar(uow, calendar_id: str, data: dict[str, Any],
                    expected_version: int | None) -> Calendar:
    calendar = get_calendar(uow.session, calendar_id)
    check_version(calendar, expected_version)
    if "holidays" in data:
        data["holidays"] = sorted({day.isoformat() for day in data["holidays"]})
    apply(calendar, data)
    flush(uow.session)
    uow.session.info.pop(RULES_KEY, None)
    return calendar


def list_policies(session: Session) -> list[SlaPolicy]:
    return list(session.scalars(select(SlaPolicy).order_by(SlaPolicy.tier, SlaPolicy.priority)))


_policies, _calendars = SlaPolicy.__table__.c, Calendar.__table__.c
# Built once, as plain columns: building the query and loading two ORM objects a row was
# two thirds of this function's time, and a ticket's creation is the service's busiest write.
_POLICY_FOR = prepared(
    select(_policies.id, _policies.priority, _policies.tier, _policies.calendar_id,
           _policies.first_response_minutes, _policies.resolution_minutes,
           _calendars.timezone, _calendars.hours, _calendars.holidays)
    .join_from(SlaPolicy.__table__, Calendar.__table__, _calendars.id == _policies.calendar_id)
    .where(_policies.priority == bindparam("priority"),
           or_(_policies.tier == bindparam("tier"), _policies.tier == "default")))


def policy_for(session: Session, priority: str, tier: str) -> Row | None:
    """What a new ticket of this priority and tier runs under (the policy's id, calendar
    and targets), read with its calendar in one query; the calendar's rules are then
    remembered for the session, as `calendar_rules` does."""
    rows = session.connection().execute(
        _POLICY_FOR, {"priority": priority, "tier": tier}).all()
    policy = sla.select_policy(rows, priority, tier)
    if policy is not None:
        _known_rules(session)[policy.calendar_id] = rules_of(policy)
    return policy


def policy_data(policy: SlaPolicy) -> dict[str, Any]:
    return plain({"id": policy.id, "name": policy.name, "priority": policy.priority,
                  "tier": policy.tier, "first_response_minutes": policy.first_response_minutes,
                  "resolution_minutes": policy.resolution_minutes,
                  "calendar_id": policy.calendar_id, "version": policy.version,
                  "created_at": policy.created_at, "updated_at": policy.updated_at})


def get_policy(session: Session, policy_id: str) -> SlaPolicy:
    return get_or_404(session, SlaPolicy, policy_id, "SLA policy")


def _check_targets(values: dict[str, Any]) -> None:
    if values["first_response_minutes"] > values["resolution_minutes"]:
        raise ValidationFailed("the first response cannot be due after the resolution", {
            "first_response_minutes": ["at most resolution_minutes"]})


def create_policy(uow, data: dict[str, Any]) -> SlaPolicy:
    data["calendar_id"] = get_calendar(uow.session, data.get("calendar_id")).id
    _check_targets(data)
    policy = SlaPolicy(**data)
    uow.session.add(policy)
    _flush_unique(uow.session, data)
    return policy


def update_policy(uow, policy_id: str, data: dict[str, Any],
                  expected_version: int | None) -> SlaPolicy:
    policy = get_policy(uow.session, policy_id)
    check_version(policy, expected_version)
    if "calendar_id" in data:
        data["calendar_id"] = get_calendar(uow.session, data["calendar_id"]).id
    apply(policy, data)
    _check_targets({"first_response_minutes": policy.first_response_minutes,
                    "resolution_minutes": policy.resolution_minutes})
    _flush_unique(uow.session, {"priority": policy.priority, "tier": policy.tier})
    return policy


def delete_policy(uow, policy_id: str, expected_version: int | None) -> None:
    policy = get_policy(uow.session, policy_id)
    check_version(policy, expected_version)
    uow.session.delete(policy)
    flush(uow.session)


def _flush_unique(session: Session, data: dict[str, Any]) -> None:
    try:
        flush(session)
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a {data['tier']} policy for {data['priority']} priority exists "
                       "already") from None
