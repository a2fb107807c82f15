"""End-to-end fixtures: the real platform, each part a separate process over RabbitMQ."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from crm_testing import broker, databases
from crm_testing.processes import ManagedProcess, free_port, venv_bin, wait_until

ROOT = Path(__file__).resolve().parent.parent
ADMIN = {"email": "admin@e2e.test", "password": "e2e-admin-password"}


class Platform:
    """The contacts service and the gateway, started as `make up` starts them."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.vhost = broker.create_vhost("crm_e2e")
        self.amqp_uri = broker.amqp_uri_for(self.vhost)
        self.contacts_db = databases.create_database(workdir, "crm_e2e_contacts")
        self.gateway_db = databases.create_database(workdir, "crm_e2e_gateway")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "CRM_AMQP_URI": self.amqp_uri,
            "CRM_CONTACTS_DATABASE_URL": self.contacts_db,
            "CRM_GATEWAY_DATABASE_URL": self.gateway_db,
            "CRM_DATA_DIR": str(workdir),
            "CRM_GATEWAY_PORT": str(self.port),
            "CRM_SECRET_KEY": "e2e-secret-key-" + "k" * 40,
            "CRM_ADMIN_EMAIL": ADMIN["email"],
            "CRM_ADMIN_PASSWORD": ADMIN["password"],
            "CRM_RPC_TIMEOUT": "3",
            "CRM_COMPOSE_TIMEOUT": "1.5",
            "CRM_LOG_FORMAT": "json",
            "CRM_ACCESS_LOG": "0",
            "PYTHONUNBUFFERED": "1",
        }
        self.contacts: ManagedProcess | None = None
        self.gateway: ManagedProcess | None = None

    def setup(self) -> None:
        python = sys.executable
        for argv in ([python, "-m", "crm_chassis.migrations", str(ROOT / "services/contacts")],
                     [python, "-m", "gateway.manage", "migrate"],
                     [python, "-m", "gateway.manage", "ensure-admin"],
                     [python, "-m", "crm_chassis.declare", "contacts.service:ContactsService"]):
            done = subprocess.run(argv, env={**os.environ, **self.env}, cwd=ROOT,
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, f"{argv} failed:\n{done.stdout}\n{done.stderr}"

    def start_contacts(self) -> None:
        self.contacts = ManagedProcess(
            "contacts", [venv_bin("nameko"), "run", "--config",
                         str(ROOT / "services/contacts/config.yml"),
                         "contacts.service:ContactsService"],
            self.env, self.workdir, cwd=str(ROOT)).start()
        self.contacts.wait_for_log("Connected to amqp", timeout=60)

    def start_gateway(self) -> None:
        self.gateway = ManagedProcess(
            "gateway", [venv_bin("gunicorn"), "-c", str(ROOT / "gateway/gunicorn.conf.py"),
                        "gateway.app:create_app()"],
            self.env, self.workdir, cwd=str(ROOT)).start()
        wait_until(self._gateway_answers, timeout=60, message="the gateway to answer")

    def _gateway_answers(self) -> bool:
        if not self.gateway.alive:
            raise RuntimeError(f"gateway exited:\n{self.gateway.log()[-3000:]}")
        try:
            return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        for process in (self.gateway, self.contacts):
            if process is not None:
                process.stop()
        broker.delete_vhost(self.vhost)
        for url in (self.contacts_db, self.gateway_db):
            databases.drop_database(url)


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    platform = Platform(tmp_path_factory.mktemp("platform"))
    try:
        platform.setup()
        platform.start_contacts()
        platform.start_gateway()
        yield platform
    except Exception:
        for process in (platform.contacts, platform.gateway):
            if process is not None:
                sys.stderr.write(f"--- {process.name} log ---\n{process.log()[-5000:]}\n")
        raise
    finally:
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
def admin_api(platform) -> Api:
    response = requests.post(f"{platform.url}/api/v1/auth/token", json=ADMIN, timeout=30)
    assert response.status_code == 200, response.text
    return Api(platform.url, response.json()["access_token"])


def pytest_collection_modifyitems(items):
    # The platform is shared: tests that stop a process run last.
    items.sort(key=lambda item: "disruptive" in item.keywords)


def pytest_configure(config):
    config.addinivalue_line("markers", "disruptive: stops or restarts a platform process")
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
