"""Pipelines whose stages are edited, products and price lists, on a real database."""

from __future__ import annotations

import pytest

from sales.exceptions import Conflict, NotFound, ValidationFailed
from sales.operations import catalog, opportunities, pipelines
from sales.schemas import OpportunityInput, PipelineInput, PriceInput, ProductInput, load


def new_pipeline(unit, name="Partners", **extra):
    created = pipelines.create_pipeline(unit, load(PipelineInput(), {
        "name": name, "stages": [{"name": "Intro", "probability": 5, "time_limit_days": 10},
                                 {"name": "Trial", "probability": 40},
                                 {"name": "Signed", "probability": 90}], **extra}))
    unit.commit()
    return created


def test_stages_are_reordered_renamed_added_and_dropped(unit):
    pipeline = new_pipeline(unit)
    intro, trial, signed = pipeline.stages
    updated = pipelines.update_pipeline(unit, pipeline.id, load(PipelineInput(), {"stages": [
        {"id": trial.id, "name": "Pilot", "probability": 45},
        {"id": intro.id, "name": "Intro", "probability": 5},
        {"name": "Legal", "probability": 80, "time_limit_days": 7}]}, partial=True),
        pipeline.version)
    unit.commit()
    data = pipelines.pipeline_data(updated)
    assert [(s["name"], s["position"]) for s in data["stages"]] == [
        ("Pilot", 0), ("Intro", 1), ("Legal", 2)]
    assert data["version"] == 2 and signed.id not in {s["id"] for s in data["stages"]}


def test_a_stage_in_use_is_not_dropped_and_the_default_is_not_deleted(unit):
    pipeline = new_pipeline(unit)
    opportunities.create_opportunity(unit, load(OpportunityInput(), {
        "name": "D", "amount": "1", "currency": "EUR", "pipeline_id": pipeline.id,
        "stage_id": pipeline.stages[2].id}))
    unit.commit()
    keep = [{"id": s.id, "name": s.name, "probability": s.probability}
            for s in pipeline.stages[:2]]
    with pytest.raises(Conflict, match="move them first"):
        pipelines.update_pipeline(unit, pipeline.id, {"stages": keep}, None)
    unit.rollback()
    with pytest.raises(Conflict, match="open opportunities"):
        pipelines.delete_pipeline(unit, pipeline.id, None)
    unit.rollback()
    with pytest.raises(Conflict, match="default"):
        pipelines.delete_pipeline(unit, pipelines.default_pipeline(unit.session).id, None)


def test_one_default_pipeline_at_a_time(unit):
    first = pipelines.default_pipeline(unit.session)
    other = new_pipeline(unit, is_default=True)
    assert pipelines.default_pipeline(unit.session).id == other.id
    assert not first.is_default
    pipelines.delete_pipeline(unit, first.id, None)
    unit.commit()
    with pytest.raises(NotFound):
        pipelines.get_pipeline(unit.session, first.id)
    assert [p.name for p in pipelines.list_pipelines(unit.session)] == ["Partners"]


def test_stage_names_are_distinct(unit):
    with pytest.raises(ValidationFailed) as twice:
        load(PipelineInput(), {"name": "P", "stages": [{"name": "A", "probability": 1},
                                                       {"name": "a", "probability": 2}]})
    assert "stages" in twice.value.errors


def test_products_have_unique_skus_and_price_lists_a_price_per_currency(unit):
    seat = catalog.create_product(unit, load(ProductInput(), {"sku": "SEAT", "name": "Seat"}))
    unit.commit()
    with pytest.raises(Conflict):
        catalog.create_product(unit, load(ProductInput(), {"sku": "SEAT", "name": "Again"}))
    unit.rollback()
    prices = catalog.create_price_list(unit, {"name": "2026"})
    for currency, price in [("EUR", "19.99"), ("USD", "21.5"), ("EUR", "18.00")]:
        catalog.set_price(unit, prices.id, load(PriceInput(), {
            "product_id": seat.id, "currency": currency, "unit_price": price}))
    unit.commit()
    data = catalog.price_list_data(catalog.get_price_list(unit.session, prices.id))
    assert data["prices"] == [{"product_id": seat.id, "currency": "EUR", "unit_price": "18.00"},
                              {"product_id": seat.id, "currency": "USD",
                               "unit_price": "21.50"}]
    catalog.remove_price(unit, prices.id, {"product_id": seat.id, "currency": "USD"})
    unit.commit()
    assert len(catalog.get_price_list(unit.session, prices.id).prices) == 1
    catalog.delete_product(unit, seat.id, None)
    unit.commit()
    assert catalog.create_product(unit, load(ProductInput(), {"sku": "SEAT",
                                                              "name": "New seat"})).sku == "SEAT"
