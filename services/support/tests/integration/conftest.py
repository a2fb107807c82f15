"""Fixtures of the support service's integration tests: a migrated database (SQLite, or
PostgreSQL under CRM_TEST_POSTGRES_URL), units of work on it, and the service in a real
nameko container on a real broker."""

from __future__ import annotations

from pathlib import Path

import pytest
from kombu import Connection, Queue
from sqlalchemy.orm import sessionmaker

from crm_chassis.amqp import events_exchange
from crm_chassis.db import make_engine
from crm_chassis.dependencies import UnitOfWork
from crm_chassis.migrations import upgrade
from crm_testing.processes import wait_until

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class _NoRelay:
    """Stands in for the Database provider: events stay in the outbox table."""

    service_name = "support"

    def wake_relay(self) -> None:
        pass


@pytest.fixture
def migrated(database_url) -> str:
    upgrade(MIGRATIONS, database_url)
    return database_url


@pytest.fixture
def sessions(migrated):
    engine = make_engine(migrated)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def unit_for(sessions):
    """Units of work as a caller: `unit_for("ann", "support_rep")`."""
    made = []

    def make(user_id: str | None = "ann", role: str | None = None) -> UnitOfWork:
        unit = UnitOfWork(_NoRelay(), sessions(), {"user_id": user_id, "user_role": role,
                                                   "correlation_id": "test"})
        made.append(unit)
        return unit

    yield make
    for unit in made:
        unit.session.rollback()
        unit.session.close()


@pytest.fixture
def unit(unit_for) -> UnitOfWork:
    return unit_for("ann")


@pytest.fixture
def start_service(container_factory, amqp_uri, migrated, monkeypatch):
    """Start a support container (several may run one after the other on one database)."""
    from support.service import SupportService

    monkeypatch.setenv("CRM_SUPPORT_DATABASE_URL", migrated)

    def start(**env: str):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        container = container_factory(SupportService, {"AMQP_URI": amqp_uri})
        container.start()
        return container

    return start


@pytest.fixture
def events(amqp_uri):
    """Every event the support service publishes, read from a queue bound before writes."""
    connection = Connection(amqp_uri)
    queue = connection.SimpleQueue(Queue("test-support-events", exchange=events_exchange(
        "support"), routing_key="#", auto_delete=True))

    def received(count: int, timeout: float = 15) -> list[dict]:
        got: list[dict] = []

        def enough() -> bool:
            try:
                message = queue.get(block=True, timeout=0.2)
            except queue.Empty:
                return len(got) >= count
            message.ack()
            got.append(message.payload)
            return len(got) >= count

        wait_until(enough, timeout=timeout, message=f"{count} events")
        return got

    yield received
    queue.close()
    connection.release()
