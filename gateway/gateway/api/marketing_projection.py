"""The marketing service's projection of contacts, accounts and consent: how far it has
read, and its rebuild from the contacts service's event log, a page per call (what
`crm marketing rebuild` drives)."""

from __future__ import annotations

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.marketing_schemas import (
    ProjectionPageOut,
    ProjectionRebuildIn,
    ProjectionStatusOut,
)
from gateway.http import as_is
from gateway.permissions import requires

blp = Blueprint("marketing-projection", __name__, url_prefix="/api/v1/marketing/projection",
                description="Marketing's projection of the contacts: status and rebuild")

REBUILD_PAGE_SECONDS = 120.0  # a page of a thousand events, and the segments after the last


@blp.route("", methods=["GET"])
@requires("marketing:read")
@blp.response(200, ProjectionStatusOut)
def projection_status():
    """The last event of the contacts log read into the projection, and when it was last
    rebuilt."""
    return services.call("marketing", "projection_status")


@blp.route("/rebuild", methods=["POST"])
@requires("marketing:rebuild")
@blp.arguments(ProjectionRebuildIn)
@blp.response(200, ProjectionPageOut)
def rebuild_page(data):
    """Read one page of the contacts service's event log into the projection, from
    `cursor` (0 starts over); call again with `next_cursor` until it is null. After the
    last page every dynamic segment is brought in line with the rebuilt projection."""
    return as_is(services.call("marketing", "rebuild_projection_page", data,
                               timeout=REBUILD_PAGE_SECONDS))
