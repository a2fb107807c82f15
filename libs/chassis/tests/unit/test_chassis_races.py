"""@retried_when_raced: a write without the caller's version is done again when a
concurrent write to the same record lands first, a bounded number of times."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from crm_chassis import races
from crm_chassis.races import retried_when_raced
from crm_chassis.records import answer_for
from crm_contracts.errors import Conflict, NotFound, StaleVersion


class Writer:
    def __init__(self, races_before_success: int):
        self.left = races_before_success
        self.calls = self.rollbacks = 0
        self.db = self

    def rollback(self):
        self.rollbacks += 1

    @retried_when_raced
    def add_note(self, ticket_id: str, body: str) -> str:
        self.calls += 1
        if body == "missing":
            raise NotFound(f"no ticket {ticket_id}")
        if self.left:
            self.left -= 1
            raise StaleVersion("the record was changed by someone else: read it again")
        return f"{ticket_id}: {body}"


def test_a_raced_write_is_done_again_on_fresh_reads():
    writer = Writer(races_before_success=2)
    assert writer.add_note("t-1", "hello") == "t-1: hello"
    assert (writer.calls, writer.rollbacks) == (3, 2)


def test_a_write_raced_every_time_gives_up_with_the_conflict():
    writer = Writer(races_before_success=99)
    with pytest.raises(StaleVersion):
        writer.add_note("t-1", "hello")
    assert writer.calls == races.ATTEMPTS


def test_other_errors_are_not_retried():
    writer = Writer(races_before_success=0)
    with pytest.raises(NotFound):
        writer.add_note("t-9", "missing")
    assert writer.calls == 1


class _DriverError(Exception):
    pgcode = "40P01"  # deadlock detected: PostgreSQL chose this transaction to give way


def test_a_deadlock_lost_is_a_conflict_and_is_retried():
    deadlock = OperationalError("DELETE FROM report_orders", {}, _DriverError("deadlock"))
    assert isinstance(answer_for(deadlock), Conflict)

    class Rebuilder(Writer):
        @retried_when_raced
        def start(self) -> str:
            self.calls += 1
            if self.calls == 1:
                raise deadlock
            return "started"

    rebuilder = Rebuilder(races_before_success=0)
    assert rebuilder.start() == "started" and rebuilder.rollbacks == 1
