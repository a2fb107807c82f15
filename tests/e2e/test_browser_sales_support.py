"""The sales and support screens in a real Chromium against the real platform: a rep
works a deal from the board to an order, a manager reads the forecast, a support manager
rebalances the team's backlog, and a customer signs in to the portal with a mailed link.
Each screen is checked by axe-core, each result through the API."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from browser_kit import check_page, make_user, sign_in
from playwright.sync_api import expect

from crm_testing.processes import wait_until


@pytest.fixture(scope="module")
def catalogue(admin_api):
    suffix = uuid.uuid4().hex[:6]
    product = admin_api.post("/api/v1/products", json={
        "sku": f"GLV-{suffix}", "name": f"Latex gloves {suffix}"})
    assert product.status_code == 201, product.text
    prices = admin_api.post("/api/v1/price-lists", json={"name": f"List {suffix}"})
    assert prices.status_code == 201, prices.text
    product, prices = product.json(), prices.json()
    priced = admin_api.put(f"/api/v1/price-lists/{prices['id']}/prices/{product['id']}/EUR",
                           json={"unit_price": "12.50"})
    assert priced.status_code == 200, priced.text
    return {"product": product, "price_list": prices, "suffix": suffix}


def test_a_rep_takes_a_deal_from_the_board_to_an_order(admin_api, catalogue, page_for):
    rep = make_user(admin_api, "sales_rep", "Dora")
    api = f"{admin_api.base}/api/v1"
    deal = rep["session"].post(f"{api}/opportunities", json={
        "name": f"Glove supply {catalogue['suffix']}", "amount": "1000.00", "currency": "EUR"})
    assert deal.status_code == 201, deal.text
    deal = deal.json()
    page = page_for()
    sign_in(page, rep, r"/my-day$")

    # From the Kanban card to the deal page.
    page.goto("/pipeline")
    card = page.locator(f'[data-card-id="{deal["id"]}"]')
    card.get_by_role("link", name=f"Open {deal['name']}").click()
    page.wait_for_url(re.compile(f"/deals/{deal['id']}$"))
    page.get_by_role("heading", name=re.compile(re.escape(deal["name"])), level=1).wait_for()
    expect(page.get_by_test_id("deal-amount")).to_have_text("€1,000.00")
    expect(page.get_by_role("region", name="Stage history")).to_contain_text("Created in")
    check_page(page, "deal")

    # Edit: a bad amount is refused by field, then saved the French way.
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Amount").fill("lots")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#deal-amount-error")).to_be_visible()
    page.get_by_label("Amount").fill("2 400,50")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("deal-amount")).to_have_text("€2,400.50")
    assert rep["session"].get(f"{api}/opportunities/{deal['id']}").json()["amount"] == "2400.50"

    # A stale edit: someone renamed the deal meanwhile; the user sees it and keeps both.
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Amount").fill("2500")
    renamed = f"{deal['name']} (renamed)"
    assert rep["session"].patch(f"{api}/opportunities/{deal['id']}",
                                json={"name": renamed}).status_code == 200
    page.get_by_role("button", name="Save").click()
    conflict = page.get_by_role("alert").filter(has_text="changed this deal while you were editing")
    expect(conflict.get_by_role("row", name=re.compile(r"^Name"))).to_contain_text("(renamed)")
    check_page(page, "deal-conflict")
    conflict.get_by_role("button", name="Save mine over theirs").click()
    expect(page.get_by_test_id("deal-amount")).to_have_text("€2,500.00")
    served = rep["session"].get(f"{api}/opportunities/{deal['id']}").json()
    assert (served["name"], served["amount"]) == (renamed, "2500.00")

    # A quote: a line priced by the list, a typed line whose missing price is told by field.
    quotes = page.get_by_role("region", name="Quotes")
    quotes.get_by_role("button", name="New quote").click()
    quotes.get_by_label("Price list").select_option(label=catalogue["price_list"]["name"])
    quotes.get_by_label("Product (Line 1)").select_option(catalogue["product"]["id"])
    quotes.get_by_label("Quantity (Line 1)").fill("4")
    quotes.get_by_role("button", name="Add a line").click()
    quotes.get_by_label("Description (Line 2)").fill("Delivery")
    quotes.get_by_role("button", name="Create quote").click()
    expect(quotes.locator("[id$='-price-error']")).to_contain_text("unit price")
    quotes.get_by_label("Unit price (Line 2)").fill("15")
    quotes.get_by_label("Tax % (Line 2)").fill("20")
    quotes.get_by_role("button", name="Create quote").click()
    row = quotes.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Draft")
    expect(row).to_contain_text("€68.00")  # 4 × 12.50 + 15 × 1.20
    check_page(page, "deal-quote")
    number = row.locator("th").inner_text()
    quotes.get_by_role("button", name=f"Send {number}").click()
    expect(row).to_contain_text("Sent")
    quotes.get_by_role("button", name=f"Accept {number}").click()
    expect(row).to_contain_text(re.compile(r"Accepted · Order "))
    served = rep["session"].get(f"{api}/quotes", params={"opportunity_id": deal["id"]}).json()
    [quote] = served["items"]
    assert quote["status"] == "accepted" and quote["total"] == "68.00"
    order = rep["session"].get(f"{api}/orders/{quote['order_id']}").json()
    assert [line["quantity"] for line in order["lines"]] == ["4", "1"]

    # Activities: the follow-up that sending scheduled, and one added here, completed.
    activities = page.get_by_role("region", name="Activities")
    activities.get_by_label("Type").select_option("call")
    activities.get_by_label("Subject").fill("Call about delivery dates")
    activities.get_by_label("Due").fill("2030-01-15T10:30")
    activities.get_by_role("button", name="Add activity").click()
    done = activities.get_by_role("button", name="Mark “Call about delivery dates” done")
    done.click()
    done.wait_for(state="detached")
    logged = rep["session"].get(f"{api}/activities", params={"opportunity_id": deal["id"]}).json()
    call = next(item for item in logged["items"] if item["subject"] == "Call about delivery dates")
    assert call["type"] == "call" and call["completed_at"] is not None
    assert call["due_at"].startswith("2030-01-15")

    # Won, then reopened.
    page.get_by_role("button", name="Mark won").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Won")
    assert rep["session"].get(f"{api}/opportunities/{deal['id']}").json()["status"] == "won"
    page.get_by_role("button", name="Reopen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open")
    assert rep["session"].get(f"{api}/opportunities/{deal['id']}").json()["status"] == "open"


def test_a_deal_is_lost_with_its_reason_in_french(admin_api, page_for):
    rep = make_user(admin_api, "sales_rep", "Lou")
    deal = rep["session"].post(f"{admin_api.base}/api/v1/opportunities", json={
        "name": f"Lost cause {uuid.uuid4().hex[:6]}", "amount": "99.00", "currency": "EUR"}).json()
    page = page_for(locale="fr-FR")
    page.goto("/")
    page.wait_for_url(re.compile(r"/sign-in"))
    page.get_by_label("E-mail").fill(rep["email"])
    page.get_by_label("Mot de passe").fill("browser-password-123")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/my-day$"))
    page.goto(f"/deals/{deal['id']}")
    expect(page.get_by_test_id("deal-amount")).to_have_text(re.compile(r"99,00\s€"))
    page.get_by_role("button", name="Marquer perdue").click()
    page.get_by_role("button", name="Marquer perdue").click()  # no reason: refused by field
    expect(page.locator("#lost-reason-error")).to_be_visible()
    page.get_by_label("Pourquoi a-t-elle été perdue ?").fill("Budget gelé")
    page.get_by_role("button", name="Marquer perdue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Perdue")
    check_page(page, "deal-lost-fr")
    wait_until(lambda: rep["session"].get(f"{admin_api.base}/api/v1/opportunities/{deal['id']}")
               .json()["lost_reason"] == "Budget gelé", message="the loss saved")


def test_a_manager_reads_the_forecast_by_period_owner_and_stage(admin_api, page_for):
    manager = make_user(admin_api, "sales_manager", "Magda")
    ann, bob = make_user(admin_api, "sales_rep", "Ann"), make_user(admin_api, "sales_rep", "Bob")
    api = f"{admin_api.base}/api/v1"
    for rep, amount, close in ((ann, "1000.00", "2031-03-10"), (ann, "500.00", "2031-04-20"),
                               (bob, "2000.00", "2031-04-02")):
        made = rep["session"].post(f"{api}/opportunities", json={
            "name": f"Forecast {rep['name']} {close}", "amount": amount, "currency": "EUR",
            "expected_close_date": close, "probability": 50})
        assert made.status_code == 201, made.text
    expected = manager["session"].get(f"{api}/forecast", params={
        "close_after": "2031-03-01", "close_before": "2031-05-01"}).json()
    assert [(total["period"], total["amount"]) for total in expected["totals"]] == [
        ("2031-03", "1000.00"), ("2031-04", "2500.00")]

    page = page_for()
    sign_in(page, manager, r"/my-day$")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Forecast").click()
    page.get_by_role("heading", name="Forecast", level=1).wait_for()
    page.get_by_label("Closing from").fill("2031-03-01")
    page.get_by_label("Closing before").fill("2031-05-01")
    table = page.locator("table.forecast")
    expect(page.get_by_test_id("forecast-summary")).to_have_text(
        "Open pipeline €3,500.00, weighted €1,750.00 (3 deals)")
    expect(table.locator("tbody tr")).to_have_text([
        re.compile(r"March 2031\s*1\s*€1,000.00\s*€500.00"),
        re.compile(r"April 2031\s*2\s*€2,500.00\s*€1,250.00"),
        re.compile(r"Total\s*3\s*€3,500.00\s*€1,750.00")])
    check_page(page, "forecast")

    page.get_by_label("Rows").select_option("owner")
    expect(table.locator("tbody tr")).to_have_text([
        re.compile(r"^Ann\s*2\s*€1,500.00"), re.compile(r"^Bob\s*1\s*€2,000.00"),
        re.compile(r"^Total")])
    page.get_by_label("Owner", exact=True).select_option(label="Bob")
    expect(page.get_by_test_id("forecast-summary")).to_contain_text("€2,000.00")
    page.get_by_label("Period").select_option("quarter")
    page.get_by_label("Rows").select_option("period")
    expect(table.locator("tbody tr").first).to_contain_text(re.compile(r"Q2 2031\s*1"))
    assert "owner=" in page.url and "period=quarter" in page.url

    page.get_by_label("Language").select_option("fr")
    expect(table.locator("tbody tr").first).to_contain_text(
        re.compile(r"T2 2031\s*1\s*2\s000,00\s€"))
    check_page(page, "forecast-fr")


def test_a_support_manager_rebalances_the_team_backlog(admin_api, page_for):
    manager = make_user(admin_api, "support_manager", "Marge")
    alice = make_user(admin_api, "support_agent", "Alice")
    basil = make_user(admin_api, "support_agent", "Basil")
    suffix = uuid.uuid4().hex[:6]
    team = admin_api.post("/api/v1/teams", json={
        "name": f"Backlog team {suffix}", "members": [alice["id"], basil["id"]],
        "strategy": "round_robin", "manager_id": manager["id"]})
    assert team.status_code == 201, team.text
    team = team.json()

    def ticket(subject, priority, assignee):
        made = admin_api.post("/api/v1/tickets", json={
            "subject": f"{subject} {suffix}", "priority": priority, "team_id": team["id"],
            "assignee_id": assignee})
        assert made.status_code == 201, made.text
        made = made.json()
        if assignee is None and made["assignee_id"] is not None:  # the rules gave it out
            made = admin_api.post(f"/api/v1/tickets/{made['id']}/assign",
                                  json={"team_id": team["id"]}).json()
        return made

    urgent = ticket("Line down", "urgent", alice["id"])
    ticket("Invoice copy", "low", alice["id"])
    loose = ticket("Password reset", "normal", None)

    page = page_for()
    sign_in(page, manager, r"/queue$")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team backlog").click()
    page.get_by_role("heading", name=f"Team backlog · {team['name']}").wait_for()
    expect(page.get_by_test_id("backlog-summary")).to_contain_text("3 open tickets")
    expect(page.get_by_test_id("backlog-summary")).to_contain_text("1 unassigned")
    alice_load = page.get_by_role("region", name=re.compile(r"^Alice"))
    expect(alice_load.get_by_role("heading")).to_contain_text("2 tickets")
    # The most urgent first.
    expect(alice_load.locator("tbody tr").first).to_contain_text(urgent["number"])
    basil_load = page.get_by_role("region", name=re.compile(r"^Basil"))
    expect(basil_load).to_contain_text("Nothing assigned.")
    unassigned = page.get_by_role("region", name=re.compile(r"^Unassigned"))
    expect(unassigned).to_contain_text(loose["number"])
    check_page(page, "team-backlog")

    # Alice's urgent ticket goes to Basil, and the unassigned one to Alice.
    page.get_by_label(f"Assign {urgent['number']} to").select_option(label="Basil")
    page.get_by_role("button", name=f"Assign {urgent['number']}").click()
    page.get_by_test_id("announcer").get_by_text(f"{urgent['number']} given to Basil.").wait_for()
    expect(page.get_by_role("region", name=re.compile(r"^Basil"))).to_contain_text(urgent["number"])
    page.get_by_label(f"Assign {loose['number']} to").select_option(label="Alice")
    page.get_by_role("button", name=f"Assign {loose['number']}").click()
    expect(page.get_by_role("region", name=re.compile(r"^Alice"))).to_contain_text(loose["number"])
    expect(page.get_by_test_id("backlog-summary")).to_contain_text("0 unassigned")
    tickets = {t["id"]: t for t in manager["session"].get(
        f"{admin_api.base}/api/v1/tickets", params={"team_id": team["id"]}).json()["items"]}
    assert tickets[urgent["id"]]["assignee_id"] == basil["id"]
    assert tickets[loose["id"]]["assignee_id"] == alice["id"]

    # Only the urgent ones, by the priority filter kept in the address.
    page.get_by_label("Priority").select_option("urgent")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert "priority=urgent" in page.url


def _sign_in_link(platform, address: str) -> str:
    links: list[str] = []

    def arrived() -> bool:
        links[:] = [link for mail in platform.mails() if address in str(mail["To"])
                    for link in re.findall(r"https?://\S+/portal/sign-in\?token=[\w\-]+",
                                           mail.get_content())]
        return bool(links)

    wait_until(arrived, timeout=20, message=f"a sign-in link mailed to {address}")
    return links[-1]


def test_a_customer_signs_in_to_the_portal_with_a_mailed_link(platform, admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    email = f"pia.{suffix}@portal-browser.example"
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Pia", "last_name": "Portal", "email": email})
    assert contact.status_code == 201, contact.text
    contact = contact.json()
    ticket = admin_api.post("/api/v1/tickets", json={
        "subject": f"Gloves too small {suffix}", "description": "The XL ones fit like an S.",
        "contact_id": contact["id"]})
    assert ticket.status_code == 201, ticket.text
    ticket = ticket.json()
    for body, public in (("We are sending the next size up.", True),
                         ("Customer ordered the wrong size, be nice.", False)):
        said = admin_api.post(f"/api/v1/tickets/{ticket['id']}/messages",
                              json={"body": body, "public": public})
        assert said.status_code == 201, said.text
    article = admin_api.post("/api/v1/kb/articles", json={
        "title": f"Choosing a glove size {suffix}", "status": "published",
        "body": f"Measure around your palm: sizezz{suffix} fits 20 cm."})
    assert article.status_code == 201, article.text

    # The portal is a page of the client, not a server 404.
    assert requests.get(f"{platform.url}/portal/sign-in", timeout=10).status_code == 200
    page = page_for()
    page.goto("/portal")
    page.wait_for_url(re.compile(r"/portal/sign-in\?next=%2Fportal"))
    check_page(page, "portal-sign-in")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator("#portal-email-error")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("status").filter(has_text="sign-in link is on its way")).to_be_visible()
    # The mail points at the public address; this platform listens elsewhere.
    link = "/portal/" + _sign_in_link(platform, email).split("/portal/", 1)[1]
    page.goto(link)
    page.wait_for_url(re.compile(r"/portal$"))
    expect(page.get_by_text("Signed in as Pia Portal")).to_be_visible()

    # Their requests; one of them with the public answer and never the internal note.
    row = page.get_by_role("row").filter(has_text=ticket["number"])
    expect(row).to_contain_text(ticket["subject"])
    check_page(page, "portal-requests")
    row.get_by_role("link", name=ticket["number"]).click()
    conversation = page.get_by_role("region", name="Conversation")
    expect(conversation).to_contain_text("The XL ones fit like an S.")
    expect(conversation).to_contain_text("We are sending the next size up.")
    expect(conversation).not_to_contain_text("be nice")
    page.get_by_label("Your reply").fill("Thank you, size L please.")
    page.get_by_role("button", name="Send").click()
    expect(conversation).to_contain_text("Thank you, size L please.")
    check_page(page, "portal-request")
    served = admin_api.get(f"/api/v1/tickets/{ticket['id']}").json()
    assert [(m["author_type"], m["body"]) for m in served["messages"]][-1] == \
        ("customer", "Thank you, size L please.")

    # A new request: refused by field while empty, then made on the web form channel.
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="New request").click()
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("#request-subject-error")).to_be_visible()
    page.get_by_label("Kind of request").select_option("incident")
    page.get_by_label("Subject").fill(f"sizezz{suffix}")  # the articles that may answer it
    suggested = page.get_by_role("complementary", name="These articles may already answer it")
    expect(suggested).to_contain_text(f"Choosing a glove size {suffix}")
    page.get_by_label("Subject").fill(f"Box arrived open {suffix}")
    page.get_by_label("Describe your request").fill("The seal was broken.")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name=re.compile(f"Box arrived open {suffix}")).wait_for()
    made = admin_api.get("/api/v1/tickets", params={"contact_id": contact["id"]}).json()["items"]
    new = next(item for item in made if item["subject"] == f"Box arrived open {suffix}")
    assert new["channel"] == "web_form" and new["type"] == "incident"

    # The knowledge base, searched and read.
    page.get_by_role("link", name="Help articles").click()
    page.get_by_label("Search the help articles").fill(f"sizezz{suffix}")
    page.get_by_role("button", name="Search").click()
    page.get_by_text(f"Choosing a glove size {suffix}").click()
    expect(page.get_by_text("Measure around your palm")).to_be_visible()
    check_page(page, "portal-help")

    # Signed out, the portal asks again; the used link says so.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/portal/sign-in$"))
    page.goto("/portal/help")
    page.wait_for_url(re.compile(r"/portal/sign-in\?next="))
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("This link was used already")


def test_a_customer_rates_a_solved_request_from_the_mailed_link(platform, admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    email = f"rita.{suffix}@survey-browser.example"
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Rita", "last_name": "Rating", "email": email}).json()
    ticket = admin_api.post("/api/v1/tickets", json={
        "subject": f"Late parcel {suffix}", "contact_id": contact["id"]}).json()
    solved = admin_api.post(f"/api/v1/tickets/{ticket['id']}/status", json={"status": "solved"})
    assert solved.status_code == 200, solved.text
    paths: list[str] = []

    def mailed() -> bool:
        paths[:] = [match for mail in platform.mails() if email in str(mail["To"])
                    for match in re.findall(r"https?://[^/\s]+(/survey/\S+)", mail.get_content())]
        return bool(paths)

    wait_until(mailed, timeout=20, message="the survey link mailed")
    assert requests.get(f"{platform.url}{paths[-1]}", timeout=10).status_code == 200

    page = page_for(locale="fr-FR", phone=True)
    page.goto(paths[-1])
    about = f"Votre demande {ticket['number']} : Late parcel {suffix}"
    expect(page.get_by_text(about)).to_be_visible()
    page.get_by_role("button", name="Envoyer ma note").click()  # no rating: refused by field
    expect(page.locator("#rating-error")).to_have_text("Choisissez une note de 1 à 5.")
    check_page(page, "survey-fr")
    page.get_by_label("4 – Bon").check()
    page.get_by_label("Un commentaire ? (facultatif)").fill("Rapide, merci.")
    page.get_by_role("button", name="Envoyer ma note").click()
    thanks = page.get_by_role("status").filter(has_text="votre note a été enregistrée")
    expect(thanks).to_be_visible()
    answers = admin_api.get("/api/v1/tickets/csat", params={"contact_id": contact["id"]}).json()
    assert [(a["rating"], a["comment"]) for a in answers["items"]] == [(4, "Rapide, merci.")]
    page.reload()
    expect(page.get_by_role("status").filter(has_text="déjà reçu une réponse")).to_be_visible()


def test_a_rep_opens_a_new_deal_from_the_board(admin_api, page_for):
    rep = make_user(admin_api, "sales_rep", "Nina")
    suffix = uuid.uuid4().hex[:6]
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Otto", "last_name": f"Buyer{suffix}",
        "email": f"otto.{suffix}@new-deal.example"}).json()
    page = page_for()
    sign_in(page, rep, r"/my-day$")
    page.goto("/pipeline")
    page.get_by_role("link", name="New deal").click()
    page.get_by_role("heading", name="New deal").wait_for()
    check_page(page, "deal-new")
    page.get_by_label("Name", exact=True).fill(f"Nitrile gloves {suffix}")
    page.get_by_label("Amount").fill("-5")
    page.get_by_role("button", name="Create deal").click()
    expect(page.locator("#new-deal-amount-error")).to_be_visible()
    page.get_by_label("Amount").fill("7 300,00")
    page.get_by_label("Expected close").fill("2031-06-30")
    stage = page.get_by_label("Stage")
    stage.select_option(index=1)
    stage_id = stage.input_value()
    page.get_by_label("Find a contact (name or email)").fill(f"Buyer{suffix}")
    page.get_by_label("Contact", exact=True).select_option(contact["id"])
    page.get_by_role("button", name="Create deal").click()
    page.wait_for_url(re.compile(r"/deals/(?!new$)[\w-]+$"))
    expect(page.get_by_test_id("deal-amount")).to_have_text("€7,300.00")
    deal_id = page.url.rsplit("/", 1)[1]
    served = rep["session"].get(f"{admin_api.base}/api/v1/opportunities/{deal_id}").json()
    assert (served["name"], served["amount"], served["contact_id"], served["stage_id"],
            served["expected_close_date"], served["owner_id"]) == (
        f"Nitrile gloves {suffix}", "7300.00", contact["id"], stage_id, "2031-06-30", rep["id"])
