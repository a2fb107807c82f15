"""A nameko service for the RPC client's tests, run in a subprocess: `nameko run echo_service`."""

import time

from nameko.extensions import DependencyProvider
from nameko.rpc import rpc


class EchoFailed(Exception):
    """What `fail` raises, so a test can check the fields of the remote error."""


class CurrentWorker(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx


class EchoService:
    name = "echo"

    worker = CurrentWorker()

    @rpc
    def echo(self, value):
        return value

    @rpc
    def echo_call(self, *args, **kwargs):
        return {"args": list(args), "kwargs": kwargs}

    @rpc
    def sleep(self, seconds):
        time.sleep(seconds)  # green under `nameko run`, so sleeps overlap
        return seconds

    @rpc
    def fail(self, message):
        raise EchoFailed(message, 42)

    @rpc
    def context(self):
        """The context data that arrived in the request's headers, plus this call's stack."""
        return self.worker.context_data
