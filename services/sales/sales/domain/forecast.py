"""The forecast: open pipeline, weighted and unweighted, by period, owner and stage."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sales.domain.money import money_str
from sales.domain.opportunities import weighted_amount

PERIODS = ("month", "quarter")


@dataclass(frozen=True)
class Deal:
    owner_id: str | None
    pipeline_id: str
    stage_id: str
    stage_name: str
    stage_position: int
    currency: str
    amount: Decimal
    probability: int
    expected_close_date: date | None


def period_of(day: date | None, period: str) -> str | None:
    if day is None:
        return None
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def forecast(deals: list[Deal], period: str) -> dict[str, Any]:
    """Rows per (period, owner, stage, currency) and totals per (period, currency); amounts
    of different currencies are never added together."""
    if period not in PERIODS:
        raise ValueError(f"period is one of {', '.join(PERIODS)}")
    rows: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    totals: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    names: dict[str, tuple[int, str]] = {}
    for deal in deals:
        when = period_of(deal.expected_close_date, period)
        weighted = weighted_amount(deal.amount, deal.probability, deal.currency)
        names[deal.stage_id] = (deal.stage_position, deal.stage_name)
        for bucket in (rows[(when, deal.owner_id or "", deal.pipeline_id, deal.stage_id,
                             deal.currency)], totals[(when, deal.currency)]):
            bucket[0] += 1
            bucket[1] += deal.amount
            bucket[2] += weighted

    def row_order(key: tuple) -> tuple:
        when, owner, pipeline, stage, currency = key
        return (when is None, when or "", owner, pipeline, names[stage][0], currency)

    return {
        "period": period,
        "rows": [
            {"period": key[0], "owner_id": key[1] or None, "pipeline_id": key[2],
             "stage_id": key[3], "stage_name": names[key[3]][1], "currency": key[4],
             "count": count, "amount": money_str(amount, key[4]),
             "weighted_amount": money_str(weighted, key[4])}
            for key in sorted(rows, key=row_order)
            for count, amount, weighted in [rows[key]]
        ],
        "totals": [
            {"period": key[0], "currency": key[1], "count": count,
             "amount": money_str(amount, key[1]), "weighted_amount": money_str(weighted, key[1])}
            for key in sorted(totals, key=lambda k: (k[0] is None, k[0] or "", k[1]))
            for count, amount, weighted in [totals[key]]
        ],
    }
