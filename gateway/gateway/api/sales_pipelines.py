"""Pipelines: the ordered stages a deal goes through, each with its default probability."""

from __future__ import annotations

from flask import g

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.sales_schemas import PipelineIn, PipelineOut, PipelinePatch
from gateway.http import expected_version, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("pipelines", __name__, url_prefix="/api/v1/pipelines",
                description="Sales pipelines and their stages")
PipelinePage = page_schema(PipelineOut, "PipelinePage")


@blp.route("", methods=["GET"])
@requires("sales:read")
@blp.response(200, PipelinePage)
def list_pipelines():
    """Every pipeline with its stages; a default pipeline always exists."""
    return services.call("sales", "list_pipelines")


@blp.route("", methods=["POST"])
@requires("catalog:write")
@blp.arguments(PipelineIn)
@blp.response(201, PipelineOut)
def create_pipeline(data):
    """A pipeline with 1 to 50 stages, in order."""
    pipeline = services.call("sales", "create_pipeline", data)
    g.resource_id = pipeline["id"]
    return with_etag(pipeline, 201, f"/api/v1/pipelines/{pipeline['id']}")


@blp.route("/<item_id>", methods=["GET"])
@requires("sales:read")
@blp.response(200, PipelineOut)
def get_pipeline(item_id):
    return with_etag(services.call("sales", "get_pipeline", item_id))


@blp.route("/<item_id>", methods=["PATCH"])
@requires("catalog:write")
@blp.arguments(PipelinePatch)
@blp.response(200, PipelineOut)
def update_pipeline(data, item_id):
    """Rename, make default, or give the whole new list of stages: a stage sent with its
    `id` is kept (and edited), one without is new, one left out is dropped (409 when
    deals are in it). Send If-Match with the ETag you read."""
    return with_etag(services.call("sales", "update_pipeline", item_id, data,
                                   expected_version()))


@blp.route("/<item_id>", methods=["DELETE"])
@requires("catalog:write")
@blp.response(204)
def delete_pipeline(item_id):
    """409 for the default pipeline or one with open deals."""
    services.call("sales", "delete_pipeline", item_id, expected_version())
