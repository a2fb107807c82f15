"""Two writers of one contact: the second gets StaleVersion (a 409 at the gateway), never a
crash, whether it sent a version or not; two finders of one new address make one contact."""

from __future__ import annotations

import threading

import pytest

from contacts.exceptions import StaleVersion
from contacts.operations import records
from crm_testing.databases import uses_postgres


def test_the_second_of_two_concurrent_updates_is_stale_not_a_crash(unit_for):
    first, second = unit_for("ann"), unit_for("bob")
    created = records.create_contact(first, {"first_name": "Ada", "last_name": "Lovelace"})
    first.commit()
    # Read before the change, and held: a session forgets the records nobody holds.
    read_early = records.get_contact(second.session, created["id"])
    records.update_contact(first, created["id"], {"title": "Countess"}, None)
    first.commit()
    with pytest.raises(StaleVersion):
        records.update_contact(second, created["id"], {"title": "Engineer"}, None)
    assert read_early.id == created["id"]
    second.rollback()
    assert records.get_contact(second.session, created["id"]).title == "Countess"


def test_a_delete_after_someone_elses_change_is_stale_too(unit_for):
    first, second = unit_for("ann"), unit_for("bob")
    created = records.create_contact(first, {"first_name": "Grace", "last_name": "Hopper"})
    first.commit()
    held = records.get_contact(second.session, created["id"])
    records.update_contact(first, created["id"], {"title": "Rear admiral"}, None)
    first.commit()
    with pytest.raises(StaleVersion):
        records.delete_contact(second, held.id, None)


@pytest.mark.skipif(not uses_postgres(), reason="the lock is PostgreSQL's advisory lock")
def test_two_callers_finding_one_new_address_at_once_make_one_contact(unit_for):
    # A new sender's two mails, received by two support replicas at the same moment.
    first, second = unit_for("ann"), unit_for("bob")
    mine, created = records.find_or_create_contact(first, {"email": "New@Sender.example",
                                                           "last_name": "Sender"})
    assert created
    theirs = {}

    def find_the_same_address():
        theirs["contact"], theirs["created"] = records.find_or_create_contact(
            second, {"email": "new@sender.example", "last_name": "Other"})

    waiting = threading.Thread(target=find_the_same_address)
    waiting.start()
    waiting.join(timeout=1)
    assert waiting.is_alive()  # it waits for the first to commit or roll back
    first.commit()
    waiting.join(timeout=30)
    assert theirs["contact"].id == mine["id"] and theirs["created"] is False
    second.commit()
