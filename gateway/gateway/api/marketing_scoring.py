"""Lead scoring: rules that give points for who a contact is and what they do, and each
contact's score with the points it earned."""

from __future__ import annotations

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.marketing_schemas import (
    LeadScoreOut,
    ScoringRuleIn,
    ScoringRuleOut,
    ScoringRulePatch,
)
from gateway.api.sales_schemas import _Query
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("scoring", __name__, url_prefix="/api/v1",
                description="Lead scoring rules and lead scores")
ScoringRulePage = page_schema(ScoringRuleOut, "ScoringRulePage")


@blp.route("/scoring-rules", methods=["GET"])
@requires("marketing:read")
@blp.arguments(_Query, location="query", unknown=RAISE)
@blp.response(200, ScoringRulePage)
def list_scoring_rules(args):
    return services.call("marketing", "list_scoring_rules", list_query(args, ()))


@blp.route("/scoring-rules", methods=["POST"])
@requires("marketing:write")
@blp.arguments(ScoringRuleIn)
@blp.response(201, ScoringRuleOut)
def create_scoring_rule(data):
    """A field rule (segment-style `rules`) gives its points while a contact matches; an
    event rule gives them each time a contact does `event` (a first open or click of a
    campaign mail, unsubscribing, a bounce), fading by half each
    `CRM_MARKETING_SCORE_HALF_LIFE_DAYS`. A contact whose score reaches
    `CRM_MARKETING_LEAD_THRESHOLD` is handed to sales once (`lead.qualified`)."""
    rule = services.call("marketing", "create_scoring_rule", data)
    g.resource_id = rule["id"]
    return with_etag(rule, 201, f"/api/v1/scoring-rules/{rule['id']}")


@blp.route("/scoring-rules/<item_id>", methods=["GET"])
@requires("marketing:read")
@blp.response(200, ScoringRuleOut)
def get_scoring_rule(item_id):
    return with_etag(services.call("marketing", "get_scoring_rule", item_id))


@blp.route("/scoring-rules/<item_id>", methods=["PATCH"])
@requires("marketing:write")
@blp.arguments(ScoringRulePatch)
@blp.response(200, ScoringRuleOut)
def update_scoring_rule(data, item_id):
    return with_etag(services.call("marketing", "update_scoring_rule", item_id, data,
                                   expected_version()))


@blp.route("/scoring-rules/<item_id>", methods=["DELETE"])
@requires("marketing:write")
@blp.response(204)
def delete_scoring_rule(item_id):
    services.call("marketing", "delete_scoring_rule", item_id, expected_version())


@blp.route("/lead-scores/<item_id>", methods=["GET"])
@requires("marketing:read")
@blp.response(200, LeadScoreOut)
def get_lead_score(item_id):
    """A contact's score now, the threshold, when it qualified, and the points it earned
    (most recent first)."""
    return services.call("marketing", "get_lead_score", item_id)
