"""SLA policies, business calendars, teams, assignment rules and the knowledge base through
the gateway: the service is called as asked, bad input stops at the gateway, and only
support managers and admins shape what everyone's queue runs on."""

import pytest
from gateway_fakes import remote

POLICY = {"id": "p1", "name": "Urgent", "priority": "urgent", "tier": "vip",
          "first_response_minutes": 30, "resolution_minutes": 240, "calendar_id": "cal1",
          "version": 2, "created_at": "2026-11-26T10:00:00+00:00",
          "updated_at": "2026-11-26T10:00:00+00:00"}
CALENDAR = {"id": "cal1", "name": "Office", "timezone": "Europe/Paris",
            "hours": {"mon": [["09:00", "18:00"]]}, "holidays": ["2026-12-25"],
            "is_default": True, "version": 2}
TEAM = {"id": "team1", "name": "Tier 2", "members": ["u1", "u2"], "strategy": "round_robin",
        "manager_id": "u9", "is_default": False, "version": 2}
RULE = {"id": "r1", "name": "VIP incidents", "position": 1, "team_id": "team1", "active": True,
        "conditions": {"vip": True, "types": ["incident"]}, "version": 2}
ARTICLE = {"id": "k1", "title": "Reset a password", "body": "Click forgot", "category_id": None,
           "status": "draft", "tags": [], "published_at": None, "version": 2,
           "created_at": "2026-11-26T10:00:00+00:00",
           "updated_at": "2026-11-26T10:00:00+00:00"}
CASES = [
    ("get", "/api/v1/sla-policies", None, "list_sla_policies", (),
     {"items": [POLICY], "next_cursor": None}, 200),
    ("post", "/api/v1/sla-policies",
     {"name": "Urgent", "priority": "urgent", "tier": "vip", "first_response_minutes": 30,
      "resolution_minutes": 240}, "create_sla_policy",
     ({"name": "Urgent", "priority": "urgent", "tier": "vip", "first_response_minutes": 30,
       "resolution_minutes": 240},), POLICY, 201),
    ("get", "/api/v1/sla-policies/p1", None, "get_sla_policy", ("p1",), POLICY, 200),
    ("patch", "/api/v1/sla-policies/p1", {"resolution_minutes": 480}, "update_sla_policy",
     ("p1", {"resolution_minutes": 480}, 2), POLICY, 200),
    ("delete", "/api/v1/sla-policies/p1", None, "delete_sla_policy", ("p1", 2), None, 204),
    ("get", "/api/v1/business-calendars/default", None, "get_calendar", (None,), CALENDAR,
     200),
    ("get", "/api/v1/business-calendars/cal1", None, "get_calendar", ("cal1",), CALENDAR,
     200),
    ("patch", "/api/v1/business-calendars/cal1",
     {"timezone": "Europe/Paris", "hours": {"mon": [["09:00", "18:00"]]},
      "holidays": ["2026-12-25"]}, "update_calendar",
     ("cal1", {"timezone": "Europe/Paris", "hours": {"mon": [["09:00", "18:00"]]},
               "holidays": ["2026-12-25"]}, 2), CALENDAR, 200),
    ("get", "/api/v1/teams", None, "list_teams", (), [TEAM], 200),
    ("post", "/api/v1/teams", {"name": "Tier 2", "members": ["u1", "u2"],
                               "strategy": "round_robin"}, "create_team",
     ({"name": "Tier 2", "members": ["u1", "u2"], "strategy": "round_robin"},), TEAM, 201),
    ("get", "/api/v1/teams/team1", None, "get_team", ("team1",), TEAM, 200),
    ("patch", "/api/v1/teams/team1", {"strategy": "least_loaded"}, "update_team",
     ("team1", {"strategy": "least_loaded"}, 2), TEAM, 200),
    ("delete", "/api/v1/teams/team1", None, "delete_team", ("team1", 2), None, 204),
    ("get", "/api/v1/assignment-rules", None, "list_assignment_rules", (),
     {"items": [RULE], "next_cursor": None}, 200),
    ("post", "/api/v1/assignment-rules",
     {"name": "VIP incidents", "team_id": "team1", "conditions": {"vip": True,
                                                                  "types": ["incident"]}},
     "create_assignment_rule",
     ({"name": "VIP incidents", "team_id": "team1",
       "conditions": {"vip": True, "types": ["incident"]}},), RULE, 201),
    ("patch", "/api/v1/assignment-rules/r1", {"position": 0, "active": False},
     "update_assignment_rule", ("r1", {"position": 0, "active": False}, 2), RULE, 200),
    ("delete", "/api/v1/assignment-rules/r1", None, "delete_assignment_rule", ("r1",), None,
     204),
]
KB_CASES = [
    ("get", "/api/v1/kb/articles?q=password&published_only=false&limit=5", None,
     "search_articles", ({"q": "password", "published_only": False, "limit": 5},),
     {"items": [{**ARTICLE, "score": 1.5}], "next_cursor": None}, 200),
    ("post", "/api/v1/kb/articles", {"title": "Reset a password", "body": "Click forgot"},
     "create_article", ({"title": "Reset a password", "body": "Click forgot"},), ARTICLE,
     201),
    ("get", "/api/v1/kb/articles/k1", None, "get_article", ("k1",), ARTICLE, 200),
    ("patch", "/api/v1/kb/articles/k1", {"tags": ["account"]}, "update_article",
     ("k1", {"tags": ["account"]}, 2), ARTICLE, 200),
    ("delete", "/api/v1/kb/articles/k1", None, "delete_article", ("k1",), None, 204),
    ("post", "/api/v1/kb/articles/k1/publish", None, "publish_article", ("k1", 2),
     {**ARTICLE, "status": "published"}, 200),
    ("post", "/api/v1/kb/articles/k1/unpublish", None, "unpublish_article", ("k1", 2),
     ARTICLE, 200),
    ("get", "/api/v1/kb/categories", None, "list_kb_categories", (),
     [{"id": "cat1", "name": "Accounts", "description": None, "version": 1}], 200),
    ("post", "/api/v1/kb/categories", {"name": "Accounts"}, "create_kb_category",
     ({"name": "Accounts"},), {"id": "cat1", "name": "Accounts", "description": None,
                               "version": 1}, 201),
]


def support_calls(fake_rpc):
    return [(method, args) for service, method, args, _, _ in fake_rpc.calls
            if service == "support"]


@pytest.mark.parametrize(("method", "path", "body", "rpc", "args", "answer", "status"),
                         CASES + KB_CASES)
def test_each_route_forwards_its_rpc(client, login, fake_rpc, method, path, body, rpc, args,
                                     answer, status):
    fake_rpc.on("support", rpc, answer)
    role = "support_agent" if "/kb/" in path else "support_manager"
    response = getattr(client, method)(path, json=body,
                                       headers={**login(role), "If-Match": '"2"'})
    assert response.status_code == status, response.get_json()
    assert support_calls(fake_rpc) == [(rpc, args)]
    if status == 204:
        return
    payload = response.get_json()
    if isinstance(answer, list):
        assert payload == {"items": answer, "next_cursor": None}
    else:
        assert payload == answer
    if isinstance(answer, dict) and "version" in answer:
        assert response.headers["ETag"] == f'"{answer["version"]}"'


@pytest.mark.parametrize(("method", "path", "body", "fields"), [
    ("post", "/api/v1/sla-policies", {"name": "x", "priority": "urgent",
                                      "first_response_minutes": 0, "resolution_minutes": 60},
     {"first_response_minutes"}),
    ("post", "/api/v1/sla-policies", {"name": "x", "priority": "urgent", "tier": "gold",
                                      "first_response_minutes": 10,
                                      "resolution_minutes": "60"},
     {"tier", "resolution_minutes"}),
    ("post", "/api/v1/sla-policies", {"name": "x", "priority": "low",
                                      "first_response_minutes": 60, "resolution_minutes": 30},
     {"resolution_minutes"}),
    ("patch", "/api/v1/business-calendars/cal1", {"hours": {"monday": [["9", "18"]]}},
     {"hours"}),
    ("patch", "/api/v1/business-calendars/cal1", {"holidays": ["25/12/2026"]}, {"holidays"}),
    ("post", "/api/v1/teams", {"name": "x", "members": [], "strategy": "random"},
     {"strategy"}),
    ("post", "/api/v1/assignment-rules", {"name": "x", "team_id": "t",
                                          "conditions": {"priorities": ["asap"]}},
     {"conditions"}),
    ("post", "/api/v1/assignment-rules", {"name": "x", "conditions": {}}, {"team_id"}),
    ("post", "/api/v1/kb/articles", {"title": "x"}, {"body"}),
    ("post", "/api/v1/kb/articles", {"title": "x", "body": "y", "status": "archived"},
     {"status"}),
    ("get", "/api/v1/kb/articles", None, {"q"}),
])
def test_bad_input_is_422_naming_the_field_without_a_call(client, login, fake_rpc, method,
                                                          path, body, fields):
    response = getattr(client, method)(path, json=body, headers=login("admin"))
    assert response.status_code == 422, response.get_json()
    assert set(response.get_json()["errors"]) == fields
    assert fake_rpc.calls == []


def test_a_second_policy_for_the_same_priority_and_tier_is_409(client, login, fake_rpc):
    def refuse(data):
        raise remote("Conflict", "urgent/vip has a policy already")
    fake_rpc.on("support", "create_sla_policy", refuse)
    response = client.post("/api/v1/sla-policies", json={
        "name": "x", "priority": "urgent", "tier": "vip", "first_response_minutes": 5,
        "resolution_minutes": 60}, headers=login("support_manager"))
    assert response.status_code == 409
    assert "urgent/vip" in response.get_json()["detail"]


@pytest.mark.parametrize("role", ["support_agent", "sales_manager", "viewer"])
def test_only_support_managers_and_admins_shape_the_queue(client, login, fake_rpc, role):
    headers = login(role)
    for method, path, body in [("post", "/api/v1/sla-policies", {}),
                               ("patch", "/api/v1/business-calendars/cal1", {}),
                               ("post", "/api/v1/teams", {}),
                               ("delete", "/api/v1/teams/team1", None),
                               ("post", "/api/v1/assignment-rules", {})]:
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code == 403, path
        assert "support:manage" in response.get_json()["detail"]
    assert fake_rpc.calls == []


def test_agents_read_policies_teams_and_rules_and_sales_does_not(client, login, fake_rpc):
    fake_rpc.on("support", "list_teams", [TEAM])
    fake_rpc.on("support", "list_sla_policies", {"items": [], "next_cursor": None})
    agent, rep = login("support_agent"), login("sales_rep")
    assert client.get("/api/v1/teams", headers=agent).status_code == 200
    assert client.get("/api/v1/sla-policies", headers=agent).status_code == 200
    assert client.get("/api/v1/teams", headers=rep).status_code == 403


@pytest.mark.parametrize("role", ["sales_rep", "marketing", "viewer"])
def test_other_roles_read_the_knowledge_base_but_do_not_write_it(client, login, fake_rpc,
                                                                 role):
    fake_rpc.on("support", "get_article", ARTICLE)
    headers = login(role)
    assert client.get("/api/v1/kb/articles/k1", headers=headers).status_code == 200
    response = client.post("/api/v1/kb/articles/k1/publish", headers=headers)
    assert response.status_code == 403
    assert "kb:write" in response.get_json()["detail"]
