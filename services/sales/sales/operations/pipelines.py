"""Pipelines and their ordered stages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from sales.exceptions import Conflict, NotFound, ValidationFailed
from sales.models import Opportunity, Pipeline, Stage, new_id, now
from sales.operations.common import apply, check_version, flush, get_live, soft_delete
from sales.schemas import PipelineOutput

_out = PipelineOutput()


def pipeline_data(pipeline: Pipeline) -> dict[str, Any]:
    return _out.dump(pipeline)


def get_pipeline(session: Session, pipeline_id: str) -> Pipeline:
    return get_live(session, Pipeline, pipeline_id, "pipeline")


def hold(session: Session, pipeline: Pipeline) -> None:
    """Keep the pipeline from being deleted until this transaction ends, for a deal placed
    in it: a deletion at the same moment waits, then counts the deal and refuses (it
    takes the row's exclusive lock, this a shared one, so deals placed together do not
    wait for each other). The default pipeline cannot be deleted: nothing to hold."""
    if pipeline.is_default:
        return
    held = session.scalar(select(Pipeline.id).where(
        Pipeline.id == pipeline.id, Pipeline.deleted_at.is_(None)).with_for_update(read=True))
    if held is None:
        raise NotFound(f"no pipeline {pipeline.id}")


def default_pipeline(session: Session) -> Pipeline:
    """The default pipeline (the migration makes one), else the oldest live one."""
    pipeline = session.scalar(select(Pipeline).where(Pipeline.deleted_at.is_(None))
                              .order_by(Pipeline.is_default.desc(), Pipeline.created_at)
                              .limit(1))
    if pipeline is None:
        raise NotFound("no pipeline: create one first")
    return pipeline


def list_pipelines(session: Session) -> list[Pipeline]:
    return list(session.scalars(select(Pipeline).where(Pipeline.deleted_at.is_(None))
                                .options(selectinload(Pipeline.stages))
                                .order_by(Pipeline.is_default.desc(), Pipeline.name,
                                          Pipeline.id)))


def get_stage(session: Session, stage_id: str, pipeline: Pipeline, field: str) -> Stage:
    stage = session.get(Stage, stage_id) if isinstance(stage_id, str) else None
    if stage is None or stage.pipeline_id != pipeline.id:
        raise ValidationFailed("the stage is not one of the pipeline's",
                               {field: [f"not a stage of the pipeline {pipeline.name!r}"]})
    return stage


def create_pipeline(uow, data: dict[str, Any]) -> Pipeline:
    moment = now()
    pipeline = Pipeline(id=new_id(), name=data["name"].strip(), is_default=False,
                        created_at=moment, updated_at=moment)
    for position, stage in enumerate(data["stages"]):
        if stage.get("id"):
            raise ValidationFailed("a new pipeline has new stages",
                                   {"stages": {str(position): {"id": ["not on a new stage"]}}})
        pipeline.stages.append(_stage(stage, position))
    uow.session.add(pipeline)
    flush(uow.session)
    if data.get("is_default"):
        _make_default(uow.session, pipeline)
    return pipeline


def update_pipeline(uow, pipeline_id: str, data: dict[str, Any],
                    expected_version: int | None) -> Pipeline:
    pipeline = get_pipeline(uow.session, pipeline_id)
    check_version(pipeline, expected_version)
    changed = apply(pipeline, {"name": data["name"].strip()} if "name" in data else {})
    if "stages" in data:
        changed += _replace_stages(uow.session, pipeline, data["stages"])
    if data.get("is_default") and not pipeline.is_default:
        _make_default(uow.session, pipeline)
        changed.append("is_default")
    elif data.get("is_default") is False and pipeline.is_default:
        raise Conflict("one pipeline is always the default: make another one the default")
    if changed:
        # The stages are rows of their own: touching the pipeline moves its version with them.
        pipeline.updated_at = now()
        flush(uow.session)
    return pipeline


def delete_pipeline(uow, pipeline_id: str, expected_version: int | None) -> None:
    pipeline = get_pipeline(uow.session, pipeline_id)
    if pipeline.is_default:
        raise Conflict("the default pipeline cannot be deleted: make another one the default")
    # Deals being placed in it hold its row (see `hold`): wait for them, then count them.
    uow.session.execute(select(Pipeline.id).where(Pipeline.id == pipeline.id)
                        .with_for_update())
    open_deals = uow.session.scalar(select(func.count()).select_from(Opportunity).where(
        Opportunity.pipeline_id == pipeline.id, Opportunity.status == "open",
        Opportunity.deleted_at.is_(None)))
    if open_deals:
        raise Conflict(f"the pipeline has {open_deals} open opportunities: move them first")
    soft_delete(uow, pipeline, expected_version)


def _stage(data: dict[str, Any], position: int) -> Stage:
    return Stage(id=new_id(), name=data["name"].strip(), position=position,
                 probability=data["probability"],
                 time_limit_days=data.get("time_limit_days"))


def _replace_stages(session: Session, pipeline: Pipeline, stages: list[dict]) -> list[str]:
    current = {stage.id: stage for stage in pipeline.stages}
    kept: list[Stage] = []
    for position, item in enumerate(stages):
        if item.get("id"):
            stage = current.get(item["id"])
            if stage is None:
                raise ValidationFailed("unknown stage", {"stages": {str(position): {
                    "id": ["not a stage of this pipeline"]}}})
            stage.name, stage.position = item["name"].strip(), position
            stage.probability = item["probability"]
            stage.time_limit_days = item.get("time_limit_days")
            kept.append(stage)
        else:
            kept.append(_stage(item, position))
    dropped = set(current) - {stage.id for stage in kept}
    if dropped:
        used = session.scalar(select(func.count()).select_from(Opportunity).where(
            Opportunity.stage_id.in_(dropped)))
        if used:
            raise Conflict(f"{used} opportunities are in the stages left out: move them first")
    pipeline.stages[:] = kept
    return ["stages"]


def _make_default(session: Session, pipeline: Pipeline) -> None:
    for other in session.scalars(select(Pipeline).where(Pipeline.is_default.is_(True),
                                                        Pipeline.id != pipeline.id)):
        other.is_default = False
        other.updated_at = now()
    pipeline.is_default = True
