"""Connections to the broker cut and restored: the relay publishes what was committed
meanwhile, and a consumer's retry publisher reconnects by itself."""

from __future__ import annotations

from datetime import UTC, datetime

import chassis_probe_services as probe
import pytest
from chassis_probe_kit import BrokerProxy, depth, holds, publish_event, queue_stats, take_all

from crm_chassis.consumer import consumer_queue, dead_letter_queue
from crm_chassis.declare import declare
from crm_chassis.inbox import HandledEvent
from crm_chassis.outbox import OutboxEvent, record_event, unpublished_count
from crm_contracts.envelope import new_envelope
from crm_testing.processes import wait_until

BURST = 50


@pytest.fixture
def proxy():
    proxy = BrokerProxy()
    yield proxy
    proxy.close()


def _commit_deletions(db, prefix: str, count: int) -> None:
    """What the service's RPCs would have committed: a change and its event, together."""
    for number in range(count):
        with db.session() as session:
            contact_id = f"{prefix}-{number}"
            session.add(probe.ProbeDeletion(contact_id=contact_id, deleted_at=datetime.now(UTC)))
            record_event(session, "contacts", "contact.deleted",
                         {"contact_id": contact_id, "changed_by": None})
            session.commit()


def _unpublished(db) -> int:
    with db.session() as session:
        return unpublished_count(session)


def test_relay_reconnects_and_publishes_what_was_committed_during_an_outage(
        producer_db, producer_process, proxy, amqp_uri, vhost):
    queue = consumer_queue("contacts", "contact.deleted", probe.CONSUMER,
                           "forget_deleted_contact")
    declare(probe.ProbeConsumer, amqp_uri)
    producer = producer_process("producer-behind-proxy", relay=True,
                                broker_uri=proxy.uri(vhost))

    _commit_deletions(producer_db, "c-before", 1)
    wait_until(lambda: depth(amqp_uri, queue) == 1, timeout=10,
               message="the relay to publish through the proxy")

    proxy.cut()
    _commit_deletions(producer_db, "c-during", BURST)
    # Once on the cut connection, once more on a reconnection the proxy refused.
    wait_until(lambda: producer.log().count("outbox relay failed") >= 2 and proxy.refused,
               timeout=10, message="the relay to fail and to fail reconnecting")
    assert depth(amqp_uri, queue) == 1
    assert _unpublished(producer_db) == BURST

    proxy.restore()
    wait_until(lambda: depth(amqp_uri, queue) == 1 + BURST, timeout=15,
               message="every event committed during the outage to be published")
    wait_until(lambda: _unpublished(producer_db) == 0, timeout=5,
               message="every outbox row to be marked published")
    holds(lambda: depth(amqp_uri, queue) == 1 + BURST, 1.2, "one copy of each event")
    assert producer.alive

    published = [body["id"] for _, body in take_all(amqp_uri, queue)]
    assert published == [row.id for row in producer_db.all(OutboxEvent,
                                                           order_by=OutboxEvent.seq)]


def test_consumer_still_retries_and_parks_after_its_connections_were_cut(
        proxy, consumer_db, container_factory, amqp_uri, vhost):
    # `proxy` first: fixtures end in reverse order, so the container is killed while the
    # proxy still forwards; through a closed proxy its consumer would retry for ever.
    queue = consumer_queue("contacts", "contact.erased", probe.CONSUMER, "erase_contact")
    dead = dead_letter_queue(queue)
    probe.BROKEN_CONTACTS.add("c-poison")
    container_factory(probe.ProbeConsumer, {"AMQP_URI": proxy.uri(vhost)}).start()

    def erased(contact_id: str) -> dict:
        return new_envelope("contact.erased", 1, "contacts",
                            {"contact_id": contact_id, "changed_by": None})

    publish_event(amqp_uri, erased("c-poison"), "contact.erased")
    wait_until(lambda: depth(amqp_uri, dead) == 1, timeout=10,
               message="the first poison event to be parked")

    # Every connection drops (broker restart, failover, missed heartbeats), then comes back.
    proxy.cut()
    wait_until(lambda: queue_stats(amqp_uri, queue)[1] == 0, timeout=10,
               message="the broker to see the consumer gone")
    proxy.restore()
    wait_until(lambda: queue_stats(amqp_uri, queue)[1] == 1, timeout=15,
               message="nameko to reconnect the consumer")

    # Retrying and parking publish on the connection that was cut: they must reconnect,
    # not kill the service.
    publish_event(amqp_uri, erased("c-poison"), "contact.erased")
    wait_until(lambda: depth(amqp_uri, dead) == 2, timeout=10,
               message="the second poison event to be parked")
    fine = erased("c-fine")
    publish_event(amqp_uri, fine, "contact.erased")
    wait_until(lambda: consumer_db.count(HandledEvent, HandledEvent.event_id == fine["id"]) == 1,
               timeout=10, message="the consumer to go on handling events")
