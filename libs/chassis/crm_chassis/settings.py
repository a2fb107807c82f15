"""Configuration from the environment, read in one place, with defaults that work on a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def amqp_uri() -> str:
    return os.environ.get("CRM_AMQP_URI") or DEFAULT_AMQP_URI


def data_dir() -> Path:
    path = Path(os.environ.get("CRM_DATA_DIR") or "./var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service: str) -> str:
    """`CRM_<SERVICE>_DATABASE_URL`, else one SQLite file per service under `CRM_DATA_DIR`."""
    explicit = os.environ.get(f"CRM_{service.upper()}_DATABASE_URL")
    if explicit:
        return explicit
    return f"sqlite:///{data_dir() / (service + '.db')}"


def flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def milliseconds(name: str, default: int) -> float:
    """A duration given in milliseconds, returned in seconds."""
    value = os.environ.get(name)
    return (int(value) if value else default) / 1000


def secret_key() -> str:
    """CRM_SECRET_KEY, else a key made once and kept under the data dir: the gateway's rule
    (gateway/settings.py, which does not depend on the chassis), so that on one machine a
    service signs links (CSAT surveys) with the key the gateway checks them with."""
    if key := os.environ.get("CRM_SECRET_KEY"):
        return key
    path = data_dir() / "secret_key"
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(48))
    except FileExistsError:
        pass
    return path.read_text().strip()
