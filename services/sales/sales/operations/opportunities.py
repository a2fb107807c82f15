"""Opportunities: create, edit, move through stages, win, lose, reopen, soft delete."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from crm_chassis.bulk import insert_with_commit
from crm_chassis.lazy_begin import prepared
from crm_chassis.records import CHANGED_MEANWHILE
from sales.domain import follow_ups as rules
from sales.domain.money import minor_unit, money_str
from sales.domain.opportunities import (
    LOST,
    OPEN,
    WON,
    DealClosed,
    check_movable,
    check_status_transition,
    effective_probability,
    seconds_between,
    weighted_amount,
)
from sales.exceptions import InvalidTransition, NotFound, StaleVersion, ValidationFailed
from sales.models import Opportunity, Pipeline, Stage, StageChange, new_id, now
from sales.operations.access import actor_id, check_owner
from sales.operations.common import apply, check_version, flush, get_live, soft_delete
from sales.operations.follow_ups import schedule, settings
from sales.operations.pipelines import default_pipeline, get_pipeline, get_stage, hold
from sales.schemas import StageChangeOutput

FIELDS = ("name", "description", "account_id", "contact_id", "owner_id", "amount", "currency",
          "expected_close_date", "source_campaign_id")

_change_out = StageChangeOutput()


def opportunity_data(o: Opportunity) -> dict[str, Any]:
    """The deal as the API and the events show it."""
    return deal_data(o, o.pipeline.name, o.stage.name, o.stage.probability)


def deal_data(o, pipeline_name: str, stage_name: str, stage_probability: int
              ) -> dict[str, Any]:
    """The deal's columns (`o`, an object or a row) with its pipeline's and stage's names.
    Built by hand, not by a schema: a board shows a hundred cards, and a marshmallow dump
    cost a third of its time."""
    probability = effective_probability(o.status, stage_probability, o.probability_override)
    return {
        "id": o.id, "name": o.name, "description": o.description,
        "account_id": o.account_id, "contact_id": o.contact_id, "owner_id": o.owner_id,
        "amount": money_str(o.amount, o.currency), "currency": o.currency,
        "expected_close_date": _iso(o.expected_close_date),
        "pipeline_id": o.pipeline_id, "pipeline_name": pipeline_name,
        "stage_id": o.stage_id, "stage_name": stage_name,
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
    stay = _stay(uow, opportunity.id, None, None, (stage.id, stage.name), moment)
    opportunity.current_stay_id = stay["id"]
    flush(session)  # the deal first: its stay refers to it
    _enter(uow, opportunity.id, stay, stage.time_limit_days)
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


# A move reads the deal, its stage and pipeline and the stage asked for as one row, and
# writes the deal with one UPDATE that checks the version it read: loading the deal and the
# stage as ORM objects and flushing the deal were two thirds of a move.
_DEALS, _PIPELINES = Opportunity.__table__, Pipeline.__table__
_STAGE, _ASKED = Stage.__table__.alias("stage"), Stage.__table__.alias("asked")
_TO_MOVE = prepared(
    select(_DEALS, _STAGE.c.name.label("stage_name"),
           _PIPELINES.c.name.label("pipeline_name"), _ASKED.c.name.label("asked_name"),
           _ASKED.c.pipeline_id.label("asked_pipeline_id"),
           _ASKED.c.probability.label("asked_probability"),
           _ASKED.c.time_limit_days.label("asked_time_limit_days"))
    .join(_STAGE, _STAGE.c.id == _DEALS.c.stage_id)
    .join(_PIPELINES, _PIPELINES.c.id == _DEALS.c.pipeline_id)
    .outerjoin(_ASKED, _ASKED.c.id == bindparam("asked_id"))
    .where(_DEALS.c.id == bindparam("deal_id"), _DEALS.c.deleted_at.is_(None)))
# The columns to set come with the parameters.
_MOVED = prepared(update(_DEALS).where(_DEALS.c.id == bindparam("deal_id"),
                                       _DEALS.c.version == bindparam("read_version")))


def move_opportunity(uow, opportunity_id: str, data: dict[str, Any],
                     expected_version: int | None) -> dict[str, Any]:
    """Move an open deal to a stage (of another pipeline with `pipeline_id`); returns the
    deal's data as moved."""
    connection = uow.session.connection()
    deal = connection.execute(_TO_MOVE, {"deal_id": opportunity_id,
                                         "asked_id": data["stage_id"]}).first()
    if deal is None:
        raise NotFound(f"no opportunity {opportunity_id}")
    check_owner(uow, deal.owner_id, "the opportunity")
    check_version(deal, expected_version, "opportunity")
    try:
        check_movable(deal.status)
    except DealClosed as exc:
        raise InvalidTransition(str(exc)) from None
    pipeline_id, pipeline_name = deal.pipeline_id, deal.pipeline_name
    if data.get("pipeline_id") and data["pipeline_id"] != pipeline_id:
        pipeline = get_pipeline(uow.session, data["pipeline_id"])
        hold(uow.session, pipeline)
        pipeline_id, pipeline_name = pipeline.id, pipeline.name
    if deal.asked_pipeline_id != pipeline_id:
        raise ValidationFailed("the stage is not one of the pipeline's", {"stage_id": [
            f"not a stage of the pipeline {pipeline_name!r}"]})
    if data["stage_id"] == deal.stage_id:
        return deal_data(deal, pipeline_name, deal.stage_name, deal.asked_probability)
    moment = now()
    stay = _stay(uow, deal.id, (deal.stage_id, deal.stage_name), deal.stage_entered_at,
                 (data["stage_id"], deal.asked_name), moment)
    # A new stage brings its own probability: an override was a judgement about the old one.
    moved = {"pipeline_id": pipeline_id, "stage_id": data["stage_id"],
             "stage_entered_at": moment, "current_stay_id": stay["id"],
             "probability_override": None, "updated_at": moment, "version": deal.version + 1}
    # Through the session, whose change counters see it (the board's).
    if uow.session.execute(_MOVED, {**moved, "deal_id": deal.id,
                                    "read_version": deal.version}).rowcount != 1:
        raise StaleVersion(CHANGED_MEANWHILE)
    _forget(uow.session, deal.id)
    _enter(uow, deal.id, stay, deal.asked_time_limit_days)
    shown = deal_data(SimpleNamespace(**{**deal._mapping, **moved}), pipeline_name,
                      deal.asked_name, deal.asked_probability)
    uow.emit("opportunity.stage_changed", {
        "opportunity": shown, "from_stage_id": deal.stage_id,
        "from_stage_name": deal.stage_name, "from_pipeline_id": deal.pipeline_id,
        "to_stage_id": stay["to_stage_id"], "to_stage_name": stay["to_stage_name"],
        "changed_at": moment, "seconds_in_previous_stage": stay["seconds_in_previous_stage"],
        "changed_by": actor_id(uow)})
    return shown


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
    return opportunity  # (expired by the move: read again when next used)


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


def _stay(uow, deal_id: str, previous: tuple[str, str] | None,
          previous_since: datetime | None, stage: tuple[str, str], moment: datetime
          ) -> dict[str, Any]:
    """The stage-history row of the stay that begins: (id, name) of the stage left, if
    any, and of the stage entered."""
    return {"id": new_id(), "opportunity_id": deal_id,
            "from_stage_id": previous[0] if previous else None,
            "from_stage_name": previous[1] if previous else None,
            "to_stage_id": stage[0], "to_stage_name": stage[1], "changed_by": actor_id(uow),
            "changed_at": moment,
            "seconds_in_previous_stage": seconds_between(previous_since, moment)
            if previous else None}


def _enter(uow, deal_id: str, stay: dict[str, Any], time_limit_days: int | None) -> None:
    """Record the stay of a deal that exists in the database, and schedule its stagnation
    check if the stage has a time limit; the check is keyed by the stay, so it is raised
    once per stay. Nothing reads the stay back before the commit, so on PostgreSQL its row
    goes out with the COMMIT."""
    if not insert_with_commit(uow.session, StageChange.__table__, stay):
        uow.session.execute(insert(StageChange.__table__), stay)
    planned = rules.stagnation(deal_id, stay["id"], stay["changed_at"], time_limit_days)
    if planned is not None:
        schedule(uow.session, rules.STAGNANT, deal_id, *planned)


def _forget(session: Session, deal_id: str) -> None:
    """A deal written by a statement of its own: the session's object of it, if it holds
    one, is read again when next used (reopen moves the deal it has just changed)."""
    held = session.identity_map.get(session.identity_key(Opportunity, deal_id))
    if held is not None:
        session.expire(held)
