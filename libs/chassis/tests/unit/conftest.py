"""A throwaway database with the outbox table (SQLite, or PostgreSQL under
CRM_TEST_POSTGRES_URL): the outbox's rules are worth checking on both."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

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
