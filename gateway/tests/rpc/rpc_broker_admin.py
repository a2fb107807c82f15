"""RabbitMQ's management API as the RPC tests need it: find and force-close connections."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

import requests

from crm_testing import broker
from crm_testing.processes import wait_until


def management(path: str) -> tuple[str, tuple[str, str]]:
    """URL and credentials of a management API resource."""
    parts = urlsplit(broker.MANAGEMENT_URI)
    base = urlunsplit((parts.scheme, f"{parts.hostname}:{parts.port}", "", "", ""))
    return f"{base}/api/{path}", (parts.username or "guest", parts.password or "guest")


def broker_connections(connection_name: str) -> list[str]:
    """Names of the broker's connections whose client called itself `connection_name`."""
    url, auth = management("connections")
    response = requests.get(url, auth=auth, params={"columns": "name,client_properties"},
                            timeout=10)
    response.raise_for_status()
    return [connection["name"] for connection in response.json()
            if connection.get("client_properties", {}).get("connection_name") == connection_name]


def find_connections(connection_name: str) -> list[str]:
    """Wait until the broker lists the client's connection (its statistics lag a few seconds)."""
    found: list[str] = []
    wait_until(lambda: bool(found.extend(broker_connections(connection_name)) or found),
               timeout=15, message=f"the broker to list connection {connection_name!r}")
    return found


def force_close(names: list[str]) -> None:
    """Close connections from the broker's side, as an operator would."""
    for name in names:
        url, auth = management(f"connections/{quote(name, safe='')}")
        response = requests.delete(url, auth=auth, headers={"X-Reason": "test: force-closed"},
                                   timeout=10)
        response.raise_for_status()
