"""Users, roles, API keys and the audit log: managed by admins only."""

from __future__ import annotations

from flask import current_app, g
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gateway.api.auth import UserOut
from gateway.api.blueprint import Blueprint
from gateway.auth import hash_password, new_api_key, user_cache
from gateway.db import db
from gateway.errors import Problem
from gateway.http import ListArgs, expected_version, with_etag
from gateway.models import ApiKey, AuditEntry, User, now
from gateway.permissions import ALL_PERMISSIONS, ROLES, requires

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Users, API keys, audit")


class UserIn(Schema):
    class Meta:
        unknown = RAISE

    email = fields.Email(required=True, validate=validate.Length(max=320))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=200,
                                                      error="at least 10 characters"))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class UserPatch(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(validate=validate.Length(min=1, max=200))
    password = fields.String(load_only=True, validate=validate.Length(min=10, max=200))
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()


class UserPage(Schema):
    items = fields.List(fields.Nested(UserOut))
    next_cursor = fields.String(allow_none=True)


class ApiKeyPage(Schema):
    # Listed rows have no `key` attribute, so the secret never appears here.
    items = fields.List(fields.Nested(lambda: ApiKeyOut()))
    next_cursor = fields.String(allow_none=True)


class AuditPage(Schema):
    items = fields.List(fields.Nested(lambda: AuditOut()))
    next_cursor = fields.String(allow_none=True)


class ApiKeyIn(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    scopes = fields.List(fields.String(validate=validate.OneOf(sorted(ALL_PERMISSIONS))),
                         required=True, validate=validate.Length(min=1))


class ApiKeyOut(Schema):
    id = fields.String()
    name = fields.String()
    prefix = fields.String()
    scopes = fields.List(fields.String())
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    key = fields.String(metadata={"description": "the full key, shown only once"})


class AuditOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_type = fields.String()
    actor_id = fields.String(allow_none=True)
    method = fields.String()
    path = fields.String()
    status = fields.Integer()
    resource_id = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    correlation_id = fields.String(allow_none=True)


def create_user(email: str, name: str, password: str, role: str) -> User:
    user = User(email=email.strip().lower(), name=name, role=role,
                password_hash=hash_password(password))
    session = db()
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Problem(409, "Conflict", "a user with this email exists",
                      errors={"email": ["already taken"]}) from None
    return user


@blp.route("/users", methods=["GET"])
@requires("users:manage")
@blp.arguments(ListArgs, location="query")
@blp.response(200, UserPage)
def list_users(args):
    """Users, by email."""
    query = select(User).order_by(User.email).limit(args["limit"] + 1)
    if cursor := args.get("cursor"):
        query = query.where(User.email > cursor)
    users = list(db().scalars(query))
    more = len(users) > args["limit"]
    users = users[:args["limit"]]
    return {"items": users, "next_cursor": users[-1].email if more else None}


@blp.route("/users", methods=["POST"])
@requires("users:manage")
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def add_user(data):
    """Create a user with a role."""
    user = create_user(**data)
    g.resource_id = user.id
    return with_etag(UserOut().dump(user), 201, f"/api/v1/users/{user.id}")


@blp.route("/users/<item_id>", methods=["GET"])
@requires("users:manage")
@blp.response(200, UserOut)
def get_user(item_id):
    return with_etag(UserOut().dump(_user(item_id)))


@blp.route("/users/<item_id>", methods=["PATCH"])
@requires("users:manage")
@blp.arguments(UserPatch)
@blp.response(200, UserOut)
def update_user(data, item_id):
    """Change a user's name, role, password, or disable them."""
    user = _user(item_id)
    version = expected_version()
    if version is not None and version != user.version:
        raise Problem(412, "Precondition failed", "the user changed since you read it")
    if "password" in data:
        user.password_hash = hash_password(data.pop("password"))
    for name, value in data.items():
        setattr(user, name, value)
    user.version += 1
    user.updated_at = now()
    db().commit()
    user_cache().forget(user.id)
    return with_etag(UserOut().dump(user))


def _user(user_id: str) -> User:
    user = db().get(User, user_id)
    if user is None:
        raise Problem(404, "Not found", f"no user {user_id}")
    return user


@blp.route("/api-keys", methods=["GET"])
@requires("api_keys:manage")
@blp.response(200, ApiKeyPage)
def list_api_keys():
    """Every key, revoked ones included; secrets are never shown again."""
    return {"items": list(db().scalars(select(ApiKey).order_by(ApiKey.created_at))),
            "next_cursor": None}


@blp.route("/api-keys", methods=["POST"])
@requires("api_keys:manage")
@blp.arguments(ApiKeyIn)
@blp.response(201, ApiKeyOut)
def add_api_key(data):
    """Create a key for an integrator; the full key is in this answer and nowhere else."""
    key, prefix, secret_hash = new_api_key()
    row = ApiKey(name=data["name"], prefix=prefix, secret_hash=secret_hash,
                 scopes=sorted(set(data["scopes"])), created_by=g.principal.id)
    db().add(row)
    db().commit()
    g.resource_id = row.id
    row.key = key  # not a column: returned in this answer only
    return row


@blp.route("/api-keys/<item_id>", methods=["DELETE"])
@requires("api_keys:manage")
@blp.response(204)
def revoke_api_key(item_id):
    row = db().get(ApiKey, item_id)
    if row is None:
        raise Problem(404, "Not found", f"no API key {item_id}")
    row.revoked_at = row.revoked_at or now()
    db().commit()


@blp.route("/audit", methods=["GET"])
@requires("audit:read")
@blp.arguments(ListArgs, location="query")
@blp.response(200, AuditPage)
def audit_log(args):
    """The newest writes first."""
    current_app.extensions["crm.audit"].flush()  # the caller's own writes are in
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(args["limit"] + 1)
    if cursor := args.get("cursor"):
        if not cursor.isdigit():
            raise Problem(422, "Invalid input", errors={"cursor": ["not a cursor from this list"]})
        query = query.where(AuditEntry.id < int(cursor))
    entries = list(db().scalars(query))
    more = len(entries) > args["limit"]
    entries = entries[:args["limit"]]
    return {"items": entries, "next_cursor": str(entries[-1].id) if more else None}
