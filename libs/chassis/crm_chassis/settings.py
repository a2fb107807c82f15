"""Configuration from the environment, read in one place, with defaults that work on a laptop."""

from __future__ import annotations

import os
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
