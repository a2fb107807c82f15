"""The dashboards, marketing and admin screens of the browser client in a real Chromium
against the real platform: a sales manager reads the team's dashboard for a period and
downloads its figures; a marketer builds a segment with a live count, edits a template and
previews it for a contact, and reads a campaign's metrics; an administrator manages users,
custom fields and API keys. Each result is checked through the API, each page by axe-core."""

from __future__ import annotations

import csv
import io
import re
import uuid

from browser_kit import check_page, make_user, sign_in
from playwright.sync_api import expect

from crm_testing.processes import wait_until


def test_a_sales_manager_reads_the_team_dashboard(admin_api, page_for):
    manager = make_user(admin_api, "sales_manager", "Marguerite")
    rep = make_user(admin_api, "sales_rep", "Ruben")
    suffix = uuid.uuid4().hex[:6]
    account = admin_api.post("/api/v1/accounts", json={"name": f"Dash {suffix}"}).json()
    for amount in ("1000.00", "2500.00"):
        deal = rep["session"].post(f"{admin_api.base}/api/v1/opportunities", json={
            "name": f"Dash deal {amount} {suffix}", "amount": amount, "currency": "EUR",
            "account_id": account["id"]})
        assert deal.status_code == 201, deal.text

    def figures(period: str) -> dict:
        answer = manager["session"].get(
            f"{admin_api.base}/api/v1/dashboards/sales_manager?period={period}")
        assert answer.status_code == 200, answer.text
        return {kpi["key"]: kpi for kpi in answer.json()["kpis"]}

    wait_until(lambda: (figures("quarter")["new_deals"]["value"] or 0) >= 2, timeout=30,
               message="the reporting read model counts the new deals")

    page = page_for()
    sign_in(page, manager, r"/my-day")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Dashboards").click()
    page.wait_for_url(re.compile(r"/dashboards/sales_manager"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboards: Sales team")
    # The manager may open the reps' dashboard too, and chooses a period.
    expect(page.get_by_label("Dashboard", exact=True)).to_have_value("sales_manager")
    page.get_by_label("Period", exact=True).select_option("quarter")
    page.wait_for_url(re.compile(r"period=quarter"))
    quarter = figures("quarter")
    new_deals = page.locator('[data-kpi="new_deals"]')
    expect(new_deals).to_have_text(str(quarter["new_deals"]["value"]))
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="New deals"))
    expect(card).to_contain_text(f"Previous period: {quarter['new_deals']['previous']}")
    expect(page.locator('[data-kpi="new_pipeline"]')).to_contain_text("€")
    expect(page.get_by_role("img", name=re.compile(r"^Counts: this period"))).to_be_visible()
    check_page(page, "dashboard-sales-manager")

    # The figures as CSV, for the period shown.
    with page.expect_download() as download:
        page.get_by_role("link", name="These figures").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    exported = {row["key"]: row for row in rows}
    assert exported["new_deals"]["value"] == str(quarter["new_deals"]["value"])
    assert download.value.suggested_filename.startswith("dashboard-sales_manager-")
    report_link = page.get_by_role("link", name="Report: Pipeline")
    expect(report_link).to_have_attribute("href", "/api/v1/reports/pipeline?period=quarter&format=csv")

    # In French, the same figures in the French format.
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableaux de bord : Équipe commerciale")
    expect(page.locator('[data-kpi="new_pipeline"]')).to_contain_text(re.compile(r"\d,\d\d\s€"))
    check_page(page, "dashboard-sales-manager-fr")

    # The rep sees only their own dashboard, whatever the address asks for.
    rep_page = page_for()
    sign_in(rep_page, rep, r"/my-day")
    rep_page.goto("/dashboards/sales_manager")
    rep_page.wait_for_url(re.compile(r"/dashboards/sales_rep"))
    expect(rep_page.get_by_label("Dashboard", exact=True)).to_have_count(0)
    month = rep["session"].get(f"{admin_api.base}/api/v1/dashboards/sales_rep").json()
    mine = {kpi["key"]: kpi for kpi in month["kpis"]}
    expect(rep_page.locator('[data-kpi="new_deals"]')).to_have_text(str(mine["new_deals"]["value"]))
    expect(rep_page.get_by_role("link", name=re.compile(r"^Report:"))).to_have_count(0)
