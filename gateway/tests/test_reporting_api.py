"""Reports, dashboards, history and the rebuild through the gateway, with a fake
reporting service: permissions per role, CSV, and bad input named by field."""

from __future__ import annotations

import csv
import io

import pytest
from gateway_fakes import remote

REPORT = {"report": "customers", "period": {"kind": "month", "from": "2026-11-01T00:00:00+00:00",
                                           "to": "2026-12-01T00:00:00+00:00"},
          "group_by": None, "summary": {"accounts": 1},
          "rows": [{"account_id": "a1", "lifetime_value": {"EUR": "10.00", "USD": "5.00"},
                    "churn_risk": {"score": 50, "reasons": [
                        {"code": "low_csat", "detail": "x"},
                        {"code": "no_recent_order", "detail": "y"}]},
                    "last_activity_at": None}]}
DASHBOARD = {"role": "sales_rep", "owner_id": None, "period": REPORT["period"],
             "previous_period": REPORT["period"],
             "kpis": [{"key": "won_deals", "label": "Deals won", "unit": "count", "value": 3,
                       "previous": 2, "change": 50.0}]}


def reporting_calls(fake_rpc):
    return [(method, args) for service, method, args, _, _ in fake_rpc.calls
            if service == "reporting"]


def test_a_report_is_forwarded_with_its_period(client, login, fake_rpc):
    fake_rpc.on("reporting", "report", REPORT)
    response = client.get("/api/v1/reports/customers?period=quarter&on=2026-11-10",
                          headers=login("sales_manager"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["rows"][0]["account_id"] == "a1"
    assert reporting_calls(fake_rpc) == [
        ("report", ("customers", {"period": "quarter", "on": "2026-11-10"}))]


@pytest.mark.parametrize("how", [{"query": "&format=csv"}, {"headers": {"Accept": "text/csv"}}])
def test_a_report_exports_as_csv(client, login, fake_rpc, how):
    fake_rpc.on("reporting", "report", REPORT)
    headers = {**login("marketing"), **how.get("headers", {})}
    response = client.get("/api/v1/reports/customers?period=month" + how.get("query", ""),
                          headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "customers-2026-11-01.csv" in response.headers["Content-Disposition"]
    [row] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert row["lifetime_value"] == "EUR 10.00; USD 5.00"
    assert row["churn_risk_score"] == "50"
    assert row["churn_risk_reasons"] == "low_csat; no_recent_order"
    assert row["last_activity_at"] == ""


@pytest.mark.parametrize(("query", "field"), [
    ("period=fortnight", "period"), ("on=yesterday", "on"), ("colour=red", "colour"),
    ("format=xls", "format")])
def test_bad_report_input_is_named_without_a_call(client, login, fake_rpc, query, field):
    response = client.get(f"/api/v1/reports/pipeline?{query}", headers=login("sales_manager"))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert reporting_calls(fake_rpc) == []


def test_a_grouping_the_report_does_not_have_is_named(client, login, fake_rpc):
    def refuse(name, query):
        raise remote("ValidationFailed", "cannot group", {"group_by": ["one of: stage"]})
    fake_rpc.on("reporting", "report", refuse)
    response = client.get("/api/v1/reports/pipeline?group_by=colour",
                          headers=login("sales_manager"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"group_by": ["one of: stage"]}


def test_an_unknown_report_is_not_found(client, login, fake_rpc):
    def refuse(name, query):
        raise remote("ValidationFailed", "no report", {"report": ["one of: pipeline"]})
    fake_rpc.on("reporting", "report", refuse)
    response = client.get("/api/v1/reports/horoscope", headers=login("admin"))
    assert response.status_code == 404


def test_reports_are_for_managers_and_marketing(client, login, fake_rpc):
    fake_rpc.on("reporting", "report", REPORT)
    for role, status in (("sales_rep", 403), ("support_agent", 403), ("viewer", 403),
                         ("support_manager", 200), ("admin", 200)):
        response = client.get("/api/v1/reports/customers", headers=login(role))
        assert response.status_code == status, role


def test_a_sales_rep_sees_their_own_dashboard_only(client, make_user, fake_rpc):
    fake_rpc.on("reporting", "dashboard", DASHBOARD)
    user = make_user("sales_rep")
    token = client.post("/api/v1/auth/token", json={
        "email": user["email"], "password": user["password"]}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    response = client.get("/api/v1/dashboards/sales_rep?period=week", headers=headers)
    assert response.status_code == 200
    assert reporting_calls(fake_rpc) == [
        ("dashboard", ({"role": "sales_rep", "period": "week", "owner_id": user["id"]},))]
    assert client.get("/api/v1/dashboards/sales_rep?owner_id=someone-else",
                      headers=headers).status_code == 403
    assert client.get("/api/v1/dashboards/sales_manager", headers=headers).status_code == 403


@pytest.mark.parametrize(("role", "dashboard", "status"), [
    ("sales_manager", "sales_rep", 200), ("sales_manager", "sales_manager", 200),
    ("sales_manager", "executive", 403), ("marketing", "marketer", 200),
    ("support_manager", "support_manager", 200), ("support_manager", "marketer", 403),
    ("support_agent", "support_manager", 403), ("admin", "executive", 200),
    ("admin", "marketer", 200)])
def test_dashboards_per_role(client, login, fake_rpc, role, dashboard, status):
    fake_rpc.on("reporting", "dashboard", DASHBOARD)
    response = client.get(f"/api/v1/dashboards/{dashboard}", headers=login(role))
    assert response.status_code == status


def test_an_unknown_dashboard_or_period_is_named(client, login, fake_rpc):
    response = client.get("/api/v1/dashboards/janitor", headers=login("admin"))
    assert response.status_code == 422 and "role" in response.get_json()["errors"]
    response = client.get("/api/v1/dashboards/executive?period=ages", headers=login("admin"))
    assert response.status_code == 422 and "period" in response.get_json()["errors"]
    assert reporting_calls(fake_rpc) == []


def test_a_dashboard_exports_its_kpis_as_csv(client, login, fake_rpc):
    fake_rpc.on("reporting", "dashboard", DASHBOARD)
    response = client.get("/api/v1/dashboards/sales_rep?format=csv", headers=login("admin"))
    [row] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert (row["key"], row["value"], row["previous"], row["change"]) == (
        "won_deals", "3", "2", "50.0")


def test_history_is_forwarded_and_paged(client, login, fake_rpc):
    fake_rpc.on("reporting", "contact_history", {"items": [], "next_cursor": None})
    response = client.get("/api/v1/contacts/c1/history?limit=10", headers=login("viewer"))
    assert response.status_code == 200
    assert reporting_calls(fake_rpc) == [("contact_history", ("c1", {"limit": 10}))]
    response = client.get("/api/v1/contacts/c1/history?limit=0", headers=login("viewer"))
    assert response.status_code == 422 and "limit" in response.get_json()["errors"]


def test_only_admins_rebuild(client, login, fake_rpc):
    fake_rpc.on("reporting", "start_rebuild", {"sources": ["contacts"]})
    fake_rpc.on("reporting", "rebuild_page", {
        "source": "contacts", "applied": 2, "skipped": 0, "last_seq": 2, "next_cursor": None,
        "head": 2})
    assert client.post("/api/v1/reports/rebuild", headers=login("sales_manager")
                       ).status_code == 403
    assert client.post("/api/v1/reports/rebuild", headers=login("admin")).status_code == 200
    response = client.post("/api/v1/reports/rebuild/pages", json={"source": "contacts"},
                           headers=login("admin"))
    assert response.get_json()["applied"] == 2
    response = client.post("/api/v1/reports/rebuild/pages", json={"source": "billing"},
                           headers=login("admin"))
    assert response.status_code == 422 and "source" in response.get_json()["errors"]


def test_the_reporting_paths_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/reports", "/api/v1/reports/{name}", "/api/v1/dashboards/{role}",
                 "/api/v1/contacts/{item_id}/history", "/api/v1/reports/rebuild/pages"):
        assert path in paths, path


AS_OF = {"as_of": "2026-11-01T00:00:00+00:00", "contact": {"id": "c1"},
         "account": {"id": "a1"}, "opportunities": [{"id": "d1"}], "tickets": [],
         "orders": [], "activities": [], "quotes": []}


def test_a_360_view_as_of_a_moment_comes_from_reporting(client, login, fake_rpc):
    fake_rpc.on("reporting", "contact_as_of", AS_OF)
    response = client.get("/api/v1/contacts/c1/360?as_of=2026-11-01T01:00:00%2B01:00",
                          headers=login("viewer"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["opportunities"] == [{"id": "d1"}]
    assert response.get_json()["complete"] is True
    assert reporting_calls(fake_rpc) == [
        ("contact_as_of", ("c1", "2026-11-01T00:00:00+00:00"))]


def test_an_as_of_view_keeps_to_what_the_caller_may_read(client, login, fake_rpc):
    fake_rpc.on("reporting", "account_as_of", AS_OF)
    key = client.post("/api/v1/api-keys", json={"name": "ERP", "scopes": ["accounts:read"]},
                      headers=login("admin")).get_json()["key"]
    body = client.get("/api/v1/accounts/a1/360?as_of=2026-11-01T00:00:00Z",
                      headers={"X-API-Key": key}).get_json()
    assert body["account"] == {"id": "a1"}
    assert "opportunities" not in body and "tickets" not in body


@pytest.mark.parametrize("as_of", ["yesterday", "2026-13-01T00:00:00Z"])
def test_a_malformed_as_of_is_named(client, login, fake_rpc, as_of):
    response = client.get(f"/api/v1/contacts/c1/360?as_of={as_of}", headers=login("viewer"))
    assert response.status_code == 422 and "as_of" in response.get_json()["errors"]
    assert fake_rpc.calls == []


def test_an_as_of_the_record_did_not_know_is_named(client, login, fake_rpc):
    def refuse(contact_id, moment):
        raise remote("ValidationFailed", "not yet", {"as_of": ["before the contact existed"]})
    fake_rpc.on("reporting", "contact_as_of", refuse)
    response = client.get("/api/v1/contacts/c1/360?as_of=2020-01-01T00:00:00Z",
                          headers=login("viewer"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"as_of": ["before the contact existed"]}
