"""Campaigns: a template sent to a segment's consenting contacts, now or at a time, with
cost, budget and metrics."""

from __future__ import annotations

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.marketing_schemas import (
    CampaignFilters,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    MetricsOut,
    ScheduleIn,
)
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("campaigns", __name__, url_prefix="/api/v1/campaigns",
                description="Email campaigns to segments, sent only to those who consented")
CampaignPage = page_schema(CampaignOut, "CampaignPage")


@blp.route("", methods=["GET"])
@requires("marketing:read")
@blp.arguments(CampaignFilters, location="query", unknown=RAISE)
@blp.response(200, CampaignPage)
def list_campaigns(args):
    return services.call("marketing", "list_campaigns",
                         list_query(args, ("status", "segment_id")))


@blp.route("", methods=["POST"])
@requires("marketing:write")
@blp.arguments(CampaignIn)
@blp.response(201, CampaignOut)
def create_campaign(data):
    """A draft. `cost` (a decimal string, default "0") over `budget` is 422."""
    campaign = services.call("marketing", "create_campaign", data)
    g.resource_id = campaign["id"]
    return with_etag(campaign, 201, f"/api/v1/campaigns/{campaign['id']}")


@blp.route("/<item_id>", methods=["GET"])
@requires("marketing:read")
@blp.response(200, CampaignOut)
def get_campaign(item_id):
    return with_etag(services.call("marketing", "get_campaign", item_id))


@blp.route("/<item_id>", methods=["PATCH"])
@requires("marketing:write")
@blp.arguments(CampaignPatch)
@blp.response(200, CampaignOut)
def update_campaign(data, item_id):
    """Once started, only `name`, `cost` and `budget` change (409 otherwise)."""
    return with_etag(services.call("marketing", "update_campaign", item_id, data,
                                   expected_version()))


@blp.route("/<item_id>/send", methods=["POST"])
@requires("campaigns:send")
@blp.response(200, CampaignOut)
def send_campaign(item_id):
    """Start sending now to every member whose email consent is granted (the others are
    counted in `skipped_without_consent`); 422 on `segment_id` when nobody consented."""
    return with_etag(services.call("marketing", "send_campaign", item_id,
                                   expected_version()))


@blp.route("/<item_id>/schedule", methods=["POST"])
@requires("campaigns:send")
@blp.arguments(ScheduleIn)
@blp.response(200, CampaignOut)
def schedule_campaign(data, item_id):
    """Send at `scheduled_at` (in the future); the audience is taken at that time."""
    return with_etag(services.call("marketing", "schedule_campaign", item_id, data,
                                   expected_version()))


@blp.route("/<item_id>/cancel", methods=["POST"])
@requires("campaigns:send")
@blp.response(200, CampaignOut)
def cancel_campaign(item_id):
    """Stop a draft, scheduled or sending campaign: mails not yet sent are dropped."""
    return with_etag(services.call("marketing", "cancel_campaign", item_id,
                                   expected_version()))


@blp.route("/<item_id>/metrics", methods=["GET"])
@requires("marketing:read")
@blp.response(200, MetricsOut)
def campaign_metrics(item_id):
    """Sent, delivered, opened, clicked, bounced, unsubscribed and their rates; cost per
    mail and per lead; opportunities, deals won and revenue credited by first and by
    last touch; conversion rate (deals won per delivered mail) and ROI."""
    return services.call("marketing", "campaign_metrics", item_id)
