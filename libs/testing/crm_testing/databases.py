"""Throwaway databases: a SQLite file by default, a PostgreSQL database when
CRM_TEST_POSTGRES_URL names a server (the CI runs the whole suite that way)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("CRM_TEST_POSTGRES_URL", "").strip()


def uses_postgres() -> bool:
    return bool(POSTGRES_URL)


def _admin_engine():
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg2")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def create_database(directory: Path, prefix: str = "crm_test") -> str:
    """Make an empty database and return its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    if not uses_postgres():
        return f"sqlite:///{directory / (name + '.db')}"
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = make_url(POSTGRES_URL).set(database=name, drivername="postgresql+psycopg2")
    return url.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": parsed.database},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
    engine.dispose()
