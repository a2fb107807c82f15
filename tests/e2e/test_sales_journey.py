"""A sales rep's day through the real gateway, sales and contacts services: a deal from
first call to order, the board, the record-level rule, my day and the calendar feed, and
the contacts service's merges and erasures reaching the deals over the broker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from crm_testing.processes import wait_until
from gateway.api.sales_schemas import BoardOut


@pytest.fixture(scope="module")
def rep(user_api):
    return user_api("sales_rep", "Rita")


def _customer(admin_api, suffix: str) -> tuple[dict, dict]:
    account = admin_api.post("/api/v1/accounts", json={
        "name": f"Initech {suffix}", "domain": f"initech-{suffix}.example"}).json()
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Peter", "last_name": f"Gibbons {suffix}", "account_id": account["id"],
        "email": f"peter.{suffix}@initech-{suffix}.example"}).json()
    return account, contact


def test_a_deal_from_first_call_to_order(admin_api, rep):
    account, contact = _customer(admin_api, "order")
    pipeline = next(p for p in admin_api.get("/api/v1/pipelines").json()["items"]
                    if p["is_default"])
    first, second = pipeline["stages"][:2]

    created = rep.post("/api/v1/opportunities", json={
        "name": "Initech TPS licences", "amount": "12000.00", "currency": "EUR",
        "account_id": account["id"], "contact_id": contact["id"],
        "expected_close_date": (datetime.now(UTC) + timedelta(days=20)).date().isoformat()})
    assert created.status_code == 201, created.text
    deal = created.json()
    assert deal["stage_id"] == first["id"] and deal["probability"] == first["probability"]

    board = rep.get("/api/v1/opportunities/board", params={"account_id": account["id"]}).json()
    column = next(c for c in board["stages"] if c["stage"]["id"] == first["id"])
    assert column["count"] == 1 and [card["id"] for card in column["cards"]] == [deal["id"]]
    assert column["totals"][0]["currency"] == "EUR"
    assert column["totals"][0]["amount"] == "12000.00"
    # The gateway sends the board as the service built it: it must be what the API documents.
    assert BoardOut().dump(board) == board

    board_url = "/api/v1/opportunities/board"
    kept = rep.get(board_url, params={"account_id": account["id"]})
    unchanged = rep.get(board_url, params={"account_id": account["id"]},
                        headers={"If-None-Match": kept.headers["ETag"]})
    assert unchanged.status_code == 304  # nothing moved: a polling client gets no body

    moved = rep.post(f"/api/v1/opportunities/{deal['id']}/move", json={"stage_id": second["id"]},
                     headers={"If-Match": created.headers["ETag"]})
    assert moved.status_code == 200, moved.text
    # The kept board is not served once a deal moved, whichever gateway worker answers.
    for _ in range(4):
        after = rep.get(board_url, params={"account_id": account["id"]},
                        headers={"If-None-Match": kept.headers["ETag"]})
        assert after.status_code == 200 and after.headers["ETag"] != kept.headers["ETag"]
        column = next(c for c in after.json()["stages"] if c["stage"]["id"] == second["id"])
        assert [card["id"] for card in column["cards"]] == [deal["id"]]
    stale = rep.post(f"/api/v1/opportunities/{deal['id']}/move", json={"stage_id": first["id"]},
                     headers={"If-Match": created.headers["ETag"]})
    assert stale.status_code == 412
    history = rep.get(f"/api/v1/opportunities/{deal['id']}/stage-history").json()["items"]
    assert [(h["from_stage_id"], h["to_stage_id"]) for h in history] == [
        (None, first["id"]), (first["id"], second["id"])]

    quote = rep.post("/api/v1/quotes", json={
        "currency": "EUR", "opportunity_id": deal["id"],
        "lines": [{"description": "TPS licence", "quantity": "3", "unit_price": "100.00",
                   "discount_percent": "10", "tax_rate": "20"}]})
    assert quote.status_code == 201, quote.text
    assert (quote.json()["net_total"], quote.json()["tax_total"], quote.json()["total"]) == (
        "270.00", "54.00", "324.00")
    assert rep.post(f"/api/v1/quotes/{quote.json()['id']}/send").status_code == 200
    accepted = rep.post(f"/api/v1/quotes/{quote.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    order = rep.get(f"/api/v1/orders/{accepted.json()['order_id']}").json()
    assert order["total"] == "324.00" and order["account_id"] == account["id"]

    won = rep.post(f"/api/v1/opportunities/{deal['id']}/win")
    assert won.json()["status"] == "won"
    view = admin_api.get(f"/api/v1/contacts/{contact['id']}/360").json()
    assert view["complete"] is True, view["missing"]
    assert [d["id"] for d in view["opportunities"]["past"]] == [deal["id"]]
    assert [o["id"] for o in view["orders"]] == [order["id"]]
    account_view = admin_api.get(f"/api/v1/accounts/{account['id']}/360").json()
    assert [o["id"] for o in account_view["orders"]] == [order["id"]]


def test_a_rep_edits_only_their_own_deals_a_manager_all(rep, user_api):
    deal = rep.post("/api/v1/opportunities", json={
        "name": "Rita's deal", "amount": "500.00", "currency": "USD"}).json()
    other = user_api("sales_rep", "Sam")
    refused = other.patch(f"/api/v1/opportunities/{deal['id']}", json={"amount": "1.00"})
    assert refused.status_code == 403
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert rep.get(f"/api/v1/opportunities/{deal['id']}").json()["amount"] == "500.00"
    manager = user_api("sales_manager", "Mona")
    assert manager.patch(f"/api/v1/opportunities/{deal['id']}",
                         json={"amount": "750.00"}).status_code == 200
    assert rep.get(f"/api/v1/opportunities/{deal['id']}").json()["amount"] == "750.00"


def test_my_day_and_the_calendar_feed(rep):
    now = datetime.now(UTC).replace(microsecond=0)
    overdue = rep.post("/api/v1/activities", json={
        "type": "task", "subject": "Send the TPS cover sheet",
        "due_at": (now - timedelta(days=1)).isoformat()}).json()
    meeting = rep.post("/api/v1/activities", json={
        "type": "meeting", "subject": "Demo at Initech",
        "start_at": (now + timedelta(minutes=5)).isoformat(),
        "end_at": (now + timedelta(minutes=65)).isoformat()}).json()

    day = rep.get("/api/v1/activities/my-day").json()
    ids = [item["id"] for item in day["items"]]
    assert ids.index(overdue["id"]) < ids.index(meeting["id"])
    assert day["overdue"] >= 1

    done = rep.post(f"/api/v1/activities/{overdue['id']}/complete")
    assert done.status_code == 200 and done.json()["completed_at"]
    assert overdue["id"] not in [i["id"] for i in rep.get("/api/v1/activities/my-day")
                                 .json()["items"]]

    url = rep.get("/api/v1/activities/calendar-link").json()["url"]
    feed = requests.get(url, timeout=30)  # no token, no cookie: what a calendar app sends
    assert feed.status_code == 200
    assert feed.headers["Content-Type"].startswith("text/calendar")
    assert f"UID:{meeting['id']}@sales.crm" in feed.text and "BEGIN:VEVENT" in feed.text
    forged = requests.get(url[:-4] + "0000", timeout=30)
    assert forged.status_code == 401


def test_a_merge_in_contacts_repoints_the_deals(admin_api, rep):
    account, keeper = _customer(admin_api, "merge")
    duplicate = admin_api.post("/api/v1/contacts", json={
        "first_name": "Pete", "last_name": "Gibbons merge", "account_id": account["id"]}).json()
    deal = rep.post("/api/v1/opportunities", json={
        "name": "Upgrade", "amount": "900.00", "currency": "EUR",
        "contact_id": duplicate["id"]}).json()

    merged = admin_api.post(f"/api/v1/contacts/{keeper['id']}/merge",
                            json={"other_id": duplicate["id"]})
    assert merged.status_code == 200, merged.text

    # contact.merged travels from the contacts service's outbox to the sales service.
    wait_until(lambda: rep.get(f"/api/v1/opportunities/{deal['id']}").json()["contact_id"]
               == keeper["id"], timeout=20, message="the deal to follow the merge")


def test_an_erasure_in_contacts_scrubs_the_activities(admin_api, rep):
    _, contact = _customer(admin_api, "erase")
    call = rep.post("/api/v1/activities", json={
        "type": "call", "subject": "Call Peter about his new job",
        "notes": "He mentioned his home address", "contact_id": contact["id"],
        "due_at": datetime.now(UTC).isoformat()}).json()

    assert admin_api.post(f"/api/v1/contacts/{contact['id']}/erase").status_code == 200

    def scrubbed() -> bool:
        activity = rep.get(f"/api/v1/activities/{call['id']}").json()
        return "Peter" not in activity["subject"] and not activity["notes"]

    wait_until(scrubbed, timeout=20, message="the erasure to reach the activity")
    assert rep.get(f"/api/v1/activities/{call['id']}").json()["due_at"]  # the row stays
