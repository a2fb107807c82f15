"""Activities through the gateway, a person's day, and the iCalendar feed that calendar
applications read with nothing but the signed address. Also: every sales path is in the
OpenAPI document."""

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest
from gateway_fakes import remote

ACTIVITY = {"id": "a1", "type": "meeting", "subject": "Demo", "notes": None,
            "due_at": None, "start_at": "2026-11-27T10:00:00+00:00",
            "end_at": "2026-11-27T11:00:00+00:00", "assignee_id": "u1", "origin": "manual",
            "completed_at": None, "version": 1}
CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crm//sales//EN\r\nEND:VCALENDAR\r\n"


def sales_calls(fake_rpc):
    return [(method, args) for service, method, args, _, _ in fake_rpc.calls
            if service == "sales"]


@pytest.fixture
def sign_in(client, make_user):
    """A new user of the role: (their bearer headers, their id)."""

    def sign_in(role: str = "sales_rep") -> tuple[dict[str, str], str]:
        user = make_user(role)
        token = client.post("/api/v1/auth/token", json={
            "email": user["email"], "password": user["password"]}).get_json()["access_token"]
        return {"Authorization": f"Bearer {token}"}, user["id"]

    return sign_in


@pytest.mark.parametrize(("method", "path", "body", "rpc", "args", "status"), [
    ("post", "/api/v1/activities",
     {"type": "meeting", "subject": "Demo", "start_at": "2026-11-27T11:00:00+01:00",
      "end_at": "2026-11-27T11:00:00Z", "opportunity_id": "o1"},
     "create_activity",
     ({"type": "meeting", "subject": "Demo", "start_at": "2026-11-27T11:00:00+01:00",
       "end_at": "2026-11-27T11:00:00+00:00", "opportunity_id": "o1"},), 201),
    ("post", "/api/v1/activities", {"type": "task", "subject": "Call back",
                                    "due_at": "2026-11-27T09:00:00"},
     "create_activity",
     ({"type": "task", "subject": "Call back", "due_at": "2026-11-27T09:00:00+00:00"},), 201),
    ("get", "/api/v1/activities/a1", None, "get_activity", ("a1",), 200),
    ("patch", "/api/v1/activities/a1", {"notes": "bring the deck", "assignee_id": "u2"},
     "update_activity", ("a1", {"notes": "bring the deck", "assignee_id": "u2"}, None), 200),
    ("delete", "/api/v1/activities/a1", None, "delete_activity", ("a1", None), 204),
    ("post", "/api/v1/activities/a1/complete", None, "complete_activity", ("a1", None), 200),
])
def test_each_route_forwards_its_rpc(client, login, fake_rpc, method, path, body, rpc, args,
                                     status):
    fake_rpc.on("sales", rpc, None if status == 204 else ACTIVITY)
    response = getattr(client, method)(path, json=body, headers=login("sales_rep"))
    assert response.status_code == status, response.get_json()
    assert sales_calls(fake_rpc) == [(rpc, args)]
    if status != 204:
        assert response.headers["ETag"] == '"1"'
    if status == 201:
        assert response.headers["Location"] == "/api/v1/activities/a1"


def test_the_list_passes_its_filters(client, login, fake_rpc):
    fake_rpc.on("sales", "list_activities", {"items": [ACTIVITY], "next_cursor": None})
    response = client.get("/api/v1/activities?assignee_id=u1&completed=false&type=meeting"
                          "&due_before=2026-12-01T00:00:00Z&sort=due_at",
                          headers=login("viewer"))
    assert response.get_json()["items"][0]["subject"] == "Demo"
    assert sales_calls(fake_rpc) == [("list_activities", ({
        "limit": 50, "sort": "due_at",
        "filters": {"assignee_id": "u1", "completed": False, "type": "meeting",
                    "due_before": "2026-12-01T00:00:00+00:00"}},))]


@pytest.mark.parametrize(("body", "fields"), [
    ({"type": "lunch", "subject": "x"}, {"type"}),
    ({"type": "task"}, {"subject"}),
    ({"type": "task", "subject": "x", "due_at": "next week"}, {"due_at"}),
    ({"type": "task", "subject": "x", "priority": "high"}, {"priority"}),
])
def test_bad_activities_are_422_naming_the_field_without_a_call(client, login, fake_rpc,
                                                                body, fields):
    response = client.post("/api/v1/activities", json=body, headers=login("sales_rep"))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == fields
    assert fake_rpc.calls == []


def test_a_rep_cannot_touch_someone_elses_activity(client, login, fake_rpc):
    fake_rpc.on("sales", "complete_activity", lambda *a: (_ for _ in ()).throw(remote(
        "NotOwner", "the activity belongs to someone else: a sales rep changes only their "
                    "own")))
    response = client.post("/api/v1/activities/a1/complete", headers={
        **login("sales_rep"), "If-Match": '"1"'})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "someone else" in response.get_json()["detail"]
    assert sales_calls(fake_rpc) == [("complete_activity", ("a1", 1))]


def test_completing_twice_is_409(client, login, fake_rpc):
    fake_rpc.on("sales", "complete_activity", lambda *a: (_ for _ in ()).throw(remote(
        "InvalidTransition", "the activity is completed already")))
    response = client.post("/api/v1/activities/a1/complete", headers=login("sales_rep"))
    assert response.status_code == 409


def test_my_day_defaults_to_the_caller_and_today(client, login, fake_rpc):
    fake_rpc.on("sales", "my_day", {"items": [{**ACTIVITY, "overdue": True}], "overdue": 1})
    headers = login("sales_rep")
    response = client.get("/api/v1/activities/my-day", headers=headers)
    assert response.get_json()["overdue"] == 1
    assert response.get_json()["items"][0]["overdue"] is True
    client.get("/api/v1/activities/my-day?user_id=u2&day=2026-11-30&limit=10",
               headers=headers)
    assert sales_calls(fake_rpc) == [("my_day", (None, None, 100)),
                                     ("my_day", ("u2", "2026-11-30", 10))]
    bad = client.get("/api/v1/activities/my-day?day=30/11", headers=headers)
    assert bad.status_code == 422 and "day" in bad.get_json()["errors"]


# --- the calendar feed ---------------------------------------------------------------------

def feed_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_calendar_link_opens_the_feed_without_any_credential(client, sign_in, fake_rpc):
    fake_rpc.on("sales", "activity_calendar", CALENDAR)
    headers, user_id = sign_in("sales_rep")
    link = client.get("/api/v1/activities/calendar-link", headers=headers)
    url = link.get_json()["url"]
    assert link.status_code == 200 and url.startswith("http")
    assert urlsplit(url).path == f"/api/v1/calendar/{user_id}.ics"
    assert len(parse_qs(urlsplit(url).query)["token"][0]) == 64
    feed = client.get(feed_path(url))  # no Authorization header, no cookie
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed.get_data(as_text=True) == CALENDAR
    service, method, args, _, context = fake_rpc.calls[-1]
    assert (service, method, args) == ("sales", "activity_calendar", (user_id,))
    assert context["user_id"] == user_id and context["user_role"] == "sales_rep"


def test_a_forged_or_borrowed_token_is_401(client, sign_in, fake_rpc):
    fake_rpc.on("sales", "activity_calendar", CALENDAR)
    headers, user_id = sign_in("sales_rep")
    _, other_id = sign_in("sales_rep")
    url = client.get("/api/v1/activities/calendar-link", headers=headers).get_json()["url"]
    token = parse_qs(urlsplit(url).query)["token"][0]
    attempts = [f"/api/v1/calendar/{other_id}.ics?token={token}",  # someone else's feed
                f"/api/v1/calendar/{user_id}.ics?token={'0' * 64}",
                f"/api/v1/calendar/{user_id}.ics?token={token[:-1]}",
                f"/api/v1/calendar/{user_id}.ics"]
    for path in attempts:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.mimetype == "application/problem+json"
    assert sales_calls(fake_rpc) == []


def test_a_bearer_token_does_not_replace_the_calendar_token(client, sign_in, fake_rpc):
    headers, user_id = sign_in("sales_rep")
    response = client.get(f"/api/v1/calendar/{user_id}.ics", headers=headers)
    assert response.status_code == 401
    assert fake_rpc.calls == []


def test_a_disabled_users_feed_is_refused(client, sign_in, login, fake_rpc):
    fake_rpc.on("sales", "activity_calendar", CALENDAR)
    headers, user_id = sign_in("sales_rep")
    url = client.get("/api/v1/activities/calendar-link", headers=headers).get_json()["url"]
    assert client.get(feed_path(url)).status_code == 200
    disabled = client.patch(f"/api/v1/users/{user_id}", json={"active": False},
                            headers=login("admin"))
    assert disabled.status_code == 200
    response = client.get(feed_path(url))
    assert response.status_code == 401
    assert "disabled" in response.get_json()["detail"]


def test_a_link_is_signed_with_the_gateways_secret(client, sign_in, app):
    headers, user_id = sign_in("viewer")
    first = client.get("/api/v1/activities/calendar-link", headers=headers).get_json()["url"]
    again = client.get("/api/v1/activities/calendar-link", headers=headers).get_json()["url"]
    assert first == again  # stable: a subscribed calendar keeps working
    with app.test_request_context():
        from gateway.api.sales_activities import calendar_token

        assert calendar_token(user_id) in first
        app.config["CRM"] = dataclasses.replace(app.config["CRM"],
                                                secret_key="another secret " + "y" * 32)
        assert calendar_token(user_id) not in first


def test_an_api_key_has_no_calendar(client, login):
    key = client.post("/api/v1/api-keys", json={"name": "ERP", "scopes": ["sales:read"]},
                      headers=login("admin")).get_json()["key"]
    response = client.get("/api/v1/activities/calendar-link", headers={"X-API-Key": key})
    assert response.status_code == 403


def test_the_calendar_link_needs_a_signed_in_caller(client):
    assert client.get("/api/v1/activities/calendar-link").status_code == 401


# --- the API document ----------------------------------------------------------------------

SALES_PATHS = [
    "/api/v1/pipelines", "/api/v1/pipelines/{item_id}",
    "/api/v1/opportunities", "/api/v1/opportunities/{item_id}",
    "/api/v1/opportunities/board", "/api/v1/opportunities/{item_id}/move",
    "/api/v1/opportunities/{item_id}/win", "/api/v1/opportunities/{item_id}/lose",
    "/api/v1/opportunities/{item_id}/reopen", "/api/v1/opportunities/{item_id}/stage-history",
    "/api/v1/forecast", "/api/v1/products", "/api/v1/products/{item_id}",
    "/api/v1/price-lists", "/api/v1/price-lists/{item_id}",
    "/api/v1/price-lists/{item_id}/prices/{product_id}/{currency}",
    "/api/v1/quotes", "/api/v1/quotes/{item_id}", "/api/v1/quotes/{item_id}/send",
    "/api/v1/quotes/{item_id}/accept", "/api/v1/quotes/{item_id}/reject",
    "/api/v1/quotes/{item_id}/expire", "/api/v1/orders", "/api/v1/orders/{item_id}",
    "/api/v1/activities", "/api/v1/activities/{item_id}",
    "/api/v1/activities/{item_id}/complete", "/api/v1/activities/my-day",
    "/api/v1/activities/calendar-link", "/api/v1/calendar/{user_id}.ics",
]


def test_the_openapi_document_describes_the_sales_resources(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert sorted(set(SALES_PATHS) - set(spec["paths"])) == []
    schemas = spec["components"]["schemas"]
    assert schemas["OpportunityOut"]["properties"]["amount"]["type"] == "string"
    assert schemas["QuoteOut"]["properties"]["lines"]["items"]["$ref"].endswith("/LineOut")
    assert schemas["LineOut"]["properties"]["total_amount"]["type"] == "string"
    assert schemas["OpportunityIn"]["additionalProperties"] is False
    feed = spec["paths"]["/api/v1/calendar/{user_id}.ics"]["get"]
    assert feed["security"] == [] and "text/calendar" in feed["responses"]["200"]["content"]
    assert "subscribe" in spec["paths"]["/api/v1/activities/calendar-link"]["get"][
        "description"].lower()
    board = spec["paths"]["/api/v1/opportunities/board"]["get"]["responses"]["200"]
    assert board["content"]["application/json"]["schema"]["$ref"].endswith("/BoardOut")


def test_no_money_field_is_a_number(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    money = ("amount", "weighted_amount", "unit_price", "subtotal", "total", "net_total",
             "tax_total", "discount_total", "net_amount", "tax_amount", "total_amount")
    for name, schema in schemas.items():
        if name == "PaginationMetadata":  # flask-smorest's own: `total` counts items
            continue
        for field, spec in schema.get("properties", {}).items():
            if field in money:
                assert spec.get("type") == "string", f"{name}.{field}"
