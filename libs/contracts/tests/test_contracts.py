"""The event contracts: every registered schema accepts what its producer sends, returns
plain JSON types, and rejects what would break a consumer."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from crm_contracts import registry
from crm_contracts.envelope import EnvelopeSchema, new_envelope

NOW = datetime.now(UTC)
CONTACT = {"id": str(uuid.uuid4()), "first_name": "Zoë", "last_name": "Lefèvre",
           "email": "zoe@acme.example", "lifecycle_stage": "lead", "tags": ["vip"],
           "custom_fields": {"seats": 12}, "version": 2, "created_at": NOW,
           "updated_at": NOW.isoformat()}
ACCOUNT = {"id": str(uuid.uuid4()), "name": "ACME", "tier": "vip", "version": 1,
           "created_at": NOW, "updated_at": NOW}

EXAMPLES = {
    "contact.created": {"contact": CONTACT, "changed_by": "u1"},
    "contact.imported": {"contacts": [CONTACT, {**CONTACT, "id": str(uuid.uuid4())}],
                         "job_id": str(uuid.uuid4()), "changed_by": "u1"},
    "contact.updated": {"contact": CONTACT, "changed_fields": ["email"], "changed_by": None},
    "contact.deleted": {"contact_id": CONTACT["id"]},
    "contact.merged": {"surviving_id": CONTACT["id"], "merged_id": str(uuid.uuid4()),
                       "contact": CONTACT},
    "contact.erased": {"contact_id": CONTACT["id"], "merged_ids": [str(uuid.uuid4())]},
    "account.created": {"account": ACCOUNT},
    "account.updated": {"account": ACCOUNT, "changed_fields": ["tier"]},
    "account.deleted": {"account_id": ACCOUNT["id"]},
    "consent.changed": {"contact_id": CONTACT["id"], "channel": "email", "status": "granted",
                        "recorded_at": NOW},
}


def test_every_contacts_event_has_an_example_here():
    # Each producer's events have their examples in that producer's contract tests.
    contacts = {name for name, _ in registry.event_types()
                if registry.source_of(name) == "contacts"}
    assert contacts == set(EXAMPLES)


def test_every_event_belongs_to_a_service():
    sources = {registry.source_of(name) for name, _ in registry.event_types()}
    assert sources <= {"contacts", "sales", "marketing", "support", "reporting"}


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_producer_payload_round_trips_as_plain_json(event_type):
    version = registry.latest_version(event_type)
    data = registry.dump_data(event_type, version, EXAMPLES[event_type])
    wire = json.loads(json.dumps(data))  # fails on datetimes or other Python objects
    envelope = new_envelope(event_type, version, registry.source_of(event_type), wire, "c-1")
    loaded = registry.load_event(json.loads(json.dumps(envelope)))
    assert loaded["type"] == event_type and loaded["correlation_id"] == "c-1"


def test_consumers_ignore_fields_added_later():
    data = {**EXAMPLES["contact.deleted"], "reason": "added in a later release"}
    assert registry.dump_data("contact.deleted", 1, data) == {"contact_id": CONTACT["id"]}


@pytest.mark.parametrize("event_type, bad", [
    ("contact.created", {"contact": {**CONTACT, "lifecycle_stage": "alien"}}),
    ("contact.merged", {"surviving_id": "a"}),
    ("contact.imported", {"contacts": [{**CONTACT, "version": None}], "job_id": "j"}),
    ("consent.changed", {**EXAMPLES["consent.changed"], "channel": "pigeon"}),
    ("account.created", {"account": {**ACCOUNT, "created_at": "yesterday"}}),
])
def test_bad_payloads_are_refused(event_type, bad):
    with pytest.raises(ValidationError):
        registry.dump_data(event_type, 1, bad)


def test_unknown_type_or_version_is_named():
    with pytest.raises(registry.UnknownEvent, match="contact.teleported"):
        registry.schema_for("contact.teleported", 1)
    envelope = new_envelope("contact.deleted", 9, "contacts", {"contact_id": "x"})
    with pytest.raises(registry.UnknownEvent, match="v9"):
        registry.load_event(envelope)


def test_envelope_requires_every_field():
    errors = EnvelopeSchema().validate({"type": "Contact Created", "data": {}})
    assert {"id", "version", "occurred_at", "source", "correlation_id", "type"} <= set(errors)
