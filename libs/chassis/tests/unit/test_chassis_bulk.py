"""insert_rows: many rows in one statement, their values converted as SQLAlchemy converts
them (JSON, UTC times), inside the session's transaction, counted by change counters, and
a violated constraint raised as SQLAlchemy raises it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import LargeBinary, Numeric, String, Text, cast, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from crm_chassis import bulk, changes
from crm_chassis.bulk import insert_rows
from crm_chassis.db import Base as ChassisBase


class Base(DeclarativeBase):
    type_annotation_map = ChassisBase.type_annotation_map


class Person(Base):
    __tablename__ = "probe_bulk_people"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(50))
    tags: Mapped[list[str]]
    extra: Mapped[dict[str, Any]]
    seen_at: Mapped[datetime]


changes.track("people", Person)

MOMENT = datetime(2026, 11, 27, 22, 30, 5, 123456, tzinfo=UTC)


@pytest.fixture
def engine(counted_engine):
    return counted_engine(Base.metadata)


def _row(key: str, **values) -> dict[str, Any]:
    return {"id": key, "name": None, "tags": ["a", "é"], "extra": {"n": 1, "t": "x'y"},
            "seen_at": MOMENT, **values}


def test_rows_are_inserted_as_the_orm_would_store_them(engine):
    with Session(engine) as session:
        insert_rows(session, Person, [_row("p1", name="Ann\tO'Neil"), _row("p2")])
        insert_rows(session, Person, [])
        session.commit()
        stored = {person.id: person for person in session.scalars(select(Person))}
        assert changes.current(session, "people") == 1

    assert stored["p1"].name == "Ann\tO'Neil" and stored["p2"].name is None
    assert stored["p1"].tags == ["a", "é"] and stored["p1"].extra == {"n": 1, "t": "x'y"}
    assert stored["p2"].seen_at == MOMENT


def test_rows_come_after_the_sessions_pending_changes(engine):
    with Session(engine) as session:
        session.add(Person(**_row("p1", name="pending")))
        with pytest.raises(IntegrityError):  # the pending row was flushed first
            insert_rows(session, Person, [_row("p1")])


def test_rows_are_part_of_the_transaction_and_a_violation_is_sqlalchemys(engine):
    with Session(engine) as session:
        insert_rows(session, Person, [_row("p1")])
        session.rollback()
        assert session.scalars(select(Person)).all() == []

        insert_rows(session, Person, [_row("p1")])
        with pytest.raises(IntegrityError):
            insert_rows(session, Person, [_row("p1")])


class Kinds(Base):
    """A column of each type the services bulk-insert, and some they may."""

    __tablename__ = "probe_bulk_kinds"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    text: Mapped[str | None] = mapped_column(String(80))
    count: Mapped[int | None]
    flag: Mapped[bool | None]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    ratio: Mapped[float | None]
    day: Mapped[date | None]
    seen_at: Mapped[datetime | None]
    tags: Mapped[list[str] | None]
    extra: Mapped[dict[str, Any] | None]
    blob: Mapped[bytes | None] = mapped_column(LargeBinary)


TRICKY = ["O'Neil \"the\" \\ one", "line\nbreak\ttab", "Zoë 東京 🚀", "%s %(x)s {}", "", " "]


def _kinds(key: str, text: str, **values) -> dict[str, Any]:
    return {"id": key, "text": text, "count": -7, "flag": True, "amount": Decimal("1234.50"),
            "ratio": 0.1, "day": date(2026, 2, 28), "seen_at": MOMENT,
            "tags": [text, "é"], "extra": {"k": text, "n": [1, 2.5, None, False]},
            "blob": None, **values}


def _stored_as_text(session) -> list[tuple]:
    table = Kinds.__table__
    return [tuple(row) for row in session.execute(
        select(*(cast(column, Text) for column in table.c)).order_by(table.c.id))]


@pytest.mark.parametrize(("extra", "as_json"), [
    ({}, True), ({"extra": None}, False), ({"blob": b"raw\x01bytes"}, False),
    ({"ratio": float("inf")}, False)], ids=["by-json", "json-null", "bytes", "infinity"])
def test_every_kind_of_value_is_stored_as_the_orm_stores_it(engine, monkeypatch, extra,
                                                            as_json):
    # Whichever way the rows go on PostgreSQL (one JSON document, or execute_values where
    # JSON cannot carry a value as SQLAlchemy binds it), the database holds what the ORM
    # would write.
    documents, document = [], bulk._document
    monkeypatch.setattr(bulk, "_document", lambda *args: documents.append(
        document(*args)) or documents[-1])
    rows = [_kinds(f"k{n}", text, **extra) for n, text in enumerate(TRICKY)]
    nulls = {column.name: None for column in Kinds.__table__.c
             if column.name not in ("id", "text", "tags", "extra")}
    rows.append(_kinds("nulls", None, **{**nulls, **extra}))
    with Session(engine) as session:
        session.add_all(Kinds(**row) for row in rows)
        session.commit()
        by_orm = _stored_as_text(session)
        session.execute(delete(Kinds))
        insert_rows(session, Kinds, rows)
        session.commit()
        assert _stored_as_text(session) == by_orm
        if engine.dialect.name == "postgresql":
            assert [doc is not None for doc in documents] == [as_json]
