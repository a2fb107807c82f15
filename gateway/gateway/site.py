"""Routes outside the REST resources: health, readiness, metrics, the offline docs UI."""

from __future__ import annotations

import os
from pathlib import Path

import swagger_ui_bundle
from flask import Flask, Response, current_app, jsonify, request, send_from_directory
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
