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

import requests
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

    def figures(period: str, owner: str = "") -> dict:
        answer = manager["session"].get(
            f"{admin_api.base}/api/v1/dashboards/sales_manager?period={period}",
            params={"owner_id": owner} if owner else None)
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
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    exported = {row["key"]: row for row in rows}
    assert exported["new_deals"]["value"] == str(quarter["new_deals"]["value"])
    assert download.value.suggested_filename.startswith("dashboard-sales_manager-")
    report_link = page.get_by_role("link", name="Report: Pipeline")
    expect(report_link).to_have_attribute(
        "href", "/api/v1/reports/pipeline?period=quarter&format=csv")

    # One rep's figures, and their CSV.
    page.get_by_label("Whose figures").select_option(rep["id"])
    page.wait_for_url(re.compile(f"owner={rep['id']}"))
    ruben = figures("quarter", rep["id"])
    expect(new_deals).to_have_text(str(ruben["new_deals"]["value"]))
    assert ruben["new_deals"]["value"] == 2
    expect(page.get_by_role("link", name="These figures")).to_have_attribute(
        "href", re.compile(f"owner_id={rep['id']}"))

    # In French, the same figures in the French format.
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tableaux de bord : Équipe commerciale")
    expect(page.locator('[data-kpi="new_pipeline"]')).to_contain_text(re.compile(r"\d,\d\d\s€"))
    check_page(page, "dashboard-sales-manager-fr")

    # The rep, on a phone, sees only their own dashboard, whatever the address asks for.
    rep_page = page_for(phone=True)
    sign_in(rep_page, rep, r"/my-day")
    rep_page.goto("/dashboards/sales_manager")
    rep_page.wait_for_url(re.compile(r"/dashboards/sales_rep"))
    expect(rep_page.get_by_label("Dashboard", exact=True)).to_have_count(0)
    month = rep["session"].get(f"{admin_api.base}/api/v1/dashboards/sales_rep").json()
    mine = {kpi["key"]: kpi for kpi in month["kpis"]}
    expect(rep_page.locator('[data-kpi="new_deals"]')).to_have_text(str(mine["new_deals"]["value"]))
    expect(rep_page.get_by_role("link", name=re.compile(r"^Report:"))).to_have_count(0)
    # At a phone's width the figures stack and nothing overflows the screen.
    assert rep_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_page(rep_page, "dashboard-sales-rep-phone")


def test_a_marketer_builds_a_segment_writes_a_template_and_sends_a_campaign(admin_api, page_for):
    marketer = make_user(admin_api, "marketing", "Mireille")
    api, base = marketer["session"], admin_api.base
    suffix = uuid.uuid4().hex[:6]
    domain = f"seg{suffix}.example"
    people = {}
    for name, consent in (("ann", "granted"), ("bob", "denied"), ("cat", None)):
        created = api.post(f"{base}/api/v1/contacts", json={
            "first_name": f"{name.title()}{suffix}", "last_name": "Lead",
            "email": f"{name}@{domain}", "lifecycle_stage": "lead"})
        assert created.status_code == 201, created.text
        people[name] = created.json()["id"]
        if consent:
            recorded = api.post(f"{base}/api/v1/contacts/{people[name]}/consents", json={
                "channel": "email", "status": consent, "source": "e2e"})
            assert recorded.status_code == 201, recorded.text
    rules = {"match": "all", "conditions": [
        {"field": "lifecycle_stage", "op": "eq", "value": "lead"},
        {"field": "email", "op": "ends_with", "value": f"@{domain}"}]}
    wait_until(lambda: api.post(f"{base}/api/v1/segments/count", json={"rules": rules})
               .json().get("count") == 3, timeout=30,
               message="the contacts in marketing's projection")

    page = page_for()
    sign_in(page, marketer, r"/contacts")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Marketing").click()
    page.wait_for_url(re.compile(r"/marketing/segments$"))
    page.get_by_role("link", name="New segment").click()
    page.get_by_label("Name", exact=True).fill(f"Leads at {domain}")
    first = page.get_by_role("listitem", name="Condition 1")
    expect(first.get_by_label("Field")).to_have_value("lifecycle_stage")
    first.get_by_label("Value").fill("lead")
    page.get_by_role("button", name="Add a condition").click()
    second = page.get_by_role("listitem", name="Condition 2")
    second.get_by_label("Field").select_option("email")
    second.get_by_label("Comparison").select_option("ends_with")
    second.get_by_label("Value").fill(f"@{domain}")
    expect(page.get_by_test_id("live-count")).to_have_text("3 contacts match now")
    # A narrower rule in a nested group: the count follows as the rules change.
    page.get_by_role("button", name="Add a group").click()
    nested = page.get_by_role("group", name="Group of conditions")
    nested.get_by_label("Field").select_option("consent.email")
    expect(nested.get_by_label("Value")).to_have_value("granted")
    expect(page.get_by_test_id("live-count")).to_have_text("1 contact matches now")
    nested.get_by_role("button", name="Remove this group").click()
    expect(page.get_by_test_id("live-count")).to_have_text("3 contacts match now")
    # A value the marketing service refuses: its message shows beside that condition.
    second.get_by_label("Value").fill("@" + "x" * 501)
    expect(second.locator(".field-error")).to_have_text("at most 500 characters")
    expect(second.get_by_label("Value")).to_have_attribute("aria-invalid", "true")
    second.get_by_label("Value").fill(f"@{domain}")
    expect(page.get_by_test_id("live-count")).to_have_text("3 contacts match now")
    expect(second.locator(".field-error")).to_have_count(0)
    check_page(page, "segment-builder")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/marketing/segments/[0-9a-f-]{36}$"))
    segment_id = page.url.rsplit("/", 1)[1]
    saved = api.get(f"{base}/api/v1/segments/{segment_id}").json()
    assert saved["rules"] == rules and saved["member_count"] == 3
    members = page.get_by_role("region", name="Members", exact=True)
    expect(members.get_by_role("link")).to_have_count(3)
    expect(members).to_contain_text(f"Ann{suffix} Lead")
    expect(members.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)

    # A static segment: a list the marketer adds contacts to and removes them from.
    page.get_by_role("navigation", name="Marketing").get_by_role("link", name="Segments").click()
    page.get_by_role("link", name="New segment").click()
    page.get_by_label("Name", exact=True).fill(f"VIP {suffix}")
    page.get_by_label("Kind").select_option("static")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/marketing/segments/[0-9a-f-]{36}$"))
    static_id = page.url.rsplit("/", 1)[1]
    members = page.get_by_role("region", name="Members", exact=True)
    members.get_by_label("Find a contact by name or email").fill(f"Bob{suffix}")
    choice = members.get_by_label("Contact to add")
    expect(choice.locator("option")).to_have_count(2)
    choice.select_option(people["bob"])
    members.get_by_role("button", name="Add to the segment").click()
    expect(members.get_by_role("link", name=f"Bob{suffix} Lead")).to_be_visible()
    listed = api.get(f"{base}/api/v1/segments/{static_id}/members").json()["items"]
    assert [member["contact_id"] for member in listed] == [people["bob"]]
    check_page(page, "segment-static")
    members.get_by_role("button", name=f"Remove Bob{suffix} Lead").click()
    expect(members).to_contain_text("No member yet.")
    assert api.get(f"{base}/api/v1/segments/{static_id}/members").json()["items"] == []
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url(re.compile(r"/marketing/segments$"))
    expect(page.get_by_role("link", name=f"VIP {suffix}")).to_have_count(0)
    assert api.get(f"{base}/api/v1/segments/{static_id}").status_code == 404

    # A template whose error names its line, and takes the user there.
    page.get_by_role("navigation", name="Marketing").get_by_role("link", name="Templates").click()
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Name", exact=True).fill(f"Launch {suffix}")
    page.get_by_label("Subject").fill("News for ")
    # The caret goes back to the subject within the click, as a real click leaves the focus
    # on the button. Done a frame later, it once pulled the body typed next into the subject.
    insert = page.get_by_role("button", name="Insert contact.first_name")
    assert insert.evaluate(
        "button => { button.focus(); button.click(); return document.activeElement.id; }"
    ) == "template-subject"
    expect(page.get_by_label("Subject")).to_have_value("News for {{ contact.first_name }}")
    body = page.get_by_label("Plain-text body")
    body.fill("Hello\n{{ contact.shoe_size }}\nBye")
    page.get_by_label("HTML body (optional)").fill("<p>Hello {{ contact.first_name }}</p>")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#template-text_body-error")
    expect(error).to_contain_text("line 2:")
    expect(body).to_have_attribute("aria-invalid", "true")
    check_page(page, "template-error")
    error.get_by_role("button", name="Go to line 2").click()
    expect(body).to_be_focused()
    selected = body.evaluate("e => e.value.slice(e.selectionStart, e.selectionEnd)")
    assert selected == "{{ contact.shoe_size }}"
    body.fill("Hello {{ contact.first_name }},\nour news.\nUnsubscribe: {{ unsubscribe_url }}")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/marketing/templates/[0-9a-f-]{36}$"))
    template_id = page.url.rsplit("/", 1)[1]
    assert api.get(f"{base}/api/v1/templates/{template_id}").json()["text_body"].startswith(
        "Hello {{ contact.first_name }},")
    page.get_by_label("Search a contact by name or email").fill(f"Ann{suffix}")
    contact_choice = page.get_by_label("Contact", exact=True)
    expect(contact_choice.locator("option")).to_have_count(2)
    contact_choice.select_option(people["ann"])
    page.get_by_role("button", name="Show the preview").click()
    expect(page.get_by_test_id("preview-subject")).to_have_text(f"News for Ann{suffix}")
    expect(page.get_by_test_id("preview-text")).to_contain_text(f"Hello Ann{suffix},")
    html = page.frame_locator("iframe.preview-frame")
    expect(html.locator("p")).to_have_text(f"Hello Ann{suffix}")
    check_page(page, "template-preview")

    # The campaign: a draft, sent, and its metrics as they come in.
    page.get_by_role("navigation", name="Marketing").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name", exact=True).fill(f"Launch {suffix}")
    page.get_by_label("Segment").select_option(segment_id)
    page.get_by_label("Template").select_option(template_id)
    page.get_by_label("Cost").fill("30.00")
    page.get_by_label("Budget (optional)").fill("abc")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator("#campaign-budget-error")).to_be_visible()
    page.get_by_label("Budget (optional)").fill("100.00")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(re.compile(r"/marketing/campaigns/[0-9a-f-]{36}$"))
    campaign_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("campaign-status")).to_have_text("Draft")
    expect(page.locator('[data-metric="cost"]')).to_have_text("€30.00")
    check_page(page, "campaign-draft")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text(re.compile(r"Sending|Sent"))
    metrics = f"{base}/api/v1/campaigns/{campaign_id}/metrics"
    wait_until(lambda: api.get(metrics).json()["sent"] == 1, timeout=30,
               message="the campaign mail sent")
    expect(page.locator('[data-metric="sent"]')).to_have_text("1", timeout=15_000)
    expect(page.locator('[data-metric="skipped"]')).to_have_text("2")
    expect(page.locator('[data-metric="cost_per_mail"]')).to_have_text("€30.00")
    assert api.get(f"{base}/api/v1/campaigns/{campaign_id}").json()["skipped_without_consent"] == 2
    check_page(page, "campaign-metrics")
    # The invoice came: the cost changes after the sending, and the figures follow.
    page.get_by_role("button", name="Change the name, cost or budget").click()
    page.get_by_label("Cost", exact=True).fill("-5")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#edit-cost-error")).to_be_visible()
    page.get_by_label("Cost", exact=True).fill("60.00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator('[data-metric="cost_per_mail"]')).to_have_text("€60.00")
    assert api.get(f"{base}/api/v1/campaigns/{campaign_id}").json()["cost"] == "60.00"
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_test_id("campaign-status")).to_have_text(re.compile(r"Envoyée|En cours"))
    expect(page.locator('[data-metric="cost_per_mail"]')).to_have_text(re.compile(r"^60,00\s€$"))
    check_page(page, "campaign-metrics-fr")
    # The list of campaigns, filtered by status (in French now).
    wait_until(lambda: api.get(f"{base}/api/v1/campaigns/{campaign_id}").json()["status"] == "sent",
               timeout=30, message="the campaign sent")
    page.get_by_role("navigation", name="Marketing").get_by_role("link", name="Campagnes").click()
    page.get_by_label("Statut").select_option("sent")
    page.wait_for_url(re.compile(r"status=sent"))
    expect(page.get_by_role("link", name=f"Launch {suffix}")).to_be_visible()
    page.get_by_label("Statut").select_option("draft")
    expect(page.get_by_role("link", name=f"Launch {suffix}")).to_have_count(0)
    check_page(page, "campaigns-fr")


def test_an_administrator_manages_users_custom_fields_and_api_keys(admin_api, page_for):
    admin = make_user(admin_api, "admin", "Adeline")
    suffix = uuid.uuid4().hex[:6]
    page = page_for()
    sign_in(page, admin, r"/my-day")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.wait_for_url(re.compile(r"/admin/users$"))

    # A new user: the API's field errors by their fields, then the user in the list.
    email = f"sam-{suffix}@browser.test"
    form = page.get_by_role("form", name="New user")
    form.get_by_label("Name").fill(f"Sam {suffix}")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill("short")
    form.get_by_label("Role").select_option("marketing")
    form.get_by_role("button", name="Create the user").click()
    expect(page.locator("#user-password-error")).to_contain_text("at least 10 characters")
    expect(form.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Password").fill("a-long-enough-password")
    form.get_by_role("button", name="Create the user").click()
    expect(page.get_by_test_id("announcer")).to_contain_text(f"Sam {suffix} can now sign in.")
    expect(form.get_by_label("Name")).to_have_value("")

    def user() -> dict:
        users = admin["session"].get(f"{admin_api.base}/api/v1/users?limit=500").json()["items"]
        return next(item for item in users if item["email"] == email)

    assert user()["role"] == "marketing" and user()["active"] is True
    # The list pages by email: more pages load until Sam's row is there.
    more = page.get_by_role("button", name="Show more users")
    for _ in range(50):
        if page.get_by_label(f"Role of Sam {suffix}").count():
            break
        expect(more).to_be_enabled()
        more.click()
    # A new password set by the administrator: too short is named, then it works.
    page.get_by_role("button", name=f"Set a new password for Sam {suffix}").click()
    page.get_by_label(f"New password for Sam {suffix}").fill("tiny")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#password-{user()['id']}-error")).to_be_visible()
    page.get_by_label(f"New password for Sam {suffix}").fill("another-password-123")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("announcer")).to_contain_text(f"Sam {suffix} has a new password.")
    token = requests.post(f"{admin_api.base}/api/v1/auth/token", timeout=10,
                          json={"email": email, "password": "another-password-123"})
    assert token.status_code == 200, token.text
    page.get_by_label(f"Role of Sam {suffix}").select_option("support_agent")
    expect(page.get_by_test_id("announcer")).to_contain_text(f"Sam {suffix} saved.")
    assert user()["role"] == "support_agent"
    page.get_by_label(f"Sam {suffix} may sign in").click()
    expect(page.get_by_label(f"Sam {suffix} may sign in")).not_to_be_checked()
    wait_until(lambda: user()["active"] is False, message="the user disabled")
    # A stale version: someone else changed the user meanwhile; the list reloads.
    admin["session"].patch(f"{admin_api.base}/api/v1/users/{user()['id']}",
                           json={"name": f"Samuel {suffix}"})
    page.get_by_label(f"Role of Sam {suffix}").select_option("viewer")
    expect(page.get_by_test_id("announcer")).to_contain_text("was changed by someone else")
    expect(page.get_by_label(f"Role of Samuel {suffix}")).to_have_value("support_agent")
    assert user()["role"] == "support_agent"
    check_page(page, "admin-users")

    # A custom field: its key made from its label; a bad key is named by the API.
    tabs = page.get_by_role("navigation", name="Administration")
    tabs.get_by_role("link", name="Custom fields").click()
    page.wait_for_url(re.compile(r"/admin/custom-fields$"))
    fields_form = page.get_by_role("form", name="New custom field")
    fields_form.get_by_label("On").select_option("account")
    fields_form.get_by_label("Label").fill(f"Seats {suffix}")
    expect(fields_form.get_by_label("Key")).to_have_value(f"seats_{suffix}")
    fields_form.get_by_label("Type").select_option("enum")
    fields_form.get_by_label("Choices (comma separated)").fill("small, large")
    fields_form.get_by_label("Key").fill("Bad Key")
    fields_form.get_by_role("button", name="Add the field").click()
    expect(page.locator("#field-key-error")).to_contain_text("lower-case letters")
    fields_form.get_by_label("Key").fill(f"seats_{suffix}")
    fields_form.get_by_role("button", name="Add the field").click()
    accounts = page.get_by_role("region", name="Accounts")
    expect(accounts.get_by_role("row", name=re.compile(f"Seats {suffix}"))).to_contain_text(
        "small, large")
    account_fields = f"{admin_api.base}/api/v1/custom-fields?object=account"
    defined = admin["session"].get(account_fields).json()["items"]
    field = next(item for item in defined if item["key"] == f"seats_{suffix}")
    assert (field["type"], field["options"], field["label"]) == (
        "enum", ["small", "large"], f"Seats {suffix}")
    check_page(page, "admin-custom-fields")
    page.once("dialog", lambda dialog: dialog.accept())
    accounts.get_by_role("button", name=f"Delete “Seats {suffix}”").click()
    expect(accounts.get_by_role("row", name=re.compile(f"Seats {suffix}"))).to_have_count(0)
    defined = admin["session"].get(account_fields).json()["items"]
    assert f"seats_{suffix}" not in [item["key"] for item in defined]

    # An API key: its secret shown once, working, then revoked.
    tabs.get_by_role("link", name="API keys").click()
    page.wait_for_url(re.compile(r"/admin/api-keys$"))
    keys_form = page.get_by_role("form", name="New API key")
    keys_form.get_by_label("Name").fill(f"Web shop {suffix}")
    keys_form.get_by_role("button", name="Create the key").click()
    expect(page.locator("#key-scopes-error")).to_be_visible()
    keys_form.get_by_label("contacts:read", exact=True).check()
    keys_form.get_by_role("button", name="Create the key").click()
    secret = page.get_by_test_id("api-key-secret")
    expect(secret).not_to_have_value("")
    key = secret.input_value()
    check_page(page, "admin-api-key-secret")
    contacts = f"{admin_api.base}/api/v1/contacts?limit=1"
    listed = requests.get(contacts, headers={"X-API-Key": key}, timeout=10)
    assert listed.status_code == 200, listed.text
    page.get_by_role("button", name="I have kept it").click()
    expect(secret).to_have_count(0)
    row = page.get_by_role("row", name=re.compile(f"Web shop {suffix}"))
    expect(row).to_contain_text("contacts:read")
    assert key not in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=f"Revoke “Web shop {suffix}”").click()
    expect(row).to_contain_text("Revoked")
    refused = requests.get(contacts, headers={"X-API-Key": key}, timeout=10)
    assert refused.status_code == 401
    check_page(page, "admin-api-keys")

    # In French, the same screen in French.
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clés d’API")
    check_page(page, "admin-api-keys-fr")
