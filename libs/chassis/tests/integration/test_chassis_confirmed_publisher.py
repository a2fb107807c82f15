"""The confirmed publisher against the real broker: a batch is confirmed as a whole, and a
message the broker refuses fails the batch instead of passing for published."""

from __future__ import annotations

import pytest
from chassis_probe_kit import take_all
from kombu import Connection, Queue

from crm_chassis.amqp import ConfirmedPublisher, NotConfirmed, Outgoing


@pytest.fixture
def publisher(amqp_uri):
    publisher = ConfirmedPublisher(amqp_uri, confirm_timeout=5)
    yield publisher
    publisher.close()


def _declare(amqp_uri: str, queue: Queue) -> None:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        queue(connection.channel()).declare()


def test_a_batch_arrives_whole_and_in_order(publisher, amqp_uri):
    _declare(amqp_uri, Queue("confirm-batch", durable=True))
    publisher.publish_all([Outgoing({"n": n}, "confirm-batch") for n in range(300)])
    publisher.publish_all([Outgoing({"n": 300}, "confirm-batch")])  # same channel, later tags

    assert [body["n"] for _, body in take_all(amqp_uri, "confirm-batch")] == list(range(301))


def test_messages_the_broker_refuses_fail_the_batch(publisher, amqp_uri):
    # A full queue that rejects publishes: the broker nacks what does not fit.
    _declare(amqp_uri, Queue("confirm-full", durable=True, queue_arguments={
        "x-max-length": 2, "x-overflow": "reject-publish"}))

    with pytest.raises(NotConfirmed, match="refused 3 messages"):
        publisher.publish_all([Outgoing({"n": n}, "confirm-full") for n in range(5)])

    assert len(take_all(amqp_uri, "confirm-full")) == 2
    publisher.publish_all([Outgoing({"n": 9}, "confirm-full")])  # usable again afterwards
    assert [body for _, body in take_all(amqp_uri, "confirm-full")] == [{"n": 9}]
