"""docker-compose.yml: accepted by docker-compose, and wired the way the processes expect."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = {"contacts", "sales", "marketing", "support", "reporting", "gateway"}
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "initdb" / "10-crm-databases.sh"


def crm_services(config: dict) -> dict[str, dict]:
    return {name: service for name, service in config["services"].items() if "build" in service}


def test_the_platform_is_all_there(compose_config):
    assert {"rabbitmq", "postgres", *PROCESSES} <= set(compose_config["services"])
    assert set(crm_services(compose_config)) >= PROCESSES


def test_every_process_is_told_where_the_broker_is(compose_config):
    broker = compose_config["services"]["rabbitmq"]["environment"]
    for name, service in crm_services(compose_config).items():
        uri = urlsplit(service["environment"].get("CRM_AMQP_URI", ""))
        assert uri.hostname == "rabbitmq", name
        # RabbitMQ lets `guest` in from localhost only: the URI must use the broker's user.
        assert (uri.username, uri.password) == (broker["RABBITMQ_DEFAULT_USER"],
                                                broker["RABBITMQ_DEFAULT_PASS"]), name


def test_every_database_url_names_a_database_the_init_script_makes(compose_config):
    made = re.search(r'CRM_DATABASES:-([a-z ]+)}', INIT_SCRIPT.read_text()).group(1).split()
    postgres = compose_config["services"]["postgres"]["environment"]
    for name, service in crm_services(compose_config).items():
        url = urlsplit(service["environment"][f"CRM_{name.upper()}_DATABASE_URL"])
        assert url.hostname == "postgres", name
        assert (url.username, url.password) == (postgres["CRM_DB_USER"],
                                                postgres["CRM_DB_PASSWORD"]), name
        assert url.path.lstrip("/") in made, name
    assert {"contacts", "gateway", "sales", "marketing", "support", "reporting"} <= set(made)


def test_nothing_is_published_beyond_this_host(compose_config):
    gateway_ports = compose_config["services"]["gateway"]["ports"]
    assert any(_published(port) == ("127.0.0.1", "8000", "8000") for port in gateway_ports)
    for name, service in compose_config["services"].items():
        for port in service.get("ports", []):
            assert _published(port)[0] == "127.0.0.1", f"{name} publishes {port}"


def _published(port: str | dict) -> tuple[str, str, str]:
    """(host address, host port, container port) from v1's string or v2's mapping form."""
    if isinstance(port, dict):
        return (port.get("host_ip", ""), str(port.get("published", "")), str(port["target"]))
    host, published, target = (port.split("/")[0].split(":") + ["", "", ""])[:3]
    return host, published, target


def test_every_build_has_its_dockerfile(compose_config):
    for name, service in crm_services(compose_config).items():
        build = service["build"]
        dockerfile = Path(build["context"]) / build.get("dockerfile", "Dockerfile")
        assert Path(build["context"]) == ROOT, f"{name}: images need libs/, build from the root"
        assert dockerfile.is_file(), f"{name}: {dockerfile} is missing"


def test_processes_start_once_broker_and_database_are_healthy(compose_config):
    services = compose_config["services"]
    for dependency in ("rabbitmq", "postgres"):
        assert services[dependency]["healthcheck"]["test"], dependency
    for name, service in crm_services(compose_config).items():
        assert service["depends_on"] == {"rabbitmq": {"condition": "service_healthy"},
                                         "postgres": {"condition": "service_healthy"}}, name


def test_broker_and_database_keep_their_data_in_named_volumes(compose_config):
    volumes = compose_config["volumes"]
    for name, data_dir in (("rabbitmq", "/var/lib/rabbitmq"),
                           ("postgres", "/var/lib/postgresql/data")):
        mounts = [str(volume).split(":") for volume in compose_config["services"][name]["volumes"]]
        assert any(source in volumes and target == data_dir for source, target, *_ in mounts), name
