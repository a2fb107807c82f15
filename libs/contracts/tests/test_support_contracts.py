"""The support service's event contracts: what its producer sends round-trips as plain
JSON, carries what reporting needs, and no words about people."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from crm_contracts import registry
from crm_contracts.envelope import new_envelope

NOW = datetime.now(UTC)
TICKET = {
    "id": str(uuid.uuid4()), "number": "T-1042", "channel": "email", "type": "incident",
    "priority": "high", "status": "open", "contact_id": "c-1", "account_id": "a-1",
    "team_id": "team-1", "assignee_id": "u-1", "language": "en", "tags": ["billing"],
    "vip": True, "escalated": False, "sla_policy_id": "p-1", "first_response_minutes": 60,
    "resolution_minutes": 360, "first_response_due_at": NOW, "resolution_due_at": NOW,
    "first_responded_at": None, "first_response_breached": False,
    "resolution_breached": False, "solved_at": None, "closed_at": None,
    "version": 3, "created_at": NOW, "updated_at": NOW.isoformat(),
}

EXAMPLES = {
    "ticket.created": {"ticket": TICKET, "changed_by": "u-1"},
    "ticket.assigned": {"ticket": TICKET, "team_id": "team-1", "assignee_id": "u-1",
                        "previous_team_id": None, "previous_assignee_id": None,
                        "rule_id": "r-1", "changed_by": None},
    "ticket.status_changed": {"ticket": TICKET, "from_status": "new", "to_status": "open",
                              "changed_at": NOW, "changed_by": "u-1"},
    "ticket.solved": {"ticket": {**TICKET, "status": "solved", "solved_at": NOW},
                      "solved_at": NOW, "first_response_elapsed_minutes": 12.5,
                      "resolution_elapsed_minutes": 300.0, "first_response_met": True,
                      "resolution_met": True, "changed_by": "u-1"},
    "ticket.sla_breached": {"ticket": {**TICKET, "priority": "urgent", "escalated": True},
                            "target": "first_response", "target_minutes": 60,
                            "due_at": NOW, "breached_at": NOW,
                            "priority_raised_to": "urgent", "team_id": "team-1",
                            "manager_id": "boss-1"},
    "csat.submitted": {"ticket_id": "t-1", "rating": 4, "has_comment": True,
                       "submitted_at": NOW, "contact_id": "c-1", "account_id": "a-1",
                       "team_id": "team-1", "assignee_id": "u-1", "channel": "email",
                       "priority": "high"},
    "ticket.upsell_flagged": {"ticket_id": "t-1", "ticket_number": "T-1042",
                              "account_id": "a-1", "contact_id": "c-1", "owner_id": "rep-1",
                              "note": "asks about 50 more seats", "flagged_by": "u-1",
                              "flagged_at": NOW},
}


def test_every_support_event_has_an_example_here():
    support = {name for name, _ in registry.event_types()
               if registry.source_of(name) == "support"}
    assert support == set(EXAMPLES)


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_producer_payload_round_trips_as_plain_json(event_type):
    version = registry.latest_version(event_type)
    data = registry.dump_data(event_type, version, EXAMPLES[event_type])
    wire = json.loads(json.dumps(data))  # fails on datetimes or other objects
    envelope = new_envelope(event_type, version, "support", wire, "c-1")
    loaded = registry.load_event(json.loads(json.dumps(envelope)))
    assert loaded["type"] == event_type and registry.source_of(event_type) == "support"


def test_tickets_carry_no_words_about_people():
    ticket = {**TICKET, "subject": "Hank's printer", "description": "he said...",
              "messages": [{"body": "call me"}]}
    dumped = registry.dump_data("ticket.created", 1, {"ticket": ticket})["ticket"]
    assert not {"subject", "description", "messages"} & set(dumped)
    csat = registry.dump_data("csat.submitted", 1, {**EXAMPLES["csat.submitted"],
                                                    "comment": "Hank was rude"})
    assert "comment" not in csat


def test_breaches_name_the_target_and_who_to_tell():
    data = registry.dump_data("ticket.sla_breached", 1, EXAMPLES["ticket.sla_breached"])
    assert data["target"] == "first_response" and data["manager_id"] == "boss-1"
    assert data["ticket"]["channel"] == "email" and data["ticket"]["team_id"] == "team-1"


@pytest.mark.parametrize("event_type, bad", [
    ("ticket.created", {"ticket": {**TICKET, "status": "lost"}}),
    ("ticket.created", {"ticket": {**TICKET, "priority": "critical"}}),
    ("ticket.created", {"ticket": {**TICKET, "channel": "fax"}}),
    ("ticket.status_changed", {"ticket": TICKET, "from_status": "new"}),
    ("ticket.sla_breached", {**EXAMPLES["ticket.sla_breached"], "target": "lunch"}),
    ("csat.submitted", {**EXAMPLES["csat.submitted"], "rating": 6}),
    ("csat.submitted", {**EXAMPLES["csat.submitted"], "rating": 0}),
    ("ticket.upsell_flagged", {"ticket_id": "t-1"}),
])
def test_bad_payloads_are_refused(event_type, bad):
    with pytest.raises(ValidationError):
        registry.dump_data(event_type, 1, bad)
