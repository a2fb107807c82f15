"""Nurturing scenarios: a trigger, then steps each contact goes through at its own pace
(waits are durable timers), with every contact's enrolment and position visible."""

from __future__ import annotations

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.marketing_schemas import (
    EnrolmentFilters,
    EnrolmentOut,
    ScenarioIn,
    ScenarioOut,
    ScenarioPatch,
)
from gateway.api.sales_schemas import _Query
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("scenarios", __name__, url_prefix="/api/v1",
                description="Nurturing scenarios and who is where in them")
ScenarioPage = page_schema(ScenarioOut, "ScenarioPage")
EnrolmentPage = page_schema(EnrolmentOut, "EnrolmentPage")


@blp.route("/scenarios", methods=["GET"])
@requires("marketing:read")
@blp.arguments(_Query, location="query", unknown=RAISE)
@blp.response(200, ScenarioPage)
def list_scenarios(args):
    return services.call("marketing", "list_scenarios", list_query(args, ()))


@blp.route("/scenarios", methods=["POST"])
@requires("campaigns:send")
@blp.arguments(ScenarioIn)
@blp.response(201, ScenarioOut)
def create_scenario(data):
    """Triggers: `segment.joined` (a segment_id), `form.submitted` (a form_id or any),
    `email.opened` / `email.clicked` (a campaign_id or any), `lead.qualified`. Steps:
    `wait` (days, hours, minutes), `send` (a template_id; only with email consent),
    `branch` (on opened or clicked, the last mail of this scenario: to step `then` or
    `else`), `add_score` (points), `create_task` (subject, due_in_days: a task for the
    owner in sales), `set_lifecycle_stage` (stage, through contacts). A bad part is 422
    named like `steps.2`. A contact enters a scenario once."""
    scenario = services.call("marketing", "create_scenario", data)
    g.resource_id = scenario["id"]
    return with_etag(scenario, 201, f"/api/v1/scenarios/{scenario['id']}")


@blp.route("/scenarios/<item_id>", methods=["GET"])
@requires("marketing:read")
@blp.response(200, ScenarioOut)
def get_scenario(item_id):
    return with_etag(services.call("marketing", "get_scenario", item_id))


@blp.route("/scenarios/<item_id>", methods=["PATCH"])
@requires("campaigns:send")
@blp.arguments(ScenarioPatch)
@blp.response(200, ScenarioOut)
def update_scenario(data, item_id):
    """Steps cannot change while contacts are on their way (409): pause it with
    `active: false`, or stop it and make another."""
    return with_etag(services.call("marketing", "update_scenario", item_id, data,
                                   expected_version()))


@blp.route("/scenarios/<item_id>", methods=["DELETE"])
@requires("campaigns:send")
@blp.response(204)
def delete_scenario(item_id):
    """Stops it: the contacts in it exit."""
    services.call("marketing", "delete_scenario", item_id, expected_version())


@blp.route("/scenarios/<item_id>/enrolments", methods=["GET"])
@requires("marketing:read")
@blp.arguments(EnrolmentFilters, location="query", unknown=RAISE)
@blp.response(200, EnrolmentPage)
def scenario_enrolments(args, item_id):
    """Who is in it, at which step, due when, and what happened so far."""
    return services.call("marketing", "scenario_enrolments", item_id,
                         list_query(args, ("status",)))


@blp.route("/contacts/<item_id>/enrolments", methods=["GET"])
@requires("marketing:read")
@blp.response(200, EnrolmentPage)
def contact_enrolments(item_id):
    """The scenarios a contact is or was in."""
    return services.call("marketing", "contact_enrolments", item_id)
