"""Support KPIs from ticket and CSAT facts. Times are wall-clock hours from creation (the
SLA's business minutes are reported beside them when the support service measured them)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from reporting.domain.figures import average, hours_between, middle, rate
from reporting.domain.periods import Period

OPEN_STATUSES = ("new", "open", "pending", "on_hold")


def _created_in(tickets: Iterable, period: Period) -> list:
    return [t for t in tickets if t.status is not None and period.contains(t.created_at)]


def volume(tickets: Iterable, period: Period, group: str) -> list[dict[str, Any]]:
    counts = Counter(getattr(t, group) for t in _created_in(tickets, period))
    return [{group: key, "count": counts[key]} for key in sorted(counts, key=str)]


def response_times(tickets: Sequence, period: Period) -> dict[str, Any]:
    created = _created_in(tickets, period)
    first = [hours_between(t.created_at, t.first_responded_at) for t in created]
    solved = [t for t in tickets if t.status is not None and period.contains(t.solved_at)]
    resolution = [hours_between(t.created_at, t.solved_at) for t in solved]
    return {"tickets": len(created), "responded": sum(1 for h in first if h is not None),
            "first_response_hours_avg": average(first, 2),
            "first_response_hours_median": middle(first, 2),
            "solved": len(solved), "resolution_hours_avg": average(resolution, 2),
            "resolution_hours_median": middle(resolution, 2),
            "resolution_business_minutes_avg": average(
                t.resolution_business_minutes for t in solved)}


def sla_compliance(tickets: Iterable, period: Period) -> dict[str, Any]:
    """Of the tickets with an SLA created in the period whose outcome is known (solved, or
    breached already), the share that met every target."""
    decided = met = 0
    for ticket in _created_in(tickets, period):
        if ticket.sla_policy_id is None:
            continue
        breached = ticket.first_response_breached or ticket.resolution_breached
        if breached or ticket.solved_at is not None:
            decided += 1
            met += 0 if breached else 1
    return {"decided": decided, "met": met, "breached": decided - met,
            "compliance_rate": rate(met, decided)}


def backlog(tickets: Iterable, now: datetime) -> dict[str, Any]:
    waiting = [t for t in tickets if t.status in OPEN_STATUSES and t.created_at is not None]
    ages = [hours_between(t.created_at, now) for t in waiting]
    by_priority = Counter(t.priority for t in waiting)
    return {"open": len(waiting), "age_hours_avg": average(ages, 1),
            "age_hours_max": round(max(ages), 1) if ages else None,
            "older_than_7_days": sum(1 for t in waiting
                                     if now - t.created_at > timedelta(days=7)),
            "by_priority": dict(sorted(by_priority.items()))}


def csat(ratings: Iterable, period: Period) -> dict[str, Any]:
    """Average rating in the period, and its trend week by week."""
    inside = [r for r in ratings if period.contains(r.submitted_at)]
    weeks: dict[str, list[int]] = defaultdict(list)
    for rating in inside:
        monday = (rating.submitted_at - timedelta(days=rating.submitted_at.weekday())).date()
        weeks[monday.isoformat()].append(rating.rating)
    return {"responses": len(inside), "average": average((r.rating for r in inside), 2),
            "satisfied_rate": rate(sum(1 for r in inside if r.rating >= 4), len(inside)),
            "trend": [{"week": week, "responses": len(weeks[week]),
                       "average": average(weeks[week], 2)} for week in sorted(weeks)]}
