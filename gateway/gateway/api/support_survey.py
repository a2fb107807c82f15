"""The CSAT survey: the customer opens the link mailed when their ticket was solved and
rates it, with no login. The signed token in the address is the only credential."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from flask import current_app, g

from gateway import mail, services
from gateway.api.blueprint import Blueprint
from gateway.api.support_schemas import SurveyAnswerOut, SurveyIn, SurveyOut
from gateway.errors import Problem, from_remote
from gateway.permissions import public
from gateway.rpc import RemoteError, RpcError

log = logging.getLogger(__name__)

blp = Blueprint("surveys", __name__, url_prefix="/api/v1/surveys",
                description="Customer satisfaction surveys (no login)")
# <ticket id>.<expiry epoch>.<HMAC-SHA256 hex>, signed by the support service.
TOKEN = re.compile(r"^[A-Za-z0-9-]{1,64}\.\d{1,12}\.[0-9a-f]{64}$")
SURVEY_ERRORS = {
    "Gone": Problem(410, "Survey expired", "this survey link has expired"),
    "Conflict": Problem(409, "Survey answered", "this survey has been answered already"),
}
SURVEY_DOC = {"security": [], "responses": {
    "401": {"description": "a forged or malformed link"},
    "410": {"description": "an expired link"}}}


def _forged() -> Problem:
    return Problem(401, "Invalid survey link", "this survey link is not one this CRM sent")


def _ask(method: str, token: str, *args):
    if not TOKEN.match(token):
        raise _forged()
    try:
        return services.call("support", method, token, *args)
    except RemoteError as error:
        if error.exc_type == "ValidationFailed" and "token" in (from_remote(error).errors
                                                                or {}):
            raise _forged() from None
        if error.exc_type in SURVEY_ERRORS:
            known = SURVEY_ERRORS[error.exc_type]
            raise Problem(known.status, known.title, known.detail) from None
        raise


@blp.route("/<token>", methods=["GET"])
@public
@blp.doc(**SURVEY_DOC)
@blp.response(200, SurveyOut)
def get_survey(token):
    """What is rated: the ticket's number and subject, until when, and whether it has been
    answered already."""
    return _ask("get_survey", token)


@blp.route("/<token>", methods=["POST"])
@public
@blp.doc(security=[], responses={**SURVEY_DOC["responses"],
                                 "409": {"description": "answered already"}})
@blp.arguments(SurveyIn)
@blp.response(201, SurveyAnswerOut)
def submit_survey(data, token):
    """A rating from 1 (bad) to 5 (great) with an optional comment, once."""
    answer = _ask("submit_survey", token, data)
    g.resource_id = answer.get("ticket_id")
    return answer, 201


def mail_survey_link(ticket: dict[str, Any]) -> None:
    """Mail the customer of a ticket just solved the link to rate it, in the background.
    A contact without an email, or a failure, is logged: the ticket is solved anyway."""
    token, contact_id = ticket.get("survey_token"), ticket.get("contact_id")
    if not token or not contact_id:
        return
    try:
        contact = services.call("contacts", "get_contact", contact_id)
    except RpcError:
        log.warning("survey for %s not mailed: the contact could not be read", ticket["id"])
        return
    if not contact.get("email"):
        return
    settings = current_app.config["CRM"]
    link = f"{settings.public_url}/survey/{token}"
    body = (f"Hello,\n\nyour request {ticket.get('number', '')} has been solved. How did we "
            f"do? Rate it from 1 to 5 here:\n\n{link}\n\nThank you.\n")
    threading.Thread(target=_send, args=(settings, contact["email"], body, ticket["id"]),
                     daemon=True).start()


def _send(settings, email: str, body: str, ticket_id: str) -> None:
    try:
        mail.send(email, "How did we do?", body, settings=settings)
    except Exception:
        log.exception("survey for %s not mailed", ticket_id)
