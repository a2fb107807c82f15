"""Segments, templates and campaigns through the gateway: what each route asks of the
marketing service, bad input stopped before any call, the service's refusals kept, and
who may do what."""

import pytest
from gateway_fakes import remote

SEGMENT = {"id": "s1", "name": "Leads", "description": None, "kind": "dynamic",
           "rules": {"match": "all", "conditions": [{"field": "lifecycle_stage", "op": "eq",
                                                     "value": "lead"}]},
           "member_count": 3, "version": 2, "created_at": "2026-11-26T10:00:00+00:00",
           "updated_at": "2026-11-26T10:00:00+00:00"}
RULES = SEGMENT["rules"]
TEMPLATE = {"id": "t1", "name": "Launch", "subject": "Hi {{ contact.first_name }}",
            "text_body": "Hello", "html_body": None, "variables": ["contact"], "version": 1,
            "created_at": "2026-11-26T10:00:00+00:00",
            "updated_at": "2026-11-26T10:00:00+00:00"}
COUNTS = {name: 0 for name in ("recipients", "sent", "failed", "queued", "cancelled",
                               "opened", "clicked", "bounced", "unsubscribed", "opens",
                               "clicks")}
CAMPAIGN = {"id": "c1", "name": "Launch", "segment_id": "s1", "template_id": "t1",
            "from_address": None, "status": "draft", "cost": "100.00", "budget": "500.00",
            "currency": "EUR", "scheduled_at": None, "started_at": None,
            "completed_at": None, "skipped_without_consent": 0, "counts": COUNTS,
            "version": 3, "created_at": "2026-11-26T10:00:00+00:00",
            "updated_at": "2026-11-26T10:00:00+00:00"}
METRICS = {**COUNTS, "campaign_id": "c1", "status": "sent", "delivered": 0,
           "skipped_without_consent": 0, "delivery_rate": None, "open_rate": None,
           "click_rate": None, "click_to_open_rate": None, "unsubscribe_rate": None,
           "bounce_rate": None, "cost": "100.00", "budget": None, "currency": "EUR",
           "cost_per_mail": None}


def marketing_calls(fake_rpc):
    return [(method, args) for service, method, args, _, _ in fake_rpc.calls
            if service == "marketing"]


@pytest.mark.parametrize(("method", "path", "body", "rpc", "args", "answer", "status"), [
    ("post", "/api/v1/segments", {"name": "Leads", "rules": RULES}, "create_segment",
     ({"name": "Leads", "rules": RULES},), SEGMENT, 201),
    ("get", "/api/v1/segments/s1", None, "get_segment", ("s1",), SEGMENT, 200),
    ("patch", "/api/v1/segments/s1", {"name": "Hot leads"}, "update_segment",
     ("s1", {"name": "Hot leads"}, None), SEGMENT, 200),
    ("delete", "/api/v1/segments/s1", None, "delete_segment", ("s1", None), None, 204),
    ("post", "/api/v1/segments/s1/members", {"contact_ids": ["a", "b"]},
     "add_segment_members", ("s1", {"contact_ids": ["a", "b"]}), SEGMENT, 200),
    ("post", "/api/v1/segments/s1/members/remove", {"contact_ids": ["a"]},
     "remove_segment_members", ("s1", {"contact_ids": ["a"]}), SEGMENT, 200),
    ("post", "/api/v1/templates", {"name": "Launch", "subject": "Hi", "text_body": "x"},
     "create_template", ({"name": "Launch", "subject": "Hi", "text_body": "x"},),
     TEMPLATE, 201),
    ("get", "/api/v1/templates/t1", None, "get_template", ("t1",), TEMPLATE, 200),
    ("patch", "/api/v1/templates/t1", {"subject": "Hey"}, "update_template",
     ("t1", {"subject": "Hey"}, None), TEMPLATE, 200),
    ("delete", "/api/v1/templates/t1", None, "delete_template", ("t1", None), None, 204),
    ("post", "/api/v1/campaigns", {"name": "Launch", "segment_id": "s1",
                                   "template_id": "t1", "cost": "100.00"},
     "create_campaign", ({"name": "Launch", "segment_id": "s1", "template_id": "t1",
                          "cost": "100.00"},), CAMPAIGN, 201),
    ("get", "/api/v1/campaigns/c1", None, "get_campaign", ("c1",), CAMPAIGN, 200),
    ("patch", "/api/v1/campaigns/c1", {"budget": None}, "update_campaign",
     ("c1", {"budget": None}, None), CAMPAIGN, 200),
    ("post", "/api/v1/campaigns/c1/send", None, "send_campaign", ("c1", None), CAMPAIGN,
     200),
    ("post", "/api/v1/campaigns/c1/schedule", {"scheduled_at": "2026-12-01T09:00:00Z"},
     "schedule_campaign", ("c1", {"scheduled_at": "2026-12-01T09:00:00+00:00"}, None),
     CAMPAIGN, 200),
    ("post", "/api/v1/campaigns/c1/cancel", None, "cancel_campaign", ("c1", None), CAMPAIGN,
     200),
])
def test_each_route_forwards_its_rpc(client, login, fake_rpc, method, path, body, rpc, args,
                                     answer, status):
    fake_rpc.on("marketing", rpc, answer)
    response = getattr(client, method)(path, json=body, headers=login("marketing"))
    assert response.status_code == status, response.get_json()
    assert marketing_calls(fake_rpc) == [(rpc, args)]
    if answer is not None:
        assert response.headers["ETag"] == f'"{answer["version"]}"'
    if status == 201:
        assert response.headers["Location"].endswith(f"/{answer['id']}")


def test_reads_counts_members_metrics_and_previews(client, login, fake_rpc):
    fake_rpc.on("marketing", "list_segments", {"items": [SEGMENT], "next_cursor": None})
    fake_rpc.on("marketing", "segment_members", {"items": [
        {"contact_id": "a", "first_name": "Ann", "last_name": None, "email": "a@x.test",
         "email_consent": "granted", "joined_at": "2026-11-26T10:00:00+00:00"}],
        "next_cursor": None})
    fake_rpc.on("marketing", "count_segment_rules", {"count": 7})
    fake_rpc.on("marketing", "campaign_metrics", METRICS)
    fake_rpc.on("marketing", "list_campaigns", {"items": [CAMPAIGN], "next_cursor": None})
    fake_rpc.on("marketing", "preview_template", {"subject": "Hi Ann", "text_body": "x",
                                                  "html_body": None})
    headers = login("viewer")
    assert client.get("/api/v1/segments?kind=dynamic&limit=5",
                      headers=headers).status_code == 200
    members = client.get("/api/v1/segments/s1/members?limit=10", headers=headers)
    assert members.get_json()["items"][0]["email_consent"] == "granted"
    count = client.post("/api/v1/segments/count", json={"rules": RULES}, headers=headers)
    assert count.get_json() == {"count": 7}
    assert client.get("/api/v1/campaigns/c1/metrics", headers=headers).get_json() == METRICS
    assert client.get("/api/v1/campaigns?status=sent", headers=headers).status_code == 200
    preview = client.post("/api/v1/templates/t1/preview", json={"contact_id": "a"},
                          headers=headers)
    assert preview.get_json()["subject"] == "Hi Ann"
    assert marketing_calls(fake_rpc) == [
        ("list_segments", ({"limit": 5, "filters": {"kind": "dynamic"}},)),
        ("segment_members", ("s1", {"limit": 10})),
        ("count_segment_rules", ({"rules": RULES},)),
        ("campaign_metrics", ("c1",)),
        ("list_campaigns", ({"limit": 50, "filters": {"status": "sent"}},)),
        ("preview_template", ("t1", {"contact_id": "a"})),
    ]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/segments", {"name": "x", "kind": "smart"}, "kind"),
    ("/api/v1/segments", {"name": "", "rules": RULES}, "name"),
    ("/api/v1/segments", {"name": "x", "wat": 1}, "wat"),
    ("/api/v1/templates", {"name": "x", "subject": "s"}, "text_body"),
    ("/api/v1/campaigns", {"name": "x", "segment_id": "s1", "template_id": "t1",
                           "cost": 12.5}, "cost"),
    ("/api/v1/campaigns", {"name": "x", "segment_id": "s1", "template_id": "t1",
                           "currency": "euro"}, "currency"),
    ("/api/v1/campaigns/c1/schedule", {"scheduled_at": "tomorrow"}, "scheduled_at"),
])
def test_bad_input_is_422_naming_the_field_without_a_call(client, login, fake_rpc, path,
                                                          body, field):
    response = client.post(path, json=body, headers=login("marketing"))
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert marketing_calls(fake_rpc) == []


def test_the_services_refusals_keep_their_meaning(client, login, fake_rpc):
    def unknown_field(*args):
        raise remote("ValidationFailed", "the segment's rules are not valid",
                     {"rules.conditions.0.field": ["unknown field 'shoe_size'"]})

    def nobody(*args):
        raise remote("ValidationFailed", "nobody to send to",
                     {"segment_id": ["no member of segment 'Leads' has granted consent"]})

    def started(*args):
        raise remote("InvalidTransition", "a sent campaign cannot be sent")

    fake_rpc.on("marketing", "create_segment", unknown_field)
    fake_rpc.on("marketing", "send_campaign", nobody)
    fake_rpc.on("marketing", "cancel_campaign", started)
    headers = login("marketing")
    bad_rule = client.post("/api/v1/segments", json={"name": "x", "rules": {
        "match": "all", "conditions": [{"field": "shoe_size", "op": "eq", "value": 1}]}},
        headers=headers)
    assert bad_rule.status_code == 422
    assert bad_rule.get_json()["errors"] == {
        "rules.conditions.0.field": ["unknown field 'shoe_size'"]}
    no_consent = client.post("/api/v1/campaigns/c1/send", headers=headers)
    assert no_consent.status_code == 422 and "segment_id" in no_consent.get_json()["errors"]
    assert client.post("/api/v1/campaigns/c1/cancel", headers=headers).status_code == 409


def test_only_marketers_and_admins_change_marketing(client, login, fake_rpc):
    fake_rpc.on("marketing", "create_segment", SEGMENT)
    for role in ("sales_manager", "sales_rep", "support_agent", "viewer"):
        headers = login(role)
        assert client.post("/api/v1/segments", json={"name": "x", "rules": RULES},
                           headers=headers).status_code == 403
        assert client.post("/api/v1/campaigns/c1/send", headers=headers).status_code == 403
    assert client.get("/api/v1/segments/s1", headers=login("support_agent")).status_code \
        == 403
    assert client.post("/api/v1/segments", json={"name": "x", "rules": RULES},
                       headers=login("admin")).status_code == 201
    assert client.get("/api/v1/campaigns").status_code == 401


RULE = {"id": "r1", "name": "Clicked", "kind": "event", "rules": None,
        "event": "email.clicked", "points": 40, "active": True, "version": 1,
        "created_at": "2026-11-26T10:00:00+00:00", "updated_at": "2026-11-26T10:00:00+00:00"}


def test_scoring_rules_and_lead_scores(client, login, fake_rpc):
    fake_rpc.on("marketing", "create_scoring_rule", RULE)
    fake_rpc.on("marketing", "get_lead_score", {
        "contact_id": "a", "score": 55, "field_points": 0, "threshold": 50,
        "qualified_at": "2026-11-26T10:00:00+00:00", "updated_at": None, "history": []})
    headers = login("marketing")
    created = client.post("/api/v1/scoring-rules", json={
        "name": "Clicked", "kind": "event", "event": "email.clicked", "points": 40},
        headers=headers)
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    bad = client.post("/api/v1/scoring-rules", json={
        "name": "x", "kind": "event", "event": "email.forwarded", "points": 1.5},
        headers=headers)
    assert bad.status_code == 422 and {"event", "points"} <= set(bad.get_json()["errors"])
    assert client.get("/api/v1/lead-scores/a", headers=login("viewer")).get_json()[
        "score"] == 55
    assert client.post("/api/v1/scoring-rules", json={"name": "x", "kind": "event",
                                                      "event": "email.clicked", "points": 1},
                       headers=login("sales_rep")).status_code == 403
    assert marketing_calls(fake_rpc) == [
        ("create_scoring_rule", ({"name": "Clicked", "kind": "event",
                                  "event": "email.clicked", "points": 40},)),
        ("get_lead_score", ("a",))]


SCENARIO = {"id": "sc1", "name": "Trial nurture", "trigger": {"event": "lead.qualified"},
            "steps": [{"type": "wait", "days": 1}], "active": True,
            "enrolments": {"active": 1, "completed": 0, "exited": 0}, "version": 1,
            "created_at": "2026-11-26T10:00:00+00:00",
            "updated_at": "2026-11-26T10:00:00+00:00"}


def test_scenarios_and_who_is_where(client, login, fake_rpc):
    fake_rpc.on("marketing", "create_scenario", SCENARIO)
    fake_rpc.on("marketing", "scenario_enrolments", {"items": [], "next_cursor": None})
    fake_rpc.on("marketing", "contact_enrolments", {"items": [], "next_cursor": None})
    headers = login("marketing")
    body = {"name": "Trial nurture", "trigger": {"event": "lead.qualified"},
            "steps": [{"type": "wait", "days": 1}]}
    assert client.post("/api/v1/scenarios", json=body, headers=headers).status_code == 201
    assert client.post("/api/v1/scenarios", json={**body, "steps": []},
                       headers=headers).status_code == 422
    assert client.get("/api/v1/scenarios/sc1/enrolments?status=active",
                      headers=login("viewer")).status_code == 200
    assert client.get("/api/v1/contacts/c1/enrolments", headers=headers).status_code == 200
    assert client.post("/api/v1/scenarios", json=body,
                       headers=login("sales_manager")).status_code == 403
    assert marketing_calls(fake_rpc)[1:] == [
        ("scenario_enrolments", ("sc1", {"limit": 50, "filters": {"status": "active"}})),
        ("contact_enrolments", ("c1",))]
