"""Role dashboards: a set of KPIs for a period, the previous period beside each, added up
from daily rollups (operations/kpis.py, operations/rollups.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from reporting.domain.figures import change
from reporting.domain.periods import Period
from reporting.operations import rollups
from reporting.operations.kpis import Window

ROLES = ("sales_rep", "sales_manager", "marketer", "support_manager", "executive")


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str  # count, percent, money, days, hours, rating
    family: str  # the family of operations/kpis.py that measures it


K = Kpi
SALES_REP = (
    K("new_pipeline", "New pipeline", "money", "deals"),
    K("new_deals", "New deals", "count", "deals"),
    K("won_amount", "Won", "money", "deals"),
    K("won_deals", "Deals won", "count", "deals"),
    K("win_rate", "Win rate", "percent", "deals"),
    K("forecast", "Weighted forecast", "money", "deals"),
    K("activities", "Activities logged", "count", "activities"),
)
DASHBOARDS: dict[str, tuple[Kpi, ...]] = {
    "sales_rep": SALES_REP,
    "sales_manager": SALES_REP + (
        K("sales_cycle_days", "Sales cycle", "days", "deals"),
        K("lead_conversion", "Lead to customer", "percent", "leads"),
    ),
    "marketer": (
        K("leads", "New leads", "count", "leads"),
        K("lead_conversion", "Lead to customer", "percent", "leads"),
        K("campaign_deals", "Deals from campaigns", "count", "deals"),
        K("campaign_revenue", "Revenue from campaigns", "money", "deals"),
        K("mails_sent", "Mails sent", "count", "mails"),
    ),
    "support_manager": (
        K("tickets", "New tickets", "count", "tickets"),
        K("first_response_hours", "First response", "hours", "tickets"),
        K("resolution_hours", "Resolution", "hours", "tickets"),
        K("sla_compliance", "SLA compliance", "percent", "tickets"),
        K("csat", "CSAT", "rating", "csat"),
        K("backlog", "Open tickets", "count", "backlog"),
    ),
    "executive": (
        K("won_amount", "Won", "money", "deals"),
        K("order_revenue", "Ordered", "money", "orders"),
        K("win_rate", "Win rate", "percent", "deals"),
        K("new_customers", "New customers", "count", "customers"),
        K("tickets", "New tickets", "count", "tickets"),
        K("sla_compliance", "SLA compliance", "percent", "tickets"),
        K("csat", "CSAT", "rating", "csat"),
    ),
}
KPIS = {kpi.key: kpi for kpis in DASHBOARDS.values() for kpi in kpis}


def dashboard(session: Session, role: str, period: Period, owner_id: str | None,
              now: datetime) -> dict[str, Any]:
    window = Window(period, owner_id, now)
    measured = rollups.measure(session, {kpi.family for kpi in DASHBOARDS[role]}, window)
    rows = []
    for kpi in DASHBOARDS[role]:
        value, before = measured[kpi.key]
        rows.append({"key": kpi.key, "label": kpi.label, "unit": kpi.unit, "value": value,
                     "previous": before, "change": change(value, before)})
    return {"role": role, "owner_id": owner_id, "period": period.as_dict(),
            "previous_period": period.previous().as_dict(), "kpis": rows}


def kpi_value(session: Session, key: str, period: Period, now: datetime) -> Any:
    """One KPI over everyone's figures, for the period (KeyError when there is none)."""
    kpi = KPIS[key]
    return rollups.measure(session, {kpi.family}, Window(period, None, now))[key][0]
