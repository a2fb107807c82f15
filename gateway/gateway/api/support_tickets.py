"""Tickets: the support queue, messages (public replies and internal notes), status
changes, assignment, upsell flags and knowledge-base suggestions; CSAT answers."""

from __future__ import annotations

import time

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.support_schemas import (
    CSAT_FILTERS,
    TICKET_FILTERS,
    ArticleOut,
    AssignIn,
    CsatFilters,
    CsatOut,
    MessageIn,
    MessageOut,
    QueueQuery,
    StatusIn,
    SuggestQuery,
    TicketFilters,
    TicketIn,
    TicketOut,
    TicketPatch,
    UpsellIn,
)
from gateway.api.support_survey import mail_survey_link
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.kept import kept_answer
from gateway.permissions import requires

blp = Blueprint("tickets", __name__, url_prefix="/api/v1",
                description="Support tickets, their messages and an agent's queue")
TicketPage = page_schema(TicketOut, "TicketPage")
SuggestionPage = page_schema(ArticleOut, "SuggestionPage")
CsatPage = page_schema(CsatOut, "CsatPage")


QUEUE_KEPT_SECONDS = 15  # how old the SLA time left on a queue page may be
clock = time.time  # replaced by the tests

@blp.route("/tickets", methods=["GET"])
@requires("tickets:read")
@blp.arguments(TicketFilters, location="query", unknown=RAISE)
@blp.response(200, TicketPage)
def list_tickets(args):
    """Tickets, newest first, each with its SLA state. `q` searches subjects; `status`
    may be repeated; `breached=true` keeps those past an SLA target, `open=true` those not
    solved or closed."""
    return services.call("support", "list_tickets", list_query(args, TICKET_FILTERS))


@blp.route("/tickets", methods=["POST"])
@requires("tickets:write")
@blp.arguments(TicketIn)
@blp.response(201, TicketOut)
def create_ticket(data):
    """A ticket (channel `api` unless told otherwise). Without `team_id` the assignment
    rules pick the team and, inside it, the assignee."""
    ticket = services.call("support", "create_ticket", data)
    g.resource_id = ticket["id"]
    return with_etag(ticket, 201, f"/api/v1/tickets/{ticket['id']}")


@blp.route("/tickets/queue", methods=["GET"])
@requires("tickets:read")
@blp.arguments(QueueQuery, location="query", unknown=RAISE)
@blp.response(200, TicketPage)
def queue(args):
    """An agent's open tickets (the caller's unless `assignee_id` says otherwise), the one
    due soonest first, each with its SLA time left (`sla.*.remaining_minutes`, in
    business minutes, negative when late)."""
    filters = {"assignee_id": args.get("assignee_id") or g.principal.id, "open": True}
    filters.update({name: args[name] for name in ("team_id", "priority", "breached")
                    if name in args})
    query = {"limit": args["limit"], "sort": args.get("sort") or "resolution_due_at",
             "filters": filters}
    if "cursor" in args:
        query["cursor"] = args["cursor"]
    # SLA time left moves with the clock: a kept page serves for QUEUE_KEPT_SECONDS at most.
    moment = int(clock() // QUEUE_KEPT_SECONDS)
    return kept_answer("support", "tickets", {**query, "moment": moment},
                       lambda: services.call("support", "list_tickets", query))


@blp.route("/tickets/csat", methods=["GET"])
@requires("tickets:read")
@blp.arguments(CsatFilters, location="query", unknown=RAISE)
@blp.response(200, CsatPage)
def list_csat(args):
    """Satisfaction answers, newest first."""
    return services.call("support", "list_csat", list_query(args, CSAT_FILTERS))


@blp.route("/tickets/<item_id>", methods=["GET"])
@requires("tickets:read")
@blp.response(200, TicketOut)
def get_ticket(item_id):
    """A ticket by id or number (`T-1042`), with its messages and SLA state."""
    return with_etag(services.call("support", "get_ticket", item_id))


@blp.route("/tickets/<item_id>", methods=["PATCH"])
@requires("tickets:write")
@blp.arguments(TicketPatch)
@blp.response(200, TicketOut)
def update_ticket(data, item_id):
    """Change some fields; the status and the assignee have their own routes. Send
    If-Match with the ETag you read to avoid lost updates."""
    return with_etag(services.call("support", "update_ticket", item_id, data,
                                   expected_version()))


@blp.route("/tickets/<item_id>/status", methods=["POST"])
@requires("tickets:write")
@blp.arguments(StatusIn)
@blp.response(200, TicketOut)
def change_status(data, item_id):
    """Move the ticket to a status the transition table allows (409 otherwise). A ticket
    that becomes solved carries its CSAT `survey_token`, and its contact is mailed the
    survey's link."""
    version = expected_version()
    was_solved = data["status"] == "solved" and \
        services.call("support", "get_ticket", item_id)["status"] == "solved"
    ticket = services.call("support", "change_status", item_id, data, version)
    if ticket.get("status") == "solved" and not was_solved:
        mail_survey_link(ticket)
    return with_etag(ticket)


@blp.route("/tickets/<item_id>/assign", methods=["POST"])
@requires("tickets:write")
@blp.arguments(AssignIn)
@blp.response(200, TicketOut)
def assign_ticket(data, item_id):
    """Give the ticket to a person and/or a team; both null unassigns it."""
    return with_etag(services.call("support", "assign_ticket", item_id, data,
                                   expected_version()))


@blp.route("/tickets/<item_id>/reassign", methods=["POST"])
@requires("tickets:write")
@blp.response(200, TicketOut)
def reassign_ticket(item_id):
    """Run the assignment rules again."""
    return with_etag(services.call("support", "reassign_ticket", item_id))


@blp.route("/tickets/<item_id>/messages", methods=["POST"])
@requires("tickets:write")
@blp.arguments(MessageIn)
@blp.response(201, MessageOut)
def add_message(data, item_id):
    """A public reply (mailed to the customer) or, with `public: false`, an internal
    note. An agent's first public reply stops the first-response clock."""
    message = services.call("support", "add_message", item_id, data)
    g.resource_id = item_id
    return with_etag(message, 201)


@blp.route("/tickets/<item_id>/upsell", methods=["POST"])
@requires("tickets:write")
@blp.arguments(UpsellIn)
@blp.response(200, TicketOut)
def flag_upsell(data, item_id):
    """Tell sales there is an opportunity here: the account's owner gets a lead."""
    return with_etag(services.call("support", "flag_upsell", item_id, data))


@blp.route("/tickets/<item_id>/suggested-articles", methods=["GET"])
@requires("kb:read")
@blp.arguments(SuggestQuery, location="query", unknown=RAISE)
@blp.response(200, SuggestionPage)
def suggested_articles(args, item_id):
    """Published articles that match the ticket's subject and description, best first."""
    found = services.call("support", "suggest_articles", item_id, args["limit"])
    return {"items": found.get("items", []), "next_cursor": None}
