"""Poison messages: retried a bounded number of times, parked in `<queue>.dead` without
blocking the queue, listed, and replayed once the cause is fixed; events that break their
contract are parked at once."""

from __future__ import annotations

import chassis_probe_services as probe
from chassis_probe_kit import depth, handled_total, holds, publish_event

from crm_chassis.consumer import consumer_queue, dead_letter_queue
from crm_chassis.dead_letters import list_dead_letter_queues, peek, replay
from crm_chassis.inbox import HandledEvent
from crm_contracts.envelope import new_envelope
from crm_testing.processes import wait_until

MANAGEMENT_URL = "http://127.0.0.1:15672"


def _handled(db, event_id: str) -> bool:
    return db.count(HandledEvent, HandledEvent.event_id == event_id) == 1


def _calls(event_id: str) -> list[int]:
    return [index for index, (_, called) in enumerate(probe.CALLS) if called == event_id]


def _erased(contact_id: str) -> dict:
    return new_envelope("contact.erased", 1, "contacts",
                        {"contact_id": contact_id, "changed_by": "u-admin"})


def test_failing_event_is_parked_after_its_attempts_and_replayed_once_fixed(
        consumer_db, start_consumer, amqp_uri):
    queue = consumer_queue("contacts", "contact.erased", probe.CONSUMER, "erase_contact")
    dead = dead_letter_queue(queue)
    probe.BROKEN_CONTACTS.add("c-poison")
    start_consumer()
    dead_before = handled_total(probe.CONSUMER, "erase_contact", "dead")
    ok_before = handled_total(probe.CONSUMER, "erase_contact", "ok")

    poison = _erased("c-poison")
    behind = [_erased("c-fine-1"), _erased("c-fine-2")]
    for envelope in [poison, *behind]:
        publish_event(amqp_uri, envelope, "contact.erased")

    wait_until(lambda: depth(amqp_uri, dead) == 1, timeout=15,
               message="the poison event to be parked")
    for envelope in behind:
        wait_until(lambda envelope=envelope: _handled(consumer_db, envelope["id"]), timeout=5,
                   message="the events behind the poison to be handled")
    # Tried exactly `attempts` times, while the events behind it kept flowing.
    poison_calls = _calls(poison["id"])
    assert len(poison_calls) == probe.ATTEMPTS
    for envelope in behind:
        assert _calls(envelope["id"])[0] < poison_calls[-1]
        assert len(_calls(envelope["id"])) == 1
    # Its failed attempts left nothing behind.
    assert consumer_db.count(probe.ProbeEffect, probe.ProbeEffect.contact_id == "c-poison") == 0
    assert not _handled(consumer_db, poison["id"])
    assert depth(amqp_uri, queue) == 0
    # Counted where dashboards look for this handler (its "ok" count shares the label).
    assert handled_total(probe.CONSUMER, "erase_contact", "dead") == dead_before + 1
    assert handled_total(probe.CONSUMER, "erase_contact", "ok") == ok_before + len(behind)

    [parked] = peek(amqp_uri, dead)
    assert parked["event"]["id"] == poison["id"]
    assert parked["attempts"] == probe.ATTEMPTS
    assert parked["queue"] == queue
    assert "RuntimeError: cannot erase c-poison yet" in parked["error"]
    assert depth(amqp_uri, dead) == 1  # peeking leaves it in place
    # What `crm-dlq list` prints (the management API's counters lag by a few seconds).
    wait_until(lambda: (dead, 1) in list_dead_letter_queues(amqp_uri, MANAGEMENT_URL),
               timeout=15, interval=0.5, message="crm-dlq list to show the parked event")

    probe.BROKEN_CONTACTS.discard("c-poison")  # the cause is fixed
    assert replay(amqp_uri, dead) == 1
    wait_until(lambda: _handled(consumer_db, poison["id"]), timeout=10,
               message="the replayed event to be handled")
    holds(lambda: consumer_db.count(probe.ProbeEffect,
                                    probe.ProbeEffect.contact_id == "c-poison") == 1,
          0.5, "one effect of the replayed event")
    assert len(_calls(poison["id"])) == probe.ATTEMPTS + 1
    assert depth(amqp_uri, dead) == 0
    assert consumer_db.count(probe.ProbeEffect) == 3


def test_event_that_breaks_its_contract_is_parked_at_once_and_the_consumer_goes_on(
        consumer_db, start_consumer, amqp_uri):
    queue = consumer_queue("contacts", "contact.deleted", probe.CONSUMER,
                           "forget_deleted_contact")
    dead = dead_letter_queue(queue)
    start_consumer()
    dead_before = handled_total(probe.CONSUMER, "forget_deleted_contact", "dead")

    data = {"contact_id": "c-strict", "changed_by": None}
    rejected = {
        "unknown version": new_envelope("contact.deleted", 99, "contacts", data),
        "unknown type": new_envelope("contact.vanished", 1, "contacts", data),
        "data against its schema": new_envelope("contact.deleted", 1, "contacts",
                                                {"changed_by": None}),
        "envelope without id": {"type": "contact.deleted", "version": 1, "data": data},
        "not an object": ["contact.deleted", data],
    }
    for body in rejected.values():
        publish_event(amqp_uri, body, "contact.deleted")
    good = new_envelope("contact.deleted", 1, "contacts", data)
    publish_event(amqp_uri, good, "contact.deleted")

    wait_until(lambda: _handled(consumer_db, good["id"]), timeout=10,
               message="the good event after the rejected ones to be handled")
    wait_until(lambda: depth(amqp_uri, dead) == len(rejected), timeout=10,
               message="every rejected event to be parked")
    parked = peek(amqp_uri, dead)
    assert [item["event"] for item in parked] == list(rejected.values())
    for item in parked:
        assert item["attempts"] == 1
        assert item["error"].startswith("rejected by its contract")
    # The handler never saw them: only the good event reached it.
    assert [("forget_deleted_contact", good["id"])] == probe.CALLS
    assert consumer_db.count(HandledEvent) == 1
    assert depth(amqp_uri, queue) == 0
    assert handled_total(probe.CONSUMER, "forget_deleted_contact",
                         "dead") == dead_before + len(rejected)
