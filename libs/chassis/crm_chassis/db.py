"""Database access for nameko services on SQLAlchemy 2.

nameko-sqlalchemy pins SQLAlchemy below 2, so this is the chassis's own provider: one
unit of work (session + outbox) per worker, rolled back and closed when the worker ends.
Service methods commit explicitly, because nameko answers an RPC before it tells the
dependencies that the worker finished: a commit there could fail after a success reply.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from crm_chassis import settings


class Base(DeclarativeBase):
    """Declarative base of every service's tables (each service has its own database)."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


def make_engine(url: str, **kwargs) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


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


def session_factory(service: str, url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(make_engine(url or settings.database_url(service)),
                        expire_on_commit=False)
