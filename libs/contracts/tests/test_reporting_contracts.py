"""The reporting service's event contracts: its alerts round-trip as plain JSON and refuse
what they cannot mean."""

import json
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from crm_contracts import registry
from crm_contracts.envelope import new_envelope

NOW = datetime.now(UTC)
EXAMPLES = {
    "kpi.threshold_crossed": {
        "alert": "sla_compliance_under_90", "kpi": "sla_compliance", "direction": "below",
        "threshold": 90.0, "value": 84.5, "state": "breached",
        "period": {"kind": "last_30_days", "from": "2026-10-28T00:00:00+00:00",
                   "to": NOW.isoformat()},
        "checked_at": NOW},
}


def test_every_reporting_event_has_an_example_here():
    reporting = {name for name, _ in registry.event_types()
                 if registry.source_of(name) == "reporting"}
    assert reporting == set(EXAMPLES)


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_producer_payload_round_trips_as_plain_json(event_type):
    data = registry.dump_data(event_type, 1, EXAMPLES[event_type])
    wire = json.loads(json.dumps(data))
    assert wire["period"]["from"] == "2026-10-28T00:00:00+00:00"
    envelope = new_envelope(event_type, 1, "reporting", wire, "c-1")
    loaded = registry.load_event(json.loads(json.dumps(envelope)))
    assert loaded["data"]["value"] == 84.5 and loaded["data"]["state"] == "breached"


@pytest.mark.parametrize(("field", "value"), [
    ("direction", "sideways"), ("state", "maybe"), ("value", float("nan")), ("alert", "")])
def test_what_an_alert_cannot_mean_is_refused(field, value):
    with pytest.raises(ValidationError) as refused:
        registry.dump_data("kpi.threshold_crossed", 1,
                           {**EXAMPLES["kpi.threshold_crossed"], field: value})
    assert field in refused.value.messages
