"""What happens around every request: correlation id, caller, permission, body size,
idempotency of retried POSTs, and the audit entry of every write."""

from __future__ import annotations

import logging
import time

import structlog
from flask import Flask, Response, current_app, g, request
from prometheus_client import Counter, Histogram

from crm_contracts.text import unstorable
from gateway import idempotency
from gateway.auth import ANONYMOUS, Principal, identify
from gateway.db import close_db
from gateway.errors import Problem
from gateway.ids import new_id
from gateway.models import now
from gateway.permissions import declared

log = logging.getLogger(__name__)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
REQUESTS = Counter("crm_gateway_requests_total", "Requests answered",
                   ["method", "endpoint", "status"])
LATENCY = Histogram("crm_gateway_request_seconds", "Time to answer", ["method", "endpoint"])
UPLOAD_ENDPOINTS = {"contacts.import_contacts"}
RAW_MAIL_ENDPOINTS = {"inbound.receive_email"}
MULTIPART_MARGIN = 64 * 1024  # the form around a raw mail sent as a file field
CORRELATION_HEADERS = ("X-Correlation-ID", "X-Request-ID")
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def install(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_teardown)


def _start():
    g.started = time.perf_counter()
    g.correlation_id = _correlation_id()
    structlog.contextvars.bind_contextvars(correlation_id=g.correlation_id)
    settings = current_app.config["CRM"]
    request.max_content_length = _body_limit(settings)
    view = current_app.view_functions.get(request.endpoint or "")
    g.principal = _caller(view)
    _authorise(view)
    _refuse_unstorable_text()
    if request.method == "POST" and request.headers.get("Idempotency-Key"):
        return idempotency.replay_or_reserve(request.headers["Idempotency-Key"])
    return None


def _body_limit(settings) -> int:
    """Bytes a request body may hold, set before anything reads it (the idempotency check
    does): files and raw mails may be larger than JSON bodies."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        return settings.max_upload_bytes
    if request.endpoint in RAW_MAIL_ENDPOINTS:
        return settings.max_email_bytes + MULTIPART_MARGIN
    return settings.max_body_bytes


def _correlation_id() -> str:
    for header in CORRELATION_HEADERS:
        value = request.headers.get(header, "")
        if 0 < len(value) <= 64 and value.isprintable():
            return value
    return new_id()


def _caller(view) -> Principal:
    """Who calls. A public route (signing in, health) ignores a stale or forged credential,
    so that a browser holding an expired session cookie can still sign in again."""
    try:
        return identify()
    except Problem:
        if view is not None and getattr(view, "public", False):
            return ANONYMOUS
        raise


def _authorise(view) -> None:
    if view is None:
        return  # 404 or 405: Flask answers those itself
    if not declared(view):
        # Fail closed: a route that forgot to declare a permission is not reachable.
        raise Problem(403, "Forbidden", "this route declares no permission")
    if getattr(view, "public", False):
        return
    principal = g.principal
    if principal.kind == "anonymous":
        raise Problem(401, "Unauthorized", "sign in, or send a bearer token or an API key",
                      headers={"WWW-Authenticate": 'Bearer realm="crm"'})
    if not principal.can(view.permission):
        raise Problem(403, "Forbidden", f"this needs the {view.permission} permission")


def _refuse_unstorable_text() -> None:
    """A NUL character or a lone surrogate in the path, the query, a form field or the JSON
    body is refused here, naming the field: no schema checks for them, and no database
    stores them."""
    errors = unstorable(request.view_args or {})
    fields = list(request.args.items(multi=True))
    if request.method in WRITE_METHODS and request.mimetype in FORM_TYPES:
        # Only these bodies are forms: asking a JSON request for its form runs werkzeug's
        # form parsing for nothing (10-20 us a write, 3-5% of the gateway's own part).
        fields += request.form.items(multi=True)
    for key, value in fields:
        errors.update(unstorable({key: value}))
    if request.method in WRITE_METHODS and request.is_json:
        errors.update(unstorable(request.get_json(silent=True)))
    if errors:
        raise Problem(422, "Invalid input", "the input holds text that cannot be stored",
                      errors=errors)


# --- audit ----------------------------------------------------------------------------------

# A route argument that is a credential (a survey's signed token) never reaches the log.
SECRET_ARGUMENTS = {"token"}


def _audited_path() -> str:
    path = request.full_path.rstrip("?")
    for name in SECRET_ARGUMENTS & set(request.view_args or {}):
        path = path.replace(str(request.view_args[name]), f"<{name}>")
    return path[:500]


def _audit(response: Response) -> None:
    principal = g.get("principal")
    current_app.extensions["crm.audit"].record({
        "at": now(),
        "actor_type": principal.kind if principal else "anonymous",
        "actor_id": principal.id if principal else None,
        "method": request.method,
        "path": _audited_path(),
        "status": response.status_code,
        "resource_id": g.get("resource_id") or (request.view_args or {}).get("item_id"),
        "ip": request.remote_addr,
        "user_agent": (request.user_agent.string or "")[:300],
        "correlation_id": g.get("correlation_id"),
    })


def _finish(response: Response) -> Response:
    response.headers["X-Correlation-ID"] = g.get("correlation_id", "")
    endpoint = request.endpoint or "unmatched"
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    if "started" in g:
        LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - g.started)
    if request.method in WRITE_METHODS:
        try:
            idempotency.remember(response)
            _audit(response)
        except Exception:
            # The write itself happened: losing its audit row must not turn it into a 500.
            log.exception("could not record the audit entry or idempotency record")
    return response


def _teardown(exc=None) -> None:
    close_db(exc)
    structlog.contextvars.clear_contextvars()
