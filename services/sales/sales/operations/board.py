"""Reading the pipeline: the opportunity list, the Kanban board and the forecast.

Totals are added up here in Decimal, per currency, from the amount column only: money is
never summed as floats (SQLite has no decimal type), and currencies are never mixed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from crm_chassis.listing import like_escape
from sales.domain.forecast import Deal, forecast
from sales.domain.money import money_str
from sales.domain.opportunities import OPEN, STATUSES, effective_probability, weighted_amount
from sales.exceptions import ValidationFailed
from sales.models import Opportunity, Stage
from sales.operations import listing
from sales.operations.pipelines import default_pipeline, get_pipeline, pipeline_data

SORTS = {"created_at", "updated_at", "expected_close_date", "name"}


def _status(value: Any):
    if value not in STATUSES:
        raise ValidationFailed("bad filter", {"status": [f"one of {', '.join(STATUSES)}"]})
    return Opportunity.status == value


def _close_date(value: Any, name: str):
    return listing.parse_date(value, name)


FILTERS: dict[str, listing.Filter] = {
    **{name: listing.equals(getattr(Opportunity, name)) for name in
       ("owner_id", "pipeline_id", "stage_id", "account_id", "contact_id",
        "source_campaign_id", "currency")},
    "status": _status,
    "close_after": lambda v: Opportunity.expected_close_date >= _close_date(v, "close_after"),
    "close_before": lambda v: Opportunity.expected_close_date < _close_date(v, "close_before"),
}


def list_opportunities(session: Session,
                       query: dict[str, Any]) -> tuple[list[Opportunity], str | None]:
    conditions = [Opportunity.deleted_at.is_(None)]
    conditions += listing.conditions_for(query["filters"], FILTERS)
    if text := (query.get("q") or "").strip().lower():
        conditions.append(func.lower(Opportunity.name).like(f"%{like_escape(text)}%",
                                                            escape="\\"))
    return listing.page(session, Opportunity, conditions, query, SORTS)


def board(session: Session, query: dict[str, Any], card_data) -> dict[str, Any]:
    """Per stage: how many deals, their totals per currency, and the first cards.

    Three queries whatever the number of stages: the pipeline, the amounts to add up, and
    the first cards of every column at once.
    """
    pipeline = get_pipeline(session, query["pipeline_id"]) if query.get("pipeline_id") \
        else default_pipeline(session)
    filters = {"status": OPEN, **query["filters"]}
    for name in ("pipeline_id", "stage_id"):
        if name in filters:
            raise ValidationFailed("not a board filter", {name: ["the board shows one "
                                                                 "pipeline's stages"]})
    filters["pipeline_id"] = pipeline.id
    conditions = [Opportunity.deleted_at.is_(None)]
    conditions += listing.conditions_for(filters, FILTERS)
    counts, sums = _stage_totals(session, conditions)
    cards = _first_cards(session, conditions, query["cards"])
    shown = pipeline_data(pipeline)
    columns = []
    for stage, stage_out in zip(pipeline.stages, shown["stages"], strict=True):
        first, cursor = listing.cut(Opportunity, BOARD_SORT, cards.get(stage.id, []),
                                    query["cards"])
        columns.append({
            "stage": stage_out,
            "count": counts.get(stage.id, 0),
            "totals": [{"currency": currency, "amount": money_str(total, currency),
                        "weighted_amount": money_str(weighted, currency)}
                       for currency, (total, weighted) in sorted(sums[stage.id].items())],
            "cards": [card_data(card) for card in first],
            "next_cursor": cursor,
        })
    return {"pipeline": shown, "stages": columns}


BOARD_SORT = "-updated_at"  # a column shows its most recently touched deals first


def _stage_totals(session: Session, conditions: list) -> tuple[dict, dict]:
    """Deals per stage, and their amount and weighted amount per stage and currency."""
    sums: dict[str, dict[str, list]] = defaultdict(
        lambda: defaultdict(lambda: [Decimal(0), Decimal(0)]))
    counts: dict[str, int] = defaultdict(int)
    rows = session.execute(
        select(Opportunity.stage_id, Opportunity.currency, Opportunity.amount,
               Opportunity.status, Opportunity.probability_override, Stage.probability)
        .join(Stage, Stage.id == Opportunity.stage_id).where(*conditions))
    for stage_id, currency, amount, status, override, default in rows:
        counts[stage_id] += 1
        bucket = sums[stage_id][currency]
        bucket[0] += amount
        bucket[1] += weighted_amount(amount, effective_probability(status, default, override),
                                     currency)
    return counts, sums


def _first_cards(session: Session, conditions: list, per_stage: int
                 ) -> dict[str, list[Opportunity]]:
    """Up to `per_stage + 1` cards of each stage in board order (one more tells whether
    the column has a next page)."""
    rank = func.row_number().over(partition_by=Opportunity.stage_id,
                                  order_by=listing.ordering(Opportunity, BOARD_SORT))
    ranked = select(Opportunity.id, rank.label("rank")).where(*conditions).subquery()
    rows = session.scalars(
        select(Opportunity).join(ranked, ranked.c.id == Opportunity.id)
        .where(ranked.c.rank <= per_stage + 1).order_by(ranked.c.rank)
        # The pipeline and its stages are in the session already: no join, no reload.
        .options(lazyload(Opportunity.stage), lazyload(Opportunity.pipeline)))
    cards: dict[str, list[Opportunity]] = defaultdict(list)
    for row in rows:
        cards[row.stage_id].append(row)
    return cards


def forecast_of(session: Session, query: dict[str, Any]) -> dict[str, Any]:
    filters = dict(query["filters"])
    allowed = {"owner_id", "pipeline_id", "close_after", "close_before", "account_id"}
    unknown = sorted(set(filters) - allowed)
    if unknown:
        raise ValidationFailed("unknown filter", {name: ["not a filter"] for name in unknown})
    conditions = [Opportunity.deleted_at.is_(None), Opportunity.status == OPEN]
    conditions += listing.conditions_for(filters, FILTERS)
    rows = session.execute(
        select(Opportunity.owner_id, Opportunity.pipeline_id, Opportunity.stage_id,
               Stage.name, Stage.position, Opportunity.currency, Opportunity.amount,
               Opportunity.probability_override, Stage.probability,
               Opportunity.expected_close_date)
        .join(Stage, Stage.id == Opportunity.stage_id).where(*conditions))
    deals = [Deal(owner_id=owner, pipeline_id=pipeline, stage_id=stage, stage_name=name,
                  stage_position=position, currency=currency, amount=Decimal(amount),
                  probability=effective_probability(OPEN, default, override),
                  expected_close_date=close)
             for owner, pipeline, stage, name, position, currency, amount, override, default,
             close in rows]
    return forecast(deals, query["period"])
