"""Fast gateway tests: the real Flask app and database, with a fake RPC client standing in
for the services (the real client and real services are tested in rpc/ and in tests/e2e)."""

from __future__ import annotations

import dataclasses
import itertools
import os

import pytest
from gateway_fakes import FakeRpc

from gateway.app import create_app
from gateway.manage import migrate
from gateway.settings import Settings


@pytest.fixture
def fake_rpc() -> FakeRpc:
    fake = FakeRpc()
    # Kept reads (gateway.kept) ask for a change counter first: by default it moves on
    # every call, so each request computes its answer; a test of keeping sets its own.
    moves = itertools.count(1)
    for service in ("sales", "support"):
        fake.on(service, "change_count", lambda name: next(moves))
    return fake


@pytest.fixture
def settings(database_url, tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    settings = dataclasses.replace(Settings.from_env(), database_url=database_url,
                                   secret_key="test-secret-key-" + "x" * 32)
    migrate(settings)
    return settings


@pytest.fixture
def app(settings, fake_rpc):
    app = create_app(settings, rpc_client=fake_rpc)
    yield app
    app.extensions["crm.audit"].close()  # before the test's database goes


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
