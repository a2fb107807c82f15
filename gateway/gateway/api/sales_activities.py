"""Activities (tasks, calls, meetings, logged emails), a person's day, and their
iCalendar feed."""

from __future__ import annotations

import hashlib
import hmac

from flask import Response, current_app, g, request, url_for
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.sales_schemas import (
    ACTIVITY_FILTERS,
    ActivityFilters,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    CalendarLinkOut,
    MyDayOut,
    MyDayQuery,
)
from gateway.auth import Principal, user_cache
from gateway.db import db
from gateway.errors import Problem
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.models import User
from gateway.permissions import ROLE_PERMISSIONS, allows, public, requires

blp = Blueprint("activities", __name__, url_prefix="/api/v1",
                description="Activities, my day and the calendar feed")
ActivityPage = page_schema(ActivityOut, "ActivityPage")
CALENDAR_FEED_TIMEOUT = 30.0


@blp.route("/activities", methods=["GET"])
@requires("sales:read")
@blp.arguments(ActivityFilters, location="query", unknown=RAISE)
@blp.response(200, ActivityPage)
def list_activities(args):
    """Activities, newest first; `due_after` / `due_before` are ISO 8601 times."""
    return services.call("sales", "list_activities", list_query(args, ACTIVITY_FILTERS))


@blp.route("/activities", methods=["POST"])
@requires("sales:write")
@blp.arguments(ActivityIn)
@blp.response(201, ActivityOut)
def create_activity(data):
    """A task, call, meeting (with `start_at` and `end_at`) or logged email (created
    completed), assigned to the caller unless `assignee_id` says otherwise."""
    activity = services.call("sales", "create_activity", data)
    g.resource_id = activity["id"]
    return with_etag(activity, 201, f"/api/v1/activities/{activity['id']}")


@blp.route("/activities/my-day", methods=["GET"])
@requires("sales:read")
@blp.arguments(MyDayQuery, location="query", unknown=RAISE)
@blp.response(200, MyDayOut)
def my_day(args):
    """A person's open activities due (meetings: starting) by the end of `day`, overdue
    ones first, then undated ones. The caller's today unless told otherwise."""
    return services.call("sales", "my_day", args.get("user_id"), args.get("day"),
                         args["limit"])


@blp.route("/activities/calendar-link", methods=["GET"])
@requires("sales:read")
@blp.response(200, CalendarLinkOut)
def calendar_link():
    """The address of the caller's iCalendar feed.

    The feed holds the caller's meetings (as events), tasks and calls (as to-dos): the
    open ones and those of the last year. To subscribe, paste the `url` into the calendar
    application: Google Calendar "Other calendars > From URL", Outlook "Add calendar >
    Subscribe from web", Apple Calendar "File > New Calendar Subscription" (or open it
    with `webcal://` in place of `https://`). The application then refreshes it on its
    own schedule. The address is the only credential, since calendar applications send
    no token or cookie: keep it private. It stops working when the account is disabled."""
    principal = g.principal
    if principal.kind != "user":
        raise Problem(403, "Forbidden", "a calendar feed belongs to a user: sign in as one")
    return {"url": url_for("activities.calendar_feed", user_id=principal.id,
                           token=calendar_token(principal.id), _external=True)}


@blp.route("/calendar/<user_id>.ics", methods=["GET"])
@public
@blp.doc(security=[], parameters=[{
    "in": "query", "name": "token", "required": True, "schema": {"type": "string"},
    "description": "from the address that `/activities/calendar-link` gives"}], responses={
    "200": {"description": "an RFC 5545 document",
            "content": {"text/calendar": {"schema": {"type": "string"}}}},
    "401": {"description": "a wrong token, or a disabled account"}})
def calendar_feed(user_id):
    """A user's activities as iCalendar, for calendar applications to subscribe to.

    Get the address with `GET /api/v1/activities/calendar-link` and paste it into the
    calendar application's "subscribe from URL". It takes no Authorization header or
    cookie: the `token` in the address proves it. Each activity keeps its UID, and its
    SEQUENCE follows its version, so that edits replace the event."""
    token = request.args.get("token", "")
    if not hmac.compare_digest(token.encode(), calendar_token(user_id).encode()):
        raise Problem(401, "Invalid token", "this calendar address is not one this CRM issued")
    role = user_cache().role_of(user_id, lambda key: db().get(User, key))
    if role is None or not allows(ROLE_PERMISSIONS.get(role, frozenset()), "sales:read"):
        raise Problem(401, "Unknown user", "the account behind this calendar is disabled")
    g.principal = Principal("user", user_id, role=role)  # the service hears who asks
    text = services.call("sales", "activity_calendar", user_id, timeout=CALENDAR_FEED_TIMEOUT)
    return Response(text, content_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": 'inline; filename="crm-activities.ics"',
        "Cache-Control": "private, max-age=300"})


def calendar_token(user_id: str) -> str:
    """HMAC-SHA256 of the user's id under the gateway's secret, in its own domain so that
    it can never be taken for another of the gateway's signatures."""
    key = current_app.config["CRM"].secret_key.encode()
    return hmac.new(key, f"calendar-feed:{user_id}".encode(), hashlib.sha256).hexdigest()


@blp.route("/activities/<item_id>", methods=["GET"])
@requires("sales:read")
@blp.response(200, ActivityOut)
def get_activity(item_id):
    return with_etag(services.call("sales", "get_activity", item_id))


@blp.route("/activities/<item_id>", methods=["PATCH"])
@requires("sales:write")
@blp.arguments(ActivityPatch)
@blp.response(200, ActivityOut)
def update_activity(data, item_id):
    """Change some fields (a sales rep only their own activities). Send If-Match with the
    ETag you read to avoid lost updates."""
    return with_etag(services.call("sales", "update_activity", item_id, data,
                                   expected_version()))


@blp.route("/activities/<item_id>", methods=["DELETE"])
@requires("sales:write")
@blp.response(204)
def delete_activity(item_id):
    services.call("sales", "delete_activity", item_id, expected_version())


@blp.route("/activities/<item_id>/complete", methods=["POST"])
@requires("sales:write")
@blp.response(200, ActivityOut)
def complete_activity(item_id):
    """Mark it done (409 when it is already)."""
    return with_etag(services.call("sales", "complete_activity", item_id,
                                   expected_version()))
