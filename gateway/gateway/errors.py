"""Every error leaves the gateway as application/problem+json (RFC 9457), mapped here once."""

from __future__ import annotations

import http
import logging
from typing import Any

import flask_smorest
from flask import Flask, Response, g, json
from marshmallow import INCLUDE, Schema, ValidationError, fields
from werkzeug.exceptions import HTTPException

from gateway.rpc import RemoteError, RpcTimeout, ServiceUnavailable

log = logging.getLogger(__name__)

PROBLEM_TYPE = "https://crm.example/problems/"
PROBLEM_JSON = "application/problem+json"

# A service's error (nameko's exc_type) -> HTTP status and title.
REMOTE_ERRORS: dict[str, tuple[int, str]] = {
    "NotFound": (404, "Not found"),
    "ValidationFailed": (422, "Invalid input"),
    "StaleVersion": (412, "Precondition failed"),
    "Conflict": (409, "Conflict"),
    "InvalidTransition": (409, "Transition not allowed"),
    "Gone": (410, "Gone"),
    "NotOwner": (403, "Forbidden"),  # a record-level rule, e.g. a sales rep's own deals
}


class Problem(Exception):
    """An answer that is not a success, raised anywhere in a request."""

    def __init__(self, status: int, title: str, detail: str | None = None,
                 errors: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
                 **extra: Any):
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.headers, self.extra = errors, headers or {}, extra


def problem_response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + problem.title.lower().replace(" ", "-"),
        "title": problem.title,
        "status": problem.status,
    }
    if problem.detail:
        body["detail"] = problem.detail
    if problem.errors:
        body["errors"] = problem.errors
    if correlation_id := g.get("correlation_id"):
        body["correlation_id"] = correlation_id
    body.update(problem.extra)
    response = Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_JSON)
    response.headers.update(problem.headers)
    return response


class ProblemOut(Schema):
    """An error answer (RFC 9457), as problem_response writes it."""

    class Meta:
        unknown = INCLUDE  # a problem may carry more members, `service` for one

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(metadata={"description": "each bad field and what is wrong with it"})
    correlation_id = fields.String()


class Api(flask_smorest.Api):
    """flask-smorest's Api, documenting error answers as they are sent: problem+json with
    ProblemOut, where flask-smorest documents application/json and its own error body."""

    def _register_responses(self) -> None:
        problem = {"content": {PROBLEM_JSON: {"schema": ProblemOut}}}
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            self.spec.components.response(
                status.name, {**response, **problem} if status >= 400 else response, lazy=True)
        self.spec.components.response("DEFAULT_ERROR", {"description": "Default error response",
                                                        **problem}, lazy=True)


def from_remote(error: RemoteError) -> Problem:
    status, title = REMOTE_ERRORS.get(error.exc_type, (502, "Service error"))
    args = error.exc_args or []
    detail = str(args[0]) if args else error.value
    errors = args[1] if error.exc_type == "ValidationFailed" and len(args) > 1 else None
    if status == 502:
        log.error("%s.%s failed: %s %s", error.service, error.method, error.exc_type,
                  error.value)
        detail = f"the {error.service} service failed to answer this request"
    return Problem(status, title, detail, errors=errors or None)


def _flatten_webargs(messages: dict[str, Any]) -> dict[str, Any]:
    # webargs nests errors under their location ("json", "query", "files"): callers only
    # care about the field.
    flat: dict[str, Any] = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            flat.update(location_errors)
    return flat or messages


def register(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(problem: Problem):
        return problem_response(problem)

    @app.errorhandler(RemoteError)
    def _remote(error: RemoteError):
        return problem_response(from_remote(error))

    @app.errorhandler(ServiceUnavailable)
    def _unavailable(error: ServiceUnavailable):
        return problem_response(Problem(503, "Service unavailable",
                                        f"the {error.service} service is not reachable",
                                        headers={"Retry-After": "5"}, service=error.service))

    @app.errorhandler(RpcTimeout)
    def _timeout(error: RpcTimeout):
        return problem_response(Problem(503, "Service unavailable",
                                        f"the {error.service} service did not answer in "
                                        f"{error.timeout:g}s", headers={"Retry-After": "5"},
                                        service=error.service))

    @app.errorhandler(ValidationError)
    def _invalid(error: ValidationError):
        messages = error.messages if isinstance(error.messages, dict) \
            else {"_schema": error.messages}
        return problem_response(Problem(422, "Invalid input", "the input is not valid",
                                        errors=messages))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        if error.code == 422 and messages:
            return problem_response(Problem(422, "Invalid input", "the input is not valid",
                                            errors=_flatten_webargs(messages)))
        if error.code == 400 and messages:
            return problem_response(Problem(400, "Bad request", "the body is not valid JSON",
                                            errors=_flatten_webargs(messages)))
        title = error.name
        detail = error.description if error.code != 413 else "the request body is too large"
        return problem_response(Problem(error.code or 500, title, detail))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unexpected error")
        return problem_response(Problem(500, "Internal error",
                                        "something went wrong on our side; it was logged"))
