"""Connections to the broker cut and restored: the relay publishes what was committed
meanwhile, and a consumer's retry publisher reconnects by itself."""

from __future__ import annotations

from datetime import UTC, datetime

import chassis_probe_services as probe
import pytest
from chassis_probe_kit import BrokerProxy, depth, holds, publish_event, queue_stats, take_all
from nameko.containers import get_container_cls

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
    # The queue holds the message before the relay has its confirm and marks the row.
    wait_until(lambda: _unpublished(producer_db) == 0, timeout=10,
               message="the relay to mark its first event published")

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


@pytest.fixture
def consumer_behind_proxy(proxy, consumer_db, vhost):
    """The probe consumer connecting through `proxy`, killed while the proxy still forwards.
    Not from `container_factory`: nameko's autouse `fast_teardown` sets that up before any
    other fixture, so its containers would outlive the proxy, and a consumer reconnecting
    through a closed proxy retries for ever and never lets its kill return."""
    config = {"AMQP_URI": proxy.uri(vhost)}
    container = get_container_cls(config)(probe.ProbeConsumer, config)
    container.start()
    yield container
    container.kill()


def test_consumer_still_retries_and_parks_after_its_connections_were_cut(
        consumer_behind_proxy, consumer_db, proxy, amqp_uri):
    queue = consumer_queue("contacts", "contact.erased", probe.CONSUMER, "erase_contact")
    dead = dead_letter_queue(queue)
    probe.BROKEN_CONTACTS.add("c-poison")

    def erased(contact_id: str) -> dict:
        return new_envelope("contact.erased", 1, "contacts",
                            {"contact_id": contact_id, "changed_by": None})

    first = erased("c-poison")
    publish_event(amqp_uri, first, "contact.erased")
    wait_until(lambda: depth(amqp_uri, dead) == 1, timeout=10,
               message="the first poison event to be parked")

    # Every connection drops (broker restart, failover, missed heartbeats), then comes back.
    # Restored whatever happens: a consumer that cannot reconnect would never let its
    # container be killed at teardown.
    proxy.cut()
    try:
        wait_until(lambda: queue_stats(amqp_uri, queue)[1] == 0, timeout=10,
                   message="the broker to see the consumer gone")
    finally:
        proxy.restore()
    wait_until(lambda: queue_stats(amqp_uri, queue)[1] == 1, timeout=15,
               message="nameko to reconnect the consumer")

    # Retrying and parking publish on the connection that was cut: they must reconnect,
    # not kill the service.
    second = erased("c-poison")
    publish_event(amqp_uri, second, "contact.erased")
    parked: list[str] = []

    def second_parked() -> bool:
        parked.extend(body["id"] for _, body in take_all(amqp_uri, dead))
        return second["id"] in parked

    wait_until(second_parked, timeout=10, message="the second poison event to be parked")
    # The first may be parked twice: when the cut lost the ack of its last attempt, the
    # broker delivers it again. At least once, never lost; replaying it is idempotent.
    assert set(parked) <= {first["id"], second["id"]}
    fine = erased("c-fine")
    publish_event(amqp_uri, fine, "contact.erased")
    wait_until(lambda: consumer_db.count(HandledEvent, HandledEvent.event_id == fine["id"]) == 1,
               timeout=10, message="the consumer to go on handling events")
