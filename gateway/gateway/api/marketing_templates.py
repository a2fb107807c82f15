"""Mail templates: subject, plain-text and HTML bodies with variables, checked when saved
and previewed for a contact."""

from __future__ import annotations

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.marketing_schemas import (
    PreviewIn,
    PreviewOut,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
)
from gateway.api.sales_schemas import _Query
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("templates", __name__, url_prefix="/api/v1/templates",
                description="Mail templates (Jinja2, sandboxed)")
TemplatePage = page_schema(TemplateOut, "TemplatePage")


@blp.route("", methods=["GET"])
@requires("marketing:read")
@blp.arguments(_Query, location="query", unknown=RAISE)
@blp.response(200, TemplatePage)
def list_templates(args):
    return services.call("marketing", "list_templates", list_query(args, ()))


@blp.route("", methods=["POST"])
@requires("marketing:write")
@blp.arguments(TemplateIn)
@blp.response(201, TemplateOut)
def create_template(data):
    """Jinja2 with the variables `contact`, `account`, `campaign` and `unsubscribe_url`.
    A syntax error, an unknown variable or field, or unsafe attribute access is 422 with
    the part and the line, e.g. `{"text_body": ["line 3: contact has no field 'x'"]}`."""
    template = services.call("marketing", "create_template", data)
    g.resource_id = template["id"]
    return with_etag(template, 201, f"/api/v1/templates/{template['id']}")


@blp.route("/<item_id>", methods=["GET"])
@requires("marketing:read")
@blp.response(200, TemplateOut)
def get_template(item_id):
    return with_etag(services.call("marketing", "get_template", item_id))


@blp.route("/<item_id>", methods=["PATCH"])
@requires("marketing:write")
@blp.arguments(TemplatePatch)
@blp.response(200, TemplateOut)
def update_template(data, item_id):
    return with_etag(services.call("marketing", "update_template", item_id, data,
                                   expected_version()))


@blp.route("/<item_id>", methods=["DELETE"])
@requires("marketing:write")
@blp.response(204)
def delete_template(item_id):
    """409 while a scheduled or sending campaign uses it."""
    services.call("marketing", "delete_template", item_id, expected_version())


@blp.route("/<item_id>/preview", methods=["POST"])
@requires("marketing:read")
@blp.arguments(PreviewIn)
@blp.response(200, PreviewOut)
def preview_template(data, item_id):
    """The mail as a contact would get it (a sample contact without `contact_id`)."""
    return services.call("marketing", "preview_template", item_id, data)
