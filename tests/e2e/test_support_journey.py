"""A support day through the real gateway, support, contacts and sales services and the
local mailbox: a mail becomes a ticket (and its sender a contact), the reply threads, an
agent answers and solves, the customer rates through the mailed link, signs in to the
portal with another mailed link and sees only their own tickets, and an upsell flagged
by the agent reaches the sales pipeline over the broker."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from crm_testing.processes import wait_until
from gateway.api.support_tickets import TicketPage


@pytest.fixture(scope="module")
def mail_gateway(admin_api, platform):
    """A mail gateway's session: an API key with the inbound email scope only."""
    key = admin_api.post("/api/v1/api-keys", json={
        "name": "mail gateway", "scopes": ["inbound_email:write"]}).json()["key"]
    session = requests.Session()
    session.headers.update({"X-API-Key": key, "Content-Type": "message/rfc822"})
    return lambda raw: session.post(f"{platform.url}/api/v1/inbound/email",
                                    data=raw.encode(), timeout=30)


@pytest.fixture(scope="module")
def agent(user_api):
    return user_api("support_agent", "Alex")


def _mail(sender: str, subject: str, body: str, message_id: str,
          in_reply_to: str | None = None) -> str:
    headers = [f"From: Zoë Lefèvre <{sender}>", "To: support@crm.example",
               f"Subject: {subject}", f"Message-ID: <{message_id}>",
               "Date: Thu, 26 Nov 2026 10:00:00 +0000", "MIME-Version: 1.0",
               "Content-Type: text/plain; charset=utf-8",
               "Content-Transfer-Encoding: 8bit"]
    if in_reply_to:
        headers.append(f"In-Reply-To: <{in_reply_to}>")
    return "\r\n".join(headers) + "\r\n\r\n" + body + "\r\n"


def _mail_to(platform, address: str, pattern: str) -> str:
    """The last token matching `pattern` in a mail the platform sent to `address`."""
    found: list[str] = []

    def arrived() -> bool:
        found[:] = [match for mail in platform.mails() if address in str(mail["To"])
                    for match in re.findall(pattern, mail.get_content())]
        return bool(found)

    wait_until(arrived, timeout=15, message=f"a mail to {address}")
    return found[-1]


def test_a_mail_becomes_a_ticket_answered_solved_and_rated(platform, admin_api, agent,
                                                           mail_gateway):
    sender = f"zoe.{uuid.uuid4().hex[:6]}@acme-support.example"
    first_id = f"{uuid.uuid4().hex}@mail.acme-support.example"
    created = mail_gateway(_mail(sender, "Export is broken", "The CSV export fails.",
                                 first_id))
    assert created.status_code == 201, created.text
    ticket = created.json()["ticket"]
    assert ticket["channel"] == "email" and ticket["number"].startswith("T-")
    # The sender became a contact, through the contacts service.
    people = admin_api.get("/api/v1/contacts", params={"q": sender}).json()["items"]
    assert [p["id"] for p in people] == [ticket["contact_id"]]

    again = mail_gateway(_mail(sender, "Export is broken", "The CSV export fails.", first_id))
    assert again.status_code == 200 and again.json()["duplicate"] is True

    reply = mail_gateway(_mail(sender, f"Re: [{ticket['number']}] Export is broken",
                               "It fails on Firefox too.", f"r-{first_id}",
                               in_reply_to=first_id))
    assert reply.status_code == 200 and reply.json()["ticket"]["id"] == ticket["id"]

    answered = agent.post(f"/api/v1/tickets/{ticket['id']}/messages", json={
        "body": "We are on it: a fix ships today."})
    assert answered.status_code == 201, answered.text
    note = agent.post(f"/api/v1/tickets/{ticket['id']}/messages", json={
        "body": "Same root cause as the bug on the export worker.", "public": False})
    assert note.status_code == 201
    read = agent.get(f"/api/v1/tickets/{ticket['id']}").json()
    assert read["sla"]["first_response"]["status"] != "running"

    solved = agent.post(f"/api/v1/tickets/{ticket['id']}/status", json={"status": "solved"})
    assert solved.status_code == 200, solved.text

    token = _mail_to(platform, sender, r"/survey/([\w.\-]+)")
    survey = requests.get(f"{platform.url}/api/v1/surveys/{token}", timeout=30)
    assert survey.status_code == 200, survey.text
    rated = requests.post(f"{platform.url}/api/v1/surveys/{token}", timeout=30,
                          json={"rating": 5, "comment": "Quick and kind"})
    assert rated.status_code in (200, 201), rated.text
    twice = requests.post(f"{platform.url}/api/v1/surveys/{token}", timeout=30,
                          json={"rating": 1})
    assert twice.status_code == 409

    view = admin_api.get(f"/api/v1/contacts/{ticket['contact_id']}/360").json()
    assert view["complete"] is True, view["missing"]
    assert [t["id"] for t in view["tickets"]["recent"] + view["tickets"]["open"]] == \
        [ticket["id"]]
    assert [c["rating"] for c in view["csat"]] == [5]


def test_the_portal_shows_a_contact_their_own_tickets_only(platform, admin_api, agent):
    def customer(name: str) -> dict:
        return admin_api.post("/api/v1/contacts", json={
            "first_name": name, "last_name": "Portal",
            "email": f"{name.lower()}.{uuid.uuid4().hex[:6]}@portal-user.example"}).json()

    mine, theirs = customer("Mia"), customer("Theo")
    other_ticket = agent.post("/api/v1/tickets", json={
        "subject": "Theo's invoice", "contact_id": theirs["id"]}).json()

    asked = requests.post(f"{platform.url}/api/v1/portal/sign-in", timeout=30,
                          json={"email": mine["email"]})
    assert asked.status_code == 202
    unknown = requests.post(f"{platform.url}/api/v1/portal/sign-in", timeout=30,
                            json={"email": "nobody@portal-user.example"})
    assert unknown.status_code == 202  # never says whether an address is known
    token = _mail_to(platform, mine["email"], r"token=([\w\-]+)")
    opened = requests.post(f"{platform.url}/api/v1/portal/session", json={"token": token},
                           timeout=30)
    assert opened.status_code == 200, opened.text
    reused = requests.post(f"{platform.url}/api/v1/portal/session", json={"token": token},
                           timeout=30)
    assert reused.status_code == 409

    portal = requests.Session()
    portal.headers["Authorization"] = f"Bearer {opened.json()['access_token']}"
    base = f"{platform.url}/api/v1/portal"
    created = portal.post(f"{base}/tickets", json={"subject": "Where is my order?",
                                                   "description": "Ordered last week."},
                          timeout=30)
    assert created.status_code == 201, created.text
    listed = portal.get(f"{base}/tickets", timeout=30).json()["items"]
    assert [t["id"] for t in listed] == [created.json()["id"]]
    assert portal.get(f"{base}/tickets/{other_ticket['id']}", timeout=30).status_code == 404
    assert portal.post(f"{base}/tickets/{created.json()['id']}/messages", timeout=30,
                       json={"body": "Any news?"}).status_code == 201
    assert portal.get(f"{platform.url}/api/v1/tickets", timeout=30).status_code == 403
    assert portal.get(f"{platform.url}/api/v1/contacts", timeout=30).status_code == 403


def test_an_upsell_flagged_by_support_lands_in_the_sales_pipeline(admin_api, agent):
    account = admin_api.post("/api/v1/accounts", json={
        "name": "Umbrella Support", "owner_id": "olga-owner"}).json()
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Ada", "last_name": "Upsell", "account_id": account["id"]}).json()
    ticket = agent.post("/api/v1/tickets", json={
        "subject": "How many seats do we have?", "contact_id": contact["id"]}).json()

    flagged = agent.post(f"/api/v1/tickets/{ticket['id']}/upsell",
                         json={"note": "They want 50 more seats"})
    assert flagged.status_code == 200, flagged.text

    def lead() -> list[dict]:
        return admin_api.get("/api/v1/opportunities",
                             params={"account_id": account["id"]}).json()["items"]

    wait_until(lambda: len(lead()) == 1, timeout=20, message="the lead in the pipeline")
    deal = lead()[0]
    assert ticket["number"] in deal["name"] and deal["contact_id"] == contact["id"]
    assert deal["owner_id"] == "olga-owner"


def test_an_agents_queue_shows_the_most_urgent_first_with_sla_time_left(agent):
    me = agent.get("/api/v1/auth/me").json()["id"]
    made = [agent.post("/api/v1/tickets", json={
        "subject": f"Queue check {priority}", "priority": priority, "assignee_id": me}).json()
        for priority in ("low", "urgent")]
    queue = agent.get("/api/v1/tickets/queue").json()
    mine = [t for t in queue["items"] if t["id"] in {m["id"] for m in made}]
    # A kept queue page is not served once a ticket changed: the next one is there at once.
    third = agent.post("/api/v1/tickets", json={
        "subject": "Queue check high", "priority": "high", "assignee_id": me}).json()
    for _ in range(4):
        again = agent.get("/api/v1/tickets/queue").json()
        assert third["id"] in {t["id"] for t in again["items"]}
    assert [t["priority"] for t in mine] == ["urgent", "low"]
    assert all(t["sla"]["resolution"]["remaining_minutes"] > 0 for t in mine)
    # The gateway sends the queue as the service built it: it must be what the API documents.
    assert TicketPage().dump(queue) == queue
