"""Two writers of one contact: the second gets StaleVersion (a 409 at the gateway), never a
crash, whether it sent a version or not."""

from __future__ import annotations

import pytest

from contacts.exceptions import StaleVersion
from contacts.operations import records


def test_the_second_of_two_concurrent_updates_is_stale_not_a_crash(unit_for):
    first, second = unit_for("ann"), unit_for("bob")
    created = records.create_contact(first, {"first_name": "Ada", "last_name": "Lovelace"})
    first.commit()
    # Read before the change, and held: a session forgets the records nobody holds.
    read_early = records.get_contact(second.session, created.id)
    records.update_contact(first, created.id, {"title": "Countess"}, None)
    first.commit()
    with pytest.raises(StaleVersion):
        records.update_contact(second, created.id, {"title": "Engineer"}, None)
    assert read_early.id == created.id
    second.rollback()
    assert records.get_contact(second.session, created.id).title == "Countess"


def test_a_delete_after_someone_elses_change_is_stale_too(unit_for):
    first, second = unit_for("ann"), unit_for("bob")
    created = records.create_contact(first, {"first_name": "Grace", "last_name": "Hopper"})
    first.commit()
    held = records.get_contact(second.session, created.id)
    records.update_contact(first, created.id, {"title": "Rear admiral"}, None)
    first.commit()
    with pytest.raises(StaleVersion):
        records.delete_contact(second, held.id, None)
