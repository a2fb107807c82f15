"""A redelivered event is applied once; events arriving out of order each apply once and
the newest state wins."""

from __future__ import annotations

from datetime import UTC, datetime

import chassis_probe_services as probe
from chassis_probe_kit import handled_total, holds, publish_event

from crm_chassis.inbox import HandledEvent
from crm_contracts.envelope import new_envelope
from crm_testing.processes import wait_until


def _handled(db, event_id: str) -> bool:
    return db.count(HandledEvent, HandledEvent.event_id == event_id) == 1


def test_the_same_event_delivered_twice_is_applied_once(consumer_db, start_consumer, amqp_uri):
    start_consumer()
    envelope = new_envelope("contact.deleted", 1, "contacts",
                            {"contact_id": "c-twice", "changed_by": None},
                            correlation_id="corr-twice")
    duplicates_before = handled_total(probe.CONSUMER, "forget_deleted_contact", "duplicate")

    publish_event(amqp_uri, envelope, "contact.deleted")
    publish_event(amqp_uri, envelope, "contact.deleted")

    wait_until(lambda: handled_total(probe.CONSUMER, "forget_deleted_contact", "duplicate")
               == duplicates_before + 1, timeout=10, message="the second copy to be skipped")
    holds(lambda: consumer_db.count(probe.ProbeEffect) == 1, 0.5, "one effect")
    [effect] = consumer_db.all(probe.ProbeEffect)
    assert (effect.event_id, effect.contact_id) == (envelope["id"], "c-twice")
    assert consumer_db.count(HandledEvent) == 1
    assert [("forget_deleted_contact", envelope["id"])] == probe.CALLS


def test_out_of_order_events_apply_once_each_and_the_newest_wins(
        consumer_db, start_consumer, amqp_uri):
    start_consumer()

    def consent(status: str, recorded_at: str) -> dict:
        return new_envelope("consent.changed", 1, "contacts", {
            "contact_id": "c-consent", "channel": "email", "status": status,
            "source": "web_form", "recorded_at": recorded_at, "changed_by": None,
        })

    # The older one reads later on a wall clock (11:00 > 10:00), but is earlier in time:
    # the comparison must be between instants, not between local clock readings.
    newer = consent("withdrawn", "2024-05-02T10:00:00+00:00")
    older = consent("granted", "2024-05-02T11:00:00+03:00")
    duplicates_before = handled_total(probe.CONSUMER, "apply_consent", "duplicate")

    publish_event(amqp_uri, newer, "consent.changed")
    wait_until(lambda: _handled(consumer_db, newer["id"]), timeout=10,
               message="the newer consent to be applied")
    publish_event(amqp_uri, older, "consent.changed")
    wait_until(lambda: _handled(consumer_db, older["id"]), timeout=10,
               message="the older consent to be handled")
    publish_event(amqp_uri, older, "consent.changed")  # and redelivered once more
    wait_until(lambda: handled_total(probe.CONSUMER, "apply_consent", "duplicate")
               == duplicates_before + 1, timeout=10, message="the redelivery to be skipped")

    assert sorted(probe.CALLS) == sorted([("apply_consent", newer["id"]),
                                          ("apply_consent", older["id"])])
    assert consumer_db.count(probe.ProbeEffect) == 2
    assert consumer_db.count(HandledEvent) == 2
    [state] = consumer_db.all(probe.ProbeConsent)
    assert state.status == "withdrawn"
    assert state.recorded_at == datetime(2024, 5, 2, 10, 0, tzinfo=UTC)
    assert state.recorded_at.utcoffset().total_seconds() == 0
