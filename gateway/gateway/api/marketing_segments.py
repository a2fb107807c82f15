"""Segments: static lists and dynamic rules over contacts, accounts, consent and
behaviour, with their members and live counts."""

from __future__ import annotations

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.marketing_schemas import (
    CountOut,
    MemberOut,
    MembersIn,
    RulesIn,
    SegmentFilters,
    SegmentIn,
    SegmentOut,
    SegmentPatch,
)
from gateway.api.sales_schemas import _Query
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("segments", __name__, url_prefix="/api/v1/segments",
                description="Marketing segments: static lists and dynamic rules")
SegmentPage = page_schema(SegmentOut, "SegmentPage")
MemberPage = page_schema(MemberOut, "SegmentMemberPage")


@blp.route("", methods=["GET"])
@requires("marketing:read")
@blp.arguments(SegmentFilters, location="query", unknown=RAISE)
@blp.response(200, SegmentPage)
def list_segments(args):
    """Segments with their live member counts, newest first."""
    return services.call("marketing", "list_segments", list_query(args, ("kind",)))


@blp.route("", methods=["POST"])
@requires("marketing:write")
@blp.arguments(SegmentIn)
@blp.response(201, SegmentOut)
def create_segment(data):
    """A dynamic segment (`rules` required) is evaluated at once and kept current as
    contacts change; a static one is a list you add members to. A rule naming an unknown
    field, operator or value is 422 with the bad part named, e.g.
    `rules.conditions.1.field`."""
    segment = services.call("marketing", "create_segment", data)
    g.resource_id = segment["id"]
    return with_etag(segment, 201, f"/api/v1/segments/{segment['id']}")


@blp.route("/count", methods=["POST"])
@requires("marketing:read")
@blp.arguments(RulesIn)
@blp.response(200, CountOut)
def count_segment_rules(data):
    """How many contacts these rules match now, without saving a segment."""
    return services.call("marketing", "count_segment_rules", data)


@blp.route("/<item_id>", methods=["GET"])
@requires("marketing:read")
@blp.response(200, SegmentOut)
def get_segment(item_id):
    return with_etag(services.call("marketing", "get_segment", item_id))


@blp.route("/<item_id>", methods=["PATCH"])
@requires("marketing:write")
@blp.arguments(SegmentPatch)
@blp.response(200, SegmentOut)
def update_segment(data, item_id):
    """New rules re-evaluate every contact (members join and leave). Send If-Match."""
    return with_etag(services.call("marketing", "update_segment", item_id, data,
                                   expected_version()))


@blp.route("/<item_id>", methods=["DELETE"])
@requires("marketing:write")
@blp.response(204)
def delete_segment(item_id):
    """409 while a scheduled or sending campaign uses it."""
    services.call("marketing", "delete_segment", item_id, expected_version())


@blp.route("/<item_id>/members", methods=["GET"])
@requires("marketing:read")
@blp.arguments(_Query, location="query", unknown=RAISE)
@blp.response(200, MemberPage)
def segment_members(args, item_id):
    """Members by contact id, with their email consent."""
    return services.call("marketing", "segment_members", item_id,
                         {name: args[name] for name in ("limit", "cursor") if name in args})


@blp.route("/<item_id>/members", methods=["POST"])
@requires("marketing:write")
@blp.arguments(MembersIn)
@blp.response(200, SegmentOut)
def add_segment_members(data, item_id):
    """Add contacts to a static segment (409 for a dynamic one)."""
    return with_etag(services.call("marketing", "add_segment_members", item_id, data))


@blp.route("/<item_id>/members/remove", methods=["POST"])
@requires("marketing:write")
@blp.arguments(MembersIn)
@blp.response(200, SegmentOut)
def remove_segment_members(data, item_id):
    """Remove contacts from a static segment."""
    return with_etag(services.call("marketing", "remove_segment_members", item_id, data))
