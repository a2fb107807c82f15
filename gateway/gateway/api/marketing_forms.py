"""Web-to-lead forms: their definitions for marketers, and the public endpoint a web page
posts to with no login (CORS for the form's allowed origins, rate limited per sender, a
honeypot against bots), which creates or updates the contact with its consent."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, redirect, request
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.marketing_schemas import (
    FormIn,
    FormOut,
    FormPatch,
    PublicFormOut,
    SubmissionOut,
    SubmitOut,
)
from gateway.api.sales_schemas import _Query
from gateway.errors import Problem, from_remote
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import public, requires
from gateway.rpc import RemoteError

blp = Blueprint("forms", __name__, url_prefix="/api/v1/forms",
                description="Web-to-lead forms and their public submit endpoint")
FormPage = page_schema(FormOut, "FormPage")
SubmissionPage = page_schema(SubmissionOut, "FormSubmissionPage")
MAX_KEYS = 40
CORS_HEADERS = "Content-Type"


def _service_shape(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "form_fields" in data:
        data["fields"] = data.pop("form_fields")
    return data


@blp.route("", methods=["GET"])
@requires("marketing:read")
@blp.arguments(_Query, location="query", unknown=RAISE)
@blp.response(200, FormPage)
def list_forms(args):
    return services.call("marketing", "list_forms", list_query(args, ()))


@blp.route("", methods=["POST"])
@requires("marketing:write")
@blp.arguments(FormIn)
@blp.response(201, FormOut)
def create_form(data):
    """Fields from email (required), first_name, last_name, phone, title and
    `custom.<key>`; the consent wording; the sites (origins) allowed to post it."""
    form = services.call("marketing", "create_form", _service_shape(data))
    g.resource_id = form["id"]
    return with_etag(form, 201, f"/api/v1/forms/{form['id']}")


@blp.route("/<item_id>", methods=["GET"])
@requires("marketing:read")
@blp.response(200, FormOut)
def get_form(item_id):
    return with_etag(services.call("marketing", "get_form", item_id))


@blp.route("/<item_id>", methods=["PATCH"])
@requires("marketing:write")
@blp.arguments(FormPatch)
@blp.response(200, FormOut)
def update_form(data, item_id):
    return with_etag(services.call("marketing", "update_form", item_id,
                                   _service_shape(data), expected_version()))


@blp.route("/<item_id>", methods=["DELETE"])
@requires("marketing:write")
@blp.response(204)
def delete_form(item_id):
    services.call("marketing", "delete_form", item_id, expected_version())


@blp.route("/<item_id>/submissions", methods=["GET"])
@requires("marketing:read")
@blp.arguments(_Query, location="query", unknown=RAISE)
@blp.response(200, SubmissionPage)
def form_submissions(args, item_id):
    """The most recent submissions (bots and rate-limited ones included), with the consent
    wording each person agreed to."""
    return services.call("marketing", "form_submissions", item_id,
                         {"limit": args.get("limit", 50)})


# --- the public side --------------------------------------------------------------------------

def _allowed_origin(definition: dict[str, Any]) -> str | None:
    """The request's Origin when the form allows it; 403 when a browser on another site
    asks. No Origin (a plain HTML form post from the same site, a server): no CORS."""
    origin = request.headers.get("Origin")
    if not origin:
        return None
    allowed = {value.rstrip("/").lower() for value in definition.get("allowed_origins") or ()}
    if origin.rstrip("/").lower() not in allowed:
        raise Problem(403, "Forbidden", f"{origin} may not use this form")
    return origin


def _cors(response: Response, origin: str | None) -> Response:
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    return response


def _definition(item_id: str) -> dict[str, Any]:
    return services.call("marketing", "public_form", item_id)


@blp.route("/<item_id>/public", methods=["GET"])
@public
@blp.doc(security=[])
@blp.response(200, PublicFormOut)
def public_form(item_id):
    """What a web page needs to render the form (no login)."""
    definition = _definition(item_id)
    origin = _allowed_origin(definition)
    return _cors(jsonify(PublicFormOut().dump(definition)), origin)


@blp.route("/<item_id>/submit", methods=["OPTIONS"])
@public
@blp.doc(security=[], summary="CORS preflight",
         responses={"204": {"description": "the CORS headers, for an allowed origin"}})
def submit_preflight(item_id):
    origin = _allowed_origin(_definition(item_id))
    response = _cors(Response(status=204), origin)
    del response.headers["Content-Type"]  # no body, so no type (Flask gives text/html)
    response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
    response.headers["Access-Control-Max-Age"] = "600"
    return response


@blp.route("/<item_id>/submit", methods=["POST"])
@public
@blp.doc(security=[], requestBody={"required": True, "content": {
    "application/json": {"schema": {"type": "object", "additionalProperties": {
        "type": "string"}}},
    "application/x-www-form-urlencoded": {"schema": {"type": "object"}}}},
    responses={"429": {"description": "too many submissions from this sender"},
               "303": {"description": "an HTML form post: to the form's thank-you page"}})
@blp.response(202, SubmitOut)
def submit_form(item_id):
    """A person fills in the form, no login: the form's fields, `consent` (a checkbox),
    `utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content`. The contact is
    created or completed (never overwritten) by email, as a lead; a ticked consent is
    recorded with the form's wording. JSON from a page on an allowed origin (CORS), or an
    HTML form post (answered with a redirect to the thank-you page). 422 names a bad
    field; 429 when one sender posts too often."""
    definition = _definition(item_id)
    origin = _allowed_origin(definition)
    html_form = request.mimetype in {"application/x-www-form-urlencoded",
                                     "multipart/form-data"}
    data = request.form.to_dict() if html_form else request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Problem(400, "Bad request", "send the fields as a JSON object or a form post")
    if len(data) > MAX_KEYS:
        raise Problem(422, "Invalid input", "too many fields",
                      errors={"_schema": [f"at most {MAX_KEYS} fields"]})
    try:
        result = services.call("marketing", "submit_form", item_id, data, {
            "origin": origin, "client": request.remote_addr})
    except RemoteError as error:
        problem = from_remote(error)
        if error.exc_type == "ValidationFailed" and "origin" in (problem.errors or {}):
            raise Problem(403, "Forbidden", "this site may not use this form") from None
        raise _cors_problem(problem, origin) from None
    if not result.get("accepted"):
        retry = str(result.get("retry_after", 60))
        raise Problem(429, "Too many requests", "too many submissions: try again later",
                      headers={"Retry-After": retry, **_cors_headers(origin)})
    if html_form and result.get("thank_you_url"):
        return redirect(result["thank_you_url"], code=303)
    response = _cors(jsonify({"accepted": True}), origin)
    response.status_code = 202
    return response


def _cors_headers(origin: str | None) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}


def _cors_problem(problem: Problem, origin: str | None) -> Problem:
    """A refusal the page's script can read (422 naming the field)."""
    problem.headers.update(_cors_headers(origin))
    return problem
