"""A small nameko service that reads one row per call: the far end of the thin path (and, five
of them asked at once, of the thin fan-out)."""

from __future__ import annotations

import os

import eventlet
from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, text

from crm_chassis.db import make_engine
from crm_chassis.entrypoints import rpc  # the services' own, as the thin path must be
from crm_contracts.heap import freeze_startup_heap
from crm_contracts.logs import configure_logging

ITEMS = 1000


class StartedAsAService(DependencyProvider):
    """What the services' Observability does at start-up, without the log line and the
    metrics it adds to every call."""

    def setup(self) -> None:
        configure_logging()  # nameko's 'Connected to amqp' is awaited in the log

    def start(self) -> None:
        freeze_startup_heap()


class Engine(DependencyProvider):
    def setup(self) -> None:
        if eventlet.patcher.is_monkey_patched("socket"):
            # as the chassis's UnitOfWork does, so psycopg2 does not block the hub
            from psycogreen.eventlet import patch_psycopg

            patch_psycopg()
        # the services' own engine factory: same pool sizes, SQLite tuning and driver
        self.engine = make_engine(os.environ["CRM_BENCH_THIN_DATABASE_URL"])

    def stop(self) -> None:
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.engine


def create_items(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100), note TEXT,"
            " version INTEGER NOT NULL DEFAULT 1)"))
        connection.execute(text("INSERT INTO items (id, name, note) VALUES (:id, :name, :note)"),
                           [{"id": i, "name": f"item {i}", "note": "x" * 64}
                            for i in range(1, ITEMS + 1)])
    engine.dispose()


def _thin_service(service_name: str) -> type:
    class Thin:
        name = service_name
        started = StartedAsAService()
        engine = Engine()

        @rpc
        def get_item(self, item_id: int) -> dict | None:
            with self.engine.connect() as connection:
                row = connection.execute(text("SELECT id, name, note FROM items WHERE id = :id"),
                                         {"id": item_id}).first()
            return dict(row._mapping) if row is not None else None

    return Thin


# The thin path's service; the fan-out asks it and four more, each a process of its own,
# as a 360 view asks five services at once.
FAN_OUT = ("bench_thin", "bench_thin_2", "bench_thin_3", "bench_thin_4", "bench_thin_5")
ThinService, ThinService2, ThinService3, ThinService4, ThinService5 = (
    _thin_service(name) for name in FAN_OUT)
