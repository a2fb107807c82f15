"""Teams of agents and the assignment rules that route new tickets to them."""

from __future__ import annotations

from flask import g

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.support_schemas import RuleIn, RuleOut, RulePatch, TeamIn, TeamOut, TeamPatch
from gateway.http import expected_version, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("teams", __name__, url_prefix="/api/v1",
                description="Support teams and assignment rules")
TeamPage = page_schema(TeamOut, "TeamPage")
RulePage = page_schema(RuleOut, "AssignmentRulePage")


def _page(answer):
    # The service answers a list or a page; the API always answers a page.
    return answer if isinstance(answer, dict) else {"items": answer, "next_cursor": None}


@blp.route("/teams", methods=["GET"])
@requires("support:read")
@blp.response(200, TeamPage)
def list_teams():
    return _page(services.call("support", "list_teams"))


@blp.route("/teams", methods=["POST"])
@requires("support:manage")
@blp.arguments(TeamIn)
@blp.response(201, TeamOut)
def create_team(data):
    """Members are user ids; `round_robin` hands tickets out in member order,
    `least_loaded` to whoever has the fewest open ones."""
    team = services.call("support", "create_team", data)
    g.resource_id = team["id"]
    return with_etag(team, 201, f"/api/v1/teams/{team['id']}")


@blp.route("/teams/<item_id>", methods=["GET"])
@requires("support:read")
@blp.response(200, TeamOut)
def get_team(item_id):
    return with_etag(services.call("support", "get_team", item_id))


@blp.route("/teams/<item_id>", methods=["PATCH"])
@requires("support:manage")
@blp.arguments(TeamPatch)
@blp.response(200, TeamOut)
def update_team(data, item_id):
    return with_etag(services.call("support", "update_team", item_id, data,
                                   expected_version()))


@blp.route("/teams/<item_id>", methods=["DELETE"])
@requires("support:manage")
@blp.response(204)
def delete_team(item_id):
    services.call("support", "delete_team", item_id, expected_version())


@blp.route("/assignment-rules", methods=["GET"])
@requires("support:read")
@blp.response(200, RulePage)
def list_assignment_rules():
    """In evaluation order: the first rule whose every condition matches picks the team;
    none matching, the default team."""
    return _page(services.call("support", "list_assignment_rules"))


@blp.route("/assignment-rules", methods=["POST"])
@requires("support:manage")
@blp.arguments(RuleIn)
@blp.response(201, RuleOut)
def create_assignment_rule(data):
    rule = services.call("support", "create_assignment_rule", data)
    g.resource_id = rule["id"]
    return with_etag(rule, 201, f"/api/v1/assignment-rules/{rule['id']}")


@blp.route("/assignment-rules/<item_id>", methods=["PATCH"])
@requires("support:manage")
@blp.arguments(RulePatch)
@blp.response(200, RuleOut)
def update_assignment_rule(data, item_id):
    return with_etag(services.call("support", "update_assignment_rule", item_id, data,
                                   expected_version()))


@blp.route("/assignment-rules/<item_id>", methods=["DELETE"])
@requires("support:manage")
@blp.response(204)
def delete_assignment_rule(item_id):
    services.call("support", "delete_assignment_rule", item_id)
