"""The CSAT survey: the customer opens the link mailed when their ticket was solved and
rates it, with no login. The signed token in the address is the only credential."""

from __future__ import annotations

import re

from flask import g
from flask_smorest import Blueprint

from gateway import services
from gateway.api.support_schemas import SurveyAnswerOut, SurveyIn, SurveyOut
from gateway.errors import Problem, from_remote
from gateway.permissions import public
from gateway.rpc import RemoteError

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
