"""The chassis's RPC entrypoint answers as nameko's does (results, expected and unexpected
errors, answers that cannot be encoded) while encoding each answer once, unconfirmed."""

from __future__ import annotations

import logging

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine, text
from sqlalchemy.orm.exc import StaleDataError

from crm_chassis.entrypoints import LeanRpcConsumer, rpc
from crm_contracts.errors import NotFound
from crm_testing import broker


class ChassisRpcProbe:
    name = "chassis_rpc_probe"

    @rpc
    def echo(self, value):
        return {"value": value, "text": "é" * 3}

    @rpc
    def missing(self, record_id: str):
        raise NotFound(f"no record {record_id}")

    @rpc
    def broken(self):
        raise RuntimeError("a bug")

    @rpc
    def raced(self):
        raise StaleDataError("UPDATE statement on table 'x' expected to update 1 row(s)")

    @rpc
    def collided(self, constraint: str):
        """A write that a concurrent one beat to a unique value (or, by a bug, one that
        left a required column empty): a real driver error, from SQLite."""
        engine = create_engine("sqlite://")
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (sku TEXT UNIQUE, name TEXT NOT NULL)"))
            connection.execute(text("INSERT INTO t VALUES ('A-1', 'first')"))
            if constraint == "unique":
                connection.execute(text("INSERT INTO t VALUES ('A-1', 'second')"))
            connection.execute(text("INSERT INTO t VALUES ('B-2', NULL)"))

    @rpc
    def unencodable(self):
        return {"value": object()}


@pytest.fixture
def container(container_factory, amqp_uri):
    container = container_factory(ChassisRpcProbe, {"AMQP_URI": amqp_uri, "serializer": "json"})
    container.start()
    return container


@pytest.fixture
def probe(container):
    with ServiceRpcProxy(ChassisRpcProbe.name, container.config, timeout=10) as proxy:
        yield proxy


def test_a_result_comes_back_whole(probe):
    assert probe.echo([1, "two", None]) == {"value": [1, "two", None], "text": "ééé"}
    # Many calls on the same reply queue: each answer reaches its own caller.
    assert [probe.echo(n)["value"] for n in range(50)] == list(range(50))


def test_errors_come_back_with_their_type(probe):
    with pytest.raises(RemoteError) as expected:
        probe.missing("c-1")
    assert expected.value.exc_type == "NotFound" and "c-1" in expected.value.value
    with pytest.raises(RemoteError) as unexpected:
        probe.broken()
    assert unexpected.value.exc_type == "RuntimeError"
    # A concurrent write found by a flush the service did not map is the caller's conflict.
    with pytest.raises(RemoteError) as raced:
        probe.raced()
    assert raced.value.exc_type == "StaleVersion"


def test_a_collision_with_a_concurrent_write_is_a_409_and_no_error_logged(probe, caplog):
    with caplog.at_level(logging.WARNING, logger="nameko"):
        with pytest.raises(RemoteError) as collided:
            probe.collided("unique")
        with pytest.raises(RemoteError) as bug:
            probe.collided("not null")
    assert collided.value.exc_type == "Conflict" and "retry" in collided.value.value
    assert bug.value.exc_type == "IntegrityError"  # a bug stays one, and is logged as one
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [("NOT NULL" in record.getMessage()) for record in errors] == [True]


def test_an_answer_that_cannot_be_encoded_is_an_error_not_a_hang(probe):
    with pytest.raises(RemoteError) as error:
        probe.unencodable()
    assert error.value.exc_type == "UnserializableValueError"
    assert probe.echo("still serving")["value"] == "still serving"


def test_answers_still_come_once_the_broker_closed_the_answering_connection(container, probe,
                                                                           vhost):
    assert probe.echo(1)["value"] == 1
    replies = next(extension.replies for extension in container.extensions
                   if isinstance(extension, LeanRpcConsumer))
    broker.close_connection(vhost, replies._connection.connection.sock.getsockname()[1])

    assert [probe.echo(n)["value"] for n in range(3)] == [0, 1, 2]
