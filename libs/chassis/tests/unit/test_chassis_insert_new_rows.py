"""insert_new_rows: the rows no row has the key of yet, inserted in one round trip, in the
order of their keys (so two batches of some of the same keys never wait on each other in
a cycle)."""

from __future__ import annotations

import pytest
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from crm_chassis import bulk
from crm_chassis.bulk import insert_new_rows
from crm_chassis.db import make_engine


class Base(DeclarativeBase):
    pass


class Probe(Base):
    __tablename__ = "probe_new_rows"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    label: Mapped[str] = mapped_column(String(10))


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


def test_only_new_keys_are_inserted_and_in_the_order_of_the_keys(engine, monkeypatch):
    sent: list[list[str]] = []
    send = bulk._send

    def recording(session, table, rows, new_only=None):
        sent.append([row["id"] for row in rows])
        return send(session, table, rows, new_only)

    monkeypatch.setattr(bulk, "_send", recording)
    table = Probe.__table__
    with Session(engine) as session:
        first = insert_new_rows(session, table, [{"id": k, "label": "one"} for k in "cab"],
                                table.c.id)
        again = insert_new_rows(session, table, [{"id": k, "label": "two"} for k in "dba"],
                                table.c.id)
        session.commit()
        labels = dict(session.execute(select(Probe.id, Probe.label)).all())

    assert sorted(first) == ["a", "b", "c"] and again == ["d"]
    assert sent == [["a", "b", "c"], ["a", "b", "d"]]
    assert labels == {"a": "one", "b": "one", "c": "one", "d": "two"}
