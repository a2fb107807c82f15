"""A throwaway database with the outbox table, or with a test's own tables and the change
counters (SQLite, or PostgreSQL under CRM_TEST_POSTGRES_URL): the chassis's rules are worth
checking on both."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crm_chassis import changes
from crm_chassis.db import Base, make_engine
from crm_chassis.outbox import OutboxEvent


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    Base.metadata.create_all(engine, tables=[OutboxEvent.__table__])
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def counted_engine(database_url):
    """`counted_engine(metadata)`: an engine on which the metadata's tables and the change
    counters exist for the test."""
    made = []

    def make(metadata):
        engine = make_engine(database_url)
        metadata.create_all(engine)
        changes.ChangeCounter.__table__.create(engine)
        made.append((engine, metadata))
        return engine

    yield make
    for engine, metadata in made:
        changes.ChangeCounter.__table__.drop(engine)
        metadata.drop_all(engine)
        engine.dispose()
