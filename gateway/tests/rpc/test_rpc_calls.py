"""The RPC client against a real nameko service: results, errors, deadlines, context, threads."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from rpc_broker_admin import broker_connections

from crm_testing.processes import wait_until
from gateway.rpc import (
    RemoteError,
    RpcClient,
    RpcError,
    RpcTimeout,
    ServiceUnavailable,
    gather,
)


def test_returns_the_result_of_the_remote_method(client):
    value = {"name": "Acme GmbH", "tags": ["b2b", "ünïcode"], "score": 4.5, "owner": None}

    assert client.call("echo", "echo", value) == value
    assert client.call("echo", "echo_call", 1, "two", three=[3]) == {
        "args": [1, "two"], "kwargs": {"three": [3]}}


def test_a_remote_exception_becomes_a_remote_error_with_its_fields(client):
    with pytest.raises(RemoteError) as raised:
        client.call("echo", "fail", "boom")

    error = raised.value
    assert (error.service, error.method) == ("echo", "fail")
    assert error.exc_type == "EchoFailed"
    assert error.exc_path == "echo_service.EchoFailed"
    assert error.exc_args == ["boom", "42"]  # nameko stringifies what is not a str or a list
    assert "boom" in error.value


def test_an_unknown_method_is_a_remote_error(client):
    with pytest.raises(RemoteError) as raised:
        client.call("echo", "no_such_method")

    assert raised.value.exc_type == "MethodNotFound"


def test_a_slow_service_times_out_at_the_deadline_and_its_late_reply_is_dropped(client, caplog):
    caplog.set_level(logging.DEBUG, logger="gateway.rpc")
    started = time.monotonic()

    with pytest.raises(RpcTimeout) as raised:
        client.call("echo", "sleep", 0.6, timeout=0.2)

    assert 0.2 <= time.monotonic() - started < 0.5
    assert (raised.value.service, raised.value.method, raised.value.timeout) == (
        "echo", "sleep", 0.2)
    wait_until(lambda: "dropping a late reply" in caplog.text, timeout=5,
               message="the late reply to arrive")
    assert client.call("echo", "echo", "still fine") == "still fine"


def test_a_service_without_a_queue_fails_fast(client):
    started = time.monotonic()

    with pytest.raises(ServiceUnavailable) as raised:
        client.call("nobody", "ping", timeout=5.0)

    assert time.monotonic() - started < 1.0
    assert raised.value.service == "nobody"
    assert "no queue" in raised.value.reason


def test_context_travels_as_nameko_headers(client):
    data = client.call("echo", "context",
                       context={"correlation_id": "corr-123", "user_id": "user-7", "skip": None})

    assert data["correlation_id"] == "corr-123"
    assert data["user_id"] == "user-7"
    assert "skip" not in data
    gateway_call, service_call = data["call_id_stack"]
    assert gateway_call.startswith("gateway-test.")
    assert service_call.startswith("echo.context.")


def test_arguments_that_are_not_json_are_refused_before_anything_is_sent(echo_uri):
    client = RpcClient(echo_uri, name="gateway-test")
    try:
        with pytest.raises(TypeError):
            client.call("echo", "echo", object())
        with pytest.raises(TypeError):
            client.call("echo", "echo", value={1, 2})
        with pytest.raises(TypeError):
            client.call("echo", "echo", 1, context={"amount": 1.5})  # pika has no float header

        assert not client.healthy()  # lazily started: nothing reached the broker
        assert client.call("echo", "echo", 1) == 1
        assert client.healthy()
    finally:
        client.close()


def test_many_threads_share_one_connection(client):
    threads, calls = 32, 50
    wrong: list[object] = []
    start = threading.Barrier(threads)

    def work(thread: int) -> None:
        start.wait()
        for number in range(calls):
            value = f"{thread}-{number}"
            try:
                answer = client.call("echo", "echo", value, timeout=10.0)
            except RpcError as error:
                answer = error
            if answer != value:
                wrong.append(answer)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    assert wrong == []
    assert not any(worker.is_alive() for worker in workers)
    wait_until(lambda: len(broker_connections(client.connection_name)) == 1, timeout=15,
               message="the broker to list the client's connection")


def test_async_calls_overlap(client):
    started = time.monotonic()

    calls = [client.call_async("echo", "sleep", 0.5) for _ in range(3)]

    assert gather(calls) == [0.5, 0.5, 0.5]
    assert time.monotonic() - started < 1.2  # 1.5s if the waits were serial
    assert all(call.done() for call in calls)


def test_gather_puts_each_failure_in_its_place(client):
    calls = [
        client.call_async("echo", "echo", "ok"),
        client.call_async("echo", "fail", "boom"),
        client.call_async("nobody", "ping"),
        client.call_async("echo", "sleep", 1.0, timeout=0.2),
    ]

    ok, failed, missing, slow = gather(calls)

    assert ok == "ok"
    assert isinstance(failed, RemoteError)
    assert isinstance(missing, ServiceUnavailable)
    assert isinstance(slow, RpcTimeout)
    assert [call.service for call in calls] == ["echo", "echo", "nobody", "echo"]


def test_calls_sent_together_each_get_their_own_answer(client):
    client.call("echo", "echo", "connected")  # the clock leaves the connection's set-up out
    started = time.monotonic()

    calls = client.call_all_async([("echo", "echo", ("ok",)), ("echo", "fail", ("boom",)),
                                   ("nobody", "ping", ()), ("echo", "sleep", (0.5,)),
                                   ("echo", "sleep", (0.5,))], timeout=5.0)

    ok, failed, missing, slept, slept_too = gather(calls)
    assert (ok, slept, slept_too) == ("ok", 0.5, 0.5)
    assert isinstance(failed, RemoteError)
    assert isinstance(missing, ServiceUnavailable)
    assert time.monotonic() - started < 0.9  # 1 s if the sleeps were serial
    assert len({call.correlation_id for call in calls}) == 5


def test_a_bad_name_among_calls_sent_together_sends_none_of_them(client):
    with pytest.raises(ValueError):
        client.call_all_async([("echo", "sleep", (0.2,)), ("no.dots", "ping", ())])

    # A call handed to the I/O thread would have it connected well within this wait.
    time.sleep(0.5)
    assert not client.healthy()  # nothing reached the I/O thread, so it never connected


def test_a_call_is_done_at_its_deadline_even_when_nobody_waits(client):
    started = time.monotonic()
    pending = client.call_async("echo", "sleep", 1.0, timeout=0.3)
    assert not pending.done()

    wait_until(pending.done, timeout=2, interval=0.01, message="the deadline")

    assert 0.3 <= time.monotonic() - started < 0.6
    with pytest.raises(RpcTimeout):
        pending.result()


def test_bad_names_and_timeouts_are_refused(client):
    with pytest.raises(ValueError):
        client.call("echo", "echo.echo", 1)
    with pytest.raises(ValueError):
        client.call("", "echo", 1)
    with pytest.raises(ValueError):
        client.call("echo", "echo", 1, timeout=0)
    with pytest.raises(ValueError):
        RpcClient("amqp://guest:guest@127.0.0.1:5672/", default_timeout=-1)


def test_a_closed_client_fails_its_pending_and_later_calls(echo_uri):
    client = RpcClient(echo_uri, name="gateway-test")
    pending = client.call_async("echo", "sleep", 2.0)
    wait_until(client.healthy, timeout=5, message="the client to connect")
    started = time.monotonic()

    client.close()
    client.close()

    with pytest.raises(ServiceUnavailable):
        pending.result()
    with pytest.raises(ServiceUnavailable):
        client.call("echo", "echo", 1)
    assert time.monotonic() - started < 1.0
    assert not client.healthy()
