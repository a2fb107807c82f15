"""The gateway's configuration, from the environment, read once per process."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


def _data_dir() -> Path:
    path = Path(os.environ.get("CRM_DATA_DIR") or "./var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(data_dir: Path) -> str:
    """CRM_SECRET_KEY, else one made once and kept under the data dir, so that every
    gunicorn worker and every restart sign and check tokens with the same key."""
    if key := os.environ.get("CRM_SECRET_KEY"):
        return key
    path = data_dir / "secret_key"
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(48))
    except FileExistsError:
        pass
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    database_url: str
    secret_key: str
    token_ttl_seconds: int
    user_cache_seconds: float
    rpc_timeout: float
    compose_timeout: float
    max_body_bytes: int
    max_upload_bytes: int
    login_attempts: int
    login_window_seconds: int
    secure_cookies: bool
    smtp_url: str = "smtp://127.0.0.1:8025"
    mail_from: str = "support@crm.local"
    public_url: str = "http://127.0.0.1:8000"
    portal_link_minutes: int = 15
    portal_session_seconds: int = 8 * 3600
    max_email_bytes: int = 5 * 1024 * 1024
    idempotency_hours: float = 24

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = _data_dir()
        env = os.environ.get
        return cls(
            amqp_uri=env("CRM_AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/",
            database_url=env("CRM_GATEWAY_DATABASE_URL") or f"sqlite:///{data_dir / 'gateway.db'}",
            secret_key=_secret_key(data_dir),
            token_ttl_seconds=int(env("CRM_TOKEN_TTL_SECONDS") or 3600),
            user_cache_seconds=float(env("CRM_USER_CACHE_SECONDS") or 5),
            rpc_timeout=float(env("CRM_RPC_TIMEOUT") or 5.0),
            compose_timeout=float(env("CRM_COMPOSE_TIMEOUT") or 2.0),
            max_body_bytes=int(env("CRM_MAX_BODY_BYTES") or 1024 * 1024),
            max_upload_bytes=int(env("CRM_MAX_UPLOAD_BYTES") or 200 * 1024 * 1024),
            login_attempts=int(env("CRM_LOGIN_ATTEMPTS") or 10),
            login_window_seconds=int(env("CRM_LOGIN_WINDOW_SECONDS") or 300),
            secure_cookies=(env("CRM_SECURE_COOKIES") or "").lower() in {"1", "true", "yes"},
            smtp_url=env("CRM_SMTP_URL") or "smtp://127.0.0.1:8025",
            mail_from=env("CRM_MAIL_FROM") or "support@crm.local",
            # Links in mails point here, never at the request's Host header (which a
            # caller chooses).
            public_url=(env("CRM_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
            portal_link_minutes=int(env("CRM_PORTAL_LINK_MINUTES") or 15),
            portal_session_seconds=int(env("CRM_PORTAL_SESSION_SECONDS") or 8 * 3600),
            max_email_bytes=int(env("CRM_MAX_EMAIL_BYTES") or 5 * 1024 * 1024),
            idempotency_hours=float(env("CRM_IDEMPOTENCY_HOURS") or 24),
        )
