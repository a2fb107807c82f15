"""Signing in: bearer tokens for integrators, a cookie session for the browser."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, jsonify, request
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import delete, func, or_, select

from gateway.api.blueprint import Blueprint
from gateway.auth import (
    check_password,
    issue_token,
    with_session_cookies,
    without_session_cookies,
)
from gateway.db import db
from gateway.errors import Problem
from gateway.models import LoginAttempt, User, now
from gateway.permissions import granted_to, public, requires

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign in and out")


class Credentials(Schema):
    class Meta:
        unknown = RAISE

    email = fields.Email(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class UserOut(Schema):
    id = fields.String()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    version = fields.Integer()
    created_at = fields.DateTime()
    last_login_at = fields.DateTime(allow_none=True)


class MeOut(UserOut):
    permissions = fields.List(fields.String(), metadata={
        "description": "what this user may do, e.g. `sales:write`: a client shows only the "
                       "actions the API would allow"})


class TokenOut(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    user = fields.Nested(UserOut)


@blp.route("/token", methods=["POST"])
@public
@blp.arguments(Credentials)
@blp.response(200, TokenOut)
def token(credentials):
    """Exchange an email and a password for a bearer token."""
    user = _sign_in(credentials)
    access_token, ttl, _ = issue_token(user)
    return {"access_token": access_token, "token_type": "bearer", "expires_in": ttl,
            "user": user}


@blp.route("/session", methods=["POST"])
@public
@blp.arguments(Credentials)
@blp.response(200, MeOut)
def open_session(credentials):
    """Sign in the browser: an httpOnly session cookie plus a CSRF cookie for writes; the
    answer is the user, with what their role may do (as `GET /auth/me`)."""
    user = _sign_in(credentials)
    return with_session_cookies(jsonify(_me_out.dump(_with_permissions(user))),
                                *issue_token(user))


@blp.route("/session", methods=["DELETE"])
@public
@blp.response(204)
def close_session():
    """Sign the browser out."""
    return without_session_cookies(current_app.response_class(status=204))


@blp.route("/me", methods=["GET"])
@requires("contacts:read")
@blp.response(200, MeOut)
def me():
    """The signed-in user, with what their role may do."""
    if g.principal.kind != "user":
        raise Problem(404, "Not found", "API keys have no user")
    return _with_permissions(db().get(User, g.principal.id))


_me_out = MeOut()


def _with_permissions(user: User) -> dict:
    return {**{name: getattr(user, name) for name in UserOut._declared_fields},
            "permissions": granted_to(user.role)}


def _sign_in(credentials) -> User:
    settings = current_app.config["CRM"]
    email = credentials["email"].strip().lower()
    keys = [f"email:{email}", f"ip:{request.remote_addr}"]
    session = db()
    since = now() - timedelta(seconds=settings.login_window_seconds)
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
    # The attempt counts before its password is checked, committed: of a burst of guesses
    # sent at once, each sees at least those committed before it, so no more than the
    # limit get their password checked. Only a failed guess keeps its rows.
    attempt = [LoginAttempt(key=key) for key in keys]
    session.add_all(attempt)
    session.commit()
    mine = LoginAttempt.id.in_([row.id for row in attempt])
    for key in keys:
        tried = session.scalar(select(func.count()).select_from(LoginAttempt)
                               .where(LoginAttempt.key == key, LoginAttempt.at >= since))
        limit = settings.login_attempts * (5 if key.startswith("ip:") else 1)
        if tried > limit:
            session.execute(delete(LoginAttempt).where(mine))
            session.commit()
            raise Problem(429, "Too many attempts", "too many failed sign-ins; wait and retry",
                          headers={"Retry-After": str(settings.login_window_seconds)})
    user = session.scalar(select(User).where(User.email == email))
    if not check_password(user, credentials["password"]):
        raise Problem(401, "Invalid credentials", "the email or the password is wrong")
    user.last_login_at = now()
    session.execute(delete(LoginAttempt).where(or_(LoginAttempt.key == keys[0], mine)))
    session.commit()
    g.resource_id = user.id
    return user
