"""End-to-end fixtures: the real platform, each part a separate process over RabbitMQ."""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from crm_testing.platform import Platform

ADMIN = {"email": "admin@e2e.test", "password": "e2e-admin-password"}


def start_platform(workdir: Path, name: str = "crm_e2e") -> Platform:
    platform = Platform(workdir, name, ADMIN, env={"CRM_RPC_TIMEOUT": "3"})
    try:
        platform.start()
    except Exception:
        sys.stderr.write(platform.logs())
        platform.stop()
        raise
    return platform


@pytest.fixture(scope="session", name="start_platform")
def start_platform_fixture():
    """For a test that needs a platform of its own (tests share `platform` otherwise)."""
    return start_platform


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    """The contacts service and the gateway, started as `make up` starts them."""
    platform = start_platform(tmp_path_factory.mktemp("platform"))
    yield platform
    platform.stop()


class Api:
    """A signed-in HTTP client of the gateway."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def __getattr__(self, method: str):
        def send(path: str, **kwargs):
            kwargs.setdefault("timeout", 30)
            return self.session.request(method.upper(), self.base + path, **kwargs)

        return send

    def wait_for_import(self, job_id: str, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(f"/api/v1/contacts/import/{job_id}?errors_limit=1000").json()
            if job["status"] in ("done", "failed"):
                return job
            time.sleep(0.2)
        raise TimeoutError(f"import {job_id} still {job['status']}")


@pytest.fixture(scope="session")
def signed_in():
    """For a test with a platform of its own: a client of it, signed in as its admin."""
    return lambda platform: Api(platform.url, platform.token())


@pytest.fixture(scope="session")
def admin_api(platform) -> Api:
    response = requests.post(f"{platform.url}/api/v1/auth/token", json=ADMIN, timeout=30)
    assert response.status_code == 200, response.text
    return Api(platform.url, response.json()["access_token"])


@pytest.fixture(scope="session")
def user_api(platform, admin_api):
    """A signed-in client for a new user of the given role, made by the administrator."""

    def make(role: str, name: str) -> Api:
        email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@e2e.test"
        created = admin_api.post("/api/v1/users", json={
            "email": email, "name": name, "password": "user-password-123", "role": role})
        assert created.status_code == 201, created.text
        response = requests.post(f"{platform.url}/api/v1/auth/token", timeout=30,
                                 json={"email": email, "password": "user-password-123"})
        return Api(platform.url, response.json()["access_token"])

    return make


def pytest_collection_modifyitems(items):
    # The platform is shared: tests that stop a process run last.
    items.sort(key=lambda item: "disruptive" in item.keywords)


def pytest_configure(config):
    config.addinivalue_line("markers", "disruptive: stops or restarts a platform process")
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
