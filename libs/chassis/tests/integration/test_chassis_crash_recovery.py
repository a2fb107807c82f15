"""A change committed by a process that is SIGKILLed before its event left is published
exactly once when the service comes back."""

from __future__ import annotations

import chassis_probe_services as probe
from chassis_probe_kit import depth, holds, take_all
from nameko.standalone.rpc import ClusterRpcProxy

from crm_chassis.consumer import consumer_queue
from crm_chassis.declare import declare
from crm_chassis.outbox import OutboxEvent
from crm_testing.processes import wait_until


def test_event_committed_before_sigkill_is_published_once_after_restart(
        producer_db, producer_process, amqp_uri, config):
    queue = consumer_queue("contacts", "contact.deleted", probe.CONSUMER,
                           "forget_deleted_contact")
    assert queue in declare(probe.ProbeConsumer, amqp_uri)

    crashing = producer_process("producer-before-crash", relay=False)
    with ClusterRpcProxy(config, timeout=10) as rpc:
        rpc[probe.PRODUCER].delete_contact("c-crash")
    crashing.kill()
    assert not crashing.alive

    # The change and its event were committed together, and nothing left.
    assert producer_db.count(probe.ProbeDeletion) == 1
    [row] = producer_db.all(OutboxEvent)
    assert row.published_at is None
    assert depth(amqp_uri, queue) == 0

    producer_process("producer-restarted", relay=True)
    wait_until(lambda: depth(amqp_uri, queue) == 1, timeout=10,
               message="the restarted relay to publish the event")
    wait_until(lambda: producer_db.all(OutboxEvent)[0].published_at is not None, timeout=5,
               message="the outbox row to be marked published")
    holds(lambda: depth(amqp_uri, queue) == 1, 1.5, "exactly one published copy")

    [(_, body)] = take_all(amqp_uri, queue)
    assert body["id"] == row.id
    assert body["data"] == {"contact_id": "c-crash", "changed_by": None}
