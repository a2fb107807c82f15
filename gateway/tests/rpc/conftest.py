"""Fixtures for the RPC client's tests: a real nameko `echo` service in a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_testing import broker
from crm_testing.processes import ManagedProcess, venv_bin, wait_until
from gateway.rpc import RpcClient, ServiceUnavailable

ECHO_SERVICE_DIR = Path(__file__).parent


@pytest.fixture(scope="session")
def echo_uri(tmp_path_factory) -> str:
    """An AMQP URI into a vhost of its own where the `echo` service answers (one per session)."""
    vhost = broker.create_vhost("crm_test_rpc")
    uri = broker.amqp_uri_for(vhost)
    service = ManagedProcess(
        "echo", [venv_bin("nameko"), "run", "--broker", uri, "echo_service"],
        env={"PYTHONUNBUFFERED": "1"}, log_dir=tmp_path_factory.mktemp("echo"),
        cwd=str(ECHO_SERVICE_DIR),
    ).start()
    probe = RpcClient(uri, default_timeout=2.0, name="probe")
    try:
        service.wait_for_log("Connected to amqp")
        wait_until(lambda: _answers(probe, service), timeout=30, message="echo to answer")
        yield uri
    finally:
        probe.close()
        service.stop()
        broker.delete_vhost(vhost)


def _answers(client: RpcClient, service: ManagedProcess) -> bool:
    if not service.alive:
        raise RuntimeError(f"echo exited early:\n{service.log()[-4000:]}")
    try:
        return client.call("echo", "echo", "ping") == "ping"
    except ServiceUnavailable:  # its queue is not declared yet
        return False


@pytest.fixture
def client(echo_uri):
    client = RpcClient(echo_uri, default_timeout=5.0, name="gateway-test")
    yield client
    client.close()
