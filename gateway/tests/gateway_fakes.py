"""A fake RPC client for the gateway's fast tests: answers from registered handlers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.rpc import RemoteError, RpcError


class FakeCall:
    def __init__(self, service: str, method: str, outcome: Any):
        self.service, self.method, self._outcome = service, method, outcome

    def result(self) -> Any:
        if isinstance(self._outcome, RpcError):
            raise self._outcome
        return self._outcome

    def done(self) -> bool:
        return True


class FakeRpc:
    """Answers calls from handlers registered per (service, method); records each call."""

    def __init__(self):
        self.handlers: dict[tuple[str, str], Callable[..., Any]] = {}
        self.calls: list[tuple[str, str, tuple, dict, dict]] = []

    def on(self, service: str, method: str, handler: Callable[..., Any] | Any) -> None:
        self.handlers[(service, method)] = handler if callable(handler) else (lambda *a, **k:
                                                                              handler)

    def _outcome(self, service, method, args, kwargs, context):
        self.calls.append((service, method, args, kwargs, context or {}))
        handler = self.handlers.get((service, method))
        if handler is None:
            return RemoteError(service, method, "MethodNotFound", None, [method], method)
        try:
            return handler(*args, **kwargs)
        except RpcError as error:
            return error

    def call(self, service, method, *args, timeout=None, context=None, **kwargs):
        outcome = self._outcome(service, method, args, kwargs, context)
        if isinstance(outcome, RpcError):
            raise outcome
        return outcome

    def call_async(self, service, method, *args, timeout=None, context=None, **kwargs):
        return FakeCall(service, method, self._outcome(service, method, args, kwargs, context))

    def call_all_async(self, requests, *, timeout=None, context=None, **kwargs):
        return [self.call_async(service, method, *args, context=context, **kwargs)
                for service, method, args in requests]

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        pass


def remote(exc_type: str, message: str, *details: Any) -> RemoteError:
    return RemoteError("contacts", "x", exc_type, f"crm_contracts.errors.{exc_type}",
                       [message, *details], message)


class SmtpInbox:
    """A real SMTP server on 127.0.0.1 and a free port (aiosmtpd), keeping what it
    receives: (recipients, the parsed message)."""

    def __init__(self):
        import socket

        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages: list[tuple[list[str], Any]] = []
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import email
        import email.policy

        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(
            envelope.content, policy=email.policy.default)))
        return "250 OK"

    def wait(self, count: int = 1, timeout: float = 5.0) -> list[tuple[list[str], Any]]:
        import time

        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def __enter__(self) -> SmtpInbox:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()
