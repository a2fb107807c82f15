"""The dashboards' KPIs: families of additive parts per day, added up over a period.

A family (deals, tickets, leads...) is one aggregate query over its fact table that gives,
for a range of time, the additive parts its KPIs are made of: counts, sums of seconds, money
per currency, grouped by owner where its KPIs can be an owner's. Those parts are kept per
day (operations/rollups.py), so a dashboard adds up some sixty days of parts instead of
reading every fact of its two periods; `finish` turns the parts of a period into KPIs. The
definitions are those of the reports (reporting/domain): the tests check that both agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Numeric, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from crm_chassis.db import is_postgres
from reporting.domain.figures import rate
from reporting.domain.periods import Period
from reporting.models import (
    ActivityFacts,
    CampaignRecipient,
    ContactFacts,
    CsatFacts,
    OpportunityFacts,
    OrderFacts,
    TicketFacts,
)

CENT = Decimal("0.01")
_NONE = literal("")  # the owner or currency of a family that has none


@dataclass(frozen=True)
class Window:
    """The period asked for and the one before it; whose figures (an owner's, or all)."""

    period: Period
    owner_id: str | None
    now: datetime

    @property
    def periods(self) -> tuple[Period, Period]:
        return self.period, self.period.previous()


def _in(column, start, end):
    return and_(column >= start, column < end)


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum(condition, value):
    return func.sum(case((condition, value)))


def _seconds(session: Session, start, end):
    """end - start in seconds, in the dialect's words."""
    if is_postgres(session):
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _amount(session: Session, column):
    """A decimal string as a number to sum: exact NUMERIC on PostgreSQL; SQLite has no
    decimal type (its float sum is rounded to the cent, as the reports round theirs)."""
    return cast(column, Numeric(24, 6) if is_postgres(session) else Float)


def _average(total, count, scale: float, digits: int) -> float | None:
    return round(float(total) / count / scale, digits) if count else None


def _money(totals: dict[str, Decimal]) -> dict[str, str]:
    return {currency: str(totals[currency].quantize(CENT)) for currency in sorted(totals)}


@dataclass(frozen=True)
class Family:
    """`parts(session, start, end)`: a SELECT of (owner, currency, part...) over the facts
    of [start, end), grouped by owner and currency; `money` names the parts that are money;
    `days` the fact columns whose day a fact counts on (a write to one dirties that day);
    `finish(parts)` the KPIs of a period from its summed parts. A `cumulative` family's
    KPI is a state at the period's end (or now): every day before it is added up."""

    model: Any
    days: tuple[str, ...]
    parts: Callable[[Session, datetime, datetime], Any]
    finish: Callable[[dict[str, Any]], dict[str, Any]]
    money: tuple[str, ...] = ()
    by_owner: bool = False
    cumulative: bool = False


def _deal_parts(session: Session, start: datetime, end: datetime):
    d = OpportunityFacts
    amount, weighted = _amount(session, d.amount), _amount(session, d.weighted_amount)
    created, closed = _in(d.created_at, start, end), _in(d.closed_at, start, end)
    won, lost = and_(closed, d.status == "won"), and_(closed, d.status == "lost")
    from_campaign = d.source_campaign_id.is_not(None)
    expected = and_(d.status == "open", _in(d.expected_close_date, start.date(), end.date()))
    timed_win = and_(won, d.created_at.is_not(None))
    return select(
        func.coalesce(d.owner_id, "").label("owner"),
        func.coalesce(d.currency, "").label("currency"),
        _count(created).label("new_deals"),
        _count(and_(created, from_campaign)).label("campaign_deals"),
        _count(won).label("won"), _count(lost).label("lost"),
        _sum(created, amount).label("new_pipeline"), _sum(won, amount).label("won_amount"),
        _sum(and_(won, from_campaign), amount).label("campaign_revenue"),
        _sum(expected, weighted).label("forecast"),
        _sum(timed_win, _seconds(session, d.created_at, d.closed_at)).label("cycle_seconds"),
        _count(timed_win).label("cycle_count"),
    ).where(d.deleted_at.is_(None), d.status.is_not(None), or_(created, closed, expected)
            ).group_by(d.owner_id, d.currency)


def _deal_kpis(p: dict[str, Any]) -> dict[str, Any]:
    return {"new_deals": p["new_deals"], "campaign_deals": p["campaign_deals"],
            "won_deals": p["won"], "win_rate": rate(p["won"], p["won"] + p["lost"]),
            "new_pipeline": _money(p["new_pipeline"]), "won_amount": _money(p["won_amount"]),
            "campaign_revenue": _money(p["campaign_revenue"]),
            "forecast": _money(p["forecast"]),
            "sales_cycle_days": _average(p["cycle_seconds"], p["cycle_count"], 86400.0, 1)}


def _order_parts(session: Session, start: datetime, end: datetime):
    o = OrderFacts
    return select(func.coalesce(o.owner_id, "").label("owner"), o.currency.label("currency"),
                  func.sum(_amount(session, o.total)).label("total")).where(
        _in(o.ordered_at, start, end)).group_by(o.owner_id, o.currency)


def _activity_parts(session: Session, start: datetime, end: datetime):
    a = ActivityFacts
    return select(func.coalesce(a.assignee_id, "").label("owner"), _NONE.label("currency"),
                  func.count().label("activities")).where(
        a.type.is_not(None), _in(a.created_at, start, end)).group_by(a.assignee_id)


def _lead_parts(session: Session, start: datetime, end: datetime):
    """Leads created in the range (not merged away), and how many became customers."""
    c = ContactFacts
    return select(_NONE.label("owner"), _NONE.label("currency"), func.count().label("leads"),
                  _count(c.became_customer_at.is_not(None)).label("customers")).where(
        c.deleted_at.is_(None), c.merged_into.is_(None), c.was_lead.is_(True),
        _in(c.created_at, start, end))


def _customer_parts(session: Session, start: datetime, end: datetime):
    c = ContactFacts
    return select(_NONE.label("owner"), _NONE.label("currency"),
                  func.count().label("new_customers")).where(
        c.deleted_at.is_(None), c.created_at.is_not(None), c.merged_into.is_(None),
        _in(c.became_customer_at, start, end))


def _mail_parts(session: Session, start: datetime, end: datetime):
    r = CampaignRecipient
    return select(_NONE.label("owner"), _NONE.label("currency"),
                  func.count().label("mails_sent")).where(
        _in(r.sent_at, start, end))


def _ticket_parts(session: Session, start: datetime, end: datetime):
    t = TicketFacts
    created, solved = _in(t.created_at, start, end), _in(t.solved_at, start, end)
    responded = and_(created, t.first_responded_at.is_not(None))
    timed_solve = and_(solved, t.created_at.is_not(None))
    breached = or_(t.first_response_breached.is_(True), t.resolution_breached.is_(True))
    decided = and_(created, t.sla_policy_id.is_not(None),
                   or_(breached, t.solved_at.is_not(None)))
    return select(
        _NONE.label("owner"), _NONE.label("currency"), _count(created).label("tickets"),
        _sum(responded, _seconds(session, t.created_at, t.first_responded_at))
        .label("response_seconds"),
        _count(responded).label("responded"),
        _sum(timed_solve, _seconds(session, t.created_at, t.solved_at))
        .label("resolution_seconds"),
        _count(timed_solve).label("solved"),
        _count(decided).label("decided"), _count(and_(decided, ~breached)).label("met"),
    ).where(t.status.is_not(None), or_(created, solved))


def _ticket_kpis(p: dict[str, Any]) -> dict[str, Any]:
    return {"tickets": p["tickets"],
            "first_response_hours": _average(p["response_seconds"], p["responded"], 3600.0, 2),
            "resolution_hours": _average(p["resolution_seconds"], p["solved"], 3600.0, 2),
            "sla_compliance": rate(p["met"], p["decided"])}


def _backlog_parts(session: Session, start: datetime, end: datetime):
    """Tickets opened in the range, and those that stopped waiting in it (solved or closed,
    whichever came first): the backlog at a moment is all opened before it less all that
    stopped waiting before it."""
    t = TicketFacts
    stopped = case((t.solved_at.is_(None), t.closed_at), (t.closed_at.is_(None), t.solved_at),
                   (t.solved_at < t.closed_at, t.solved_at), else_=t.closed_at)
    opened, done = _in(t.created_at, start, end), _in(stopped, start, end)
    return select(_NONE.label("owner"), _NONE.label("currency"), _count(opened).label("opened"),
                  _count(done).label("stopped")).where(
        t.status.is_not(None), t.created_at.is_not(None),
        or_(opened, _in(t.solved_at, start, end), _in(t.closed_at, start, end)))


def _csat_parts(session: Session, start: datetime, end: datetime):
    r = CsatFacts
    return select(_NONE.label("owner"), _NONE.label("currency"), func.sum(r.rating).label("total"),
                  func.count().label("ratings")).where(
        r.rating.is_not(None), _in(r.submitted_at, start, end))


FAMILIES: dict[str, Family] = {
    "deals": Family(OpportunityFacts, ("created_at", "closed_at", "expected_close_date"),
                    _deal_parts, _deal_kpis, by_owner=True,
                    money=("new_pipeline", "won_amount", "campaign_revenue", "forecast")),
    "orders": Family(OrderFacts, ("ordered_at",), _order_parts,
                     lambda p: {"order_revenue": _money(p["total"])}, money=("total",),
                     by_owner=True),
    "activities": Family(ActivityFacts, ("created_at",), _activity_parts,
                         lambda p: {"activities": p["activities"]}, by_owner=True),
    "leads": Family(ContactFacts, ("created_at",), _lead_parts,
                    lambda p: {"leads": p["leads"],
                               "lead_conversion": rate(p["customers"], p["leads"])}),
    "customers": Family(ContactFacts, ("became_customer_at",), _customer_parts,
                        lambda p: {"new_customers": p["new_customers"]}),
    "mails": Family(CampaignRecipient, ("sent_at",), _mail_parts,
                    lambda p: {"mails_sent": p["mails_sent"]}),
    "tickets": Family(TicketFacts, ("created_at", "solved_at"), _ticket_parts, _ticket_kpis),
    "backlog": Family(TicketFacts, ("created_at", "solved_at", "closed_at"), _backlog_parts,
                      lambda p: {"backlog": p["opened"] - p["stopped"]}, cumulative=True),
    "csat": Family(CsatFacts, ("submitted_at",), _csat_parts,
                   lambda p: {"csat": _average(p["total"], p["ratings"], 1.0, 2)}),
}


# --- adding up the days of a period -----------------------------------------------------------


def add_up(family: Family, rows: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    """The parts of several (owner, currency, parts) rows added up: numbers summed (0 when
    no row has them), money kept per currency."""
    total: dict[str, Any] = defaultdict(int, {name: {} for name in family.money})
    for _, currency, parts in rows:
        for name, value in parts.items():
            if name not in family.money:
                total[name] += value or 0
            elif value is not None and currency:
                total[name][currency] = total[name].get(currency, Decimal(0)) + \
                    Decimal(str(value))
    return total


def kpis_of(name: str, days: dict[date, list], w: Window) -> dict[str, tuple]:
    """{KPI: (value, previous)} of a family from its rollups, {day: [(owner, currency,
    parts)]} (only the owner's, when the window is an owner's)."""
    family = FAMILIES[name]
    values = []
    for period in w.periods:
        if family.cumulative:
            # At the end of the period, or now for the current one: every day before it.
            moment = min(w.now, period.end)
            first = date.min
            last = moment.date() + timedelta(days=0 if moment.time() == time(0) else 1)
        else:
            first, last = period.start.date(), period.end.date()
        chosen = [row for day, rows in days.items() if first <= day < last for row in rows]
        values.append(family.finish(add_up(family, chosen)))
    return {key: (values[0][key], values[1][key]) for key in values[0]}
