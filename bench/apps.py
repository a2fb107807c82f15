"""The two baseline Flask apps, served by gunicorn with the gateway's own settings.

``bare``: a small JSON answer, no I/O (the HTTP limit).
``thin``: one nameko RPC through the gateway's own RPC client per request (the design's ceiling),
a read (bench.thin_service) or a write with an event (bench.thin_writer).
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request

from bench.thin_service import FAN_OUT
from crm_contracts.heap import freeze_startup_heap
from gateway.rpc import RpcClient, gather


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

    @app.get("/items/<int:item_id>/fan-out")
    def fan_out(item_id: int):
        # the five bench.thin_service services asked at once, as a 360 view asks its five
        calls = client.call_all_async([(name, "get_item", (item_id,)) for name in FAN_OUT])
        return jsonify(gather(calls))

    @app.put("/items/<int:item_id>")
    def put_item(item_id: int):
        # bench.thin_writer: one row written, one event out to two consumers
        note = request.get_json()["note"]
        return jsonify(client.call("bench_thin_writer", "put_item", item_id, note))

    freeze_startup_heap()  # as the gateway's app does
    return app
