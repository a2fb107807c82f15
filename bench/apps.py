"""The two baseline Flask apps, served by gunicorn with the gateway's own settings.

``bare``: a small JSON answer, no I/O (the HTTP limit).
``thin``: one nameko RPC through the gateway's own RPC client per request (the design's ceiling).
"""

from __future__ import annotations

import os

from flask import Flask, jsonify

from crm_contracts.heap import freeze_startup_heap
from gateway.rpc import RpcClient


def create_bare_app() -> Flask:
    app = Flask("bench_bare")

    @app.get("/ping")
    def ping():
        return jsonify(ok=True, service="bench")

    freeze_startup_heap()  # as the gateway's app does
    return app


def create_thin_app() -> Flask:
    app = Flask("bench_thin")
    client = RpcClient(os.environ["CRM_AMQP_URI"], default_timeout=5.0, name="bench-thin")

    @app.get("/items/<int:item_id>")
    def item(item_id: int):
        return jsonify(client.call("bench_thin", "get_item", item_id))

    freeze_startup_heap()  # as the gateway's app does
    return app
