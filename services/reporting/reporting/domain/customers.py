"""Customer KPIs of an account: lifetime value, churn risk and upsell signals, each score
with the reasons that produced it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from reporting.domain.figures import average, money

WINDOW = timedelta(days=30)
URGENT = ("urgent", "high")
OPEN_STATUSES = ("new", "open", "pending", "on_hold")


@dataclass(frozen=True)
class ChurnRules:
    """Configurable (CRM_REPORTING_CHURN_* variables): each reason adds its points."""

    no_order_days: int = 90
    low_csat: float = 3.0
    points: int = 25


def lifetime_value(orders: Sequence) -> dict[str, str]:
    return money((order.currency, order.total) for order in orders)


def churn_risk(*, orders: Sequence, activities: Sequence, tickets: Sequence,
               ratings: Sequence, now: datetime, rules: ChurnRules) -> dict[str, Any]:
    reasons: list[dict[str, Any]] = []
    recent = sum(1 for a in activities if a.created_at and now - WINDOW <= a.created_at <= now)
    before = sum(1 for a in activities
                 if a.created_at and now - 2 * WINDOW <= a.created_at < now - WINDOW)
    if before and recent < before / 2:
        reasons.append({"code": "falling_activity", "detail":
                        f"{recent} activities in the last 30 days, {before} the 30 before"})
    urgent = [t for t in tickets if t.status in OPEN_STATUSES and t.priority in URGENT]
    if urgent:
        reasons.append({"code": "open_urgent_tickets",
                        "detail": f"{len(urgent)} open high or urgent ticket(s)"})
    quarter = [r.rating for r in ratings if r.submitted_at and r.submitted_at >= now - 3 * WINDOW]
    score = average(quarter, 2)
    if score is not None and score < rules.low_csat:
        reasons.append({"code": "low_csat",
                        "detail": f"average rating {score} over the last 90 days"})
    if orders:
        last = max(order.ordered_at for order in orders)
        if now - last > timedelta(days=rules.no_order_days):
            reasons.append({"code": "no_recent_order", "detail":
                            f"no order for {(now - last).days} days "
                            f"(more than {rules.no_order_days})"})
    return {"score": min(100, rules.points * len(reasons)), "reasons": reasons}


def upsell_signals(*, orders: Sequence, ratings: Sequence, flags: Sequence,
                   now: datetime) -> dict[str, Any]:
    reasons: list[dict[str, Any]] = []
    if flags:
        reasons.append({"code": "flagged_by_support",
                        "detail": f"{len(flags)} ticket(s) flagged as a sales opportunity"})
    good = [r.rating for r in ratings if r.submitted_at and r.submitted_at >= now - 3 * WINDOW]
    if len(good) >= 2 and (average(good, 2) or 0) >= 4.5:
        reasons.append({"code": "very_satisfied",
                        "detail": f"average rating {average(good, 2)} over {len(good)} surveys"})
    recent = _total(o for o in orders if o.ordered_at >= now - 3 * WINDOW)
    earlier = _total(o for o in orders if now - 6 * WINDOW <= o.ordered_at < now - 3 * WINDOW)
    if earlier and recent > earlier:
        reasons.append({"code": "growing_orders",
                        "detail": "more ordered in the last 90 days than the 90 before"})
    return {"score": min(100, 34 * len(reasons)), "reasons": reasons}


def _total(orders) -> Decimal:
    # Growth is compared within one account, whose orders share a currency in practice.
    return sum((Decimal(order.total) for order in orders), Decimal(0))


def last_activity(activities: Sequence) -> datetime | None:
    times = [a.completed_at or a.created_at for a in activities
             if (a.completed_at or a.created_at) is not None]
    return max(times) if times else None
