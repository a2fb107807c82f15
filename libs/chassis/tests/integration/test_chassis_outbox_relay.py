"""The outbox relay publishes what an RPC committed, once, with its correlation id."""

from __future__ import annotations

import chassis_probe_services as probe
from chassis_probe_kit import bind_tap, depth, handled_total, holds, take_all
from nameko.standalone.rpc import ClusterRpcProxy

from crm_chassis.declare import declare
from crm_chassis.inbox import HandledEvent
from crm_chassis.outbox import OutboxEvent
from crm_testing.processes import wait_until


def test_committed_event_reaches_the_consumer_once_with_its_correlation_id(
        producer_db, consumer_db, start_producer, start_consumer, amqp_uri, config):
    declare(probe.ProbeConsumer, amqp_uri)
    tap = bind_tap(amqp_uri, "contact.deleted")
    start_consumer()
    start_producer()
    duplicates_before = handled_total(probe.CONSUMER, "forget_deleted_contact", "duplicate")

    with ClusterRpcProxy(config, context_data={"correlation_id": "abc"}, timeout=10) as rpc:
        assert rpc[probe.PRODUCER].delete_contact("c-relay") == "c-relay"

    [row] = producer_db.all(OutboxEvent)
    assert (row.type, row.source, row.correlation_id) == ("contact.deleted", "contacts", "abc")
    assert row.data == {"contact_id": "c-relay", "changed_by": None}
    assert producer_db.count(probe.ProbeDeletion) == 1

    wait_until(lambda: consumer_db.count(probe.ProbeEffect) == 1, timeout=10,
               message="the consumer to apply the event")
    [effect] = consumer_db.all(probe.ProbeEffect)
    assert effect.event_id == row.id
    assert effect.contact_id == "c-relay"
    assert effect.envelope_correlation_id == "abc"  # in the envelope
    assert effect.context_correlation_id == "abc"   # and in the consumer's worker_ctx.data

    wait_until(lambda: producer_db.all(OutboxEvent)[0].published_at is not None, timeout=5,
               message="the outbox row to be marked published")
    # Past the relay's next poll (1 s): nothing is published a second time.
    holds(lambda: depth(amqp_uri, tap) == 1 and consumer_db.count(probe.ProbeEffect) == 1,
          1.5, "one published copy")
    assert handled_total(probe.CONSUMER, "forget_deleted_contact",
                         "duplicate") == duplicates_before
    assert consumer_db.count(HandledEvent, HandledEvent.event_id == row.id) == 1

    [(headers, body)] = take_all(amqp_uri, tap)
    assert body["id"] == row.id
    assert body["correlation_id"] == "abc"
    assert headers["nameko.correlation_id"] == "abc"
    assert set(body) == {"id", "type", "version", "occurred_at", "source", "correlation_id",
                         "data"}
