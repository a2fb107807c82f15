"""Colleagues: who may own a deal or take a ticket, by name. Every staff member sees the
active users' names and roles (never their emails or sign-in times), so that a manager
can pick an assignee and a forecast can say whose deals it counts, without the
administrators' `/users`."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from gateway.api.blueprint import Blueprint
from gateway.db import db
from gateway.models import User
from gateway.permissions import ROLES, requires

blp = Blueprint("people", __name__, url_prefix="/api/v1",
                description="Colleagues: the active users' names, for choosing a person")
MAX_PEOPLE = 500


class PeopleQuery(Schema):
    class Meta:
        unknown = RAISE

    role = fields.List(fields.String(validate=validate.OneOf(ROLES)), metadata={
        "description": "only these roles (repeatable)"})
    limit = fields.Integer(load_default=MAX_PEOPLE,
                           validate=validate.Range(min=1, max=MAX_PEOPLE))
    cursor = fields.String(metadata={"description": "the `next_cursor` of the page before"})


class PersonOut(Schema):
    id = fields.String()
    name = fields.String()
    role = fields.String()


class PeoplePage(Schema):
    items = fields.List(fields.Nested(PersonOut))
    next_cursor = fields.String(allow_none=True)


@blp.route("/people", methods=["GET"])
@requires("contacts:read")
@blp.arguments(PeopleQuery, location="query")
@blp.response(200, PeoplePage)
def list_people(args):
    """The active users by name (then id), optionally of some `role`s."""
    query = select(User).where(User.active.is_(True)).order_by(User.name, User.id)
    if roles := args.get("role"):
        query = query.where(User.role.in_(roles))
    if cursor := args.get("cursor"):
        name, _, last_id = cursor.partition("\x1f")
        query = query.where((User.name > name) | ((User.name == name) & (User.id > last_id)))
    people = list(db().scalars(query.limit(args["limit"] + 1)))
    more = len(people) > args["limit"]
    people = people[:args["limit"]]
    return {"items": people,
            "next_cursor": f"{people[-1].name}\x1f{people[-1].id}" if more else None}
