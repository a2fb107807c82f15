"""Fast gateway tests: the real Flask app and database, with a fake RPC client standing in
for the services (the real client and real services are tested in rpc/ and in tests/e2e)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any

import pytest

from gateway.app import create_app
from gateway.manage import migrate
from gateway.rpc import PendingCall, RemoteError, RpcError
from gateway.settings import Settings


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

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        pass


def remote(exc_type: str, message: str, *details: Any) -> RemoteError:
    return RemoteError("contacts", "x", exc_type, f"crm_contracts.errors.{exc_type}",
                       [message, *details], message)


@pytest.fixture
def fake_rpc() -> FakeRpc:
    return FakeRpc()


@pytest.fixture
def settings(database_url, tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    settings = dataclasses.replace(Settings.from_env(), database_url=database_url,
                                   secret_key="test-secret-key-" + "x" * 32)
    migrate(settings)
    return settings


@pytest.fixture
def app(settings, fake_rpc):
    return create_app(settings, rpc_client=fake_rpc)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    from gateway.api.users import create_user

    def make(role: str = "admin", email: str | None = None,
             password: str = "correct horse battery") -> dict[str, str]:
        email = email or f"{role}-{os.urandom(3).hex()}@crm.test"
        with app.test_request_context():
            user = create_user(email, role.title(), password, role)
            return {"id": user.id, "email": email, "password": password, "role": role}

    return make


@pytest.fixture
def login(client, make_user):
    """Bearer-token headers for a new user of the given role."""

    def headers_for(role: str = "admin") -> dict[str, str]:
        user = make_user(role)
        response = client.post("/api/v1/auth/token",
                               json={"email": user["email"], "password": user["password"]})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return headers_for


__all__ = ["FakeRpc", "PendingCall", "remote"]
