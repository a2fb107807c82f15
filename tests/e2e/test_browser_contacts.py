"""The contacts and accounts screens in a real Chromium against the real platform: saved
views of the contacts list, the list scrolled and walked by keyboard over hundreds of
rows with only a window of them in the page, the duplicates panel and a field-by-field
merge, the import wizard, the export, the accounts list and the account 360 page. Each
task is done through the UI and its result checked through the API."""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

import pytest
from browser_kit import check_page, make_user, sign_in
from playwright.sync_api import expect


def _import(api, content: str) -> dict:
    response = api.post("/api/v1/contacts/import", files={"file": ("seed.csv", content.encode())})
    assert response.status_code == 202, response.text
    job = api.wait_for_import(response.json()["id"])
    assert job["status"] == "done" and job["failed"] == 0, job
    return job


@pytest.fixture(scope="module")
def crowd(admin_api):
    """400 contacts of one family name, a quarter of them in Paris."""
    suffix = uuid.uuid4().hex[:6]
    lines = ["first_name,last_name,email,city"] + [
        f"P{number:03d},Crowd{suffix},p{number}.{suffix}@crowd.example,"
        f"{'Paris' if number % 4 == 0 else 'Lyon'}" for number in range(400)]
    _import(admin_api, "\n".join(lines) + "\n")
    return suffix


def test_a_saved_view_keeps_the_search_filters_and_sort(admin_api, crowd, page_for):
    manager = make_user(admin_api, "sales_manager", "Sally")
    api, base = manager["session"], admin_api.base
    page = page_for()
    sign_in(page, manager, r"/my-day$")
    page.goto("/contacts")
    page.get_by_role("searchbox", name="Search contacts").fill(f"Crowd{crowd}")
    page.get_by_label("City").fill("Paris")
    page.get_by_label("Sort by").select_option("-last_name")
    expect(page).to_have_url(re.compile(r"city=Paris"))
    rows = page.locator("table.contacts tbody tr:not(.spacer)")
    expect(rows.first).to_contain_text(f"Crowd{crowd}")
    expect(page.get_by_text("50 contacts shown")).to_be_visible()
    # The export is what the list shows: every page of it.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    exported = list(csv.DictReader(io.StringIO(
        Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(exported) == 100 and {row["city"] for row in exported} == {"Paris"}
    assert [row["last_name"] for row in exported] == [f"Crowd{crowd}"] * 100

    page.get_by_role("button", name="Save view").click()
    page.get_by_label("Name of the view").fill("Paris crowd")
    check_page(page, "contacts-save-view")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_test_id("announcer").get_by_text("View “Paris crowd” saved.").wait_for()
    views = api.get(f"{base}/api/v1/saved-views", params={"resource": "contacts"}).json()["items"]
    assert [(v["name"], v["query"]) for v in views] == [
        ("Paris crowd", {"q": f"Crowd{crowd}", "city": "Paris", "sort": "-last_name"})]
    expect(page.get_by_label("Saved view")).to_have_value(views[0]["id"])

    # The same name again is refused next to the name.
    page.get_by_role("button", name="Save view").click()
    page.get_by_label("Name of the view").fill("Paris crowd")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#contacts-view-name-error")).to_have_text("already taken")
    page.get_by_role("button", name="Cancel").click()

    # Cleared, then applied again from the list of views.
    page.get_by_role("button", name="Clear filters").click()
    expect(page).not_to_have_url(re.compile(r"city="))
    expect(page.get_by_label("Saved view")).to_have_value("")
    page.get_by_label("Saved view").select_option(label="Paris crowd")
    expect(page).to_have_url(re.compile(r"city=Paris"))
    expect(page.get_by_label("City")).to_have_value("Paris")
    expect(page.get_by_role("searchbox", name="Search contacts")).to_have_value(f"Crowd{crowd}")
    expect(rows.first).to_contain_text(f"Crowd{crowd}")
    for name in rows.locator("td:nth-child(1)").all_inner_texts()[:20]:
        assert int(name[1:4]) % 4 == 0, name  # every fourth lives in Paris

    # Renamed: the same query under another name.
    page.get_by_role("button", name="Rename view “Paris crowd”").click()
    expect(page.get_by_label("Name of the view")).to_have_value("Paris crowd")
    page.get_by_label("Name of the view").fill("Paris crowd, by name")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_test_id("announcer").get_by_text("View renamed “Paris crowd, by name”.").wait_for()
    views = api.get(f"{base}/api/v1/saved-views", params={"resource": "contacts"}).json()["items"]
    assert [(v["name"], v["query"]) for v in views] == [
        ("Paris crowd, by name", {"q": f"Crowd{crowd}", "city": "Paris", "sort": "-last_name"})]

    page.get_by_role("button", name="Delete view “Paris crowd, by name”").click()
    page.get_by_test_id("announcer").get_by_text("View “Paris crowd, by name” deleted.").wait_for()
    assert api.get(f"{base}/api/v1/saved-views",
                   params={"resource": "contacts"}).json()["items"] == []


def test_hundreds_of_rows_scroll_and_walk_by_keyboard_with_a_window_in_the_page(
        admin_api, crowd, page_for):
    viewer = make_user(admin_api, "viewer", "Vera")
    page = page_for()
    sign_in(page, viewer, r"/contacts$")
    expect(page.get_by_role("link", name="Export CSV")).to_have_count(0)
    page.get_by_role("searchbox", name="Search contacts").fill(f"Crowd{crowd}")
    page.get_by_label("Sort by").select_option("last_name")
    rows = page.locator("table.contacts tbody tr:not(.spacer)")
    expect(page.get_by_text("50 contacts shown")).to_be_visible()
    # Scrolling down loads page after page by cursor; the page keeps a window of rows.
    for _ in range(40):
        if page.get_by_text("End of the list").is_visible():
            break
        page.mouse.wheel(0, 4_000)
        page.wait_for_timeout(150)
    expect(page.get_by_text("400 contacts shown")).to_be_visible()
    expect(page.get_by_text("End of the list")).to_be_visible()
    assert 0 < rows.count() <= 150
    expect(page.locator("table.contacts")).to_have_attribute("aria-rowcount", "401")
    check_page(page, "contacts-scrolled")

    # Keyboard: Home to the first row, down, End to the last, Enter opens the contact.
    page.keyboard.press("Control+Home")
    rows.first.get_by_role("link").focus()
    page.keyboard.press("Home")
    first = page.locator('tr[data-index="0"] a')
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator('tr[data-index="2"] a')).to_be_focused()
    page.keyboard.press("End")
    last = page.locator('tr[data-index="399"] a')
    expect(last).to_be_focused()
    assert rows.count() <= 150
    name = last.inner_text()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=name, level=1).wait_for()

    # At a phone's width the list keeps the name and email; the rest gives way.
    phone = page_for(phone=True)
    sign_in(phone, viewer, r"/contacts$")
    phone.get_by_role("searchbox", name="Search contacts").fill(f"Crowd{crowd}")
    phone_rows = phone.locator("table.contacts tbody tr:not(.spacer)")
    expect(phone_rows.first).to_contain_text(f"Crowd{crowd}")
    expect(phone_rows.first.locator("td.wide").first).to_be_hidden()
    check_page(phone, "contacts-phone")


def test_a_duplicate_is_merged_field_by_field_after_a_stale_attempt(admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    phone = f"+3361{int(suffix, 16) % 10_000_000:07d}"
    zoe = admin_api.post("/api/v1/contacts", json={
        "first_name": "Zoë", "last_name": f"Maréchal{suffix}",
        "email": f"zoe.marechal@{suffix}.example",
        "phone": phone, "title": "CTO", "tags": ["fr"]}).json()
    twin = admin_api.post("/api/v1/contacts", json={
        "first_name": "Zoe", "last_name": f"Marechal{suffix}", "email": f"zoe@{suffix}.example",
        "phone": phone, "title": "CTO", "city": "Paris", "tags": ["vip"]}).json()
    manager = make_user(admin_api, "sales_manager", "Mona")
    page = page_for()
    sign_in(page, manager, r"/my-day$")
    # The report across every contact holds the pair, with a way to review it.
    page.goto("/contacts")
    page.get_by_role("link", name="Duplicates", exact=True).click()
    page.get_by_role("heading", name="Probable duplicates", level=1).wait_for()
    group = page.locator(".group").filter(has_text=f"Zoe Marechal{suffix}")
    expect(group).to_contain_text(f"Zoë Maréchal{suffix}")
    expect(group.get_by_role("link", name=re.compile("^Review and merge"))).to_be_visible()
    check_page(page, "contact-duplicates-report")
    page.goto(f"/contacts/{zoe['id']}")
    page.get_by_role("link", name="Duplicates (1)").click()
    page.get_by_role("heading", name=f"Duplicates of Zoë Maréchal{suffix}").wait_for()
    candidate = page.locator(".candidate").filter(has_text=f"Zoe Marechal{suffix}")
    expect(candidate).to_contain_text("Same phone")
    check_page(page, "contact-duplicates")
    candidate.get_by_role("button", name=re.compile("^Compare and merge")).click()

    merge = page.get_by_role("form", name=re.compile("^Merge Zoe"))
    email = merge.get_by_role("group", name="Email")
    expect(email.get_by_role("radio", name=re.compile("^This contact"))).to_be_checked()
    email.get_by_role("radio", name=re.compile("^The duplicate")).check()
    # Empty here, so the duplicate's city is kept unless the user says otherwise.
    expect(merge.get_by_role("group", name="City").get_by_role("radio", name=re.compile(
        "^The duplicate"))).to_be_checked()
    check_page(page, "contact-merge")

    # Someone edits the contact meanwhile: the merge is refused (412) and shown again.
    changed = admin_api.patch(f"/api/v1/contacts/{zoe['id']}", json={"title": "CEO"})
    assert changed.status_code == 200, changed.text
    merge.get_by_role("button", name="Merge into this contact").click()
    expect(merge.get_by_role("alert")).to_contain_text("changed by someone else")
    title = merge.get_by_role("group", name="Job title")
    expect(title).to_contain_text("CEO")
    expect(email.get_by_role("radio", name=re.compile("^The duplicate"))).to_be_checked()
    merge.get_by_role("button", name="Merge into this contact").click()
    # exact: the duplicates page's own heading ("Duplicates of ...") holds that name too
    page.get_by_role("heading", name=f"Zoë Maréchal{suffix}", level=1, exact=True).wait_for()

    merged = manager["session"].get(f"{admin_api.base}/api/v1/contacts/{zoe['id']}").json()
    assert (merged["email"], merged["title"], merged["city"]) == (
        f"zoe@{suffix}.example", "CEO", "Paris")
    assert sorted(merged["tags"]) == ["fr", "vip"]
    assert manager["session"].get(
        f"{admin_api.base}/api/v1/contacts/{twin['id']}").status_code in (404, 410)


def test_the_import_wizard_maps_checks_imports_and_reports_errors(admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    known = admin_api.post("/api/v1/contacts", json={
        "first_name": "Marie", "last_name": f"Curie{suffix}", "email": f"marie@{suffix}.example",
        "title": "Intern"}).json()
    content = "\n".join([
        "Prénom;Nom;Courriel;Société;Fonction;Notes",
        f"Emmy;Noether{suffix};emmy@{suffix}.example;Engines {suffix};Countess;met at a fair",
        f"Alan;Turing{suffix};alan@{suffix}.example;Engines {suffix};Inventor;",
        f"Marie;Curie{suffix};marie@{suffix}.example;Radium {suffix};Director;known already",
        f"Bad;Email{suffix};not-an-email;;;",
        f"Grace;Hopper{suffix};grace@{suffix}.example;;Admiral;",
    ]) + "\n"
    rep = make_user(admin_api, "sales_rep", "Ivan")
    page = page_for()
    sign_in(page, rep, r"/my-day$")
    page.goto("/contacts")
    page.get_by_role("link", name="Import").click()
    page.get_by_role("heading", name="Import contacts").wait_for()
    page.get_by_label("CSV or vCard file").set_input_files(files=[{
        "name": "people.csv", "mimeType": "text/csv", "buffer": content.encode()}])
    page.get_by_role("button", name="Next").click()

    # Columns: guessed from the headers, a field chosen twice is refused, a preview shows.
    expect(page.get_by_label("Prénom")).to_have_value("first_name")
    expect(page.get_by_label("Société")).to_have_value("account")
    expect(page.get_by_label("Notes")).to_have_value("")
    page.get_by_label("Notes").select_option("email")
    expect(page.get_by_text("Email is chosen for another column too.").first).to_be_visible()
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    page.get_by_label("Notes").select_option("")
    preview = page.get_by_role("table", name="Preview of the first 5 rows")
    expect(preview.get_by_role("columnheader")).to_have_text(
        ["First name", "Last name", "Email", "Company (account)", "Job title"])
    expect(preview.get_by_role("row").nth(1)).to_contain_text(f"EmmyNoether{suffix}")
    check_page(page, "contact-import-columns")
    page.get_by_role("button", name="Next").click()

    # Duplicates policy, then a dry run that writes nothing, then the import itself.
    page.get_by_label("Update the contact").check()
    check_page(page, "contact-import-options")
    page.get_by_role("button", name="Check without importing").click()
    expect(page.get_by_text("The check is finished")).to_be_visible(timeout=60_000)
    written = admin_api.get("/api/v1/contacts", params={"q": f"Noether{suffix}"}).json()
    assert written["items"] == []
    page.get_by_role("button", name="Import for real").click()
    expect(page.get_by_text("The import is finished.")).to_be_visible(timeout=60_000)
    counts = page.locator("dl.counts")
    expect(counts).to_contain_text(re.compile(r"Created\s*3\s*Updated\s*1\s*Skipped\s*0\s*Failed\s*1"))
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "5")
    expect(page.get_by_text("1 row could not be imported")).to_be_visible()
    expect(page.locator(".row-errors")).to_contain_text("Line 5: email")
    check_page(page, "contact-import-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the error report (CSV)").click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert report.splitlines()[0] == "line,field,message"
    assert report.splitlines()[1].startswith("5,email,")

    imported = rep["session"].get(f"{admin_api.base}/api/v1/contacts",
                                  params={"q": suffix, "limit": 50}).json()["items"]
    assert sorted(c["email"] for c in imported) == sorted(
        f"{name}@{suffix}.example" for name in ("emmy", "alan", "marie", "grace"))
    marie = rep["session"].get(f"{admin_api.base}/api/v1/contacts/{known['id']}").json()
    assert marie["title"] == "Director"
    accounts = rep["session"].get(f"{admin_api.base}/api/v1/accounts",
                                  params={"q": f"Engines {suffix}"}).json()["items"]
    assert [a["name"] for a in accounts] == [f"Engines {suffix}"]


def test_accounts_list_and_the_account_360_with_a_missing_part(admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    account = admin_api.post("/api/v1/accounts", json={
        "name": f"Kramerica {suffix}", "domain": f"kramerica-{suffix}.example", "tier": "gold",
        "industry": f"Oil {suffix}", "country": "US", "city": "New York"}).json()
    admin_api.post("/api/v1/accounts", json={"name": f"Kramerica Labs {suffix}", "tier": "vip"})
    person = admin_api.post("/api/v1/contacts", json={
        "first_name": "Cosmo", "last_name": f"Kramer{suffix}", "account_id": account["id"],
        "email": f"cosmo@kramerica-{suffix}.example", "title": "Founder"}).json()
    deal = admin_api.post("/api/v1/opportunities", json={
        "name": f"Oil bladders {suffix}", "amount": "12500.00", "currency": "EUR",
        "account_id": account["id"], "contact_id": person["id"]})
    assert deal.status_code == 201, deal.text
    ticket = admin_api.post("/api/v1/tickets", json={
        "subject": f"Bladder leak {suffix}", "description": "Oil everywhere.",
        "contact_id": person["id"], "priority": "urgent"})
    assert ticket.status_code == 201, ticket.text
    manager = make_user(admin_api, "sales_manager", "Kenny")
    page = page_for()
    sign_in(page, manager, r"/my-day$")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    page.get_by_role("heading", name="Accounts", level=1).wait_for()
    page.get_by_role("searchbox", name="Search accounts").fill(suffix)
    expect(page).to_have_url(re.compile(f"q={suffix}"))
    rows = page.locator("table.accounts tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Tier").select_option("gold")
    expect(page).to_have_url(re.compile(r"tier=gold"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Gold")
    check_page(page, "accounts")
    # A saved view of the accounts list, kept apart from the contacts' views.
    page.get_by_role("button", name="Save view").click()
    page.get_by_label("Name of the view").fill("Gold Kramerica")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_test_id("announcer").get_by_text("View “Gold Kramerica” saved.").wait_for()
    views = manager["session"].get(f"{admin_api.base}/api/v1/saved-views",
                                   params={"resource": "accounts"}).json()["items"]
    assert [(v["name"], v["query"]) for v in views] == [
        ("Gold Kramerica", {"q": suffix, "tier": "gold"})]

    rows.first.get_by_role("link", name=f"Kramerica {suffix}").click()
    page.get_by_role("heading", name=f"Kramerica {suffix}", level=1).wait_for()
    expect(page.get_by_role("region", name="Identity")).to_contain_text(f"Oil {suffix}")
    expect(page.get_by_role("region", name="1 contact")).to_contain_text(f"Cosmo Kramer{suffix}")
    deals = page.get_by_role("region", name="Open deals")
    expect(deals).to_contain_text(f"Oil bladders {suffix}")
    expect(deals).to_contain_text("€12,500.00")
    expect(page.get_by_role("region", name="Open tickets")).to_contain_text(
        re.compile(rf"Bladder leak {suffix}.*(Due in|Breached) "))
    expect(page.get_by_role("region", name="Key figures")).to_contain_text("Lifetime value")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(f"Oil bladders {suffix}")
    check_page(page, "account-360")

    # The account's people, in the contacts list.
    page.get_by_role("link", name="All its contacts").first.click()
    expect(page.get_by_text(f"Only the contacts of Kramerica {suffix}")).to_be_visible()
    expect(page.locator("table.contacts tbody tr:not(.spacer)")).to_have_count(1)

    # Support does not answer: its part shows as missing, the rest still shows.
    def support_down(route):
        response = route.fetch()
        view = response.json()
        view.update(tickets=None, sla=None, csat=None, complete=False, missing=[
            {"service": "support", "sections": ["tickets", "sla", "csat"],
             "reason": "timeout"}])
        route.fulfill(response=response, json=view)

    page.route("**/api/v1/accounts/*/360", support_down)
    page.goto(f"/accounts/{account['id']}")
    tickets = page.get_by_role("region", name="Open tickets")
    expect(tickets).to_contain_text("Not available right now")
    expect(tickets).to_contain_text("support did not answer")
    expect(page.get_by_role("region", name="Open deals")).to_contain_text(f"Oil bladders {suffix}")
    check_page(page, "account-360-partial")

    # In French, the figures follow the locale.
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("region", name="Affaires en cours")).to_contain_text(
        re.compile(r"12\s500,00\s€"))


def test_the_account_form_shows_field_errors_and_a_stale_edit(admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    rep = make_user(admin_api, "sales_rep", "Newman")
    page = page_for(phone=True)
    sign_in(page, rep, r"/my-day$")
    page.goto("/accounts")
    page.get_by_role("link", name="New account").click()
    # Until the form's code is in, the list (whose sort menu offers "Name") stays shown.
    page.get_by_role("heading", name="New account", level=1).wait_for()
    page.get_by_label("Name").fill(f"Vandelay Industries {suffix}")
    page.get_by_label("Tier").select_option("vip")
    page.get_by_label("Country (ISO code)").fill("france")
    page.get_by_role("button", name="Save").click()
    country = page.get_by_label("Country (ISO code)")
    expect(country).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#account-country-error")).to_contain_text("two-letter")
    expect(page.get_by_label("Name")).not_to_have_attribute("aria-invalid", "true")
    check_page(page, "account-form-errors")
    country.fill("FR")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=f"Vandelay Industries {suffix}", level=1).wait_for()
    found = rep["session"].get(f"{admin_api.base}/api/v1/accounts",
                               params={"q": f"vandelay industries {suffix}"}).json()["items"]
    assert [(a["tier"], a["country"], a["version"]) for a in found] == [("vip", "FR", 1)]

    # Someone else changes the account while the rep edits it: the rep chooses.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Industry").fill("Latex")
    other = admin_api.patch(f"/api/v1/accounts/{found[0]['id']}",
                            json={"industry": "Importing", "city": "Paris"})
    assert other.status_code == 200, other.text
    page.get_by_role("button", name="Save").click()
    conflict = page.get_by_role("alert").filter(has_text="Someone else changed this account")
    expect(conflict.get_by_role("row", name="Industry")).to_contain_text("ImportingLatex")
    check_page(page, "account-form-conflict")
    conflict.get_by_role("button", name="Save mine over theirs").click()
    page.get_by_role("heading", name=f"Vandelay Industries {suffix}", level=1).wait_for()
    saved = rep["session"].get(f"{admin_api.base}/api/v1/accounts/{found[0]['id']}").json()
    assert (saved["industry"], saved["city"], saved["version"]) == ("Latex", "Paris", 3)


def test_a_merge_with_a_duplicate_erased_meanwhile_says_it_is_gone(
        admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    phone = f"+3362{int(suffix, 16) % 10_000_000:07d}"
    keep = admin_api.post("/api/v1/contacts", json={
        "first_name": "Jerry", "last_name": f"Seinfeld{suffix}", "phone": phone}).json()
    gone = admin_api.post("/api/v1/contacts", json={
        "first_name": "Jerome", "last_name": f"Seinfeld{suffix}", "phone": phone}).json()
    manager = make_user(admin_api, "support_manager", "Susan")
    page = page_for()
    sign_in(page, manager, r"/queue$")
    page.get_by_label("Language").select_option("fr")
    page.goto(f"/contacts/{keep['id']}/duplicates")
    page.get_by_role("button", name=re.compile("^Comparer et fusionner")).click()
    erased = admin_api.post(f"/api/v1/contacts/{gone['id']}/erase")
    assert erased.status_code == 200, erased.text
    page.get_by_role("button", name="Fusionner dans ce contact").click()
    candidates = page.get_by_role("region", name="Doublons probables")
    expect(candidates.get_by_role("alert")).to_contain_text("Le doublon n’existe plus")
    expect(candidates).to_contain_text("Aucun doublon probable de ce contact.")
    check_page(page, "contact-merge-conflict-fr")
    served = admin_api.get(f"/api/v1/contacts/{keep['id']}").json()
    assert (served["first_name"], served["version"]) == ("Jerry", keep["version"])


def test_custom_fields_are_filled_in_the_form_and_shown_on_the_360(admin_api, page_for):
    """The fields an administrator defined for accounts are in the account form, typed (a
    choice, a date, yes/no), a required one's error beside it; the 360 page shows them."""
    suffix = uuid.uuid4().hex[:6]
    segment, renewal, partner = (f"segment_{suffix}", f"renewal_{suffix}", f"partner_{suffix}")
    definitions = [
        {"object": "account", "key": segment, "label": f"Segment {suffix}", "type": "enum",
         "options": ["SMB", "Enterprise"], "required": True},
        {"object": "account", "key": renewal, "label": f"Renewal {suffix}", "type": "date"},
        {"object": "account", "key": partner, "label": f"Partner {suffix}", "type": "boolean"}]
    created = []
    try:
        for definition in definitions:
            answer = admin_api.post("/api/v1/custom-fields", json=definition)
            assert answer.status_code == 201, answer.text
            created.append(answer.json()["id"])
        rep = make_user(admin_api, "sales_rep", "Kramer")
        page = page_for()
        sign_in(page, rep, r"/my-day$")
        page.goto("/accounts/new")
        page.get_by_label("Name").fill(f"Kramerica {suffix}")
        page.get_by_role("button", name="Save").click()
        chosen = page.get_by_label(f"Segment {suffix}")
        expect(chosen).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#account-custom-{segment}-error")).to_contain_text("required")
        chosen.select_option("Enterprise")
        page.get_by_label(f"Renewal {suffix}").fill("2027-03-01")
        page.get_by_label(f"Partner {suffix}").select_option(label="Yes")
        check_page(page, "account-form-custom-fields")
        page.get_by_role("button", name="Save").click()
        page.get_by_role("heading", name=f"Kramerica {suffix}", level=1).wait_for()
        identity = page.locator("section[aria-labelledby='identity']")
        expect(identity).to_contain_text(f"Renewal {suffix}1 Mar 2027")  # en-GB
        expect(identity).to_contain_text(f"Partner {suffix}Yes")
        found = rep["session"].get(f"{admin_api.base}/api/v1/accounts",
                                   params={"q": f"kramerica {suffix}"}).json()["items"]
        assert [a["custom_fields"] for a in found] == [
            {segment: "Enterprise", renewal: "2027-03-01", partner: True}]

        # An edit sends what changed: the date cleared, yes turned to no.
        page.get_by_role("link", name="Edit").click()
        page.get_by_label(f"Renewal {suffix}").fill("")
        page.get_by_label(f"Partner {suffix}").select_option(label="No")
        page.get_by_role("button", name="Save").click()
        expect(identity).to_contain_text(f"Partner {suffix}No")
        expect(identity).not_to_contain_text(f"Renewal {suffix}")
        saved = rep["session"].get(f"{admin_api.base}/api/v1/accounts/{found[0]['id']}").json()
        assert (saved["custom_fields"], saved["version"]) == (
            {segment: "Enterprise", partner: False}, 2)

        # In French, the API's messages beside the fields are French too.
        page.get_by_label("Language").select_option("fr")
        page.goto("/accounts/new")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("#account-name-error")).to_have_text(
            "La longueur doit être comprise entre 1 et 200.")
        page.get_by_label("Nom").fill(f"Kramerica {suffix} bis")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator(f"#account-custom-{segment}-error")).to_have_text("obligatoire")
        check_page(page, "account-form-errors-fr")
    finally:
        for field_id in created:
            admin_api.delete(f"/api/v1/custom-fields/{field_id}")
