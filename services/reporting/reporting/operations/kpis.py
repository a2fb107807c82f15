"""The dashboards' KPIs, computed by the database for a period and the one before it.

Each family of KPIs is one aggregate query over the rows of the two periods (an index
range on their dates): the rows never leave the database, so a dashboard over a million
contacts costs a count, not a million rows read into Python. The definitions are those of
the reports (reporting/domain): the tests check that both give the same figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Numeric, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

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
PERIODS = ("value", "previous")


@dataclass(frozen=True)
class Window:
    """The period asked for and the one before it; whose figures (an owner's, or all)."""

    period: Period
    owner_id: str | None
    now: datetime

    @property
    def periods(self) -> tuple[Period, Period]:
        return self.period, self.period.previous()

    def during(self, column) -> Any:
        """`column` within either period (they are adjacent: one range)."""
        return and_(column >= self.period.previous().start, column < self.period.end)


def _in(column, period: Period):
    return and_(column >= period.start, column < period.end)


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum(condition, value):
    return func.sum(case((condition, value)))


def _seconds(session: Session, start, end):
    """end - start in seconds, in the dialect's words."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _amount(session: Session, column):
    """A decimal string as a number to sum: exact NUMERIC on PostgreSQL; SQLite has no
    decimal type (its float sum is rounded to the cent, as the reports round theirs)."""
    return cast(column, Numeric(24, 6) if session.get_bind().dialect.name == "postgresql"
                else Float)


def _money(rows, label: str) -> dict[str, str]:
    """{currency: total} over rows grouped by currency, like figures.money."""
    totals = {}
    for row in rows:
        total = row._mapping[label]
        if row.currency and total is not None:
            totals[row.currency] = str(Decimal(str(total)).quantize(CENT))
    return dict(sorted(totals.items()))


def _average(total, count, scale: float, digits: int) -> float | None:
    return round(float(total) / count / scale, digits) if count else None


def _both(measure: Callable[[str], Any]) -> tuple[Any, Any]:
    return measure("value"), measure("previous")


# --- families: each one query, every KPI of the family for both periods -------------------


def deals(session: Session, w: Window) -> dict[str, tuple]:
    d = OpportunityFacts
    amount, weighted = _amount(session, d.amount), _amount(session, d.weighted_amount)
    columns = []
    for name, period in zip(PERIODS, w.periods, strict=True):
        created, closed = _in(d.created_at, period), _in(d.closed_at, period)
        won, lost = and_(closed, d.status == "won"), and_(closed, d.status == "lost")
        from_campaign = d.source_campaign_id.is_not(None)
        expected = and_(d.status == "open", d.expected_close_date >= period.start.date(),
                        d.expected_close_date < period.end.date())
        timed_win = and_(won, d.created_at.is_not(None))
        columns += [
            _count(created).label(f"new_deals_{name}"),
            _count(and_(created, from_campaign)).label(f"campaign_deals_{name}"),
            _count(won).label(f"won_{name}"), _count(lost).label(f"lost_{name}"),
            _sum(created, amount).label(f"new_pipeline_{name}"),
            _sum(won, amount).label(f"won_amount_{name}"),
            _sum(and_(won, from_campaign), amount).label(f"campaign_revenue_{name}"),
            _sum(expected, weighted).label(f"forecast_{name}"),
            _sum(timed_win, _seconds(session, d.created_at, d.closed_at))
            .label(f"cycle_seconds_{name}"),
            _count(timed_win).label(f"cycle_count_{name}")]
    whole = w.period.previous().start.date(), w.period.end.date()
    query = select(d.currency, *columns).where(
        d.deleted_at.is_(None), d.status.is_not(None),
        or_(w.during(d.created_at), w.during(d.closed_at),
            and_(d.status == "open", d.expected_close_date >= whole[0],
                 d.expected_close_date < whole[1]))).group_by(d.currency)
    if w.owner_id:
        query = query.where(d.owner_id == w.owner_id)
    rows = session.execute(query).all()

    def total(label: str) -> int:
        return sum(row._mapping[label] or 0 for row in rows)

    def win_rate(name: str) -> float | None:
        won = total(f"won_{name}")
        return rate(won, won + total(f"lost_{name}"))

    return {
        "new_deals": _both(lambda name: total(f"new_deals_{name}")),
        "campaign_deals": _both(lambda name: total(f"campaign_deals_{name}")),
        "won_deals": _both(lambda name: total(f"won_{name}")),
        "win_rate": _both(win_rate),
        "new_pipeline": _both(lambda name: _money(rows, f"new_pipeline_{name}")),
        "won_amount": _both(lambda name: _money(rows, f"won_amount_{name}")),
        "campaign_revenue": _both(lambda name: _money(rows, f"campaign_revenue_{name}")),
        "forecast": _both(lambda name: _money(rows, f"forecast_{name}")),
        "sales_cycle_days": _both(lambda name: _average(
            sum(row._mapping[f"cycle_seconds_{name}"] or 0 for row in rows),
            total(f"cycle_count_{name}"), 86400.0, 1)),
    }


def orders(session: Session, w: Window) -> dict[str, tuple]:
    o = OrderFacts
    columns = [_sum(_in(o.ordered_at, period), _amount(session, o.total)).label(name)
               for name, period in zip(PERIODS, w.periods, strict=True)]
    query = select(o.currency, *columns).where(w.during(o.ordered_at)).group_by(o.currency)
    if w.owner_id:
        query = query.where(o.owner_id == w.owner_id)
    rows = session.execute(query).all()
    return {"order_revenue": _both(lambda name: _money(rows, name))}


def activities(session: Session, w: Window) -> dict[str, tuple]:
    a = ActivityFacts
    query = select(*(_count(_in(a.created_at, period)).label(name)
                     for name, period in zip(PERIODS, w.periods, strict=True))).where(
        a.type.is_not(None), w.during(a.created_at))
    if w.owner_id:
        query = query.where(a.assignee_id == w.owner_id)
    row = session.execute(query).one()._mapping
    return {"activities": _both(lambda name: row[name])}


def leads(session: Session, w: Window) -> dict[str, tuple]:
    """Leads created in the period (not merged away), and how many became customers."""
    c = ContactFacts
    columns = []
    for name, period in zip(PERIODS, w.periods, strict=True):
        lead = and_(_in(c.created_at, period), c.was_lead.is_(True))
        columns += [_count(lead).label(f"leads_{name}"),
                    _count(and_(lead, c.became_customer_at.is_not(None)))
                    .label(f"customers_{name}")]
    row = session.execute(select(*columns).where(
        c.deleted_at.is_(None), c.merged_into.is_(None), w.during(c.created_at))).one()._mapping
    return {"leads": _both(lambda name: row[f"leads_{name}"]),
            "lead_conversion": _both(lambda name: rate(row[f"customers_{name}"],
                                                       row[f"leads_{name}"]))}


def customers(session: Session, w: Window) -> dict[str, tuple]:
    c = ContactFacts
    row = session.execute(select(*(
        _count(_in(c.became_customer_at, period)).label(name)
        for name, period in zip(PERIODS, w.periods, strict=True))).where(
        c.deleted_at.is_(None), c.created_at.is_not(None), c.merged_into.is_(None),
        w.during(c.became_customer_at))).one()._mapping
    return {"new_customers": _both(lambda name: row[name])}


def mails(session: Session, w: Window) -> dict[str, tuple]:
    r = CampaignRecipient
    row = session.execute(select(*(
        _count(_in(r.sent_at, period)).label(name)
        for name, period in zip(PERIODS, w.periods, strict=True))).where(
        w.during(r.sent_at))).one()._mapping
    return {"mails_sent": _both(lambda name: row[name])}


def tickets(session: Session, w: Window) -> dict[str, tuple]:
    t = TicketFacts
    columns = []
    for name, period in zip(PERIODS, w.periods, strict=True):
        created, solved = _in(t.created_at, period), _in(t.solved_at, period)
        responded = and_(created, t.first_responded_at.is_not(None))
        timed_solve = and_(solved, t.created_at.is_not(None))
        breached = or_(t.first_response_breached.is_(True), t.resolution_breached.is_(True))
        decided = and_(created, t.sla_policy_id.is_not(None),
                       or_(breached, t.solved_at.is_not(None)))
        columns += [
            _count(created).label(f"tickets_{name}"),
            _sum(responded, _seconds(session, t.created_at, t.first_responded_at))
            .label(f"response_seconds_{name}"),
            _count(responded).label(f"responded_{name}"),
            _sum(timed_solve, _seconds(session, t.created_at, t.solved_at))
            .label(f"resolution_seconds_{name}"),
            _count(timed_solve).label(f"solved_{name}"),
            _count(decided).label(f"decided_{name}"),
            _count(and_(decided, ~breached)).label(f"met_{name}")]
    row = session.execute(select(*columns).where(
        t.status.is_not(None), or_(w.during(t.created_at), w.during(t.solved_at)))
    ).one()._mapping
    return {
        "tickets": _both(lambda name: row[f"tickets_{name}"]),
        "first_response_hours": _both(lambda name: _average(
            row[f"response_seconds_{name}"] or 0, row[f"responded_{name}"], 3600.0, 2)),
        "resolution_hours": _both(lambda name: _average(
            row[f"resolution_seconds_{name}"] or 0, row[f"solved_{name}"], 3600.0, 2)),
        "sla_compliance": _both(lambda name: rate(row[f"met_{name}"],
                                                  row[f"decided_{name}"])),
    }


def backlog(session: Session, w: Window) -> dict[str, tuple]:
    """Tickets open at the end of each period (or now, for the current one)."""
    t = TicketFacts
    moments = [min(w.now, period.end) for period in w.periods]
    columns = [_count(and_(t.created_at < moment,
                           or_(t.solved_at.is_(None), t.solved_at >= moment),
                           or_(t.closed_at.is_(None), t.closed_at >= moment))).label(name)
               for name, moment in zip(PERIODS, moments, strict=True)]
    earliest = min(moments)
    row = session.execute(select(*columns).where(
        t.status.is_not(None), t.created_at < max(moments),
        or_(t.solved_at.is_(None), t.solved_at >= earliest))).one()._mapping
    return {"backlog": _both(lambda name: row[name])}


def csat(session: Session, w: Window) -> dict[str, tuple]:
    r = CsatFacts
    columns = []
    for name, period in zip(PERIODS, w.periods, strict=True):
        inside = _in(r.submitted_at, period)
        columns += [_sum(inside, r.rating).label(f"total_{name}"),
                    _count(inside).label(f"count_{name}")]
    row = session.execute(select(*columns).where(
        r.rating.is_not(None), w.during(r.submitted_at))).one()._mapping
    return {"csat": _both(lambda name: _average(row[f"total_{name}"] or 0,
                                               row[f"count_{name}"], 1.0, 2))}


FAMILIES: dict[str, Callable[[Session, Window], dict[str, tuple]]] = {
    "deals": deals, "orders": orders, "activities": activities, "leads": leads,
    "customers": customers, "mails": mails, "tickets": tickets, "backlog": backlog,
    "csat": csat}


def measure(session: Session, families: set[str], w: Window) -> dict[str, tuple]:
    """{KPI key: (value, previous)} of every KPI of `families`."""
    values: dict[str, tuple] = {}
    for family in sorted(families):
        values.update(FAMILIES[family](session, w))
    return values
