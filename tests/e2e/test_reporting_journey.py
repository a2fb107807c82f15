"""Reporting through the real platform: deals and tickets made through the API move the
dashboards' figures (events over the broker into the reporting service's read models), a
contact's history names every change and who made it, its view can be seen as it was,
reports export as CSV, and `crm reporting rebuild` gives back the same figures."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from crm_testing.processes import wait_until


@pytest.fixture(scope="module")
def rep(user_api):
    return user_api("sales_rep", "Reggie")


@pytest.fixture(scope="module")
def support_lead(user_api):
    return user_api("support_manager", "Sue")


def kpis(api, role: str, **params) -> dict:
    response = api.get(f"/api/v1/dashboards/{role}", params=params)
    assert response.status_code == 200, response.text
    return {kpi["key"]: kpi for kpi in response.json()["kpis"]}


def test_deals_and_tickets_move_the_dashboards(admin_api, rep, support_lead):
    suffix = uuid.uuid4().hex[:6]
    account = admin_api.post("/api/v1/accounts", json={"name": f"Reporting {suffix}"}).json()
    tickets_before = kpis(support_lead, "support_manager")["tickets"]["value"]
    assert kpis(rep, "sales_rep")["won_deals"]["value"] == 0  # a new rep: nothing yet

    for amount in ("1200.00", "800.00"):
        deal = rep.post("/api/v1/opportunities", json={
            "name": f"Deal {amount}", "amount": amount, "currency": "EUR",
            "account_id": account["id"]})
        assert deal.status_code == 201, deal.text
    won = rep.post(f"/api/v1/opportunities/{deal.json()['id']}/win")
    assert won.status_code == 200, won.text
    ticket = support_lead.post("/api/v1/tickets", json={
        "subject": "Reports are slow", "priority": "urgent", "account_id": account["id"]})
    assert ticket.status_code == 201, ticket.text

    def figures_moved() -> bool:
        mine = kpis(rep, "sales_rep")
        support = kpis(support_lead, "support_manager")
        return (mine["new_deals"]["value"] == 2 and mine["won_deals"]["value"] == 1
                and mine["won_amount"]["value"] == {"EUR": "800.00"}
                # Other journeys' tickets may still be on their way: at least ours.
                and support["tickets"]["value"] >= tickets_before + 1)

    wait_until(figures_moved, timeout=30, message="the dashboards to show the new deals")
    mine = kpis(rep, "sales_rep")
    assert mine["win_rate"]["value"] == 100.0 and mine["new_pipeline"]["value"] == {
        "EUR": "2000.00"}
    # A rep sees no other dashboard; an admin sees them all.
    assert rep.get("/api/v1/dashboards/executive").status_code == 403
    assert admin_api.get("/api/v1/dashboards/executive").status_code == 200

    def churn_risk_seen() -> bool:
        view = admin_api.get("/api/v1/reports/customers").json()
        row = next((r for r in view["rows"] if r["account_id"] == account["id"]), None)
        return row is not None and "open_urgent_tickets" in {
            reason["code"] for reason in row["churn_risk"]["reasons"]}

    wait_until(churn_risk_seen, timeout=30, message="the urgent ticket as a churn reason")
    exported = admin_api.get("/api/v1/reports/pipeline", params={"group_by": "owner"},
                             headers={"Accept": "text/csv"})
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {"owner_id", "count", "amount"} <= set(rows[0])
    bad = admin_api.get("/api/v1/reports/pipeline", params={"period": "fortnight"})
    assert bad.status_code == 422 and "period" in bad.json()["errors"]


def test_a_contact_history_and_its_past(admin_api):
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Hedda", "last_name": "Gabler", "email":
            f"hedda.{uuid.uuid4().hex[:6]}@example.com", "lifecycle_stage": "lead"}).json()
    updated = admin_api.patch(f"/api/v1/contacts/{contact['id']}", json={
        "lifecycle_stage": "customer"}, headers={"If-Match": f'"{contact["version"]}"'})
    assert updated.status_code == 200, updated.text
    url = f"/api/v1/contacts/{contact['id']}/history"

    def both_changes() -> bool:
        response = admin_api.get(url)
        return response.status_code == 200 and len(response.json()["items"]) >= 2

    wait_until(both_changes, timeout=30, message="the contact's history")
    items = admin_api.get(url).json()["items"]
    assert [item["type"] for item in items[:2]] == ["contact.created", "contact.updated"]
    assert {item["source"] for item in items} == {"contacts"}
    assert items[1]["changed_fields"] == ["lifecycle_stage"]
    assert items[0]["changed_by"] is not None
    then = items[0]["occurred_at"]
    before = (datetime.fromisoformat(then) - timedelta(days=1)).isoformat()
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    for moment in (before, future):
        response = admin_api.get(f"/api/v1/contacts/{contact['id']}/360",
                                 params={"as_of": moment})
        assert response.status_code == 422, response.text
        assert "as_of" in response.json()["errors"]
    past = admin_api.get(f"/api/v1/contacts/{contact['id']}/360", params={"as_of": then})
    assert past.status_code == 200, past.text
    assert past.json()["contact"]["lifecycle_stage"] == "lead"


# SLA compliance moves with the clock (a breach found meanwhile): not compared.
STEADY = ("won_amount", "order_revenue", "win_rate", "new_customers", "tickets", "csat")


def steady_figures(admin_api) -> dict:
    kpis = admin_api.get("/api/v1/dashboards/executive").json()["kpis"]
    return {kpi["key"]: (kpi["value"], kpi["previous"]) for kpi in kpis if kpi["key"] in STEADY}


def test_the_rebuild_gives_back_the_same_figures(platform, admin_api):
    settled: list[dict] = []

    def unchanged() -> bool:
        settled.append(steady_figures(admin_api))
        return len(settled) > 1 and settled[-1] == settled[-2]

    wait_until(unchanged, timeout=30, message="figures no longer moving")
    before = settled[-1]
    environ = {**os.environ, **platform.env, "CRM_URL": platform.url}
    environ.pop("CRM_API_KEY", None)
    done = subprocess.run([sys.executable, "-m", "crm_cli.main", "reporting", "rebuild"],
                          env=environ, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "read models rebuilt from" in done.stdout
    assert steady_figures(admin_api) == before
