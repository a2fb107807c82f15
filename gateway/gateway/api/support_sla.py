"""SLA policies (first-response and resolution targets by priority and tier) and the
business-hours calendars their minutes are counted in."""

from __future__ import annotations

from flask import g

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.support_schemas import (
    CalendarOut,
    CalendarPatch,
    SlaPolicyIn,
    SlaPolicyOut,
    SlaPolicyPatch,
)
from gateway.http import expected_version, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("sla", __name__, url_prefix="/api/v1",
                description="SLA policies and business-hours calendars")
SlaPolicyPage = page_schema(SlaPolicyOut, "SlaPolicyPage")


@blp.route("/sla-policies", methods=["GET"])
@requires("support:read")
@blp.response(200, SlaPolicyPage)
def list_sla_policies():
    return services.call("support", "list_sla_policies")


@blp.route("/sla-policies", methods=["POST"])
@requires("support:manage")
@blp.arguments(SlaPolicyIn)
@blp.response(201, SlaPolicyOut)
def create_sla_policy(data):
    """One policy per priority and tier (409 when that pair has one); targets are
    business minutes of its calendar."""
    policy = services.call("support", "create_sla_policy", data)
    g.resource_id = policy["id"]
    return with_etag(policy, 201, f"/api/v1/sla-policies/{policy['id']}")


@blp.route("/sla-policies/<item_id>", methods=["GET"])
@requires("support:read")
@blp.response(200, SlaPolicyOut)
def get_sla_policy(item_id):
    return with_etag(services.call("support", "get_sla_policy", item_id))


@blp.route("/sla-policies/<item_id>", methods=["PATCH"])
@requires("support:manage")
@blp.arguments(SlaPolicyPatch)
@blp.response(200, SlaPolicyOut)
def update_sla_policy(data, item_id):
    return with_etag(services.call("support", "update_sla_policy", item_id, data,
                                   expected_version()))


@blp.route("/sla-policies/<item_id>", methods=["DELETE"])
@requires("support:manage")
@blp.response(204)
def delete_sla_policy(item_id):
    services.call("support", "delete_sla_policy", item_id, expected_version())


@blp.route("/business-calendars/default", methods=["GET"])
@requires("support:read")
@blp.response(200, CalendarOut)
def get_default_calendar():
    """The calendar SLA policies use unless they name another."""
    return with_etag(services.call("support", "get_calendar", None))


@blp.route("/business-calendars/<item_id>", methods=["GET"])
@requires("support:read")
@blp.response(200, CalendarOut)
def get_calendar(item_id):
    return with_etag(services.call("support", "get_calendar", item_id))


@blp.route("/business-calendars/<item_id>", methods=["PATCH"])
@requires("support:manage")
@blp.arguments(CalendarPatch)
@blp.response(200, CalendarOut)
def update_calendar(data, item_id):
    """Working hours per weekday (`{"mon": [["09:00", "18:00"]]}`, a day left out is
    closed), an IANA time zone and holidays (`YYYY-MM-DD`)."""
    return with_etag(services.call("support", "update_calendar", item_id, data,
                                   expected_version()))
