"""Opportunities: deals moving through a pipeline's stages, their Kanban board, stage
history and forecast."""

from __future__ import annotations

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.sales_schemas import (
    BOARD_FILTERS,
    FORECAST_FILTERS,
    OPPORTUNITY_FILTERS,
    BoardOut,
    BoardQuery,
    ForecastOut,
    ForecastQuery,
    LoseIn,
    MoveIn,
    OpportunityFilters,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    ReopenIn,
    StageChangeOut,
)
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.kept import kept_answer
from gateway.permissions import requires

blp = Blueprint("opportunities", __name__, url_prefix="/api/v1",
                description="Opportunities (deals), the board and the forecast")
OpportunityPage = page_schema(OpportunityOut, "OpportunityPage")
StageHistoryPage = page_schema(StageChangeOut, "StageHistoryPage")


@blp.route("/opportunities", methods=["GET"])
@requires("sales:read")
@blp.arguments(OpportunityFilters, location="query", unknown=RAISE)
@blp.response(200, OpportunityPage)
def list_opportunities(args):
    """Deals, newest first. `q` searches names; `close_after` / `close_before` are
    expected close dates (on or after / before)."""
    return services.call("sales", "list_opportunities", list_query(args, OPPORTUNITY_FILTERS))


@blp.route("/opportunities", methods=["POST"])
@requires("sales:write")
@blp.arguments(OpportunityIn)
@blp.response(201, OpportunityOut)
def create_opportunity(data):
    """A deal, owned by the caller unless `owner_id` says otherwise, in the default
    pipeline's first stage unless told otherwise."""
    deal = services.call("sales", "create_opportunity", data)
    g.resource_id = deal["id"]
    return with_etag(deal, 201, f"/api/v1/opportunities/{deal['id']}")


@blp.route("/opportunities/board", methods=["GET"])
@requires("sales:read")
@blp.arguments(BoardQuery, location="query", unknown=RAISE)
@blp.response(200, BoardOut)
def opportunity_board(args):
    """The Kanban board of one pipeline: per stage, the number of deals, their totals per
    currency and the most recently updated cards. Open deals unless `status` says
    otherwise."""
    query = {"cards": args["cards"],
             "filters": {name: args[name] for name in BOARD_FILTERS if name in args}}
    if "pipeline_id" in args:
        query["pipeline_id"] = args["pipeline_id"]
    return kept_answer("sales", "opportunities", query,
                       lambda: services.call("sales", "opportunity_board", query))


@blp.route("/opportunities/<item_id>", methods=["GET"])
@requires("sales:read")
@blp.response(200, OpportunityOut)
def get_opportunity(item_id):
    return with_etag(services.call("sales", "get_opportunity", item_id))


@blp.route("/opportunities/<item_id>", methods=["PATCH"])
@requires("sales:write")
@blp.arguments(OpportunityPatch)
@blp.response(200, OpportunityOut)
def update_opportunity(data, item_id):
    """Change some fields (a sales rep only their own deals); the stage changes by
    `move`. Send If-Match with the ETag you read to avoid lost updates."""
    return with_etag(services.call("sales", "update_opportunity", item_id, data,
                                   expected_version()))


@blp.route("/opportunities/<item_id>", methods=["DELETE"])
@requires("sales:write")
@blp.response(204)
def delete_opportunity(item_id):
    services.call("sales", "delete_opportunity", item_id, expected_version())


@blp.route("/opportunities/<item_id>/move", methods=["POST"])
@requires("sales:write")
@blp.arguments(MoveIn)
@blp.response(200, OpportunityOut)
def move_opportunity(data, item_id):
    """Move an open deal to a stage (of another pipeline with its `pipeline_id`); its
    probability becomes the stage's. A won or lost deal is reopened first (409)."""
    return with_etag(services.call("sales", "move_opportunity", item_id, data,
                                   expected_version()))


@blp.route("/opportunities/<item_id>/win", methods=["POST"])
@requires("sales:write")
@blp.response(200, OpportunityOut)
def win_opportunity(item_id):
    return with_etag(services.call("sales", "win_opportunity", item_id, expected_version()))


@blp.route("/opportunities/<item_id>/lose", methods=["POST"])
@requires("sales:write")
@blp.arguments(LoseIn)
@blp.response(200, OpportunityOut)
def lose_opportunity(data, item_id):
    return with_etag(services.call("sales", "lose_opportunity", item_id, data,
                                   expected_version()))


@blp.route("/opportunities/<item_id>/reopen", methods=["POST"])
@requires("sales:write")
@blp.arguments(ReopenIn)
@blp.response(200, OpportunityOut)
def reopen_opportunity(data, item_id):
    """A won or lost deal open again, in `stage_id` or the stage it closed in."""
    return with_etag(services.call("sales", "reopen_opportunity", item_id, data,
                                   expected_version()))


@blp.route("/opportunities/<item_id>/stage-history", methods=["GET"])
@requires("sales:read")
@blp.response(200, StageHistoryPage)
def stage_history(item_id):
    """Every stage change of the deal, oldest first, with the time spent in the stage
    before."""
    return {"items": services.call("sales", "stage_history", item_id), "next_cursor": None}


@blp.route("/forecast", methods=["GET"])
@requires("forecast:read")
@blp.arguments(ForecastQuery, location="query", unknown=RAISE)
@blp.response(200, ForecastOut)
def forecast(args):
    """Open deals by expected close `period` (month or quarter), owner, pipeline, stage and
    currency, with amounts and probability-weighted amounts, and totals per period."""
    return services.call("sales", "forecast", {
        "period": args["period"],
        "filters": {name: args[name] for name in FORECAST_FILTERS if name in args}})
