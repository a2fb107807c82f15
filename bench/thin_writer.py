"""The thin write: the least a write with an event costs in this design, as the thin path is
the least a read costs. One RPC updates one row and records one event in the same
transaction (the chassis's UnitOfWork and outbox); the service's relay publishes it with
confirms; two consuming services, each a process of its own as the real consumers are,
take it in through the chassis's batching, idempotent consumer and keep one row of it.

Everything a real write adds on top (validation, permissions, audit, several statements,
a heavier consumer) is missing, so a real write can come near this line but not pass it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields
from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, text

from bench.thin_service import StartedAsAService
from crm_chassis.consumer import BATCH, consumes
from crm_chassis.dependencies import Database
from crm_chassis.entrypoints import rpc
from crm_chassis.inbox import HandledEvent
from crm_chassis.outbox import OutboxEvent
from crm_contracts import registry

WRITER = "bench_thin_writer"
SINKS = ("bench_sink_a", "bench_sink_b")
EVENT = "bench_item.changed"


class ItemChanged(Schema):
    id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    note = fields.String(required=True)


class ItemContract(DependencyProvider):
    """Makes ItemChanged the contract of EVENT in the writer's and the consumers' processes
    only, as the chassis checks every event against one: registered on import, it would
    join the platform's registry in any process importing the bench (the test run, whose
    contract tests list every registered type)."""

    def setup(self) -> None:
        if (EVENT, 1) not in registry.event_types():
            registry.register(EVENT, 1, WRITER)(ItemChanged)


def create_writer_tables(url: str) -> None:
    """The writer's outbox, beside the thin path's `items` (bench.thin_service)."""
    engine = create_engine(url)
    OutboxEvent.metadata.create_all(engine, tables=[OutboxEvent.__table__])
    engine.dispose()


def create_sink_tables(url: str) -> None:
    """A consumer's inbox and projection, and its outbox, which its relay reads (empty)."""
    engine = create_engine(url)
    HandledEvent.metadata.create_all(engine, tables=[HandledEvent.__table__,
                                                     OutboxEvent.__table__])
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE item_views (id INTEGER PRIMARY KEY, note TEXT, version INTEGER)"))
    engine.dispose()


def sinks_caught_up(writer_url: str, sink_url: str) -> bool:
    """Whether a consumer's rows hold every item's latest version: every event arrived."""
    rows = []
    for url, query in ((writer_url, "SELECT id, version FROM items WHERE version > 1"),
                       (sink_url, "SELECT id, version FROM item_views")):
        engine = create_engine(url)
        with engine.connect() as connection:
            rows.append(set(connection.execute(text(query)).tuples()))
        engine.dispose()
    return rows[0] == rows[1]


class ThinWriter:
    name = WRITER
    started = StartedAsAService()
    contract = ItemContract()
    db = Database(WRITER)

    @rpc
    def put_item(self, item_id: int, note: str) -> dict[str, Any] | None:
        row = self.db.session.execute(text(
            "UPDATE items SET note = :note, version = version + 1 WHERE id = :id"
            " RETURNING id, version, note"), {"id": item_id, "note": note}).first()
        if row is None:
            return None
        item = dict(row._mapping)
        self.db.emit(EVENT, item)
        self.db.commit()
        return item


# The newest version of each item wins, whatever order its events arrive in.
_UPSERT = text(
    "INSERT INTO item_views (id, note, version) VALUES (:id, :note, :version)"
    " ON CONFLICT (id) DO UPDATE SET note = excluded.note, version = excluded.version"
    " WHERE item_views.version < excluded.version")


def sink_target(service_name: str) -> str:
    """What `nameko run` is given for a consumer: bench_sink_a -> BenchSinkA."""
    return f"{__name__}:" + "".join(part.title() for part in service_name.split("_"))


def _sink(service_name: str) -> type:
    class Sink:
        name = service_name
        started = StartedAsAService()
        contract = ItemContract()
        db = Database(service_name)

        @consumes(WRITER, EVENT, batch=BATCH)
        def keep_items(self, events: list[dict[str, Any]]) -> None:
            self.db.session.execute(_UPSERT, [event["data"] for event in events])

    Sink.__name__ = Sink.__qualname__ = sink_target(service_name).split(":")[1]
    return Sink


BenchSinkA, BenchSinkB = (_sink(name) for name in SINKS)
