"""A stopped service costs its part of the answer, within the deadline, never a hang."""

import time

import pytest
import requests


@pytest.mark.disruptive
def test_contacts_stopped_gives_503_and_partial_360_then_recovers(platform, admin_api):
    contact = admin_api.post("/api/v1/contacts", json={"last_name": "Outage"}).json()
    platform.services["contacts"].stop()
    try:
        started = time.monotonic()
        read = admin_api.get(f"/api/v1/contacts/{contact['id']}")
        assert read.status_code == 503
        assert read.headers["Content-Type"] == "application/problem+json"
        assert time.monotonic() - started < 5
        started = time.monotonic()
        view = admin_api.get(f"/api/v1/contacts/{contact['id']}/360")
        assert time.monotonic() - started < 4
        assert view.status_code == 200
        assert view.json()["complete"] is False
        assert {part["service"] for part in view.json()["missing"]} == {"contacts"}
        ready = requests.get(f"{platform.url}/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["checks"]["contacts"]["status"] == "down"
        assert ready.json()["checks"]["sales"]["status"] == "ok"
        own = requests.get(f"{platform.url}/readyz?scope=gateway", timeout=10)
        assert own.status_code == 200 and "contacts" not in own.json()["checks"]
    finally:
        platform.start_service("contacts")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if admin_api.get(f"/api/v1/contacts/{contact['id']}").status_code == 200:
            break
        time.sleep(0.3)
    assert admin_api.get(f"/api/v1/contacts/{contact['id']}/360").json()["complete"] is True
    assert requests.get(f"{platform.url}/readyz", timeout=10).status_code == 200
