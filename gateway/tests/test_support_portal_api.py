"""The customer portal end to end through the gateway: a sign-in link mailed through a
real SMTP server, followed once, opens a contact's session, which sees only that contact's
tickets and no staff route."""

import dataclasses
import re
import time
from datetime import timedelta

import pytest
from gateway_fakes import SmtpInbox, remote

from gateway.models import PortalSignInLink, now

CONTACTS = {"ana@example.org": {"id": "c1", "email": "Ana@Example.org", "first_name": "Ana",
                                "merged_into_id": None, "erased_at": None},
            "bo@example.org": {"id": "c2", "email": "bo@example.org", "first_name": "Bo",
                               "merged_into_id": None, "erased_at": None}}
TICKET = {"id": "t1", "number": "T-1001", "subject": "Printer on fire", "description": "Help",
          "channel": "web_form", "type": "question", "priority": "normal", "status": "new",
          "created_at": "2026-11-26T15:00:00+00:00", "updated_at": "2026-11-26T15:00:00+00:00",
          "solved_at": None, "closed_at": None, "messages": [
              {"id": "m1", "ticket_id": "t1", "body": "Help", "public": True,
               "author_type": "customer", "author_id": "c1",
               "created_at": "2026-11-26T15:00:00+00:00"},
              {"id": "m2", "ticket_id": "t1", "body": "internal: VIP, be nice", "public": False,
               "author_type": "agent", "author_id": "u1",
               "created_at": "2026-11-26T15:01:00+00:00"}]}
LINK = re.compile(r"https?://\S+/portal/sign-in\?token=([A-Za-z0-9_-]+)")


@pytest.fixture
def inbox(app):
    with SmtpInbox() as inbox:
        app.config["CRM"] = dataclasses.replace(app.config["CRM"], smtp_url=inbox.url,
                                                public_url="https://crm.example.com")
        yield inbox


@pytest.fixture
def contacts(fake_rpc):
    def list_contacts(query):
        found = CONTACTS.get(query["filters"]["email"])
        return {"items": [found] if found else [], "next_cursor": None}
    fake_rpc.on("contacts", "list_contacts", list_contacts)


def mailed_token(inbox, address, count=1) -> str:
    messages = inbox.wait(count)
    assert len(messages) >= count, "no mail arrived"
    recipients, message = messages[count - 1]
    assert recipients == [address]
    text = message.get_content()
    assert "https://crm.example.com/portal/sign-in?token=" in text
    return LINK.search(text).group(1)


def sign_in(client, inbox, email="ana@example.org", count=1) -> str:
    response = client.post("/api/v1/portal/sign-in", json={"email": email})
    assert response.status_code == 202
    return mailed_token(inbox, email, count)


def portal_calls(fake_rpc):
    return [(method, args) for service, method, args, _, _ in fake_rpc.calls
            if service == "support"]


def test_the_whole_portal_flow_with_a_cookie_session(client, fake_rpc, inbox, contacts):
    response = client.post("/api/v1/portal/sign-in", json={"email": "ANA@example.org"})
    assert response.status_code == 202
    token = mailed_token(inbox, "ana@example.org")
    opened = client.post("/api/v1/portal/session", json={"token": token})
    assert opened.status_code == 200, opened.get_json()
    assert opened.get_json()["contact_id"] == "c1"
    cookie = opened.headers.getlist("Set-Cookie")[0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    csrf = client.get_cookie("crm_csrf").value

    fake_rpc.on("support", "portal_list_tickets", {"items": [TICKET], "next_cursor": None})
    fake_rpc.on("support", "portal_get_ticket", TICKET)
    fake_rpc.on("support", "portal_create_ticket", TICKET)
    fake_rpc.on("support", "portal_reply", {"id": "m3", "ticket_id": "t1", "body": "Thanks",
                                            "public": True, "author_type": "customer",
                                            "created_at": "2026-11-26T15:05:00+00:00"})
    fake_rpc.on("support", "search_articles", {"items": [], "next_cursor": None})

    listed = client.get("/api/v1/portal/tickets?open=true")
    assert listed.status_code == 200, listed.get_json()
    assert listed.get_json()["items"][0]["number"] == "T-1001"
    shown = client.get("/api/v1/portal/tickets/T-1001").get_json()
    assert [m["body"] for m in shown["messages"]] == ["Help"]  # never the internal note
    assert "assignee_id" not in shown

    refused = client.post("/api/v1/portal/tickets", json={"subject": "x", "description": "y"})
    assert refused.status_code == 403  # a cookie write needs its CSRF token
    created = client.post("/api/v1/portal/tickets",
                          json={"subject": "Printer on fire", "description": "Help"},
                          headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201, created.get_json()
    assert created.headers["Location"] == "/api/v1/portal/tickets/t1"
    replied = client.post("/api/v1/portal/tickets/t1/messages", json={"body": "Thanks"},
                          headers={"X-CSRF-Token": csrf})
    assert replied.status_code == 201
    assert client.get("/api/v1/portal/kb/articles?q=printer").status_code == 200

    assert portal_calls(fake_rpc) == [
        ("portal_list_tickets", ("c1", {"limit": 50, "filters": {"open": True}})),
        ("portal_get_ticket", ("c1", "T-1001")),
        ("portal_create_ticket", ("c1", {"subject": "Printer on fire",
                                         "description": "Help"})),
        ("portal_reply", ("c1", "t1", {"body": "Thanks"})),
        ("search_articles", ({"q": "printer", "limit": 20, "published_only": True},)),
    ]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, fake_rpc, inbox,
                                                             contacts):
    response = client.post("/api/v1/portal/sign-in", json={"email": "nobody@example.org"})
    assert response.status_code == 202
    assert response.get_data() == b""
    time.sleep(0.3)
    assert inbox.messages == []
    assert client.post("/api/v1/portal/sign-in", json={"email": "not an email"}
                       ).status_code == 422


def test_the_contacts_service_down_still_answers_202(client, fake_rpc, inbox):
    fake_rpc.on("contacts", "list_contacts", lambda q: (_ for _ in ()).throw(
        remote("ServiceUnavailable", "down")))
    assert client.post("/api/v1/portal/sign-in",
                       json={"email": "ana@example.org"}).status_code == 202


def test_a_link_works_once(client, inbox, contacts):
    token = sign_in(client, inbox)
    assert client.post("/api/v1/portal/session", json={"token": token}).status_code == 200
    again = client.post("/api/v1/portal/session", json={"token": token})
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert "used already" in again.get_json()["detail"]


def test_an_expired_link_is_410(app, client, inbox, contacts):
    token = sign_in(client, inbox)
    with app.app_context():
        from gateway.db import sessions
        with sessions()() as session:
            link = session.query(PortalSignInLink).one()
            assert link.token_hash != token  # only its hash is kept
            link.expires_at = now() - timedelta(seconds=1)
            session.commit()
    response = client.post("/api/v1/portal/session", json={"token": token})
    assert response.status_code == 410
    assert response.get_json()["title"] == "Link expired"


def test_a_forged_link_is_401(client, inbox, contacts):
    response = client.post("/api/v1/portal/session", json={"token": "x" * 43})
    assert response.status_code == 401
    assert response.get_json()["title"] == "Invalid link"


def test_links_per_address_are_limited_without_saying_so(app, client, inbox, contacts):
    for _ in range(7):
        assert client.post("/api/v1/portal/sign-in",
                           json={"email": "ana@example.org"}).status_code == 202
    inbox.wait(7, timeout=1.0)
    assert len(inbox.messages) == 5


@pytest.fixture
def portal_bearer(client, inbox, contacts):
    def open_for(email: str, count: int = 1) -> dict[str, str]:
        token = sign_in(client, inbox, email, count)
        opened = client.post("/api/v1/portal/session", json={"token": token}).get_json()
        client.delete_cookie("crm_session")
        client.delete_cookie("crm_csrf")
        return {"Authorization": f"Bearer {opened['access_token']}"}
    return open_for


def test_a_contact_asking_for_another_contacts_ticket_gets_404(client, fake_rpc,
                                                               portal_bearer):
    def own_only(contact_id, ticket_id):
        if contact_id != "c1":
            raise remote("NotFound", "no such ticket")
        return TICKET
    fake_rpc.on("support", "portal_get_ticket", own_only)
    fake_rpc.on("support", "portal_reply", lambda c, t, d: own_only(c, t))
    bo = portal_bearer("bo@example.org")
    response = client.get("/api/v1/portal/tickets/t1", headers=bo)
    assert response.status_code == 404
    assert response.get_json()["detail"] == "no such ticket"
    assert client.post("/api/v1/portal/tickets/t1/messages", json={"body": "mine?"},
                       headers=bo).status_code == 404
    ana = portal_bearer("ana@example.org", count=2)
    assert client.get("/api/v1/portal/tickets/t1", headers=ana).status_code == 200
    assert [args[0] for _, args in portal_calls(fake_rpc)] == ["c2", "c2", "c1"]


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/tickets"), ("get", "/api/v1/tickets/t1"), ("get", "/api/v1/tickets/queue"),
    ("post", "/api/v1/tickets"), ("get", "/api/v1/kb/articles?q=x"),
    ("get", "/api/v1/contacts"), ("get", "/api/v1/contacts/c1"), ("get", "/api/v1/accounts"),
    ("get", "/api/v1/opportunities"), ("get", "/api/v1/sla-policies"),
    ("get", "/api/v1/users"), ("post", "/api/v1/inbound/email"), ("get", "/api/v1/auth/me"),
])
def test_a_portal_session_is_refused_on_staff_routes(client, fake_rpc, portal_bearer, method,
                                                     path):
    headers = portal_bearer("ana@example.org")
    response = getattr(client, method)(path, headers=headers, json={})
    assert response.status_code == 403, response.get_json()
    assert portal_calls(fake_rpc) == []


def test_staff_cannot_use_the_portal_routes(client, login, fake_rpc):
    for role in ("admin", "support_agent"):
        response = client.get("/api/v1/portal/tickets", headers=login(role))
        assert response.status_code == 403
    key = client.post("/api/v1/api-keys", json={"name": "x", "scopes": ["portal"]},
                      headers=login("admin")).get_json()["key"]
    assert client.get("/api/v1/portal/tickets",
                      headers={"X-API-Key": key}).status_code == 403
    assert portal_calls(fake_rpc) == []


def test_portal_input_is_checked_before_any_call(client, fake_rpc, portal_bearer):
    headers = portal_bearer("ana@example.org")
    for path, body, field in [("/api/v1/portal/tickets", {"subject": "x"}, "description"),
                              ("/api/v1/portal/tickets", {"subject": "x", "description": "y",
                                                          "priority": "urgent"}, "priority"),
                              ("/api/v1/portal/tickets/t1/messages", {"body": ""}, "body")]:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 422
        assert field in response.get_json()["errors"]
    bad = client.get("/api/v1/portal/kb/articles?q=x&published_only=false", headers=headers)
    assert bad.status_code == 422
    assert portal_calls(fake_rpc) == []


def test_a_contacts_writes_are_audited_as_the_contact(app, client, fake_rpc, portal_bearer):
    from sqlalchemy import select

    from gateway.db import sessions
    from gateway.models import AuditEntry

    fake_rpc.on("support", "portal_create_ticket", TICKET)
    headers = portal_bearer("ana@example.org")
    assert client.post("/api/v1/portal/tickets", json={"subject": "x", "description": "y"},
                       headers=headers).status_code == 201
    app.extensions["crm.audit"].flush()  # entries are saved in batches
    with app.app_context(), sessions()() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.path == "/api/v1/portal/tickets")).one()
    assert (entry.actor_type, entry.actor_id, entry.resource_id) == ("contact", "c1", "t1")


def test_me_names_the_signed_in_contact_and_ends_with_it(client, fake_rpc, portal_bearer, login):
    people = {"c1": {**CONTACTS["ana@example.org"], "last_name": "Lima", "phone": "+331"}}

    def get_contact(contact_id):
        if contact_id not in people:
            raise remote("NotFound", f"no contact {contact_id}")
        return people[contact_id]
    fake_rpc.on("contacts", "get_contact", get_contact)
    ana = portal_bearer("ana@example.org")
    answer = client.get("/api/v1/portal/me", headers=ana)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"contact_id": "c1", "first_name": "Ana", "last_name": "Lima",
                                 "email": "Ana@Example.org"}  # nothing more than that
    people["c1"]["merged_into_id"] = "c9"
    assert client.get("/api/v1/portal/me", headers=ana).status_code == 410
    del people["c1"]
    gone = client.get("/api/v1/portal/me", headers=ana)
    assert (gone.status_code, gone.get_json()["title"]) == (410, "Session ended")
    assert client.get("/api/v1/portal/me").status_code == 401
    assert client.get("/api/v1/portal/me", headers=login("admin")).status_code == 403
