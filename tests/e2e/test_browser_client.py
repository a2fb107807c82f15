"""The browser client in a real Chromium (Debian's, driven by Playwright) against the real
platform: a sales rep signs in, completes a task, searches a contact, opens its 360 and
moves a deal on the board by keyboard; a support agent works their queue and answers a
ticket. axe-core checks each page for serious and critical accessibility violations, and
each page's screenshot is kept under var/test-artifacts/browser/."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from browser_kit import PASSWORD, check_page, make_user, sign_in
from playwright.sync_api import expect

from crm_testing.processes import wait_until


@pytest.fixture(scope="module")
def customer(admin_api):
    suffix = uuid.uuid4().hex[:6]
    account = admin_api.post("/api/v1/accounts", json={
        "name": f"Vandelay {suffix}", "domain": f"vandelay-{suffix}.example"}).json()
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Art", "last_name": f"Vandelay{suffix}", "account_id": account["id"],
        "email": f"art@vandelay-{suffix}.example", "lifecycle_stage": "customer"})
    assert contact.status_code == 201, contact.text
    return {"account": account, "contact": contact.json(), "suffix": suffix}


def test_the_gateway_serves_the_client_without_shadowing_its_own_routes(platform, chromium):
    index = requests.get(f"{platform.url}/", timeout=10)
    assert index.status_code == 200 and "text/html" in index.headers["Content-Type"]
    assert index.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in index.headers["Content-Security-Policy"]
    assert "<script" in index.text and not re.search(r"<script(?![^>]*\bsrc=)", index.text)
    deep = requests.get(f"{platform.url}/contacts/some-id", timeout=10)
    assert deep.status_code == 200 and deep.text == index.text
    asset = re.search(r'src="(/assets/[^"]+\.js)"', index.text).group(1)
    cached = requests.get(platform.url + asset, timeout=10)
    assert cached.status_code == 200 and "immutable" in cached.headers["Cache-Control"]
    assert "max-age=31536000" in cached.headers["Cache-Control"]
    assert cached.headers["Content-Encoding"] == "gzip"  # the build's precompressed copy
    assert cached.headers["Content-Type"].startswith("text/javascript")
    plain = requests.get(platform.url + asset, headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in plain.headers and plain.content == cached.content
    manifest = requests.get(f"{platform.url}/manifest.webmanifest", timeout=10)
    assert manifest.status_code == 200 and manifest.json()["start_url"] == "/"
    unknown = requests.get(f"{platform.url}/api/v1/no-such-thing", timeout=10)
    assert unknown.status_code == 404
    assert unknown.headers["Content-Type"].startswith("application/problem+json")
    assert requests.get(f"{platform.url}/healthz", timeout=10).json() == {"status": "ok"}


def test_a_sales_rep_works_through_their_day(admin_api, customer, page_for):
    rep = make_user(admin_api, "sales_rep", "Rowena")
    contact = customer["contact"]
    deal = rep["session"].post(f"{admin_api.base}/api/v1/opportunities", json={
        "name": f"Latex import {customer['suffix']}", "amount": "4200.00", "currency": "EUR",
        "account_id": customer["account"]["id"], "contact_id": contact["id"]})
    assert deal.status_code == 201, deal.text
    deal = deal.json()
    overdue = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    task = rep["session"].post(f"{admin_api.base}/api/v1/activities", json={
        "type": "task", "subject": f"Call Art {customer['suffix']}", "due_at": overdue,
        "contact_id": contact["id"]}).json()
    ticket = admin_api.post("/api/v1/tickets", json={
        "subject": f"Shipment late {customer['suffix']}", "description": "Where is it?",
        "contact_id": contact["id"], "priority": "high"})
    assert ticket.status_code == 201, ticket.text

    page = page_for()
    # Sign-in: the API's field errors next to their fields, then the rep's own navigation.
    page.goto("/my-day")
    page.wait_for_url(re.compile(r"/sign-in\?next=%2Fmy-day"))
    page.get_by_label("Email").fill("not an email")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    email_error = page.locator("#email-error")
    email_error.wait_for()
    assert "email" in email_error.inner_text().lower()
    assert page.get_by_label("Email").get_attribute("aria-invalid") == "true"
    check_page(page, "sign-in")
    page.get_by_label("Email").fill(rep["email"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/my-day$"))
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(
        ["My day", "Contacts", "Accounts", "Pipeline", "Forecast", "Dashboards"])

    # My day: the overdue task first, done in one click.
    done_button = page.get_by_role("button", name=f"Mark “{task['subject']}” done")
    overdue_section = page.get_by_role("region", name=re.compile("^Overdue"))
    expect(overdue_section.get_by_text(task["subject"])).to_be_visible()
    expect(page.get_by_role("textbox", name="Calendar feed")).to_have_value(
        re.compile(r"^http.*\.ics\?token="))
    check_page(page, "my-day")
    done_button.click()
    done_button.wait_for(state="detached")
    wait_until(lambda: rep["session"].get(f"{admin_api.base}/api/v1/activities/{task['id']}")
               .json()["completed_at"] is not None, message="the task completed")

    # Contacts: search, then the 360 with the open deal and the ticket's SLA clock.
    nav.get_by_role("link", name="Contacts").click()
    page.get_by_role("searchbox", name="Search contacts").fill(f"Vandelay{customer['suffix']}")
    page.wait_for_url(re.compile(r"q=Vandelay"))
    rows = page.locator("table.contacts tbody tr")
    expect(rows).to_have_count(1)
    check_page(page, "contacts")
    page.get_by_role("link", name=f"Art Vandelay{customer['suffix']}").click()
    page.get_by_role("heading", name=f"Art Vandelay{customer['suffix']}", level=1).wait_for()
    deals = page.get_by_role("region", name="Open deals")
    expect(deals).to_contain_text(deal["name"])
    expect(deals).to_contain_text("€4,200.00")
    expect(page.get_by_role("region", name="Open tickets")).to_contain_text(
        re.compile(r"Shipment late .*(Due in|Breached) "))
    check_page(page, "contact-360")

    # The board: the deal moves one stage right by keyboard, and stays there after a reload.
    nav.get_by_role("link", name="Pipeline").click()
    card = page.locator(f'[data-card-id="{deal["id"]}"]')
    first_column = page.locator(f'[data-stage-id="{deal["stage_id"]}"]')
    first_column.locator(f'[data-card-id="{deal["id"]}"]').wait_for()
    next_stage = page.locator("[data-stage-id]").nth(1).get_attribute("data-stage-id")
    assert next_stage != deal["stage_id"]
    check_page(page, "pipeline")
    card.focus()
    card.press("Shift+ArrowRight")
    moved = page.locator(f'[data-stage-id="{next_stage}"] [data-card-id="{deal["id"]}"]')
    moved.wait_for()
    page.get_by_test_id("announcer").get_by_text(f"{deal['name']} moved to").wait_for()
    wait_until(lambda: rep["session"].get(f"{admin_api.base}/api/v1/opportunities/{deal['id']}")
               .json()["stage_id"] == next_stage, message="the move saved")
    page.reload()
    moved.wait_for()

    # French: the navigation and the money format follow the language switch.
    page.get_by_label("Language").select_option("fr")
    french_nav = page.get_by_role("navigation", name="Principale")
    expect(french_nav.get_by_role("link")).to_have_text(
        ["Ma journée", "Contacts", "Comptes", "Pipeline", "Prévisions", "Tableaux de bord"])
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(moved).to_contain_text(re.compile(r"4\s200,00\s€"))


def test_a_stale_move_is_rolled_back_with_a_message(admin_api, customer, page_for):
    rep = make_user(admin_api, "sales_rep", "Stella")
    deal = rep["session"].post(f"{admin_api.base}/api/v1/opportunities", json={
        "name": f"Stale deal {customer['suffix']}", "amount": "10.00", "currency": "EUR",
        "contact_id": customer["contact"]["id"]}).json()
    page = page_for()
    sign_in(page, rep, r"/my-day$")
    page.goto("/pipeline")
    card = page.locator(f'[data-card-id="{deal["id"]}"]')
    card.wait_for()
    home = card.locator("xpath=ancestor::section[@data-stage-id]").get_attribute("data-stage-id")
    # Someone else moves the deal after the board was read: the board's version is stale.
    stages = page.locator("[data-stage-id]").evaluate_all("els => els.map(e => e.dataset.stageId)")
    elsewhere = stages[2]
    moved = rep["session"].post(f"{admin_api.base}/api/v1/opportunities/{deal['id']}/move",
                                json={"stage_id": elsewhere})
    assert moved.status_code == 200, moved.text
    card.focus()
    card.press("Shift+ArrowRight")
    page.get_by_role("alert").get_by_text("was changed by someone else").wait_for()
    # The refusal rolled the card back, then the board reloaded with the other user's move.
    page.locator(f'[data-stage-id="{elsewhere}"] [data-card-id="{deal["id"]}"]').wait_for()
    expect(page.locator(f'[data-stage-id="{home}"] [data-card-id="{deal["id"]}"]')).to_have_count(0)
    served = rep["session"].get(f"{admin_api.base}/api/v1/opportunities/{deal['id']}").json()
    assert served["stage_id"] == elsewhere


def test_a_support_agent_answers_from_their_queue_at_phone_width(admin_api, customer,
                                                                  page_for):
    agent = make_user(admin_api, "support_agent", "Agnes")
    ticket = admin_api.post("/api/v1/tickets", json={
        "subject": f"Broken latex {customer['suffix']}", "description": "It tears.",
        "contact_id": customer["contact"]["id"], "priority": "urgent",
        "assignee_id": agent["id"]})
    assert ticket.status_code == 201, ticket.text
    ticket = ticket.json()
    article = admin_api.post("/api/v1/kb/articles", json={
        "title": f"Latex that tears {customer['suffix']}", "status": "published",
        "body": "Broken latex tears below 5 °C: store the rolls somewhere warm."})
    assert article.status_code == 201, article.text
    page = page_for(phone=True)
    sign_in(page, agent, r"/queue$")
    row = page.get_by_role("row").filter(has_text=ticket["number"])
    expect(row).to_contain_text(re.compile(r"(Due in|Breached) "))
    check_page(page, "queue")
    row.get_by_role("link", name=ticket["number"]).click()
    page.get_by_role("heading", name=re.compile(ticket["number"])).wait_for()
    suggested = page.get_by_role("region", name="Suggested articles")
    suggested.get_by_text(article.json()["title"], exact=True).click()  # opens it in place
    expect(suggested.get_by_text("store the rolls somewhere warm")).to_be_visible()
    suggested.get_by_role("button", name=re.compile("Use .Latex that tears")).click()
    expect(page.get_by_label("Reply to the customer")).to_have_value(
        re.compile("store the rolls somewhere warm"))
    page.get_by_label("Reply to the customer").fill("We are sending a new roll today.")
    page.get_by_role("button", name="Send reply").click()
    page.locator(".message.agent").get_by_text("We are sending a new roll today.").wait_for()
    page.get_by_label("Internal note").fill("Check the warehouse stock.")
    page.get_by_role("button", name="Add note").click()
    page.locator(".message.internal").get_by_text("Check the warehouse stock.").wait_for()
    check_page(page, "ticket")
    served = agent["session"].get(f"{admin_api.base}/api/v1/tickets/{ticket['id']}").json()
    assert [(m["public"], m["body"]) for m in served["messages"]
            if m["author_type"] == "agent"] == [
        (True, "We are sending a new roll today."), (False, "Check the warehouse stock.")]


def test_the_contact_form_shows_the_apis_field_errors_by_field(admin_api, page_for):
    rep = make_user(admin_api, "sales_rep", "Fiona")
    page = page_for()
    sign_in(page, rep, r"/my-day$")
    page.goto("/contacts")
    page.get_by_role("link", name="New contact").click()
    suffix = uuid.uuid4().hex[:6]
    page.get_by_label("First name").fill("Elaine")
    page.get_by_label("Last name").fill(f"Benes{suffix}")
    page.get_by_label("Country (ISO code)").fill("france")
    page.get_by_role("button", name="Save").click()
    country = page.get_by_label("Country (ISO code)")
    expect(country).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#country-error")).to_contain_text("two-letter")
    expect(page.get_by_label("First name")).not_to_have_attribute("aria-invalid", "true")
    check_page(page, "contact-form-errors")
    country.fill("FR")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=f"Elaine Benes{suffix}", level=1).wait_for()

    # An edit goes with the version read (If-Match) and shows on the 360 page.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Job title").fill("Editor")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=f"Elaine Benes{suffix}", level=1).wait_for()
    expect(page.get_by_role("region", name="Identity")).to_contain_text("Editor")
    found = rep["session"].get(f"{admin_api.base}/api/v1/contacts",
                               params={"q": f"Benes{suffix}"}).json()["items"]
    assert [(c["title"], c["country"], c["version"]) for c in found] == [("Editor", "FR", 2)]

    # A stale edit (412): the form shows what the other person changed and lets the user
    # choose; keeping theirs where the user changed nothing.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Job title").fill("Publisher")
    other = admin_api.patch(f"/api/v1/contacts/{found[0]['id']}",
                            json={"title": "Owner", "city": "New York"})
    assert other.status_code == 200, other.text
    page.get_by_role("button", name="Save").click()
    conflict = page.get_by_role("alert").filter(has_text="Someone else changed this contact")
    expect(conflict.get_by_role("row", name="Job title")).to_contain_text("OwnerPublisher")
    expect(conflict.get_by_role("row", name="City")).to_contain_text("New York")
    check_page(page, "contact-form-conflict")
    conflict.get_by_role("button", name="Save mine over theirs").click()
    page.get_by_role("heading", name=f"Elaine Benes{suffix}", level=1).wait_for()
    saved = rep["session"].get(f"{admin_api.base}/api/v1/contacts/{found[0]['id']}").json()
    assert (saved["title"], saved["city"], saved["version"]) == ("Publisher", "New York", 4)


def test_the_contacts_list_pages_by_cursor_as_it_scrolls(admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    for number in range(60):
        created = admin_api.post("/api/v1/contacts", json={
            "first_name": f"P{number:02d}", "last_name": f"Scroll{suffix}"})
        assert created.status_code == 201, created.text
    viewer = make_user(admin_api, "viewer", "Victor")
    page = page_for()
    sign_in(page, viewer, r"/contacts$")
    expect(page.get_by_role("link", name="New contact")).to_have_count(0)
    page.get_by_role("searchbox", name="Search contacts").fill(f"Scroll{suffix}")
    expect(page).to_have_url(re.compile(f"q=Scroll{suffix}"))
    rows = page.locator("table.contacts tbody tr")
    expect(rows.first).to_contain_text(f"Scroll{suffix}")
    expect(rows).to_have_count(50)  # the first page
    page.mouse.wheel(0, 10_000)  # the end of the list comes into view: the next page loads
    expect(rows).to_have_count(60)
    expect(page.get_by_text("End of the list")).to_be_visible()
    page.get_by_label("Sort by").select_option("last_name")
    expect(page).to_have_url(re.compile(r"sort=last_name"))
    expect(rows).to_have_count(50)


def test_a_360_part_that_did_not_answer_shows_as_missing(admin_api, customer, page_for):
    rep = make_user(admin_api, "sales_rep", "Mia")
    page = page_for()

    def support_down(route):
        # The gateway's own answer when the support service misses its deadline.
        response = route.fetch()
        view = response.json()
        view.update(tickets=None, sla=None, csat=None, complete=False, missing=[
            {"service": "support", "sections": ["tickets", "sla", "csat"],
             "reason": "timeout"}])
        route.fulfill(response=response, json=view)

    page.route("**/api/v1/contacts/*/360", support_down)
    sign_in(page, rep, r"/my-day$")
    page.goto(f"/contacts/{customer['contact']['id']}")
    tickets = page.get_by_role("region", name="Open tickets")
    expect(tickets).to_contain_text("Not available right now")
    expect(tickets).to_contain_text("support did not answer")
    expect(page.get_by_role("region", name="Identity")).to_contain_text(
        customer["contact"]["email"])
    check_page(page, "contact-360-partial")


def test_a_deal_moves_by_drag_and_drop(admin_api, customer, page_for):
    rep = make_user(admin_api, "sales_rep", "Dora")
    deal = rep["session"].post(f"{admin_api.base}/api/v1/opportunities", json={
        "name": f"Dragged deal {customer['suffix']}", "amount": "99.00", "currency": "EUR",
        "contact_id": customer["contact"]["id"]}).json()
    admin_api.post("/api/v1/opportunities", json={
        "name": f"Someone else's deal {customer['suffix']}", "amount": "5.00", "currency": "EUR"})
    page = page_for()
    sign_in(page, rep, r"/my-day$")
    page.goto("/pipeline")
    card = page.locator(f'[data-card-id="{deal["id"]}"]')
    card.wait_for()
    page.get_by_text(f"Someone else's deal {customer['suffix']}").wait_for()
    page.get_by_label("Only my deals").check()
    expect(page.locator("[data-card-id]")).to_have_count(1)
    stages = page.locator("[data-stage-id]").evaluate_all("els => els.map(e => e.dataset.stageId)")
    target = page.locator(f'[data-stage-id="{stages[2]}"]')
    start, end = card.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 20, start["y"] + 10)
    page.mouse.down()
    page.mouse.move(start["x"] + 40, start["y"] + 20, steps=4)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 40, steps=12)
    page.mouse.up()
    target.locator(f'[data-card-id="{deal["id"]}"]').wait_for()
    expect(target.get_by_test_id("count")).to_have_text("1 deal")
    wait_until(lambda: rep["session"].get(f"{admin_api.base}/api/v1/opportunities/{deal['id']}")
               .json()["stage_id"] == stages[2], message="the dragged move saved")


def test_an_expired_session_returns_to_sign_in_then_where_the_user_was(admin_api, page_for):
    rep = make_user(admin_api, "sales_rep", "Erin")
    page = page_for()
    sign_in(page, rep, r"/my-day$")
    # Every request of the page has answered before the session ends.
    expect(page.get_by_role("textbox", name="Calendar feed")).to_have_value(re.compile("^http"))
    page.context.clear_cookies()  # the session ends (expired, or signed out elsewhere)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Pipeline").click()
    page.wait_for_url(re.compile(r"/sign-in\?next=%2Fpipeline"))
    expect(page.get_by_text("Your session has expired")).to_be_visible()
    page.get_by_label("Email").fill(rep["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/pipeline$"))
    page.get_by_role("heading", name="Pipeline", level=1).wait_for()


def test_a_failed_request_shows_a_message_and_a_retry(admin_api, page_for):
    rep = make_user(admin_api, "sales_rep", "Ray")
    page = page_for()
    sign_in(page, rep, r"/my-day$")
    outage = {"status": 503, "content_type": "application/problem+json",
              "body": '{"title": "Service unavailable", "status": 503, '
                      '"detail": "sales did not answer in time"}'}
    page.route("**/api/v1/activities/my-day*", lambda route: route.fulfill(**outage))
    page.reload()
    alert = page.get_by_role("alert").filter(has_text="sales did not answer in time")
    expect(alert).to_be_visible(timeout=20_000)  # after the client's own two retries
    page.unroute("**/api/v1/activities/my-day*")
    alert.get_by_role("button", name="Retry").click()
    page.get_by_role("heading", name="My day", level=1).wait_for()
    expect(page.get_by_text("Nothing left for today.")).to_be_visible()
