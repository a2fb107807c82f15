"""Change counters move with every committed change of the records they watch, and only
then: a kept answer is reused exactly while nothing it depends on changed."""

from __future__ import annotations

import pytest
from sqlalchemy import String, delete, insert, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from crm_chassis import changes


class Base(DeclarativeBase):
    pass


class Deal(Base):
    __tablename__ = "probe_deals"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    stage: Mapped[str] = mapped_column(String(10))


class Note(Base):
    __tablename__ = "probe_notes"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)


changes.track("deals", Deal)


@pytest.fixture
def engine(counted_engine):
    return counted_engine(Base.metadata)


def count(engine) -> int:
    with Session(engine) as session:
        return changes.current(session, "deals")


def test_a_committed_change_of_a_watched_record_moves_the_counter_once(engine):
    with Session(engine) as session:
        session.add_all([Deal(id="d1", stage="new"), Deal(id="d2", stage="new")])
        session.flush()
        session.get(Deal, "d1").stage = "won"  # flushed at commit, after the hook's flush
        session.commit()
    assert count(engine) == 1
    with Session(engine) as session:
        session.delete(session.get(Deal, "d2"))
        session.commit()
    assert count(engine) == 2


def test_bulk_statements_move_it_too(engine):
    with Session(engine) as session:
        session.execute(insert(Deal.__table__).values(id="d1", stage="new"))
        session.commit()
    with Session(engine) as session:
        session.execute(update(Deal).where(Deal.id == "d1").values(stage="lost"))
        session.commit()
    with Session(engine) as session:
        session.execute(delete(Deal.__table__))
        session.commit()
    assert count(engine) == 3


def test_other_records_reads_and_rollbacks_leave_it_alone(engine):
    with Session(engine) as session:
        session.add(Note(id="n1"))
        session.commit()
    with Session(engine) as session:
        session.get(Note, "n1")
        session.add(Deal(id="d1", stage="new"))
        session.flush()
        session.rollback()
        session.commit()
    with Session(engine) as session:
        assert session.get(Deal, "d1") is None
    assert count(engine) == 0


def test_a_missing_counter_row_reads_as_zero(engine):
    with Session(engine) as session:
        assert changes.current(session, "no-such-counter") == 0


def test_writers_spread_over_shards_and_the_counter_is_their_sum(engine):
    with Session(engine) as session:  # a counter kept in one row before shards existed
        session.add(changes.ChangeCounter(name="deals", value=5))
        session.commit()
    for n in range(40):
        with Session(engine) as session:
            session.add(Deal(id=f"d{n}", stage="new"))
            session.commit()
    with Session(engine) as session:
        rows = session.scalars(select(changes.ChangeCounter.name)).all()
        total = changes.current(session, "deals")
    assert total == 45 and isinstance(total, int)
    assert 1 < len([row for row in rows if row.startswith("deals#")]) <= changes.SHARDS
