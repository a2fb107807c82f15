"""The platform under test, started as tests/conftest.py starts it, plus the baseline processes.

Everything started here is stopped in ``stop()``: processes, vhost, databases.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import requests

from crm_testing import broker, databases
from crm_testing.processes import ManagedProcess, free_port, venv_bin, wait_until

ROOT = Path(__file__).resolve().parent.parent
ADMIN = {"email": "admin@bench.test", "password": "bench-admin-password"}
GUNICORN_CONF = str(ROOT / "gateway/gunicorn.conf.py")

# CRM_BENCH_POSTGRES_URL wins over CRM_TEST_POSTGRES_URL; crm_testing reads the module global.
if os.environ.get("CRM_BENCH_POSTGRES_URL", "").strip():
    databases.POSTGRES_URL = os.environ["CRM_BENCH_POSTGRES_URL"].strip()


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a process (its peak resident set), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Platform:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.processes: list[ManagedProcess] = []
        self.databases: list[str] = []
        self.vhost = broker.create_vhost("crm_bench")
        self.amqp_uri = broker.amqp_uri_for(self.vhost)
        self.contacts_db = self._database("crm_bench_contacts")
        self.gateway_db = self._database("crm_bench_gateway")
        self.thin_db = self._database("crm_bench_thin")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "CRM_AMQP_URI": self.amqp_uri,
            "CRM_CONTACTS_DATABASE_URL": self.contacts_db,
            "CRM_GATEWAY_DATABASE_URL": self.gateway_db,
            "CRM_BENCH_THIN_DATABASE_URL": self.thin_db,
            "CRM_DATA_DIR": str(workdir),
            "CRM_GATEWAY_PORT": str(self.port),
            "CRM_SECRET_KEY": "bench-secret-key-" + "k" * 40,
            "CRM_ADMIN_EMAIL": ADMIN["email"],
            "CRM_ADMIN_PASSWORD": ADMIN["password"],
            "CRM_RPC_TIMEOUT": "10",
            "CRM_COMPOSE_TIMEOUT": "1.5",
            "CRM_LOG_FORMAT": "json",
            "CRM_ACCESS_LOG": "0",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")])),
            "NO_PROXY": "127.0.0.1,localhost",
        }
        self.contacts: ManagedProcess | None = None

    @property
    def backend(self) -> str:
        return "postgresql" if databases.uses_postgres() else "sqlite"

    def _database(self, prefix: str) -> str:
        url = databases.create_database(self.workdir, prefix)
        self.databases.append(url)
        return url

    def setup(self) -> None:
        python = sys.executable
        for argv in ([python, "-m", "crm_chassis.migrations", str(ROOT / "services/contacts")],
                     [python, "-m", "gateway.manage", "migrate"],
                     [python, "-m", "gateway.manage", "ensure-admin"],
                     [python, "-m", "crm_chassis.declare", "contacts.service:ContactsService"]):
            done = subprocess.run(argv, env={**os.environ, **self.env}, cwd=ROOT,
                                  capture_output=True, text=True, timeout=180)
            if done.returncode != 0:
                raise RuntimeError(f"{argv} failed:\n{done.stdout}\n{done.stderr}")

    def _start(self, name: str, argv: list[str], env: dict | None = None) -> ManagedProcess:
        process = ManagedProcess(name, argv, {**self.env, **(env or {})}, self.workdir,
                                 cwd=str(ROOT))
        self.processes.append(process)
        return process.start()

    def start_nameko(self, name: str, target: str) -> ManagedProcess:
        process = self._start(name, [venv_bin("nameko"), "run", "--config",
                                     str(ROOT / "services/contacts/config.yml"), target])
        process.wait_for_log("Connected to amqp", timeout=60)
        return process

    def start_contacts(self) -> None:
        self.contacts = self.start_nameko("contacts", "contacts.service:ContactsService")

    def start_gunicorn(self, name: str, app: str, health_path: str) -> str:
        """Serve ``app`` with the gateway's gunicorn.conf.py; return its base URL."""
        port = self.port if name == "gateway" else free_port()
        process = self._start(name, [venv_bin("gunicorn"), "-c", GUNICORN_CONF, app],
                              {"CRM_GATEWAY_PORT": str(port)})
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            if not process.alive:
                raise RuntimeError(f"{name} exited:\n{process.log()[-3000:]}")
            try:
                return requests.get(url + health_path, timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, timeout=60, message=f"{name} to answer")
        return url

    def start_echo(self) -> None:
        process = self._start("echo", [sys.executable, "-m", "bench.echo", self.amqp_uri])
        process.wait_for_log("echo consuming", timeout=30)

    def token(self) -> str:
        response = requests.post(f"{self.url}/api/v1/auth/token", json=ADMIN, timeout=30)
        response.raise_for_status()
        return response.json()["access_token"]

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} log ---\n{p.log()[-3000:]}" for p in self.processes)

    def stop(self) -> None:
        for process in reversed(self.processes):
            with contextlib.suppress(Exception):
                process.stop()
        with contextlib.suppress(Exception):
            broker.delete_vhost(self.vhost)
        for url in self.databases:
            with contextlib.suppress(Exception):
                databases.drop_database(url)
