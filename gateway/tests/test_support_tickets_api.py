"""Tickets through the gateway: each route reaches the support service as asked, bad
input stops at the gateway, the service's refusals keep their meaning, and roles get what
they are granted. Also: every support path is in the OpenAPI document."""

import pytest
from gateway_fakes import remote

TARGET = {"target_minutes": 60, "due_at": "2026-11-26T16:00:00+00:00", "elapsed_minutes": 20,
          "remaining_minutes": 40, "breached": False, "met_at": None, "status": "running"}
TICKET = {"id": "t1", "number": "T-1001", "subject": "Printer on fire", "description": "Help",
          "contact_id": "c1", "account_id": "a1", "channel": "api", "type": "incident",
          "priority": "high", "status": "open", "tags": ["hardware"], "assignee_id": "u1",
          "team_id": "team1", "language": "en", "vip": False, "escalated": False,
          "upsell_flagged": False,
          "sla": {"policy_id": "p1", "first_response": TARGET, "resolution": TARGET,
                  "paused": False},
          "first_responded_at": None, "solved_at": None, "closed_at": None, "version": 3,
          "created_at": "2026-11-26T15:00:00+00:00",
          "updated_at": "2026-11-26T15:20:00+00:00"}
MESSAGE = {"id": "m1", "ticket_id": "t1", "body": "On it", "public": True,
           "author_type": "agent", "author_id": "u1", "email_message_id": "<m1@support.crm>",
           "created_at": "2026-11-26T15:21:00+00:00"}
PAGE = {"items": [TICKET], "next_cursor": None}


def support_calls(fake_rpc):
    return [(method, args) for service, method, args, _, _ in fake_rpc.calls
            if service == "support"]


def raises(error):
    def handler(*args, **kwargs):
        raise error
    return handler


@pytest.mark.parametrize(("method", "path", "body", "headers", "rpc", "args", "status"), [
    ("post", "/api/v1/tickets",
     {"subject": "Printer on fire", "priority": "high", "type": "incident", "contact_id": "c1",
      "tags": ["hardware"], "channel": "phone"}, {},
     "create_ticket", ({"subject": "Printer on fire", "priority": "high", "type": "incident",
                        "contact_id": "c1", "tags": ["hardware"], "channel": "phone"},), 201),
    ("get", "/api/v1/tickets/T-1001", None, {}, "get_ticket", ("T-1001",), 200),
    ("patch", "/api/v1/tickets/t1", {"priority": "urgent", "tags": []}, {"If-Match": '"3"'},
     "update_ticket", ("t1", {"priority": "urgent", "tags": []}, 3), 200),
    ("post", "/api/v1/tickets/t1/status", {"status": "pending"}, {},
     "change_status", ("t1", {"status": "pending"}, None), 200),
    ("post", "/api/v1/tickets/t1/assign", {"assignee_id": "u2"}, {"If-Match": '"3"'},
     "assign_ticket", ("t1", {"assignee_id": "u2", "team_id": None}, 3), 200),
    ("post", "/api/v1/tickets/t1/assign", {}, {},
     "assign_ticket", ("t1", {"assignee_id": None, "team_id": None}, None), 200),
    ("post", "/api/v1/tickets/t1/reassign", None, {}, "reassign_ticket", ("t1",), 200),
    ("post", "/api/v1/tickets/t1/upsell", {"note": "wants 50 more seats"}, {},
     "flag_upsell", ("t1", {"note": "wants 50 more seats"}), 200),
])
def test_each_ticket_route_forwards_its_rpc(client, login, fake_rpc, method, path, body,
                                            headers, rpc, args, status):
    fake_rpc.on("support", rpc, TICKET)
    response = getattr(client, method)(path, json=body,
                                       headers={**login("support_agent"), **headers})
    assert response.status_code == status, response.get_json()
    assert support_calls(fake_rpc) == [(rpc, args)]
    assert response.headers["ETag"] == '"3"'
    assert response.get_json()["sla"]["resolution"]["remaining_minutes"] == 40
    if status == 201:
        assert response.headers["Location"] == "/api/v1/tickets/t1"


@pytest.mark.parametrize(("body", "sent"), [
    ({"body": "On it"}, {"body": "On it"}),
    ({"body": "Customer is angry", "public": False}, {"body": "Customer is angry",
                                                      "public": False}),
    ({"body": "Said on the phone", "author_type": "customer"},
     {"body": "Said on the phone", "author_type": "customer"}),
])
def test_replies_and_internal_notes(client, login, fake_rpc, body, sent):
    fake_rpc.on("support", "add_message", {**MESSAGE, **body})
    response = client.post("/api/v1/tickets/t1/messages", json=body,
                           headers=login("support_agent"))
    assert response.status_code == 201
    assert response.get_json()["body"] == body["body"]
    assert support_calls(fake_rpc) == [("add_message", ("t1", sent))]


def test_the_list_passes_its_filters(client, login, fake_rpc):
    fake_rpc.on("support", "list_tickets", PAGE)
    response = client.get(
        "/api/v1/tickets?status=open&status=pending&priority=high&priority=urgent&assignee_id=u1"
        "&team_id=team1&contact_id=c1&account_id=a1&breached=true&open=true&tag=vip"
        "&q=printer&sort=-resolution_due_at&limit=20", headers=login("viewer"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["items"][0]["number"] == "T-1001"
    assert support_calls(fake_rpc) == [("list_tickets", ({
        "limit": 20, "sort": "-resolution_due_at", "q": "printer",
        "filters": {"status": ["open", "pending"], "priority": ["high", "urgent"],
                    "team_id": "team1",
                    "assignee_id": "u1", "contact_id": "c1", "account_id": "a1",
                    "tag": "vip", "breached": True, "open": True}},))]


def test_the_queue_is_the_callers_open_tickets_due_soonest_first(client, make_user,
                                                                  fake_rpc):
    fake_rpc.on("support", "list_tickets", PAGE)
    agent = make_user("support_agent")
    token = client.post("/api/v1/auth/token", json={
        "email": agent["email"], "password": agent["password"]}).get_json()["access_token"]
    response = client.get("/api/v1/tickets/queue?limit=100",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    first = response.get_json()["items"][0]["sla"]
    assert first["first_response"]["remaining_minutes"] == 40
    assert support_calls(fake_rpc) == [("change_count", ("tickets",)), ("list_tickets", ({
        "limit": 100, "sort": "resolution_due_at",
        "filters": {"assignee_id": agent["id"], "open": True}},))]


@pytest.mark.parametrize(("method", "path", "body", "fields"), [
    ("post", "/api/v1/tickets", {"description": "no subject"}, {"subject"}),
    ("post", "/api/v1/tickets", {"subject": "x", "priority": "asap"}, {"priority"}),
    ("post", "/api/v1/tickets", {"subject": "x", "channel": "fax"}, {"channel"}),
    ("post", "/api/v1/tickets", {"subject": "x", "status": "open"}, {"status"}),
    ("patch", "/api/v1/tickets/t1", {"status": "solved"}, {"status"}),
    ("post", "/api/v1/tickets/t1/status", {"status": "done"}, {"status"}),
    ("post", "/api/v1/tickets/t1/messages", {"body": ""}, {"body"}),
    ("post", "/api/v1/tickets/t1/messages", {"body": "x", "author_type": "robot"},
     {"author_type"}),
    ("get", "/api/v1/tickets?status=lost", None, {"status"}),
    ("get", "/api/v1/tickets?assigne_id=u1", None, {"assigne_id"}),
    ("get", "/api/v1/tickets?sort=subject", None, {"sort"}),
])
def test_bad_input_is_422_naming_the_field_without_a_call(client, login, fake_rpc, method,
                                                          path, body, fields):
    response = getattr(client, method)(path, json=body, headers=login("support_agent"))
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()["errors"]) == fields
    assert fake_rpc.calls == []


@pytest.mark.parametrize(("exc_type", "status"), [
    ("InvalidTransition", 409), ("StaleVersion", 412), ("NotFound", 404),
    ("ValidationFailed", 422), ("Conflict", 409)])
def test_the_services_refusals_keep_their_meaning(client, login, fake_rpc, exc_type,
                                                  status):
    details = ({"status": ["not from closed"]},) if exc_type == "ValidationFailed" else ()
    fake_rpc.on("support", "change_status",
                raises(remote(exc_type, "closed tickets stay closed", *details)))
    response = client.post("/api/v1/tickets/t1/status", json={"status": "open"},
                           headers={**login("support_agent"), "If-Match": '"2"'})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "closed tickets stay closed"
    if details:
        assert response.get_json()["errors"] == {"status": ["not from closed"]}


def test_suggested_articles_for_a_ticket(client, login, fake_rpc):
    fake_rpc.on("support", "suggest_articles", {"items": [
        {"id": "k1", "title": "Printers", "body": "Unplug it", "status": "published",
         "score": 0.8}]})
    response = client.get("/api/v1/tickets/t1/suggested-articles?limit=3",
                          headers=login("support_agent"))
    assert response.get_json() == {"items": [
        {"id": "k1", "title": "Printers", "body": "Unplug it", "status": "published",
         "score": 0.8}], "next_cursor": None}
    assert support_calls(fake_rpc) == [("suggest_articles", ("t1", 3))]


def test_csat_answers_are_listed_with_filters(client, login, fake_rpc):
    fake_rpc.on("support", "list_csat", {"items": [
        {"ticket_id": "t1", "rating": 5, "comment": "great", "contact_id": "c1",
         "account_id": "a1", "submitted_at": "2026-11-26T15:00:00+00:00"}],
        "next_cursor": None})
    response = client.get("/api/v1/tickets/csat?account_id=a1", headers=login("viewer"))
    assert response.get_json()["items"][0]["rating"] == 5
    assert support_calls(fake_rpc) == [("list_csat", ({"limit": 50,
                                                       "filters": {"account_id": "a1"}},))]


@pytest.mark.parametrize("role", ["sales_manager", "sales_rep", "marketing", "viewer"])
def test_other_roles_read_tickets_but_do_not_work_them(client, login, fake_rpc, role):
    fake_rpc.on("support", "list_tickets", PAGE)
    headers = login(role)
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    for path, body in [("/api/v1/tickets", {"subject": "x"}),
                       ("/api/v1/tickets/t1/messages", {"body": "x"}),
                       ("/api/v1/tickets/t1/status", {"status": "open"})]:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 403
        assert "tickets:write" in response.get_json()["detail"]
    assert [call[1] for call in fake_rpc.calls] == ["list_tickets"]


@pytest.mark.parametrize("role", ["support_agent", "support_manager", "admin"])
def test_support_roles_and_admins_work_tickets(client, login, fake_rpc, role):
    fake_rpc.on("support", "create_ticket", TICKET)
    assert client.post("/api/v1/tickets", json={"subject": "x"},
                       headers=login(role)).status_code == 201


def test_the_caller_travels_with_each_call(client, make_user, fake_rpc):
    fake_rpc.on("support", "add_message", MESSAGE)
    agent = make_user("support_agent")
    token = client.post("/api/v1/auth/token", json={
        "email": agent["email"], "password": agent["password"]}).get_json()["access_token"]
    client.post("/api/v1/tickets/t1/messages", json={"body": "On it"},
                headers={"Authorization": f"Bearer {token}"})
    context = fake_rpc.calls[0][4]
    assert context["user_id"] == agent["id"]
    assert context["user_role"] == "support_agent"


def test_the_api_document_lists_every_support_path(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ["/api/v1/tickets", "/api/v1/tickets/queue", "/api/v1/tickets/{item_id}",
                 "/api/v1/tickets/{item_id}/messages", "/api/v1/tickets/{item_id}/status",
                 "/api/v1/tickets/{item_id}/assign", "/api/v1/tickets/{item_id}/upsell",
                 "/api/v1/tickets/{item_id}/suggested-articles", "/api/v1/tickets/csat",
                 "/api/v1/sla-policies", "/api/v1/sla-policies/{item_id}",
                 "/api/v1/business-calendars/default",
                 "/api/v1/business-calendars/{item_id}",
                 "/api/v1/teams", "/api/v1/teams/{item_id}", "/api/v1/assignment-rules",
                 "/api/v1/assignment-rules/{item_id}", "/api/v1/kb/articles",
                 "/api/v1/kb/articles/{item_id}", "/api/v1/kb/articles/{item_id}/publish",
                 "/api/v1/kb/articles/{item_id}/unpublish", "/api/v1/kb/categories",
                 "/api/v1/inbound/email", "/api/v1/surveys/{token}",
                 "/api/v1/portal/sign-in", "/api/v1/portal/session",
                 "/api/v1/portal/tickets", "/api/v1/portal/tickets/{item_id}",
                 "/api/v1/portal/tickets/{item_id}/messages", "/api/v1/portal/kb/articles"]:
        assert path in paths, path
    assert "message/rfc822" in paths["/api/v1/inbound/email"]["post"]["requestBody"][
        "content"]
    assert paths["/api/v1/surveys/{token}"]["post"]["security"] == []


def test_a_retried_create_with_an_idempotency_key_makes_one_ticket(client, login, fake_rpc):
    fake_rpc.on("support", "create_ticket", TICKET)
    headers = {**login("support_agent"), "Idempotency-Key": "mail-42"}
    first = client.post("/api/v1/tickets", json={"subject": "Printer on fire"},
                        headers=headers)
    again = client.post("/api/v1/tickets", json={"subject": "Printer on fire"},
                        headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == "t1"
    assert [call[1] for call in fake_rpc.calls] == ["create_ticket"]


def test_ticket_writes_are_audited_with_the_ticket(app, client, login, fake_rpc):
    from sqlalchemy import select

    from gateway.db import sessions
    from gateway.models import AuditEntry

    fake_rpc.on("support", "add_message", MESSAGE)
    client.post("/api/v1/tickets/t1/messages", json={"body": "On it"},
                headers=login("support_agent"))
    app.extensions["crm.audit"].flush()  # entries are saved in batches
    with app.app_context(), sessions()() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.path == "/api/v1/tickets/t1/messages")).one()
    assert (entry.actor_type, entry.status, entry.resource_id) == ("user", 201, "t1")


def test_a_queue_page_is_kept_only_while_its_sla_time_left_is_fresh(client, login, fake_rpc,
                                                                  monkeypatch):
    from gateway.api import support_tickets

    fake_rpc.on("support", "change_count", lambda name: 3)  # no ticket changes meanwhile
    fake_rpc.on("support", "list_tickets", PAGE)
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(support_tickets, "clock", lambda: clock["now"])
    headers = login("support_agent")

    def pages_computed() -> int:
        return sum(call[0] == "list_tickets" for call in support_calls(fake_rpc))

    client.get("/api/v1/tickets/queue", headers=headers)
    clock["now"] += 1
    client.get("/api/v1/tickets/queue", headers=headers)
    assert pages_computed() == 1
    clock["now"] += support_tickets.QUEUE_KEPT_SECONDS
    client.get("/api/v1/tickets/queue", headers=headers)
    assert pages_computed() == 2
