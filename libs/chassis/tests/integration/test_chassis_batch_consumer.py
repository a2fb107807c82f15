"""A batching consumer: a burst of events is handled in a few transactions of several
events each, every event once, duplicates skipped; an event that fails does not take its
batch with it: the others are applied, it alone is retried and parked."""

from __future__ import annotations

import chassis_probe_services as probe
from chassis_probe_kit import depth, handled_total, holds

from crm_chassis.amqp import ConfirmedPublisher, Outgoing, events_exchange
from crm_chassis.consumer import consumer_queue, dead_letter_queue
from crm_chassis.dead_letters import peek
from crm_chassis.inbox import HandledEvent
from crm_contracts.envelope import new_envelope
from crm_testing.processes import wait_until

HANDLER = "forget_deleted_accounts"


def _deleted(account_id: str) -> dict:
    return new_envelope("account.deleted", 1, "contacts",
                        {"account_id": account_id, "changed_by": "u-admin"})


def _burst(amqp_uri: str, envelopes: list[dict]) -> None:
    """Published together, on one connection, as a relay sends a page of its outbox."""
    publisher = ConfirmedPublisher(amqp_uri)
    try:
        publisher.publish_all([Outgoing(envelope, "account.deleted", events_exchange("contacts"))
                               for envelope in envelopes])
    finally:
        publisher.close()


def _batches() -> list[tuple[str, ...]]:
    return [ids for handler, ids in probe.CALLS if handler == HANDLER]


def _effects(db, account_id: str) -> int:
    return db.count(probe.ProbeEffect, probe.ProbeEffect.contact_id == account_id)


def test_a_burst_is_handled_in_batches_each_event_once(consumer_db, start_consumer,
                                                       amqp_uri):
    start_consumer()
    duplicates_before = handled_total(probe.CONSUMER, HANDLER, "duplicate")
    envelopes = [_deleted(f"a-{n}") for n in range(12)]
    _burst(amqp_uri, envelopes + envelopes[:3])  # three delivered twice

    wait_until(lambda: handled_total(probe.CONSUMER, HANDLER, "duplicate")
               == duplicates_before + 3, timeout=15, message="the copies to be skipped")
    holds(lambda: consumer_db.count(probe.ProbeEffect) == 12, 0.5, "one effect per event")
    assert consumer_db.count(HandledEvent) == 12
    batches = _batches()
    assert sorted(i for ids in batches for i in ids) == sorted(e["id"] for e in envelopes)
    assert max(len(ids) for ids in batches) == probe.BATCH  # the burst filled batches
    assert len(batches) < len(envelopes)


def test_a_failing_event_is_parked_alone_and_its_batch_applied(consumer_db, start_consumer,
                                                               amqp_uri):
    queue = consumer_queue("contacts", "account.deleted", probe.CONSUMER, HANDLER)
    probe.BROKEN_CONTACTS.add("a-poison")
    start_consumer()
    fine = [_deleted(f"a-fine-{n}") for n in range(3)]
    poison = _deleted("a-poison")
    _burst(amqp_uri, [fine[0], poison, *fine[1:]])

    wait_until(lambda: depth(amqp_uri, dead_letter_queue(queue)) == 1, timeout=20,
               message="the poison event to be parked")
    for envelope in fine:
        assert _effects(consumer_db, envelope["data"]["account_id"]) == 1
    assert _effects(consumer_db, "a-poison") == 0
    assert consumer_db.count(HandledEvent) == len(fine)
    # The batch failed once together, then each was tried alone: the poison `attempts`
    # times in all, the others once more (and applied then).
    assert len(_batches()[0]) == 4
    alone = [ids for ids in _batches()[1:]]
    assert alone.count((poison["id"],)) == probe.ATTEMPTS
    assert all(alone.count((e["id"],)) == 1 for e in fine)
    [parked] = peek(amqp_uri, dead_letter_queue(queue))
    assert parked["event"]["id"] == poison["id"]
    assert parked["attempts"] == probe.ATTEMPTS
    assert "RuntimeError: cannot forget a-poison yet" in parked["error"]
    assert depth(amqp_uri, queue) == 0
