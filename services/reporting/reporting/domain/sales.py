"""Sales KPIs from deal, stage-change, activity and contact facts. Pure functions: the
facts are any objects with the read model's attribute names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from reporting.domain.figures import average, money, rate
from reporting.domain.periods import Period

SECONDS_PER_DAY = 86400.0


def is_live(deal) -> bool:
    return deal.deleted_at is None and deal.status is not None


def open_pipeline(deals: Iterable, group: str) -> list[dict[str, Any]]:
    """Open deals grouped by `group` (a deal attribute): count, amount, weighted amount."""
    groups: dict[Any, list] = defaultdict(list)
    for deal in deals:
        if is_live(deal) and deal.status == "open":
            groups[getattr(deal, group)].append(deal)
    rows = []
    for key in sorted(groups, key=lambda value: (value is None, str(value))):
        members = groups[key]
        first = members[0]
        label = {"stage_id": first.stage_name, "pipeline_id": first.pipeline_name}.get(group)
        rows.append({group: key, **({"name": label} if label is not None else {}),
                     "count": len(members),
                     "amount": money((d.currency, d.amount) for d in members),
                     "weighted_amount": money((d.currency, d.weighted_amount)
                                              for d in members)})
    return rows


def forecast(deals: Sequence, period: Period) -> dict[str, Any]:
    """Won in the period, plus open deals expected to close in it at their probability."""
    live = [deal for deal in deals if is_live(deal)]
    won = [d for d in live if d.status == "won" and period.contains(d.closed_at)]
    expected = [d for d in live if d.status == "open" and d.expected_close_date is not None
                and period.start.date() <= d.expected_close_date < period.end.date()]
    return {"won": money((d.currency, d.amount) for d in won),
            "weighted_open": money((d.currency, d.weighted_amount) for d in expected),
            "open": money((d.currency, d.amount) for d in expected),
            "won_count": len(won), "open_count": len(expected)}


def closed_in(deals: Iterable, period: Period) -> tuple[list, list]:
    won, lost = [], []
    for deal in deals:
        if is_live(deal) and period.contains(deal.closed_at):
            if deal.status == "won":
                won.append(deal)
            elif deal.status == "lost":
                lost.append(deal)
    return won, lost


def win_rate(deals: Iterable, period: Period) -> dict[str, Any]:
    won, lost = closed_in(deals, period)
    return {"won": len(won), "lost": len(lost), "win_rate": rate(len(won), len(won) + len(lost)),
            "won_amount": money((d.currency, d.amount) for d in won)}


def cycle_length_days(deals: Iterable, period: Period) -> float | None:
    """Average days from creation to winning, of deals won in the period."""
    won, _ = closed_in(deals, period)
    return average((d.closed_at - d.created_at).total_seconds() / SECONDS_PER_DAY
                   for d in won if d.created_at is not None)


def time_in_stage(changes: Iterable, period: Period) -> list[dict[str, Any]]:
    """Average days deals spent in each stage, from the moves that left it in the period."""
    stays: dict[str, list[float]] = defaultdict(list)
    names: dict[str, str] = {}
    for change in changes:
        if change.from_stage_id and period.contains(change.changed_at) \
                and change.seconds_in_previous_stage is not None:
            stays[change.from_stage_id].append(change.seconds_in_previous_stage)
            names[change.from_stage_id] = change.from_stage_name
    return [{"stage_id": stage, "name": names[stage], "moves": len(stays[stage]),
             "average_days": average(s / SECONDS_PER_DAY for s in stays[stage])}
            for stage in sorted(stays, key=lambda key: (names[key] or "", key))]


def stage_conversion(deals: Iterable, changes: Iterable) -> list[dict[str, Any]]:
    """Per stage: deals that were ever in it, and how many of them were won."""
    entered: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    by_deal: dict[str, list] = defaultdict(list)
    for change in changes:
        by_deal[change.opportunity_id].append(change)
    live = {deal.id: deal for deal in deals if is_live(deal)}
    for deal_id, deal in live.items():
        entered[deal.stage_id].add(deal_id)
        names[deal.stage_id] = deal.stage_name
        for change in by_deal.get(deal_id, ()):
            for stage, name in ((change.from_stage_id, change.from_stage_name),
                                (change.to_stage_id, change.to_stage_name)):
                if stage:
                    entered[stage].add(deal_id)
                    names.setdefault(stage, name)
    rows = []
    for stage in sorted(entered, key=lambda key: (names[key] or "", key)):
        won = sum(1 for deal_id in entered[stage] if live[deal_id].status == "won")
        rows.append({"stage_id": stage, "name": names[stage], "entered": len(entered[stage]),
                     "won": won, "conversion_rate": rate(won, len(entered[stage]))})
    return rows


def lead_conversion(contacts: Iterable, period: Period) -> dict[str, Any]:
    """Of the leads created in the period, how many have become customers."""
    leads = [c for c in contacts if c.was_lead and c.merged_into is None
             and period.contains(c.created_at)]
    customers = sum(1 for c in leads if c.became_customer_at is not None)
    return {"leads": len(leads), "customers": customers,
            "conversion_rate": rate(customers, len(leads))}


def activities_per_rep(activities: Iterable, period: Period) -> list[dict[str, Any]]:
    per: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for activity in activities:
        if period.contains(activity.created_at):
            counts = per[activity.assignee_id]
            counts["logged"] += 1
            counts[activity.type] += 1
        if period.contains(activity.completed_at):
            per[activity.assignee_id]["completed"] += 1
    return [{"user_id": user, "logged": per[user]["logged"],
             "completed": per[user]["completed"],
             **{kind: per[user][kind] for kind in ("task", "call", "meeting", "email")}}
            for user in sorted(per, key=lambda key: (key is None, key or ""))]
