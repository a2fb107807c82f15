"""Role dashboards: a set of KPIs for a period, the previous period beside each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reporting.domain import sales, support
from reporting.domain.figures import change, money
from reporting.domain.periods import Period
from reporting.operations.facts import Facts

ROLES = ("sales_rep", "sales_manager", "marketer", "support_manager", "executive")


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str  # count, percent, money, days, hours, rating
    measure: Callable[[Facts, Period, datetime], Any]


def _new_pipeline(facts, period, now):
    return money((d.currency, d.amount) for d in facts.deals if period.contains(d.created_at))


def _new_deals(facts, period, now):
    return sum(1 for d in facts.deals if period.contains(d.created_at))


def _won_amount(facts, period, now):
    return sales.win_rate(facts.deals, period)["won_amount"]


def _won_deals(facts, period, now):
    return sales.win_rate(facts.deals, period)["won"]


def _win_rate(facts, period, now):
    return sales.win_rate(facts.deals, period)["win_rate"]


def _cycle(facts, period, now):
    return sales.cycle_length_days(facts.deals, period)


def _forecast(facts, period, now):
    return sales.forecast(facts.deals, period)["weighted_open"]


def _activities(facts, period, now):
    return sum(1 for a in facts.activities if period.contains(a.created_at))


def _leads(facts, period, now):
    return sales.lead_conversion(facts.contacts, period)["leads"]


def _lead_conversion(facts, period, now):
    return sales.lead_conversion(facts.contacts, period)["conversion_rate"]


def _new_customers(facts, period, now):
    return sum(1 for c in facts.contacts if c.merged_into is None
               and period.contains(c.became_customer_at))


def _campaign_deals(facts, period, now):
    return sum(1 for d in facts.deals if d.source_campaign_id and period.contains(d.created_at))


def _campaign_revenue(facts, period, now):
    won, _ = sales.closed_in(facts.deals, period)
    return money((d.currency, d.amount) for d in won if d.source_campaign_id)


def _mails_sent(facts, period, now):
    return sum(1 for r in facts.recipients if period.contains(r.sent_at))


def _tickets(facts, period, now):
    return sum(1 for t in facts.tickets if period.contains(t.created_at))


def _first_response(facts, period, now):
    return support.response_times(facts.tickets, period)["first_response_hours_avg"]


def _resolution(facts, period, now):
    return support.response_times(facts.tickets, period)["resolution_hours_avg"]


def _sla(facts, period, now):
    return support.sla_compliance(facts.tickets, period)["compliance_rate"]


def _csat(facts, period, now):
    return support.csat(facts.ratings, period)["average"]


def _backlog(facts, period, now):
    # The backlog at the end of the period (or now, for the current one).
    moment = min(now, period.end)
    return sum(1 for t in facts.tickets if t.created_at is not None and t.created_at < moment
               and (t.solved_at is None or t.solved_at >= moment)
               and (t.closed_at is None or t.closed_at >= moment))


def _order_revenue(facts, period, now):
    return money((o.currency, o.total) for o in facts.orders if period.contains(o.ordered_at))


K = Kpi
SALES_REP = (
    K("new_pipeline", "New pipeline", "money", _new_pipeline),
    K("new_deals", "New deals", "count", _new_deals),
    K("won_amount", "Won", "money", _won_amount),
    K("won_deals", "Deals won", "count", _won_deals),
    K("win_rate", "Win rate", "percent", _win_rate),
    K("forecast", "Weighted forecast", "money", _forecast),
    K("activities", "Activities logged", "count", _activities),
)
DASHBOARDS: dict[str, tuple[Kpi, ...]] = {
    "sales_rep": SALES_REP,
    "sales_manager": SALES_REP + (
        K("sales_cycle_days", "Sales cycle", "days", _cycle),
        K("lead_conversion", "Lead to customer", "percent", _lead_conversion),
    ),
    "marketer": (
        K("leads", "New leads", "count", _leads),
        K("lead_conversion", "Lead to customer", "percent", _lead_conversion),
        K("campaign_deals", "Deals from campaigns", "count", _campaign_deals),
        K("campaign_revenue", "Revenue from campaigns", "money", _campaign_revenue),
        K("mails_sent", "Mails sent", "count", _mails_sent),
    ),
    "support_manager": (
        K("tickets", "New tickets", "count", _tickets),
        K("first_response_hours", "First response", "hours", _first_response),
        K("resolution_hours", "Resolution", "hours", _resolution),
        K("sla_compliance", "SLA compliance", "percent", _sla),
        K("csat", "CSAT", "rating", _csat),
        K("backlog", "Open tickets", "count", _backlog),
    ),
    "executive": (
        K("won_amount", "Won", "money", _won_amount),
        K("order_revenue", "Ordered", "money", _order_revenue),
        K("win_rate", "Win rate", "percent", _win_rate),
        K("new_customers", "New customers", "count", _new_customers),
        K("tickets", "New tickets", "count", _tickets),
        K("sla_compliance", "SLA compliance", "percent", _sla),
        K("csat", "CSAT", "rating", _csat),
    ),
}


def dashboard(facts: Facts, role: str, period: Period, now: datetime) -> dict[str, Any]:
    previous = period.previous()
    kpis = []
    for kpi in DASHBOARDS[role]:
        value, before = kpi.measure(facts, period, now), kpi.measure(facts, previous, now)
        kpis.append({"key": kpi.key, "label": kpi.label, "unit": kpi.unit, "value": value,
                     "previous": before, "change": change(value, before)})
    return {"role": role, "owner_id": facts.scope.owner_id, "period": period.as_dict(),
            "previous_period": previous.as_dict(), "kpis": kpis}


def kpi_value(facts: Facts, key: str, period: Period, now: datetime) -> Any:
    for kpis in DASHBOARDS.values():
        for kpi in kpis:
            if kpi.key == key:
                return kpi.measure(facts, period, now)
    raise KeyError(key)
