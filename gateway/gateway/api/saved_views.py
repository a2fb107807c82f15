"""Saved views: a user's search, filters and sort of a list, kept under a name.

The gateway owns them (no service holds a user's screen preferences). A view's `query` is
the list's own query parameters (`q`, `sort` and its filters), validated by that list's
schema, so that applying a view is replaying its query against the list.
"""

from __future__ import annotations

from flask import g
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from gateway.api.blueprint import Blueprint
from gateway.api.schemas import ACCOUNT_FILTERS, CONTACT_FILTERS, AccountFilters, ContactFilters
from gateway.db import db
from gateway.errors import Problem
from gateway.http import expected_version, with_etag
from gateway.models import SavedView, now
from gateway.permissions import requires

blp = Blueprint("saved_views", __name__, url_prefix="/api/v1/saved-views",
                description="Saved views of lists, per user")

# Each list a view may be saved for: its filter schema and the parameters a view keeps
# (never `limit` or `cursor`, which are where the user was, not what they looked for).
LISTS: dict[str, tuple[type[Schema], tuple[str, ...]]] = {
    "contacts": (ContactFilters, ("q", "sort", *CONTACT_FILTERS)),
    "accounts": (AccountFilters, ("q", "sort", *ACCOUNT_FILTERS)),
}
MAX_VIEWS_PER_LIST = 100


class SavedViewArgs(Schema):
    class Meta:
        unknown = RAISE

    resource = fields.String(required=True, validate=validate.OneOf(sorted(LISTS)))


class _QueryChecked(Schema):
    class Meta:
        unknown = RAISE

    query = fields.Dict(keys=fields.String(), values=fields.String(
        validate=validate.Length(max=200)), metadata={
        "description": "the list's query parameters: `q`, `sort` and its filters"})

    def _check_query(self, resource: str, query: dict[str, str]) -> None:
        schema, allowed = LISTS[resource]
        unknown = sorted(set(query) - set(allowed))
        if unknown:
            raise ValidationError({"query": {name: [f"not a parameter of the {resource} list"]
                                             for name in unknown}})
        problems = schema().validate(query)
        if problems:
            raise ValidationError({"query": problems})


class SavedViewIn(_QueryChecked):
    resource = fields.String(required=True, validate=validate.OneOf(sorted(LISTS)))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    query = fields.Dict(keys=fields.String(), values=fields.String(
        validate=validate.Length(max=200)), load_default=dict, metadata={
        "description": "the list's query parameters: `q`, `sort` and its filters"})

    @validates_schema
    def query_fits_the_list(self, data, **_kwargs):
        if data.get("resource") in LISTS:
            self._check_query(data["resource"], data.get("query", {}))


class SavedViewPatch(_QueryChecked):
    """Rename a view or replace its query."""

    name = fields.String(validate=validate.Length(min=1, max=100))


class SavedViewOut(Schema):
    id = fields.String(required=True)
    resource = fields.String(required=True)
    name = fields.String(required=True)
    query = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    version = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class SavedViewPage(Schema):
    items = fields.List(fields.Nested(SavedViewOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


@blp.route("", methods=["GET"])
@requires("contacts:read")
@blp.arguments(SavedViewArgs, location="query")
@blp.response(200, SavedViewPage)
def list_saved_views(args):
    """The caller's saved views of one list, by name."""
    views = db().scalars(select(SavedView).where(
        SavedView.owner_id == g.principal.id, SavedView.resource == args["resource"])
        .order_by(SavedView.name))
    return {"items": list(views), "next_cursor": None}


@blp.route("", methods=["POST"])
@requires("contacts:read")
@blp.arguments(SavedViewIn)
@blp.response(201, SavedViewOut)
def create_saved_view(data):
    """Save a list's query under a name; a name is the caller's once per list (409)."""
    session = db()
    count = session.scalar(select(func.count()).select_from(SavedView).where(
        SavedView.owner_id == g.principal.id, SavedView.resource == data["resource"]))
    if count >= MAX_VIEWS_PER_LIST:
        raise Problem(409, "Conflict", f"at most {MAX_VIEWS_PER_LIST} saved views per list",
                      errors={"name": ["too many saved views: delete one first"]})
    view = SavedView(owner_id=g.principal.id, **data)
    session.add(view)
    _commit_name()
    g.resource_id = view.id
    return with_etag(SavedViewOut().dump(view), 201, f"/api/v1/saved-views/{view.id}")


@blp.route("/<item_id>", methods=["GET"])
@requires("contacts:read")
@blp.response(200, SavedViewOut)
def get_saved_view(item_id):
    return with_etag(SavedViewOut().dump(_own(item_id)))


@blp.route("/<item_id>", methods=["PATCH"])
@requires("contacts:read")
@blp.arguments(SavedViewPatch)
@blp.response(200, SavedViewOut)
def update_saved_view(data, item_id):
    """Rename a view or replace its query; send If-Match with the ETag you read."""
    view = _own(item_id)
    version = expected_version()
    if version is not None and version != view.version:
        raise Problem(412, "Precondition failed", "the view changed since you read it")
    if "query" in data:
        SavedViewPatch()._check_query(view.resource, data["query"])
    for name, value in data.items():
        setattr(view, name, value)
    view.version += 1
    view.updated_at = now()
    _commit_name()
    return with_etag(SavedViewOut().dump(view))


@blp.route("/<item_id>", methods=["DELETE"])
@requires("contacts:read")
@blp.response(204)
def delete_saved_view(item_id):
    view = _own(item_id)
    db().delete(view)
    db().commit()


def _own(view_id: str) -> SavedView:
    """The caller's view: someone else's is as absent as a missing one."""
    view = db().get(SavedView, view_id)
    if view is None or view.owner_id != g.principal.id:
        raise Problem(404, "Not found", f"no saved view {view_id}")
    return view


def _commit_name() -> None:
    try:
        db().commit()
    except IntegrityError:
        db().rollback()
        raise Problem(409, "Conflict", "you have a saved view of this name already",
                      errors={"name": ["already taken"]}) from None
