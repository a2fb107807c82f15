"""The RPC client when the broker goes away: dropped connections, no broker, forked workers."""

from __future__ import annotations

import os
import socket
import time

import pika
import pytest
from rpc_broker_admin import find_connections, force_close

from crm_testing.processes import free_port, wait_until
from gateway.rpc import MIN_ATTEMPT_GAP, RpcClient, RpcTimeout, ServiceUnavailable


def test_a_force_closed_connection_fails_pending_calls_and_the_next_call_reconnects(client):
    connecting = time.monotonic()
    assert client.call("echo", "echo", "before") == "before"
    connections = find_connections(client.connection_name)
    assert len(connections) == 1
    # A connection lost within MIN_ATTEMPT_GAP of its attempt counts as one that keeps
    # dying: the next call is answered at once, not reconnected. The broker usually lists a
    # connection later than that, but not always; this test is about one that served.
    time.sleep(max(0.0, MIN_ATTEMPT_GAP + 0.2 - (time.monotonic() - connecting)))
    pending = client.call_async("echo", "sleep", 3.0, timeout=10.0)

    force_close(connections)

    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        pending.result()
    assert time.monotonic() - started < 2.0
    assert client.call("echo", "echo", "after") == "after"
    assert client.healthy()


def test_an_unreachable_broker_fails_within_the_deadline():
    client = RpcClient(f"amqp://guest:guest@127.0.0.1:{free_port()}/", default_timeout=2.0)
    try:
        for _ in range(3):  # the first attempt, then the known-down fast path
            started = time.monotonic()
            with pytest.raises(ServiceUnavailable):
                client.call("echo", "echo", 1)
            assert time.monotonic() - started < 2.0
        assert not client.healthy()
    finally:
        client.close()


def test_a_broker_that_never_answers_fails_at_the_deadline_without_hanging():
    with socket.socket() as silent:  # accepts TCP connections and never speaks AMQP
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        client = RpcClient(f"amqp://guest:guest@127.0.0.1:{port}/", default_timeout=0.5)
        try:
            started = time.monotonic()
            with pytest.raises(ServiceUnavailable):
                client.call("echo", "echo", 1)
            assert 0.5 <= time.monotonic() - started < 1.5
        finally:
            started = time.monotonic()
            client.close()
            assert time.monotonic() - started < 3.0


def test_a_forked_worker_opens_its_own_connection(client):
    assert client.call("echo", "echo", "parent") == "parent"

    child = os.fork()
    if child == 0:  # the child, as a gunicorn worker after the arbiter forked it
        code = 1
        try:
            code = 0 if client.call("echo", "echo", "child") == "child" else 2
        finally:
            os._exit(code)

    status: list[int] = []

    def exited() -> bool:
        pid, code = os.waitpid(child, os.WNOHANG)
        if pid:
            status.append(code)
        return bool(pid)

    wait_until(exited, timeout=15, message="the forked child to call and exit")
    assert os.waitstatus_to_exitcode(status[0]) == 0
    assert client.call("echo", "echo", "parent again") == "parent again"


def test_an_unanswered_request_expires_in_the_queue_with_its_deadline(amqp_uri):
    """A stopped service must not find, and replay, requests whose callers gave up long ago."""
    with pika.BlockingConnection(pika.URLParameters(amqp_uri)) as connection:
        channel = connection.channel()
        channel.exchange_declare("nameko-rpc", exchange_type="topic", durable=True)
        channel.queue_declare("rpc-stopped", durable=True)  # as nameko left it
        channel.queue_bind("rpc-stopped", "nameko-rpc", routing_key="stopped.*")

        def queued() -> int:
            return channel.queue_declare("rpc-stopped", passive=True).method.message_count

        client = RpcClient(amqp_uri)
        try:
            pending = client.call_async("stopped", "create_contact", {"email": "a@example.com"},
                                        timeout=1.0)
            wait_until(lambda: queued() == 1, timeout=1, message="the request to be queued")
            with pytest.raises(RpcTimeout):
                pending.result()
        finally:
            client.close()

        wait_until(lambda: queued() == 0, timeout=5, message="the request to expire")
