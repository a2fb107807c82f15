"""insert_rows: many rows in one statement, their values converted as SQLAlchemy converts
them (JSON, UTC times), inside the session's transaction, counted by change counters, and
a violated constraint raised as SQLAlchemy raises it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from crm_chassis import changes
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
