"""Pooled PostgreSQL connections are pinged before use only after sitting idle: a restart of
the database is survived without a round trip on every call."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from crm_chassis import db
from crm_testing.databases import uses_postgres

pytestmark = pytest.mark.skipif(not uses_postgres(), reason="needs CRM_TEST_POSTGRES_URL")

BACKEND = text("SELECT pg_backend_pid()")


@pytest.fixture
def engine(database_url):
    engine = db.make_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def kill(database_url: str, pid: int) -> None:
    other = db.make_engine(database_url)
    try:
        with other.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        other.dispose()


def test_an_idle_connection_that_died_is_replaced_before_use(engine, database_url,
                                                              monkeypatch):
    with engine.connect() as connection:
        first = connection.execute(BACKEND).scalar()
    kill(database_url, first)
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # every pooled connection counts as idle
    with engine.connect() as connection:
        second = connection.execute(BACKEND).scalar()
    assert second != first


def test_a_connection_just_used_is_trusted_and_a_dead_one_fails_once(engine, database_url):
    with engine.connect() as connection:
        first = connection.execute(BACKEND).scalar()
    kill(database_url, first)
    with pytest.raises(OperationalError), engine.connect() as connection:
        connection.execute(BACKEND)
    with engine.connect() as connection:  # the pool threw the dead one away
        assert connection.execute(BACKEND).scalar() != first
