"""Which dashboards a user may open: what the browser client offers, from the gateway's
own rules rather than a copy of them."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("role", "dashboards"), [
    ("sales_rep", ["sales_rep"]),
    ("sales_manager", ["sales_manager", "sales_rep"]),
    ("marketing", ["marketer"]),
    ("support_manager", ["support_manager"]),
    ("admin", ["executive", "sales_rep", "sales_manager", "marketer", "support_manager"]),
])
def test_each_role_is_offered_its_dashboards_its_own_first(client, login, role, dashboards):
    response = client.get("/api/v1/dashboards", headers=login(role))
    assert response.status_code == 200, response.get_json()
    assert [item["role"] for item in response.get_json()["items"]] == dashboards


@pytest.mark.parametrize("role", ["support_agent", "viewer"])
def test_roles_without_dashboards_are_refused(client, login, role):
    response = client.get("/api/v1/dashboards", headers=login(role))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_the_list_is_in_the_openapi_document(client):
    assert "/api/v1/dashboards" in client.get("/api/v1/openapi.json").get_json()["paths"]
