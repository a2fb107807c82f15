"""An event published before its consumer ever ran waits in the declared queue."""

from __future__ import annotations

import chassis_probe_services as probe
from chassis_probe_kit import depth, queue_stats
from nameko.standalone.rpc import ClusterRpcProxy

from crm_chassis.consumer import consumer_queue
from crm_chassis.declare import declare
from crm_chassis.outbox import OutboxEvent
from crm_testing.processes import wait_until


def test_event_published_before_the_consumers_first_start_is_received(
        producer_db, consumer_db, start_producer, start_consumer, amqp_uri, config):
    queue = consumer_queue("contacts", "contact.deleted", probe.CONSUMER,
                           "forget_deleted_contact")
    declare(probe.ProbeConsumer, amqp_uri)
    assert queue_stats(amqp_uri, queue) == (0, 0)  # declared, nobody consuming yet

    start_producer()
    with ClusterRpcProxy(config, timeout=10) as rpc:
        rpc[probe.PRODUCER].delete_contact("c-early")
    wait_until(lambda: producer_db.all(OutboxEvent)[0].published_at is not None, timeout=10,
               message="the relay to publish the event")
    wait_until(lambda: depth(amqp_uri, queue) == 1, timeout=5,
               message="the event to wait in the consumer's queue")
    [row] = producer_db.all(OutboxEvent)

    start_consumer()  # nameko redeclares the queue exactly as `declare` did
    wait_until(lambda: consumer_db.count(probe.ProbeEffect) == 1, timeout=10,
               message="the consumer to catch up")
    [effect] = consumer_db.all(probe.ProbeEffect)
    assert (effect.event_id, effect.contact_id) == (row.id, "c-early")
    assert queue_stats(amqp_uri, queue) == (0, 1)
