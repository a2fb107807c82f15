"""Durable timers: a due row is claimed by one replica, performed once, and taken over by
another when the first one's lease runs out."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Integer, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from crm_chassis.db import UTCDateTime
from crm_chassis.timers import DueRows, run_due

T0 = datetime(2026, 11, 26, 12, tzinfo=UTC)


class _Base(DeclarativeBase):
    pass


class Reminder(_Base):
    __tablename__ = "reminders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(36))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(String(2000))


@pytest.fixture
def sessions(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'timers.db'}")
    _Base.metadata.create_all(engine)
    made = sessionmaker(engine, expire_on_commit=False)
    with made() as session:
        session.add_all([Reminder(id="due", due_at=T0), Reminder(id="later",
                                                                  due_at=T0 + timedelta(1))])
        session.commit()
    yield made
    engine.dispose()


class Unit:
    def __init__(self, session):
        self.session = session

    def rollback(self):
        self.session.rollback()


def test_a_due_row_is_claimed_once_and_taken_over_after_its_lease(sessions):
    timers = DueRows(Reminder, lease_seconds=60)
    first, second = sessions(), sessions()
    [(row_id, token)] = timers.claim(first, T0)
    assert row_id == "due" and timers.claim(second, T0) == []
    [(again, token2)] = timers.claim(second, T0 + timedelta(seconds=61))
    assert again == "due" and token2 != token
    assert timers.holds(first, row_id, token) is None  # the first replica lost it
    assert timers.finish(first, row_id, token, done_at=T0) is False
    first.rollback()  # as a caller does when its claim was lost
    assert timers.finish(second, row_id, token2, done_at=T0) is True
    second.commit()
    assert [row for row, _ in timers.claim(second, T0 + timedelta(days=2))] == ["later"]


def test_a_row_can_be_due_again_and_failures_are_kept(sessions):
    timers = DueRows(Reminder)
    session = sessions()
    [(row_id, token)] = timers.claim(session, T0)
    assert timers.finish(session, row_id, token, due_at=T0 + timedelta(hours=1))
    session.commit()
    assert timers.claim(session, T0) == []
    claimed = timers.claim(session, T0 + timedelta(hours=1))

    def explode(uow, row_id, token):
        raise RuntimeError("SMTP away")

    assert run_due(Unit(session), claimed, explode, timers.record_failure,
                   pause=lambda: None) == 0
    row = session.get(Reminder, "due", populate_existing=True)
    assert row.error == "RuntimeError: SMTP away" and row.attempts == 2 and row.done_at is None
