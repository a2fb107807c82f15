"""A small nameko service that reads one row per call: the far end of the thin path."""

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


class Engine(DependencyProvider):
    def setup(self) -> None:
        configure_logging()  # as the chassis does: nameko's 'Connected to amqp' is awaited
        if eventlet.patcher.is_monkey_patched("socket"):
            # as the chassis's UnitOfWork does, so psycopg2 does not block the hub
            from psycogreen.eventlet import patch_psycopg

            patch_psycopg()
        # the services' own engine factory: same pool sizes, SQLite tuning and driver
        self.engine = make_engine(os.environ["CRM_BENCH_THIN_DATABASE_URL"])

    def start(self) -> None:
        freeze_startup_heap()  # as the services' Observability does

    def stop(self) -> None:
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.engine


def create_items(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100), note TEXT)"))
        connection.execute(text("INSERT INTO items (id, name, note) VALUES (:id, :name, :note)"),
                           [{"id": i, "name": f"item {i}", "note": "x" * 64}
                            for i in range(1, ITEMS + 1)])
    engine.dispose()


class ThinService:
    name = "bench_thin"
    engine = Engine()

    @rpc
    def get_item(self, item_id: int) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(text("SELECT id, name, note FROM items WHERE id = :id"),
                                     {"id": item_id}).first()
        return dict(row._mapping) if row is not None else None
