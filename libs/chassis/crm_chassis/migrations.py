"""Alembic glue shared by every service: one env.py body, and upgrade from code."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData, pool, text

from crm_chassis import settings
from crm_chassis.db import make_engine


def run_env(metadata: MetaData, service: str) -> None:
    """The body of a service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url") or settings.database_url(service)
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            serialise_migrations(connection, service)
            context.run_migrations()
    engine.dispose()


def serialise_migrations(connection: Connection, name: str) -> None:
    """Replicas starting together migrate one at a time: the others wait for the lock, then
    find the schema current. (SQLite serialises writers by itself.)"""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                           {"name": f"crm-migrations-{name}"})


def upgrade(migrations_dir: Path, url: str) -> None:
    """Bring a database to the newest schema (used by run.sh, `make up` and the tests)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


def main(argv: list[str] | None = None) -> int:
    """`python -m crm_chassis.migrations services/contacts [...]`: upgrade each service's
    database (named by CRM_<SERVICE>_DATABASE_URL, else SQLite under CRM_DATA_DIR)."""
    for folder in argv if argv is not None else sys.argv[1:]:
        service_dir = Path(folder).resolve()
        service = service_dir.name
        upgrade(service_dir / "migrations", settings.database_url(service))
        print(f"{service}: database at the newest schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
