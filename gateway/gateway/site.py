"""Routes outside the REST resources: health, readiness, metrics, the offline docs UI, and
the browser client built in gateway/client/dist."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

import swagger_ui_bundle
from flask import Flask, Response, abort, current_app, jsonify, request, send_from_directory
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from sqlalchemy import text

from gateway.db import db
from gateway.permissions import public
from gateway.rpc import RpcError

# Every service the gateway calls today.
SERVICES = ("contacts", "sales", "marketing", "support", "reporting")
DOCS_ASSETS = Path(swagger_ui_bundle.swagger_ui_path)
# `npm run build` in gateway/client writes here: index.html, hashed assets/, manifest, icon.
CLIENT_DIST = Path(__file__).resolve().parents[1] / "client" / "dist"
# Paths the client's SPA fallback never answers, so a mistyped API URL stays a 404 (the
# customer portal, /portal, and the satisfaction survey, /survey, are parts of the client).
SERVER_PREFIXES = ("api", "healthz", "readyz", "metrics", "static")
ONE_YEAR = 365 * 24 * 3600
CLIENT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'self'; font-src 'self'; manifest-src 'self'; object-src 'none'; "
              "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CRM API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>"""

DOCS_INIT = """window.ui = SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#docs",
  deepLinking: true, persistAuthorization: true});"""


def register(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/readyz", "readyz", readyz)
    app.add_url_rule("/metrics", "metrics", metrics)
    app.add_url_rule("/api/docs", "docs", docs)
    app.add_url_rule("/api/docs/init.js", "docs_init", docs_init)
    app.add_url_rule("/api/docs/assets/<path:name>", "docs_assets", docs_assets)
    app.add_url_rule("/", "client", client)
    app.add_url_rule("/assets/<path:name>", "client_assets", client_assets)
    app.add_url_rule("/<path:path>", "client", client)
    # flask-smorest's own route serving /api/v1/openapi.json
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("api-docs."):
            public(view)
    public(app.view_functions["static"])


@public
def healthz():
    """The process is alive."""
    return jsonify(status="ok")


@public
def readyz():
    """The broker, the gateway's database and each service answer. With `?scope=gateway`
    only the gateway's own dependencies count: what a load balancer should ask, since a
    stopped service makes partial answers, not an unusable gateway."""
    checks: dict[str, dict[str, str]] = {}
    try:
        db().execute(text("SELECT 1"))
        checks["database"] = {"status": "ok"}
    except Exception as exc:  # readiness reports failures, it does not raise them
        checks["database"] = {"status": "down", "detail": type(exc).__name__}
    client = current_app.extensions["crm.rpc"]
    services = () if request.args.get("scope") == "gateway" else SERVICES
    calls = {name: client.call_async(name, "event_log", 0, 1, timeout=2.0)
             for name in services}
    for name, call in calls.items():
        try:
            call.result()
            checks[name] = {"status": "ok"}
        except RpcError as exc:
            checks[name] = {"status": "down", "detail": str(exc)}
    checks["broker"] = {"status": "ok" if client.healthy() else "down"}
    ready = all(check["status"] == "ok" for check in checks.values())
    response = jsonify(status="ready" if ready else "not ready", checks=checks)
    response.status_code = 200 if ready else 503
    return response


@public
def metrics():
    """Prometheus metrics of every gunicorn worker together (multiprocess mode)."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


@public
def docs():
    return Response(DOCS_PAGE, mimetype="text/html")


@public
def docs_init():
    return Response(DOCS_INIT, mimetype="application/javascript")


@public
def docs_assets(name: str):
    return send_from_directory(DOCS_ASSETS, name, max_age=86400)


@public
def client(path: str = ""):
    """The browser client: a file of its build, else index.html for the client's own routes
    (/contacts/42 is a page of the client, not of the server)."""
    first = path.split("/", 1)[0]
    if first in SERVER_PREFIXES:
        abort(404)
    if path and "/" not in path and not path.startswith(".") and (CLIENT_DIST / path).is_file():
        return send_from_directory(CLIENT_DIST, path, max_age=3600)
    if not (CLIENT_DIST / "index.html").is_file():
        return Response("The browser client is not built (it needs Node 20+ and npm: "
                        "`make up` builds it). The API is at /api/v1, its docs at /api/docs.\n",
                        status=404, mimetype="text/plain")
    response = send_from_directory(CLIENT_DIST, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = CLIENT_CSP
    return response


@public
def client_assets(name: str):
    """Content-hashed files: a new build has new names, so browsers keep these for a year.
    The build leaves a gzipped copy beside each: sent as is to a browser that accepts it."""
    packed = CLIENT_DIST / "assets" / f"{name}.gz"
    if "gzip" in request.accept_encodings and not name.endswith(".gz") and packed.is_file():
        response = send_from_directory(CLIENT_DIST / "assets", f"{name}.gz", max_age=ONE_YEAR)
        response.headers["Content-Encoding"] = "gzip"
        response.mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    else:
        response = send_from_directory(CLIENT_DIST / "assets", name, max_age=ONE_YEAR)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.vary.add("Accept-Encoding")
    return response
