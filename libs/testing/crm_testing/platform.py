"""The platform as real processes, started the way `make up` starts it, on a throwaway
vhost and throwaway databases: for the end-to-end tests and the bench.

Everything started here is stopped in `stop()`: processes, vhost, databases.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import requests

from crm_testing import broker, databases
from crm_testing.processes import ManagedProcess, free_port, venv_bin, wait_until

ROOT = Path(__file__).resolve().parents[3]
GUNICORN_CONF = str(ROOT / "gateway/gunicorn.conf.py")
# The services that exist, each with the class `nameko run` serves.
SERVICES = {
    "contacts": "contacts.service:ContactsService",
    "sales": "sales.service:SalesService",
    "marketing": "marketing.service:MarketingService",
    "support": "support.service:SupportService",
    "reporting": "reporting.service:ReportingService",
}
SETUP_COMMANDS = (
    ("-m", "crm_chassis.migrations", *(str(ROOT / "services" / name) for name in SERVICES)),
    ("-m", "gateway.manage", "migrate"),
    ("-m", "gateway.manage", "ensure-admin"),
    ("-m", "crm_chassis.declare", *SERVICES.values()),
)


class Platform:
    def __init__(self, workdir: Path, name: str, admin: dict[str, str],
                 env: dict[str, str] | None = None):
        self.workdir = workdir
        self.name = name
        self.admin = admin
        self.processes: list[ManagedProcess] = []
        self.databases: list[str] = []
        self.vhost = broker.create_vhost(name)
        self.amqp_uri = broker.amqp_uri_for(self.vhost)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.services: dict[str, ManagedProcess] = {}
        self.env = {
            "CRM_AMQP_URI": self.amqp_uri,
            **{f"CRM_{service.upper()}_DATABASE_URL": self.database(f"{name}_{service}")
               for service in SERVICES},
            "CRM_GATEWAY_DATABASE_URL": self.database(f"{name}_gateway"),
            "CRM_DATA_DIR": str(workdir),
            "CRM_GATEWAY_PORT": str(self.port),
            "CRM_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",
            "CRM_SECRET_KEY": f"{name}-secret-key-" + "k" * 40,
            "CRM_ADMIN_EMAIL": admin["email"],
            "CRM_ADMIN_PASSWORD": admin["password"],
            "CRM_COMPOSE_TIMEOUT": "1.5",
            "CRM_LOG_FORMAT": "json",
            "CRM_ACCESS_LOG": "0",
            "PYTHONUNBUFFERED": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            **(env or {}),
        }

    @property
    def backend(self) -> str:
        return "postgresql" if databases.uses_postgres() else "sqlite"

    def database(self, prefix: str) -> str:
        url = databases.create_database(self.workdir, prefix)
        self.databases.append(url)
        return url

    def setup(self) -> None:
        """Migrate, create the admin, declare the consumer queues: what `make up` does."""
        for command in SETUP_COMMANDS:
            done = subprocess.run([sys.executable, *command], env={**os.environ, **self.env},
                                  cwd=ROOT, capture_output=True, text=True, timeout=180)
            if done.returncode != 0:
                raise RuntimeError(f"{command} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self.setup()
        self.start_mailbox()
        for service in SERVICES:
            self.start_service(service)
        self.start_gunicorn("gateway", "gateway.app:create_app()", "/healthz")

    def start_process(self, name: str, argv: list[str],
                      env: dict[str, str] | None = None) -> ManagedProcess:
        process = ManagedProcess(name, argv, {**self.env, **(env or {})}, self.workdir,
                                 cwd=str(ROOT))
        self.processes.append(process)
        return process.start()

    def start_nameko(self, name: str, target: str, config: str = "contacts") -> ManagedProcess:
        """`nameko run` of `target` with the config.yml of the service named `config`."""
        process = self.start_process(name, [venv_bin("nameko"), "run", "--config",
                                            str(ROOT / "services" / config / "config.yml"),
                                            target])
        process.wait_for_log("Connected to amqp", timeout=60)
        return process

    def start_service(self, service: str) -> ManagedProcess:
        self.services[service] = self.start_nameko(service, SERVICES[service], service)
        return self.services[service]

    def start_mailbox(self) -> None:
        """`crm mailbox` on CRM_SMTP_URL, as `make up` runs it: see `mails()`."""
        self.start_process("mailbox", [venv_bin("crm"), "mailbox"]).wait_for_log(
            "mailbox: SMTP on", timeout=30)

    def mails(self) -> list[EmailMessage]:
        """Every mail the platform sent so far, oldest first."""
        return [message_from_bytes(path.read_bytes(), policy=policy.default)
                for path in sorted((self.workdir / "mail").glob("*.eml"))]

    def start_gunicorn(self, name: str, app: str, health_path: str) -> str:
        """Serve `app` with the gateway's gunicorn.conf.py; return its base URL."""
        port = self.port if name == "gateway" else free_port()
        process = self.start_process(name, [venv_bin("gunicorn"), "-c", GUNICORN_CONF, app],
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

    def token(self) -> str:
        response = requests.post(f"{self.url}/api/v1/auth/token", json=self.admin, timeout=30)
        response.raise_for_status()
        return response.json()["access_token"]

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} log ---\n{p.log()[-5000:]}" for p in self.processes)

    def stop(self) -> None:
        for process in reversed(self.processes):
            with contextlib.suppress(Exception):
                process.stop()
        with contextlib.suppress(Exception):
            broker.delete_vhost(self.vhost)
        for url in self.databases:
            with contextlib.suppress(Exception):
                databases.drop_database(url)
