"""Database access for nameko services on SQLAlchemy 2.

nameko-sqlalchemy pins SQLAlchemy below 2, so this is the chassis's own provider: one
unit of work (session + outbox) per worker, rolled back and closed when the worker ends.
Service methods commit explicitly, because nameko answers an RPC before it tells the
dependencies that the worker finished: a commit there could fail after a success reply.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, TypeDecorator, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session

from crm_chassis import lazy_begin


def make_engine(url: str, **kwargs) -> Engine:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgresql+psycopg2"):
        # psycopg2 (SQLAlchemy 2.1 defaults to psycopg 3; psycogreen makes psycopg2 green),
        # through the chassis's dialect that opens transactions lazily (lazy_begin).
        parsed = parsed.set(drivername=f"postgresql+{lazy_begin.DRIVER}")
        url = parsed.render_as_string(hide_password=False)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database not in (None, "", ":memory:") and "poolclass" not in kwargs:
            # As many connections as PostgreSQL's below: a service runs up to 30 workers.
            kwargs.setdefault("pool_size", 10)
            kwargs.setdefault("max_overflow", 20)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    _ping_idle_connections(engine)
    return engine


IDLE_PING_SECONDS = 5.0


def _ping_idle_connections(engine: Engine) -> None:
    """pool_pre_ping, for connections that sat idle only.

    A database restart leaves dead connections in the pool; pinging each one before use
    finds them, but costs every call a round trip. A connection handed back less than
    IDLE_PING_SECONDS ago was just working, so it is used without one; an idle one is
    pinged, and a dead one is replaced before anything runs on it.
    """

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def taken(dbapi_connection, record, _proxy) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < IDLE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the driver's own error for a dead connection
            raise DisconnectionError("idle connection is gone") from exc
        if not alive:
            raise DisconnectionError("idle connection is gone")


def _tune_sqlite(connection, _record) -> None:
    # WAL lets readers run beside the single writer; foreign keys are off by default.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_postgres(engine_or_session: Engine | Session) -> bool:
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) \
        else engine_or_session
    return bind.dialect.name == "postgresql"


def serialise_on(session: Session, name: str) -> None:
    """Until this transaction ends, any other transaction serialising on the same name
    waits here: for a check-then-insert that no unique key guards (a contact found by its
    email, else created). PostgreSQL's transaction-level advisory lock; SQLite lets one
    writer in at a time by itself."""
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"),
                        {"name": name})


def conflict_insert(engine_or_session: Engine | Session, table):
    """The database's own INSERT on `table`: PostgreSQL's and SQLite's both have
    ON CONFLICT (`on_conflict_do_nothing`, `on_conflict_do_update`)."""
    dialect = postgresql if is_postgres(engine_or_session) else sqlite
    return dialect.insert(table)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database: SQLite keeps no offset, so values
    read back from it are marked UTC here instead of leaking out naive."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        # Fix: a naive time (a filter such as ?created_after=2026-01-01) is UTC, as every
        # time of the API is; PostgreSQL read it in the session's TimeZone instead.
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        elif value is not None:
            # Fix: PostgreSQL answers in the session's TimeZone (the server's default, often
            # local time), so values came back as e.g. +02:00 instead of UTC.
            value = value.astimezone(UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base of every service's tables (each service has its own database)."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON, datetime: UTCDateTime}
