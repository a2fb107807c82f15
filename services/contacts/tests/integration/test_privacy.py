"""GDPR on the contacts service's own data: what an erasure reaches and what an export holds,
for a person recorded twice and merged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contacts.exceptions import Gone, NotFound
from contacts.models import Contact, OutboxEvent
from contacts.operations import duplicates, privacy, records
from contacts.schemas import ConsentInput, ContactInput
from crm_chassis.inputs import load


def person(unit, first: str, email: str) -> Contact:
    created = records.create_contact(unit, load(ContactInput(), {
        "first_name": first, "last_name": "Quistorp", "email": email,
        "phone": "+44 20 7946 0123", "city": "Leeds"}))
    privacy.record_consent(unit, created["id"], load(ConsentInput(), {
        "channel": "email", "status": "granted", "source": f"asked {email} at the booth"}))
    unit.commit()
    return records.get_contact(unit.session, created["id"])


def events_of(unit, event_type: str) -> list[dict]:
    return [row.data for row in unit.session.scalars(
        select(OutboxEvent).where(OutboxEvent.type == event_type).order_by(OutboxEvent.seq))]


@pytest.fixture
def merged_pair(unit):
    """Zelda recorded twice, the second record merged into the first."""
    zelda = person(unit, "Zelda", "zelda@quistorp.example")
    again = person(unit, "Zeld", "zed@quistorp.example")
    duplicates.merge(unit, zelda.id, again.id, {}, None)
    unit.commit()
    return zelda, again


def test_erasing_the_survivor_erases_the_records_merged_into_it(unit, merged_pair):
    zelda, again = merged_pair
    erased = privacy.erase_contact(unit, zelda.id)
    unit.commit()
    unit.session.expire_all()

    assert [record.id for record in erased] == [zelda.id, again.id]

    for record in (zelda, again):
        row = unit.session.get(Contact, record.id)
        assert row.erased_at is not None and row.email is None and row.phone is None
    log = str([row.data for row in unit.session.scalars(select(OutboxEvent))])
    for trace in ("zelda@", "zed@", "7946", "Leeds", "at the booth"):
        assert trace not in log
    [erased] = events_of(unit, "contact.erased")
    assert (erased["contact_id"], erased["merged_ids"]) == (zelda.id, [again.id])


def test_a_merged_away_record_is_gone_pointing_at_the_survivor(unit, merged_pair):
    zelda, again = merged_pair
    with pytest.raises(Gone) as erasing:
        privacy.erase_contact(unit, again.id)
    with pytest.raises(Gone) as exporting:
        privacy.gdpr_export(unit.session, again.id)
    assert zelda.id in erasing.value.message and zelda.id in exporting.value.message


def test_the_export_holds_the_merged_records_events_and_a_deleted_contact_can_be_erased(
        unit, merged_pair):
    zelda, again = merged_pair
    export = privacy.gdpr_export(unit.session, zelda.id)
    assert "zed@quistorp.example" in str(export["events"])  # the merged record's own events

    records.delete_contact(unit, zelda.id, None)
    unit.commit()
    assert privacy.gdpr_export(unit.session, zelda.id)["contact"]["id"] == zelda.id
    privacy.erase_contact(unit, zelda.id)
    unit.commit()
    with pytest.raises(Gone):
        privacy.erase_contact(unit, zelda.id)  # once
    with pytest.raises(NotFound):
        privacy.erase_contact(unit, "never-made")
