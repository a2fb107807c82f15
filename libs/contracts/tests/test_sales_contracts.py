"""The sales service's event contracts: what its producer sends round-trips as plain JSON,
money stays a decimal string, and what would break reporting is refused."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from crm_contracts import registry
from crm_contracts.envelope import new_envelope

NOW = datetime.now(UTC)
STAMPS = {"version": 2, "created_at": NOW, "updated_at": NOW.isoformat()}
OPPORTUNITY = {
    "id": str(uuid.uuid4()), "name": "Globex renewal", "account_id": "a-1",
    "contact_id": "c-1", "owner_id": "u-1", "amount": "2500.00", "currency": "EUR",
    "weighted_amount": "1250.00", "probability": 50, "expected_close_date": "2026-12-20",
    "pipeline_id": "p-1", "pipeline_name": "Sales", "stage_id": "s-3",
    "stage_name": "Proposal", "status": "open", "lost_reason": None,
    "source_campaign_id": "camp-1", "stage_entered_at": NOW, "closed_at": None, **STAMPS,
}
AMOUNTS = {"currency": "EUR", "subtotal": "59.97", "discount_total": "7.50",
           "net_total": "52.47", "tax_total": "10.49", "total": "62.96", **STAMPS}
QUOTE = {"id": "q-1", "number": "Q-20261126-ABCD", "status": "sent", "opportunity_id": "o-1",
         "account_id": "a-1", "contact_id": "c-1", "owner_id": "u-1",
         "valid_until": "2026-12-31", "sent_at": NOW, **AMOUNTS}
LINE = {"position": 0, "product_id": "p-1", "description": "Seat", "quantity": "3",
        "unit_price": "19.99", "discount_percent": "12.5", "tax_rate": "20",
        "net_amount": "52.47", "tax_amount": "10.49", "total_amount": "62.96"}
ORDER = {"id": "or-1", "number": "O-20261126-ABCD", "quote_id": "q-1", "opportunity_id": "o-1",
         "account_id": "a-1", "contact_id": "c-1", "owner_id": "u-1", "ordered_at": NOW,
         "lines": [LINE], **AMOUNTS}
ACTIVITY = {"id": "act-1", "type": "meeting", "assignee_id": "u-1", "contact_id": "c-1",
            "account_id": None, "opportunity_id": "o-1", "origin": "manual",
            "start_at": NOW, "end_at": NOW, "due_at": None, "completed_at": None, **STAMPS}

EXAMPLES = {
    "opportunity.created": {"opportunity": OPPORTUNITY, "changed_by": "u-1"},
    "opportunity.updated": {"opportunity": OPPORTUNITY, "changed_fields": ["amount"],
                            "changed_by": None},
    "opportunity.stage_changed": {
        "opportunity": OPPORTUNITY, "from_stage_id": "s-2", "from_stage_name": "Needs analysis",
        "from_pipeline_id": "p-1", "to_stage_id": "s-3", "to_stage_name": "Proposal",
        "changed_at": NOW, "seconds_in_previous_stage": 86400, "changed_by": "u-1"},
    "opportunity.won": {"opportunity": {**OPPORTUNITY, "status": "won", "probability": 100,
                                        "closed_at": NOW}, "days_to_close": 12},
    "opportunity.lost": {"opportunity": {**OPPORTUNITY, "status": "lost", "probability": 0,
                                         "lost_reason": "price"}, "lost_reason": "price"},
    "opportunity.stagnant": {"opportunity": OPPORTUNITY, "stage_id": "s-3",
                             "stage_name": "Proposal", "entered_stage_at": NOW,
                             "time_limit_days": 21, "detected_at": NOW},
    "opportunity.deleted": {"opportunity_id": OPPORTUNITY["id"], "changed_by": "u-1"},
    "quote.sent": {"quote": QUOTE, "changed_by": "u-1"},
    "quote.accepted": {"quote": {**QUOTE, "status": "accepted", "accepted_at": NOW},
                       "order_id": "or-1"},
    "quote.rejected": {"quote": {**QUOTE, "status": "rejected"}, "reason": "too dear"},
    "quote.expired": {"quote": {**QUOTE, "status": "expired"}, "changed_by": None},
    "order.created": {"order": ORDER, "changed_by": "u-1"},
    "activity.created": {"activity": ACTIVITY, "changed_by": "u-1"},
    "activity.completed": {"activity": {**ACTIVITY, "completed_at": NOW}},
}


def test_every_sales_event_has_an_example_here():
    sales = {name for name, _ in registry.event_types() if registry.source_of(name) == "sales"}
    assert sales == set(EXAMPLES)


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_producer_payload_round_trips_as_plain_json(event_type):
    version = registry.latest_version(event_type)
    data = registry.dump_data(event_type, version, EXAMPLES[event_type])
    wire = json.loads(json.dumps(data))  # fails on datetimes, Decimals or other objects
    envelope = new_envelope(event_type, version, "sales", wire, "c-1")
    loaded = registry.load_event(json.loads(json.dumps(envelope)))
    assert loaded["type"] == event_type and registry.source_of(event_type) == "sales"


def test_money_travels_as_decimal_strings():
    data = registry.dump_data("order.created", 1, EXAMPLES["order.created"])
    order = json.loads(json.dumps(data))["order"]
    assert order["total"] == "62.96" and order["lines"][0]["unit_price"] == "19.99"
    opportunity = registry.dump_data("opportunity.created", 1,
                                     EXAMPLES["opportunity.created"])["opportunity"]
    assert opportunity["amount"] == "2500.00" and opportunity["weighted_amount"] == "1250.00"


def test_activities_carry_no_words_about_people():
    data = {"activity": {**ACTIVITY, "subject": "Call Hank", "notes": "his cell..."}}
    dumped = registry.dump_data("activity.created", 1, data)
    assert "subject" not in dumped["activity"] and "notes" not in dumped["activity"]


@pytest.mark.parametrize("event_type, bad", [
    ("opportunity.created", {"opportunity": {**OPPORTUNITY, "amount": "lots"}}),
    ("opportunity.created", {"opportunity": {**OPPORTUNITY, "amount": "NaN"}}),
    ("opportunity.created", {"opportunity": {**OPPORTUNITY, "currency": "euro"}}),
    ("opportunity.created", {"opportunity": {**OPPORTUNITY, "status": "maybe"}}),
    ("opportunity.updated", {"opportunity": {**OPPORTUNITY, "probability": 120},
                             "changed_fields": []}),
    ("opportunity.stage_changed", {"opportunity": OPPORTUNITY}),
    ("quote.accepted", {"quote": QUOTE}),
    ("order.created", {"order": {**ORDER, "lines": [{**LINE, "net_amount": None}]}}),
    ("activity.created", {"activity": {**ACTIVITY, "type": "lunch"}}),
])
def test_bad_payloads_are_refused(event_type, bad):
    with pytest.raises(ValidationError):
        registry.dump_data(event_type, 1, bad)
