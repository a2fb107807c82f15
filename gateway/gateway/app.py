"""The gateway's app factory: `gunicorn "gateway.app:create_app()"`."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import sessionmaker

from crm_contracts.heap import freeze_startup_heap
from crm_contracts.logs import configure_logging
from gateway import api, errors, pipeline, site
from gateway.audit import AuditWriter
from gateway.auth import UserCache
from gateway.db import make_engine
from gateway.kept import KeptReads
from gateway.rpc import RpcClient
from gateway.settings import Settings


def create_app(settings: Settings | None = None, rpc_client: RpcClient | None = None) -> Flask:
    settings = settings or Settings.from_env()
    configure_logging()
    app = Flask(__name__)
    app.config.update(
        CRM=settings,
        API_TITLE="CRM API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
    )
    app.json.sort_keys = False
    app.extensions["crm.sessions"] = sessionmaker(make_engine(settings.database_url),
                                                  expire_on_commit=False)
    app.extensions["crm.audit"] = AuditWriter(app.extensions["crm.sessions"])
    app.extensions["crm.users"] = UserCache(settings.user_cache_seconds)
    app.extensions["crm.kept"] = KeptReads()
    app.extensions["crm.rpc"] = rpc_client or RpcClient(
        settings.amqp_uri, default_timeout=settings.rpc_timeout, name="gateway")
    rest = errors.Api(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    }}, "security": [{"bearer": []}, {"apiKey": []}]})
    api.register(rest)
    site.register(app)
    errors.register(app)
    pipeline.install(app)
    freeze_startup_heap()
    return app
