"""The marketing service's event contracts: what its producer sends round-trips as plain
JSON, and engagement events carry ids, never a person's address."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from crm_contracts import registry
from crm_contracts.envelope import new_envelope

NOW = datetime.now(UTC)
CAMPAIGN = {
    "id": str(uuid.uuid4()), "name": "Spring launch", "segment_id": "s-1",
    "template_id": "t-1", "status": "sending", "cost": "120.50", "budget": "500.00",
    "currency": "EUR", "scheduled_at": None, "started_at": NOW, "completed_at": None,
    "version": 2, "created_at": NOW, "updated_at": NOW.isoformat(),
}
MEMBERSHIP = {"segment_id": "s-1", "segment_name": "Leads in Berlin", "kind": "dynamic",
              "contact_id": "c-1", "at": NOW}
MAIL = {"campaign_id": "cmp-1", "recipient_id": "r-1", "contact_id": "c-1",
        "message_id": "<cmp-1.r-1@marketing.crm>", "at": NOW}

EXAMPLES = {
    "segment.joined": MEMBERSHIP,
    "segment.left": {**MEMBERSHIP, "kind": "static"},
    "campaign.scheduled": {"campaign": {**CAMPAIGN, "status": "scheduled",
                                        "scheduled_at": NOW}, "changed_by": "u-1"},
    "campaign.started": {"campaign": CAMPAIGN, "recipients": 10,
                         "skipped_without_consent": 3, "changed_by": "u-1"},
    "campaign.completed": {"campaign": {**CAMPAIGN, "status": "sent", "completed_at": NOW},
                           "sent": 9, "failed": 1},
    "campaign.cancelled": {"campaign": {**CAMPAIGN, "status": "cancelled"}, "not_sent": 4,
                           "changed_by": "u-1"},
    "email.sent": {**MAIL, "attempts": 1},
    "email.failed": {**MAIL, "attempts": 5, "error": "SMTPRecipientsRefused"},
    "email.opened": {**MAIL, "first": True},
    "email.clicked": {**MAIL, "url": "https://example.com/offer", "first": False},
    "email.bounced": {**MAIL, "kind": "hard", "reason": "550 no such user"},
    "email.unsubscribed": {**MAIL, "method": "one_click"},
    "lead.score_changed": {"contact_id": "c-1", "score": 55, "previous": 40,
                           "reason": "Clicked a campaign", "at": NOW},
    "lead.qualified": {"contact_id": "c-1", "account_id": "a-1", "owner_id": "rep-1",
                       "score": 55, "threshold": 50, "campaign_id": "cmp-1",
                       "qualified_at": NOW},
    "form.submitted": {"form_id": "f-1", "form_name": "Demo request", "submission_id": "s-1",
                       "contact_id": "c-1", "created_contact": True, "consent": True,
                       "utm_source": "newsletter", "utm_medium": "email",
                       "utm_campaign": None, "at": NOW},
    "scenario.task_requested": {"scenario_id": "sc-1", "enrolment_id": "e-1", "step": 3,
                                "contact_id": "c-1", "account_id": None, "owner_id": "rep-1",
                                "subject": "Call about the demo", "due_at": NOW},
}


def test_every_marketing_event_has_an_example_here():
    marketing = {name for name, _ in registry.event_types()
                 if registry.source_of(name) == "marketing"}
    assert marketing == set(EXAMPLES)


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_producer_payload_round_trips_as_plain_json(event_type):
    version = registry.latest_version(event_type)
    data = registry.dump_data(event_type, version, EXAMPLES[event_type])
    wire = json.loads(json.dumps(data))  # fails on datetimes, decimals or other objects
    envelope = new_envelope(event_type, version, "marketing", wire, "c-1")
    loaded = registry.load_event(json.loads(json.dumps(envelope)))
    assert loaded["type"] == event_type and registry.source_of(event_type) == "marketing"


def test_money_is_a_decimal_string():
    data = registry.dump_data("campaign.started", 1, EXAMPLES["campaign.started"])
    assert data["campaign"]["cost"] == "120.50" and data["campaign"]["currency"] == "EUR"


def test_engagement_carries_no_address():
    data = registry.dump_data("email.sent", 1, {**EXAMPLES["email.sent"],
                                                "email": "ann@example.com"})
    assert "email" not in data


@pytest.mark.parametrize("event_type, bad", [
    ("segment.joined", {**MEMBERSHIP, "kind": "smart"}),
    ("segment.left", {"segment_id": "s-1"}),
    ("campaign.started", {"campaign": {**CAMPAIGN, "status": "paused"}, "recipients": 1,
                          "skipped_without_consent": 0}),
    ("campaign.started", {"campaign": {**CAMPAIGN, "currency": "euro"}, "recipients": 1,
                          "skipped_without_consent": 0}),
    ("email.bounced", {**MAIL, "kind": "medium"}),
    ("email.unsubscribed", {**MAIL, "method": "carrier pigeon"}),
    ("email.sent", {"campaign_id": "cmp-1"}),
    ("lead.qualified", {"contact_id": "c-1", "score": "lots", "threshold": 50,
                        "qualified_at": NOW}),
    ("lead.score_changed", {"contact_id": "c-1", "score": 5}),
])
def test_bad_payloads_are_refused(event_type, bad):
    with pytest.raises(ValidationError):
        registry.dump_data(event_type, 1, bad)
