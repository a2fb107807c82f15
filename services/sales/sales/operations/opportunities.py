"""Opportunities: create, edit, move through stages, win, lose, reopen, soft delete."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_chassis.bulk import insert_with_commit
from sales.domain import follow_ups as rules
from sales.domain.money import minor_unit, money_str
from sales.domain.opportunities import (
    LOST,
    OPEN,
    WON,
    DealClosed,
    check_movable,
    check_status_transition,
    seconds_between,
    weighted_amount,
)
from sales.exceptions import InvalidTransition, ValidationFailed
from sales.models import Opportunity, Stage, StageChange, new_id, now
from sales.operations.access import actor_id, check_owner
from sales.operations.common import apply, check_version, flush, get_live, soft_delete
from sales.operations.follow_ups import schedule, settings
from sales.operations.pipelines import default_pipeline, get_pipeline, get_stage, hold
from sales.schemas import StageChangeOutput

FIELDS = ("name", "description", "account_id", "contact_id", "owner_id", "amount", "currency",
          "expected_close_date", "source_campaign_id")

_change_out = StageChangeOutput()


def opportunity_data(o: Opportunity) -> dict[str, Any]:
    """The deal as the API and the events show it. Built by hand, not by a schema: a board
    shows a hundred cards, and a marshmallow dump cost a third of its time."""
    probability = o.probability
    return {
        "id": o.id, "name": o.name, "description": o.description,
        "account_id": o.account_id, "contact_id": o.contact_id, "owner_id": o.owner_id,
        "amount": money_str(o.amount, o.currency), "currency": o.currency,
        "expected_close_date": _iso(o.expected_close_date),
        "pipeline_id": o.pipeline_id, "pipeline_name": o.pipeline.name,
        "stage_id": o.stage_id, "stage_name": o.stage.name,
        "probability": probability,
        "probability_overridden": o.probability_override is not None,
        "weighted_amount": money_str(weighted_amount(o.amount, probability, o.currency),
                                     o.currency),
        "status": o.status, "lost_reason": o.lost_reason,
        "source_campaign_id": o.source_campaign_id,
        "stage_entered_at": _iso(o.stage_entered_at), "closed_at": _iso(o.closed_at),
        "version": o.version, "created_at": _iso(o.created_at), "updated_at": _iso(o.updated_at),
    }


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def get_opportunity(session: Session, opportunity_id: str) -> Opportunity:
    return get_live(session, Opportunity, opportunity_id, "opportunity")


def check_precision(amount: Decimal, currency: str, field: str = "amount") -> Decimal:
    places = minor_unit(currency)
    amount = Decimal(amount)
    if amount.as_tuple().exponent < -places and amount != amount.quantize(
            Decimal(1).scaleb(-places)):
        raise ValidationFailed("too many decimals", {field: [
            f"at most {places} decimals in {currency}"]})
    return amount


def create_opportunity(uow, data: dict[str, Any]) -> Opportunity:
    session = uow.session
    pipeline = get_pipeline(session, data["pipeline_id"]) if data.get("pipeline_id") \
        else default_pipeline(session)
    stage = get_stage(session, data["stage_id"], pipeline, "stage_id") \
        if data.get("stage_id") else pipeline.stages[0]
    hold(session, pipeline)
    owner_id = data.get("owner_id") or actor_id(uow)
    check_owner(uow, owner_id, "the opportunity")
    moment = now()
    values = {name: data[name] for name in FIELDS if name in data}
    values["name"] = values["name"].strip()
    check_precision(values["amount"], values["currency"])
    opportunity = Opportunity(id=new_id(), version=1, status=OPEN, created_at=moment,
                              updated_at=moment, deleted_at=None, closed_at=None,
                              lost_reason=None, probability_override=data.get("probability"),
                              pipeline=pipeline, stage=stage, stage_entered_at=moment,
                              **{**values, "owner_id": owner_id})
    session.add(opportunity)
    _enter_stage(uow, opportunity, stage, moment, previous=None)
    flush(session)
    uow.emit("opportunity.created", {"opportunity": opportunity_data(opportunity),
                                     "changed_by": actor_id(uow)})
    return opportunity


def update_opportunity(uow, opportunity_id: str, data: dict[str, Any],
                       expected_version: int | None) -> Opportunity:
    opportunity = _writable(uow, opportunity_id, expected_version)
    values = {name: data[name] for name in FIELDS if name in data}
    if "name" in values:
        values["name"] = values["name"].strip()
    if "owner_id" in values:
        check_owner(uow, values["owner_id"], "the opportunity")
    check_precision(values.get("amount", opportunity.amount),
                    values.get("currency", opportunity.currency))
    if "probability" in data:
        values["probability_override"] = data["probability"]
    for name in ("pipeline_id", "stage_id"):
        if name in data:
            raise ValidationFailed("stages change by moving the deal", {
                name: ["use move_opportunity to change the stage or pipeline"]})
    if "amount" in values and Decimal(values["amount"]) == Decimal(opportunity.amount):
        del values["amount"]
    changed = apply(opportunity, values)
    if changed:
        flush(uow.session)
        names = ["probability" if name == "probability_override" else name for name in changed]
        uow.emit("opportunity.updated", {"opportunity": opportunity_data(opportunity),
                                         "changed_fields": names, "changed_by": actor_id(uow)})
    return opportunity


def move_opportunity(uow, opportunity_id: str, data: dict[str, Any],
                     expected_version: int | None) -> Opportunity:
    opportunity = _writable(uow, opportunity_id, expected_version)
    try:
        check_movable(opportunity.status)
    except DealClosed as exc:
        raise InvalidTransition(str(exc)) from None
    pipeline = opportunity.pipeline
    if data.get("pipeline_id") and data["pipeline_id"] != pipeline.id:
        pipeline = get_pipeline(uow.session, data["pipeline_id"])
        hold(uow.session, pipeline)
    stage = get_stage(uow.session, data["stage_id"], pipeline, "stage_id")
    if stage.id == opportunity.stage_id:
        return opportunity
    moment = now()
    previous = opportunity.stage
    from_pipeline = opportunity.pipeline_id
    change = _enter_stage(uow, opportunity, stage, moment, previous=previous)
    opportunity.pipeline = pipeline
    # A new stage brings its own probability: an override was a judgement about the old one.
    opportunity.probability_override = None
    opportunity.updated_at = moment
    flush(uow.session)
    uow.emit("opportunity.stage_changed", {
        "opportunity": opportunity_data(opportunity),
        "from_stage_id": previous.id, "from_stage_name": previous.name,
        "from_pipeline_id": from_pipeline, "to_stage_id": stage.id, "to_stage_name": stage.name,
        "changed_at": moment, "seconds_in_previous_stage": change.seconds_in_previous_stage,
        "changed_by": actor_id(uow)})
    return opportunity


def win_opportunity(uow, opportunity_id: str, expected_version: int | None) -> Opportunity:
    opportunity = _close(uow, opportunity_id, WON, expected_version)
    key, due = rules.renewal(opportunity.id, opportunity.closed_at, settings())
    schedule(uow.session, rules.RENEWAL, opportunity.id, key, due)
    uow.emit("opportunity.won", {"opportunity": opportunity_data(opportunity),
                                 "days_to_close": _days_open(opportunity),
                                 "changed_by": actor_id(uow)})
    return opportunity


def lose_opportunity(uow, opportunity_id: str, data: dict[str, Any],
                     expected_version: int | None) -> Opportunity:
    opportunity = _close(uow, opportunity_id, LOST, expected_version,
                         lost_reason=data["lost_reason"].strip())
    uow.emit("opportunity.lost", {"opportunity": opportunity_data(opportunity),
                                  "lost_reason": opportunity.lost_reason,
                                  "days_to_close": _days_open(opportunity),
                                  "changed_by": actor_id(uow)})
    return opportunity


def reopen_opportunity(uow, opportunity_id: str, data: dict[str, Any],
                       expected_version: int | None) -> Opportunity:
    opportunity = _writable(uow, opportunity_id, expected_version)
    _check_status(opportunity.status, OPEN)
    opportunity.status, opportunity.closed_at, opportunity.lost_reason = OPEN, None, None
    opportunity.updated_at = now()
    flush(uow.session)
    uow.emit("opportunity.updated", {"opportunity": opportunity_data(opportunity),
                                     "changed_fields": ["closed_at", "lost_reason", "status"],
                                     "changed_by": actor_id(uow)})
    if data.get("stage_id"):
        move_opportunity(uow, opportunity.id, {"stage_id": data["stage_id"]}, None)
    return opportunity


def delete_opportunity(uow, opportunity_id: str, expected_version: int | None) -> None:
    opportunity = _writable(uow, opportunity_id, None)
    soft_delete(uow, opportunity, expected_version)
    uow.emit("opportunity.deleted", {"opportunity_id": opportunity.id,
                                     "changed_by": actor_id(uow)})


def stage_history(session: Session, opportunity_id: str) -> list[dict[str, Any]]:
    get_opportunity(session, opportunity_id)
    rows = session.scalars(select(StageChange).where(
        StageChange.opportunity_id == opportunity_id).order_by(StageChange.changed_at,
                                                                StageChange.id))
    return _change_out.dump(rows, many=True)


# --- helpers --------------------------------------------------------------------------------

def _writable(uow, opportunity_id: str, expected_version: int | None) -> Opportunity:
    opportunity = get_opportunity(uow.session, opportunity_id)
    check_owner(uow, opportunity.owner_id, "the opportunity")
    check_version(opportunity, expected_version)
    return opportunity


def _check_status(current: str, target: str) -> None:
    try:
        check_status_transition(current, target)
    except DealClosed as exc:
        raise InvalidTransition(str(exc)) from None


def _close(uow, opportunity_id: str, status: str, expected_version: int | None,
           lost_reason: str | None = None) -> Opportunity:
    opportunity = _writable(uow, opportunity_id, expected_version)
    _check_status(opportunity.status, status)
    moment = now()
    opportunity.status, opportunity.closed_at = status, moment
    opportunity.lost_reason = lost_reason
    opportunity.updated_at = moment
    flush(uow.session)
    return opportunity


def _days_open(opportunity: Opportunity) -> int:
    return (opportunity.closed_at - opportunity.created_at).days


def _enter_stage(uow, opportunity: Opportunity, stage: Stage, moment: datetime,
                 previous: Stage | None) -> StageChange:
    """Record the stay that begins, and schedule its stagnation check if the stage has a
    time limit; the check is keyed by the stay, so it is raised once per stay.

    Nothing reads the stay back before the commit, so on PostgreSQL its row goes out with
    the COMMIT, after the deal's own INSERT or UPDATE; elsewhere the ORM writes it."""
    row = {"id": new_id(), "opportunity_id": opportunity.id,
           "from_stage_id": previous.id if previous else None,
           "from_stage_name": previous.name if previous else None,
           "to_stage_id": stage.id, "to_stage_name": stage.name, "changed_by": actor_id(uow),
           "changed_at": moment,
           "seconds_in_previous_stage": seconds_between(opportunity.stage_entered_at, moment)
           if previous else None}
    change = StageChange(**row)
    if not insert_with_commit(uow.session, StageChange.__table__, row):
        change.opportunity = opportunity  # one flush then inserts a new deal first
        uow.session.add(change)
    opportunity.stage = stage
    opportunity.stage_entered_at = moment
    opportunity.current_stay_id = change.id
    planned = rules.stagnation(opportunity.id, change.id, moment, stage.time_limit_days)
    if planned is not None:
        schedule(uow.session, rules.STAGNANT, opportunity.id, *planned)
    return change

