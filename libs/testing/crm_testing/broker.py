"""Throwaway RabbitMQ vhosts, made through the management API so tests never share queues."""

from __future__ import annotations

import os
import time
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import requests

BROKER_URI = os.environ.get("CRM_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
MANAGEMENT_URI = os.environ.get("CRM_TEST_RABBIT_API", "http://guest:guest@127.0.0.1:15672")


def _api(path: str) -> tuple[str, tuple[str, str]]:
    parts = urlsplit(MANAGEMENT_URI)
    base = urlunsplit((parts.scheme, f"{parts.hostname}:{parts.port}", "", "", ""))
    return f"{base}/api/{path}", (parts.username or "guest", parts.password or "guest")


def create_vhost(prefix: str = "crm_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url, auth = _api(f"vhosts/{quote(name, safe='')}")
    requests.put(url, auth=auth, timeout=10).raise_for_status()
    user = auth[0]
    url, _ = _api(f"permissions/{quote(name, safe='')}/{user}")
    body = {"configure": ".*", "write": ".*", "read": ".*"}
    requests.put(url, json=body, auth=auth, timeout=10).raise_for_status()
    return name


def delete_vhost(name: str) -> None:
    url, auth = _api(f"vhosts/{quote(name, safe='')}")
    requests.delete(url, auth=auth, timeout=10)


def close_connection(vhost: str, local_port: int, timeout: float = 30.0) -> None:
    """Have the broker close the client connection of `vhost` whose local end is on
    `local_port`, as an operator or a failover would. The API lists a new connection within
    seconds, so it is looked for until `timeout`."""
    url, auth = _api("connections")
    deadline, named = time.monotonic() + timeout, []
    while not named:
        if time.monotonic() > deadline:
            raise AssertionError(f"no connection of {vhost} from port {local_port} listed")
        time.sleep(0.5)
        named = [c["name"] for c in requests.get(url, auth=auth, timeout=10).json()
                 if c["vhost"] == vhost and c["peer_port"] == local_port]
    url, _ = _api(f"connections/{quote(named[0], safe='')}")
    requests.delete(url, auth=auth, timeout=10).raise_for_status()


def amqp_uri_for(vhost: str) -> str:
    parts = urlsplit(BROKER_URI)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), "", ""))
