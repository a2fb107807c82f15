"""The reports: each a summary and rows (flat enough for CSV) over a period."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from crm_contracts.errors import ValidationFailed
from reporting.domain import adoption, customers, sales, support
from reporting.domain.figures import money, rate
from reporting.domain.periods import Period
from reporting.operations.customer_facts import customer_facts, same_person
from reporting.operations.facts import Facts, by_account


@dataclass(frozen=True)
class Report:
    build: Callable[[Facts, Period, str | None, datetime], dict[str, Any]]
    groups: dict[str, str]  # group_by value -> the fact's attribute
    default_group: str | None = None


def _pipeline(facts: Facts, period: Period, group: str | None, now: datetime):
    rows = sales.open_pipeline(facts.deals, PIPELINE_GROUPS[group or "stage"])
    return {"summary": {"open_deals": sum(row["count"] for row in rows),
                        "amount": money(_flatten(rows, "amount")),
                        "weighted_amount": money(_flatten(rows, "weighted_amount"))},
            "rows": rows}


def _flatten(rows, column):
    for row in rows:
        yield from row[column].items()


def _forecast(facts: Facts, period: Period, group: str | None, now: datetime):
    summary = sales.forecast(facts.deals, period)
    return {"summary": summary, "rows": [summary]}


def _win_rate(facts: Facts, period: Period, group: str | None, now: datetime):
    summary = sales.win_rate(facts.deals, period)
    rows = [{"owner_id": owner, **sales.win_rate(deals, period)}
            for owner, deals in sorted(_group(facts.deals, "owner_id").items(),
                                       key=lambda item: item[0] or "")]
    return {"summary": {**summary, "cycle_length_days":
                        sales.cycle_length_days(facts.deals, period)},
            "rows": [row for row in rows if row["won"] or row["lost"]]}


def _group(rows, attribute: str) -> dict[Any, list]:
    grouped: dict[Any, list] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


def _conversion(facts: Facts, period: Period, group: str | None, now: datetime):
    return {"summary": sales.lead_conversion(facts.contacts, period),
            "rows": sales.stage_conversion(facts.deals, facts.stage_changes)}


def _time_in_stage(facts: Facts, period: Period, group: str | None, now: datetime):
    return {"summary": {"cycle_length_days": sales.cycle_length_days(facts.deals, period)},
            "rows": sales.time_in_stage(facts.stage_changes, period)}


def _activities(facts: Facts, period: Period, group: str | None, now: datetime):
    rows = sales.activities_per_rep(facts.activities, period)
    return {"summary": {"logged": sum(r["logged"] for r in rows),
                        "completed": sum(r["completed"] for r in rows), "users": len(rows)},
            "rows": rows}


def _tickets(facts: Facts, period: Period, group: str | None, now: datetime):
    rows = support.volume(facts.tickets, period, TICKET_GROUPS[group or "channel"])
    return {"summary": {"created": sum(row["count"] for row in rows),
                        **support.response_times(facts.tickets, period),
                        **support.sla_compliance(facts.tickets, period)},
            "rows": rows}


def _sla(facts: Facts, period: Period, group: str | None, now: datetime):
    rows = [{"priority": priority, **support.sla_compliance(tickets, period)}
            for priority, tickets in sorted(_group(facts.tickets, "priority").items(),
                                            key=lambda item: str(item[0]))]
    return {"summary": support.sla_compliance(facts.tickets, period),
            "rows": [row for row in rows if row["decided"]]}


def _backlog(facts: Facts, period: Period, group: str | None, now: datetime):
    summary = support.backlog(facts.tickets, now)
    rows = [{"priority": priority, "open": count}
            for priority, count in summary["by_priority"].items()]
    return {"summary": {k: v for k, v in summary.items() if k != "by_priority"}, "rows": rows}


def _csat(facts: Facts, period: Period, group: str | None, now: datetime):
    summary = support.csat(facts.ratings, period)
    return {"summary": {k: v for k, v in summary.items() if k != "trend"},
            "rows": summary["trend"]}


def churn_rules() -> customers.ChurnRules:
    return customers.ChurnRules(
        no_order_days=int(os.environ.get("CRM_REPORTING_CHURN_NO_ORDER_DAYS") or 90),
        low_csat=float(os.environ.get("CRM_REPORTING_CHURN_LOW_CSAT") or 3.0))


def customer_kpis(session: Session, attribute: str, record_id: str,
                  now: datetime) -> dict[str, Any]:
    """The KPIs of one account (`attribute` "account_id") or one contact ("contact_id"),
    from that customer's rows only."""
    ids = same_person(session, record_id) if attribute == "contact_id" else [record_id]
    facts = customer_facts(session, attribute, ids)
    kpis = _customer(None, facts["orders"], facts["activities"], facts["tickets"],
                     facts["ratings"], facts["upsell_flags"], facts["deals"], now)
    kpis.pop("account_id")
    return kpis


def _customer(account_id, orders, activities, tickets, ratings, flags, deals, now):
    last = customers.last_activity(activities)
    return {
        "account_id": account_id,
        "lifetime_value": customers.lifetime_value(orders),
        "orders": len(orders),
        "churn_risk": customers.churn_risk(orders=orders, activities=activities,
                                           tickets=tickets, ratings=ratings, now=now,
                                           rules=churn_rules()),
        "upsell": customers.upsell_signals(orders=orders, ratings=ratings, flags=flags,
                                           now=now),
        "last_activity_at": last.isoformat() if last else None,
        "open_pipeline": money((d.currency, d.amount) for d in deals if d.status == "open"),
    }


def _customers(facts: Facts, period: Period, group: str | None, now: datetime):
    orders, activities = by_account(facts.orders), by_account(facts.activities)
    tickets, ratings = by_account(facts.tickets), by_account(facts.ratings)
    flags = by_account(facts.upsell_flags)
    rows = []
    for account in facts.accounts:
        row = _customer(account.id, orders.get(account.id, []),
                        activities.get(account.id, []), tickets.get(account.id, []),
                        ratings.get(account.id, []), flags.get(account.id, []), [], now)
        row.pop("open_pipeline")
        rows.append(row)
    rows.sort(key=lambda row: (-row["churn_risk"]["score"], row["account_id"]))
    return {"summary": {"accounts": len(rows),
                        "at_risk": sum(1 for r in rows if r["churn_risk"]["score"] >= 50),
                        "with_upsell_signals": sum(1 for r in rows if r["upsell"]["score"]),
                        "lifetime_value": money((o.currency, o.total) for o in facts.orders)},
            "rows": rows}


def _adoption(facts: Facts, period: Period, group: str | None, now: datetime):
    created = adoption.records_created({
        "contacts": facts.contacts, "accounts": facts.accounts, "opportunities": facts.deals,
        "activities": facts.activities, "tickets": facts.tickets}, period)
    activity = {row["user_id"]: row["logged"]
                for row in sales.activities_per_rep(facts.activities, period)}
    for row in created:
        row["activities_logged"] = activity.get(row["user_id"], 0)
    return {"summary": {"contacts": adoption.completeness(facts.contacts),
                        "accounts": adoption.completeness(facts.accounts)},
            "rows": created}


def _campaigns(facts: Facts, period: Period, group: str | None, now: datetime):
    per: dict[str, list] = defaultdict(list)
    for recipient in facts.recipients:
        per[recipient.campaign_id].append(recipient)
    sourced = _group(facts.deals, "source_campaign_id")
    known = facts.campaigns
    rows = []
    for campaign_id in sorted(set(per) | set(known)):
        people, about = per.get(campaign_id, []), known.get(campaign_id)
        sent = sum(1 for r in people if r.sent_at)
        bounced = sum(1 for r in people if r.bounced_at)
        delivered = sent - bounced
        opened = sum(1 for r in people if r.opened_at)
        clicked = sum(1 for r in people if r.clicked_at)
        deals = sourced.get(campaign_id, [])
        won = [d for d in deals if d.status == "won"]
        rows.append({"campaign_id": campaign_id, "name": about.name if about else None,
                     "status": about.status if about else None,
                     "recipients": len(people), "sent": sent,
                     "delivered": delivered, "bounced": bounced,
                     "failed": sum(1 for r in people if r.failed_at),
                     "unsubscribed": sum(1 for r in people if r.unsubscribed_at),
                     "open_rate": rate(opened, delivered), "click_rate": rate(clicked, delivered),
                     "leads": len(deals), "won": len(won),
                     "conversion_rate": rate(len(won), len(deals)),
                     "revenue": money((d.currency, d.amount) for d in won),
                     **_returns(about, deals, won)})
    return {"summary": {"campaigns": len(rows)}, "rows": rows}


def _returns(campaign, deals: list, won: list) -> dict[str, Any]:
    """Cost, cost per lead and ROI in the campaign's currency (revenue in others is not
    converted: it is left out of the ROI)."""
    if campaign is None or campaign.cost is None:
        return {"cost": None, "cost_per_lead": None, "roi": None}
    cost = Decimal(campaign.cost)
    revenue = sum((Decimal(d.amount) for d in won if d.currency == campaign.currency),
                  Decimal(0))
    cents = Decimal("0.01")
    return {"cost": {campaign.currency: str(cost.quantize(cents))},
            "cost_per_lead": {campaign.currency: str((cost / len(deals)).quantize(cents))}
            if deals else None,
            "roi": round(float((revenue - cost) / cost * 100), 1) if cost else None}


SCORE_BUCKETS = ((0, 10), (10, 25), (25, 50), (50, 100), (100, None))


def _lead_scores(facts: Facts, period: Period, group: str | None, now: datetime):
    counts = Counter()
    for score in facts.lead_scores:
        for low, high in SCORE_BUCKETS:
            if score.score >= low and (high is None or score.score < high):
                counts[(low, high)] += 1
    rows = [{"from": low, "to": high, "contacts": counts[(low, high)]}
            for low, high in SCORE_BUCKETS]
    return {"summary": {"scored_contacts": len(facts.lead_scores)}, "rows": rows}


PIPELINE_GROUPS = {"stage": "stage_id", "owner": "owner_id", "pipeline": "pipeline_id",
                   "account": "account_id", "currency": "currency"}
TICKET_GROUPS = {"channel": "channel", "priority": "priority", "type": "type",
                 "team": "team_id", "assignee": "assignee_id"}

REPORTS: dict[str, Report] = {
    "pipeline": Report(_pipeline, PIPELINE_GROUPS, "stage"),
    "forecast": Report(_forecast, {}),
    "win-rate": Report(_win_rate, {}),
    "conversion": Report(_conversion, {}),
    "time-in-stage": Report(_time_in_stage, {}),
    "activities": Report(_activities, {}),
    "tickets": Report(_tickets, TICKET_GROUPS, "channel"),
    "sla": Report(_sla, {}),
    "backlog": Report(_backlog, {}),
    "csat": Report(_csat, {}),
    "customers": Report(_customers, {}),
    "adoption": Report(_adoption, {}),
    "campaigns": Report(_campaigns, {}),
    "lead-scores": Report(_lead_scores, {}),
}


def report(facts: Facts, name: str, period: Period, group_by: str | None,
           now: datetime) -> dict[str, Any]:
    if name not in REPORTS:
        raise ValidationFailed(f"no report named {name!r}", {
            "report": [f"one of: {', '.join(REPORTS)}"]})
    known = REPORTS[name]
    if group_by is not None and group_by not in known.groups:
        allowed = ", ".join(known.groups) or "none: this report has no grouping"
        raise ValidationFailed(f"the {name} report cannot be grouped by {group_by!r}", {
            "group_by": [f"one of: {allowed}"]})
    built = known.build(facts, period, group_by, now)
    return {"report": name, "period": period.as_dict(),
            "group_by": group_by or known.default_group, **built}
