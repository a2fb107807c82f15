"""Custom fields: extra, typed fields on contacts and accounts, defined by admins."""

from __future__ import annotations

from flask import request
from marshmallow import Schema, fields

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.schemas import CustomFieldIn, CustomFieldOut
from gateway.errors import Problem
from gateway.permissions import requires

blp = Blueprint("custom_fields", __name__, url_prefix="/api/v1/custom-fields",
                description="Custom field definitions")


class CustomFieldPage(Schema):
    items = fields.List(fields.Nested(CustomFieldOut))
    next_cursor = fields.String(allow_none=True)


@blp.route("", methods=["GET"])
@requires("custom_fields:read")
@blp.response(200, CustomFieldPage)
@blp.doc(parameters=[{"name": "object", "in": "query", "required": False,
                      "schema": {"type": "string", "enum": ["contact", "account"]}}])
def list_fields():
    """Definitions, optionally for one `object` (contact or account)."""
    obj = request.args.get("object")
    if obj not in (None, "contact", "account"):
        raise Problem(422, "Invalid input", errors={"object": ["contact or account"]})
    return {"items": services.call("contacts", "list_custom_fields", obj),
            "next_cursor": None}


@blp.route("", methods=["POST"])
@requires("custom_fields:manage")
@blp.arguments(CustomFieldIn)
@blp.response(201, CustomFieldOut)
def create_field(data):
    return services.call("contacts", "create_custom_field", data), 201


@blp.route("/<item_id>", methods=["DELETE"])
@requires("custom_fields:manage")
@blp.response(204)
def delete_field(item_id):
    services.call("contacts", "delete_custom_field", item_id)
