"""Fixtures for the chassis integration tests: a producer and a consumer database, the
probe services in-process (nameko containers) or as real `nameko run` processes."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from crm_chassis.db import Base, make_engine
from crm_chassis.inbox import HandledEvent
from crm_chassis.outbox import OutboxEvent
from crm_testing.processes import ManagedProcess, venv_bin, wait_until

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import chassis_probe_services as probe  # noqa: E402
from chassis_probe_kit import queue_stats  # noqa: E402


@dataclass
class ProbeDatabase:
    url: str
    engine: Engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def count(self, model, *where) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(model).where(*where))

    def all(self, model, *where, order_by=None) -> list:
        with self.session() as session:
            query = select(model).where(*where)
            if order_by is not None:
                query = query.order_by(order_by)
            return list(session.scalars(query))


@pytest.fixture(autouse=True)
def probe_state(monkeypatch):
    probe.CALLS.clear()
    probe.BROKEN_CONTACTS.clear()
    monkeypatch.delenv("CRM_OUTBOX_RELAY", raising=False)
    yield probe
    probe.CALLS.clear()
    probe.BROKEN_CONTACTS.clear()


@pytest.fixture
def engines():
    made: list[Engine] = []

    def make(url: str) -> Engine:
        engine = make_engine(url)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def producer_db(make_database, engines, monkeypatch) -> ProbeDatabase:
    url = make_database("chassis_producer")
    engine = engines(url)
    Base.metadata.create_all(engine, tables=[OutboxEvent.__table__,
                                             probe.ProbeDeletion.__table__])
    monkeypatch.setenv("CRM_CONTACTS_DATABASE_URL", url)
    return ProbeDatabase(url, engine)


@pytest.fixture
def consumer_db(make_database, engines, monkeypatch) -> ProbeDatabase:
    url = make_database("chassis_consumer")
    engine = engines(url)
    # Every service's database has an outbox, which its relay polls even if it never emits.
    Base.metadata.create_all(engine, tables=[OutboxEvent.__table__, HandledEvent.__table__,
                                             probe.ProbeEffect.__table__,
                                             probe.ProbeConsent.__table__])
    monkeypatch.setenv(f"CRM_{probe.CONSUMER.upper()}_DATABASE_URL", url)
    return ProbeDatabase(url, engine)


@pytest.fixture
def config(amqp_uri) -> dict:
    return {"AMQP_URI": amqp_uri}


@pytest.fixture
def start_consumer(consumer_db, container_factory, config):
    def start():
        container = container_factory(probe.ProbeConsumer, config)
        container.start()
        return container

    return start


@pytest.fixture
def start_producer(producer_db, container_factory, config):
    def start():
        container = container_factory(probe.ProbeProducer, config)
        container.start()
        return container

    return start


@pytest.fixture
def producer_process(producer_db, tmp_path, amqp_uri):
    """Starts `nameko run chassis_probe_services:ProbeProducer` as a real process."""
    started: list[ManagedProcess] = []

    def start(name: str, *, relay: bool, broker_uri: str | None = None) -> ManagedProcess:
        process = ManagedProcess(
            name,
            [venv_bin("nameko"), "run", "--broker", broker_uri or amqp_uri,
             "chassis_probe_services:ProbeProducer"],
            env={"CRM_CONTACTS_DATABASE_URL": producer_db.url, "PYTHONPATH": str(HERE),
                 "CRM_OUTBOX_RELAY": "1" if relay else "0"},
            log_dir=tmp_path, cwd=str(HERE),
        ).start()
        started.append(process)

        def serving() -> bool:
            if not process.alive:
                raise RuntimeError(f"{name} exited early:\n{process.log()[-4000:]}")
            return queue_stats(amqp_uri, f"rpc-{probe.PRODUCER}")[1] >= 1

        wait_until(serving, timeout=20, interval=0.1, message=f"{name} to serve RPC")
        return process

    yield start
    for process in started:
        process.kill()
