"""pytest fixtures for a service's own tests: its migrated database, units of work on it,
the service in real nameko containers, and the events it publishes.

A service's tests say which service they test by defining the fixture
`service_under_test` (a `ServiceUnderTest`) in their conftest.py; everything else here
follows from it. nameko and eventlet are imported only by the fixtures that need them,
so that plain pytest runs (the gateway's) can load this plugin.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection, Queue

from crm_testing.processes import wait_until


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str  # "sales": its RPC queue, events exchange and CRM_SALES_DATABASE_URL
    target: str  # "sales.service:SalesService", as `nameko run` takes it
    migrations: Path

    def service_class(self) -> type:
        module, _, attribute = self.target.partition(":")
        return getattr(importlib.import_module(module), attribute)


class _NoRelay:
    """Stands in for the Database provider: events stay in the outbox table."""

    def __init__(self, service_name: str):
        self.service_name = service_name

    def wake_relay(self) -> None:
        pass


@pytest.fixture
def migrated(database_url, service_under_test: ServiceUnderTest) -> str:
    from crm_chassis.migrations import upgrade

    upgrade(service_under_test.migrations, database_url)
    return database_url


@pytest.fixture
def sessions(migrated):
    from sqlalchemy.orm import sessionmaker

    from crm_chassis.db import make_engine

    engine = make_engine(migrated)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def unit_for(sessions, service_under_test: ServiceUnderTest):
    """Units of work as a caller: `unit_for("ann", "sales_rep")`."""
    from crm_chassis.dependencies import UnitOfWork

    made = []

    def make(user_id: str | None = "ann", role: str | None = None):
        unit = UnitOfWork(_NoRelay(service_under_test.name), sessions(), {
            "user_id": user_id, "user_role": role, "correlation_id": "test"})
        made.append(unit)
        return unit

    yield make
    for unit in made:
        unit.session.rollback()
        unit.session.close()


@pytest.fixture
def unit(unit_for):
    return unit_for("ann")


@pytest.fixture
def start_service(container_factory, amqp_uri, migrated, monkeypatch,
                  service_under_test: ServiceUnderTest):
    """Start a container of the service (several may run one after the other on one
    database); keyword arguments are environment variables to set first."""
    monkeypatch.setenv(f"CRM_{service_under_test.name.upper()}_DATABASE_URL", migrated)

    def start(**env: str):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        container = container_factory(service_under_test.service_class(),
                                      {"AMQP_URI": amqp_uri})
        container.start()
        return container

    return start


@pytest.fixture
def events(amqp_uri, service_under_test: ServiceUnderTest):
    """Every event the service publishes, read from a queue bound before writes."""
    from crm_chassis.amqp import events_exchange

    name = service_under_test.name
    connection = Connection(amqp_uri)
    queue = connection.SimpleQueue(Queue(f"test-{name}-events",
                                         exchange=events_exchange(name), routing_key="#",
                                         auto_delete=True))

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


def schema_differences(url: str, base: Any, packages: Iterable[str]) -> list:
    """What alembic would change to make the database at `url` match the models of
    `packages` (their tables only: one process's registry holds every service's models)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from crm_chassis.db import make_engine

    packages = set(packages)
    ours = {mapper.local_table.name for mapper in base.registry.mappers
            if mapper.class_.__module__.split(".")[0] in packages}

    def only_ours(obj, name, kind, reflected, other) -> bool:
        return kind != "table" or name in ours

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection,
                                                 opts={"include_object": only_ours})
            return compare_metadata(context, base.metadata)
    finally:
        engine.dispose()
