"""Opportunities through the gateway: each route's RPC, validation before any call, ETags,
the sales service's errors as HTTP answers, who may write, the board and the forecast."""

import pytest
from gateway_fakes import remote

DEAL = {"id": "o1", "name": "Globex renewal", "amount": "1250.00", "currency": "EUR",
        "weighted_amount": "250.00", "status": "open", "pipeline_id": "p1", "stage_id": "s1",
        "owner_id": "u1", "version": 3}
PAGE = {"items": [DEAL], "next_cursor": "abc"}


def raising(error):
    def handler(*args, **kwargs):
        raise error
    return handler


def sales_calls(fake_rpc):
    return [(method, args) for service, method, args, _, _ in fake_rpc.calls
            if service == "sales"]


@pytest.mark.parametrize(("method", "path", "body", "rpc", "args", "status"), [
    ("post", "/api/v1/opportunities",
     {"name": "Globex renewal", "amount": "1250.00", "currency": "EUR",
      "expected_close_date": "2026-12-31"},
     "create_opportunity",
     ({"name": "Globex renewal", "amount": "1250.00", "currency": "EUR",
       "expected_close_date": "2026-12-31"},), 201),
    ("get", "/api/v1/opportunities/o1", None, "get_opportunity", ("o1",), 200),
    ("patch", "/api/v1/opportunities/o1", {"amount": 900, "probability": None},
     "update_opportunity", ("o1", {"amount": "900", "probability": None}, None), 200),
    ("delete", "/api/v1/opportunities/o1", None, "delete_opportunity", ("o1", None), 204),
    ("post", "/api/v1/opportunities/o1/move", {"stage_id": "s2"}, "move_opportunity",
     ("o1", {"stage_id": "s2"}, None), 200),
    ("post", "/api/v1/opportunities/o1/win", None, "win_opportunity", ("o1", None), 200),
    ("post", "/api/v1/opportunities/o1/lose", {"lost_reason": "price"}, "lose_opportunity",
     ("o1", {"lost_reason": "price"}, None), 200),
    ("post", "/api/v1/opportunities/o1/reopen", {}, "reopen_opportunity",
     ("o1", {}, None), 200),
])
def test_each_route_forwards_its_rpc(client, login, fake_rpc, method, path, body, rpc, args,
                                     status):
    fake_rpc.on("sales", rpc, None if status == 204 else DEAL)
    response = getattr(client, method)(path, json=body, headers=login("sales_rep"))
    assert response.status_code == status, response.get_json()
    assert sales_calls(fake_rpc) == [(rpc, args)]
    if status != 204:
        assert response.headers["ETag"] == '"3"'
        assert response.get_json()["amount"] == "1250.00"
    if status == 201:
        assert response.headers["Location"] == "/api/v1/opportunities/o1"


def test_a_create_is_audited_with_the_new_deal(client, login, fake_rpc):
    fake_rpc.on("sales", "create_opportunity", DEAL)
    client.post("/api/v1/opportunities", json={"name": "X", "amount": "1", "currency": "EUR"},
                headers=login("sales_manager"))
    entries = client.get("/api/v1/audit", headers=login("admin")).get_json()["items"]
    entry = next(e for e in entries if e["path"] == "/api/v1/opportunities")
    assert entry["resource_id"] == "o1" and entry["status"] == 201


def test_the_callers_id_and_role_travel_to_the_service(client, make_user, fake_rpc):
    fake_rpc.on("sales", "get_opportunity", DEAL)
    user = make_user("sales_rep")
    token = client.post("/api/v1/auth/token", json={
        "email": user["email"], "password": user["password"]}).get_json()["access_token"]
    client.get("/api/v1/opportunities/o1", headers={"Authorization": f"Bearer {token}"})
    context = fake_rpc.calls[-1][4]
    assert context["user_id"] == user["id"] and context["user_role"] == "sales_rep"


def test_the_list_passes_filters_sort_and_cursor(client, login, fake_rpc):
    fake_rpc.on("sales", "list_opportunities", PAGE)
    response = client.get(
        "/api/v1/opportunities?owner_id=u1&status=open&close_after=2026-11-01"
        "&sort=-expected_close_date&cursor=abc&limit=10&q=globex", headers=login("viewer"))
    assert response.status_code == 200
    assert response.get_json() == {"items": [DEAL], "next_cursor": "abc"}
    assert sales_calls(fake_rpc) == [("list_opportunities", ({
        "limit": 10, "cursor": "abc", "sort": "-expected_close_date", "q": "globex",
        "filters": {"owner_id": "u1", "status": "open", "close_after": "2026-11-01"}},))]


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/opportunities?status=pending", "status"),
    ("/api/v1/opportunities?sort=amount", "sort"),
    ("/api/v1/opportunities?close_after=tomorrow", "close_after"),
    ("/api/v1/opportunities?owner=u1", "owner"),
    ("/api/v1/opportunities?limit=0", "limit"),
    ("/api/v1/opportunities/board?cards=500", "cards"),
    ("/api/v1/opportunities/board?stage_id=s1", "stage_id"),
    ("/api/v1/forecast?period=year", "period"),
])
def test_bad_queries_are_422_naming_the_parameter(client, login, fake_rpc, path, field):
    response = client.get(path, headers=login("sales_manager"))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert fake_rpc.calls == []


@pytest.mark.parametrize(("path", "body", "fields"), [
    ("/api/v1/opportunities", {"name": "X", "amount": 12.5, "currency": "EUR"}, {"amount"}),
    ("/api/v1/opportunities", {"name": "X", "amount": "1", "currency": "euro"}, {"currency"}),
    ("/api/v1/opportunities", {"amount": "-1", "currency": "EUR", "colour": "red"},
     {"name", "amount", "colour"}),
    ("/api/v1/opportunities", {"name": "X", "amount": "1", "currency": "EUR",
                               "expected_close_date": "31/12/2026"}, {"expected_close_date"}),
    ("/api/v1/opportunities", {"name": "X", "amount": "1", "currency": "EUR",
                               "probability": 101}, {"probability"}),
    ("/api/v1/opportunities/o1/move", {}, {"stage_id"}),
    ("/api/v1/opportunities/o1/lose", {"lost_reason": ""}, {"lost_reason"}),
    ("/api/v1/opportunities/o1/reopen", {"stage": "s1"}, {"stage"}),
])
def test_bad_bodies_are_422_naming_the_field_without_a_call(client, login, fake_rpc, path,
                                                            body, fields):
    response = client.post(path, json=body, headers=login("sales_rep"))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == fields
    assert fake_rpc.calls == []


def test_a_patch_cannot_change_the_stage(client, login, fake_rpc):
    response = client.patch("/api/v1/opportunities/o1", json={"stage_id": "s2"},
                            headers=login("sales_rep"))
    assert response.status_code == 422 and "stage_id" in response.get_json()["errors"]
    assert fake_rpc.calls == []


def test_if_match_goes_through_as_the_expected_version(client, login, fake_rpc):
    fake_rpc.on("sales", "move_opportunity", {**DEAL, "version": 8})
    fake_rpc.on("sales", "win_opportunity", {**DEAL, "version": 8})
    fake_rpc.on("sales", "delete_opportunity", None)
    headers = {**login("sales_rep"), "If-Match": '"7"'}
    moved = client.post("/api/v1/opportunities/o1/move", json={"stage_id": "s2"},
                        headers=headers)
    assert moved.headers["ETag"] == '"8"'
    client.post("/api/v1/opportunities/o1/win", headers=headers)
    client.delete("/api/v1/opportunities/o1", headers=headers)
    assert [args[-1] for _, args in sales_calls(fake_rpc)] == [7, 7, 7]
    bad = client.post("/api/v1/opportunities/o1/win", headers={**headers, "If-Match": "7"})
    assert bad.status_code == 400 and "If-Match" in bad.get_json()["errors"]


@pytest.mark.parametrize(("exc_type", "status"), [
    ("StaleVersion", 412), ("Conflict", 409), ("InvalidTransition", 409),
    ("NotFound", 404), ("NotOwner", 403),
])
def test_the_services_errors_become_problems(client, login, fake_rpc, exc_type, status):
    fake_rpc.on("sales", "move_opportunity", raising(remote(exc_type, f"refused: {exc_type}")))
    response = client.post("/api/v1/opportunities/o1/move", json={"stage_id": "s2"},
                           headers=login("sales_rep"))
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == f"refused: {exc_type}"


def test_a_rep_gets_403_on_someone_elses_deal_and_the_services_reason(client, login,
                                                                      fake_rpc):
    def update(opportunity_id, data, expected_version):
        if fake_rpc.calls[-1][4]["user_role"] == "sales_rep":
            raise remote("NotOwner", "the opportunity belongs to someone else: a sales rep "
                                     "changes only their own")
        return {**DEAL, **data, "version": 4}

    fake_rpc.on("sales", "update_opportunity", update)
    rep = client.patch("/api/v1/opportunities/o1", json={"name": "Mine now"},
                       headers=login("sales_rep"))
    assert rep.status_code == 403 and rep.get_json()["title"] == "Forbidden"
    assert "belongs to someone else" in rep.get_json()["detail"]
    manager = client.patch("/api/v1/opportunities/o1", json={"name": "Renamed"},
                           headers=login("sales_manager"))
    assert manager.status_code == 200 and manager.get_json()["name"] == "Renamed"


def test_a_service_validation_error_keeps_its_fields(client, login, fake_rpc):
    fake_rpc.on("sales", "create_opportunity", raising(remote(
        "ValidationFailed", "the input is not valid",
        {"currency": ["an ISO 4217 currency code, e.g. EUR"]})))
    response = client.post("/api/v1/opportunities",
                           json={"name": "X", "amount": "1", "currency": "XYZ"},
                           headers=login("sales_rep"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"currency": ["an ISO 4217 currency code, e.g. EUR"]}


@pytest.mark.parametrize("role", ["viewer", "marketing", "support_agent", "support_manager"])
def test_read_only_roles_read_deals_but_cannot_write_them(client, login, fake_rpc, role):
    fake_rpc.on("sales", "get_opportunity", DEAL)
    headers = login(role)
    assert client.get("/api/v1/opportunities/o1", headers=headers).status_code == 200
    for path, body in (("/api/v1/opportunities", {"name": "X", "amount": "1",
                                                  "currency": "EUR"}),
                       ("/api/v1/opportunities/o1/win", None)):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 403
        assert "sales:write" in response.get_json()["detail"]
    assert client.get("/api/v1/forecast", headers=headers).status_code == 403
    assert [method for method, _ in sales_calls(fake_rpc)] == ["get_opportunity"]


def test_anonymous_callers_get_401(client, fake_rpc):
    assert client.get("/api/v1/opportunities").status_code == 401
    assert client.get("/api/v1/opportunities/board").status_code == 401
    assert fake_rpc.calls == []


BOARD = {
    "pipeline": {"id": "p1", "name": "Sales", "is_default": True, "version": 1,
                 "stages": [{"id": "s1", "pipeline_id": "p1", "name": "Lead", "position": 0,
                             "probability": 10, "time_limit_days": None}]},
    "stages": [{"stage": {"id": "s1", "pipeline_id": "p1", "name": "Lead", "position": 0,
                          "probability": 10, "time_limit_days": None},
                "count": 21, "totals": [{"currency": "EUR", "amount": "26250.00",
                                         "weighted_amount": "2625.00"}],
                "cards": [DEAL], "next_cursor": "c2"}],
}


def test_the_board_asks_for_one_pipeline_with_its_filters(client, login, fake_rpc):
    fake_rpc.on("sales", "opportunity_board", BOARD)
    response = client.get("/api/v1/opportunities/board?pipeline_id=p1&cards=5&owner_id=u1"
                          "&close_before=2027-01-01", headers=login("sales_rep"))
    body = response.get_json()
    assert response.status_code == 200
    assert body["stages"][0]["totals"][0]["amount"] == "26250.00"
    assert body["stages"][0]["cards"][0]["id"] == "o1" and body["stages"][0]["count"] == 21
    assert sales_calls(fake_rpc) == [("change_count", ("opportunities",)), ("opportunity_board", ({
        "cards": 5, "pipeline_id": "p1",
        "filters": {"owner_id": "u1", "close_before": "2027-01-01"}},))]


def test_the_board_defaults_to_twenty_cards_of_the_default_pipeline(client, login, fake_rpc):
    fake_rpc.on("sales", "opportunity_board", BOARD)
    client.get("/api/v1/opportunities/board", headers=login("viewer"))
    assert sales_calls(fake_rpc) == [("change_count", ("opportunities",)),
                                     ("opportunity_board", ({"cards": 20, "filters": {}},))]


def test_the_board_is_kept_while_no_deal_changes(client, login, fake_rpc):
    counter = {"value": 7}
    fake_rpc.on("sales", "change_count", lambda name: counter["value"])
    fake_rpc.on("sales", "opportunity_board", BOARD)
    headers = login("sales_rep")
    first = client.get("/api/v1/opportunities/board", headers=headers)
    again = client.get("/api/v1/opportunities/board", headers=headers)
    assert again.get_json() == first.get_json() == BOARD
    assert again.headers["ETag"] == first.headers["ETag"]
    other = client.get("/api/v1/opportunities/board?owner_id=u2", headers=headers)
    assert other.headers["ETag"] != first.headers["ETag"]  # another question, kept apart
    unchanged = client.get("/api/v1/opportunities/board", headers={
        **headers, "If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.data
    boards = [call for call in sales_calls(fake_rpc) if call[0] == "opportunity_board"]
    assert len(boards) == 2  # the first question and the other owner's, each once

    counter["value"] = 8  # a deal moved somewhere
    moved = dict(BOARD, stages=[])
    fake_rpc.on("sales", "opportunity_board", moved)
    changed = client.get("/api/v1/opportunities/board", headers={
        **headers, "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json() == moved
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_stage_history_is_a_list(client, login, fake_rpc):
    change = {"id": "h1", "opportunity_id": "o1", "from_stage_id": None,
              "from_stage_name": None, "to_stage_id": "s1", "to_stage_name": "Lead",
              "changed_by": "u1", "changed_at": "2026-11-26T15:00:00+00:00",
              "seconds_in_previous_stage": None}
    fake_rpc.on("sales", "stage_history", [change])
    response = client.get("/api/v1/opportunities/o1/stage-history", headers=login("viewer"))
    assert response.get_json() == {"items": [change], "next_cursor": None}
    assert sales_calls(fake_rpc) == [("stage_history", ("o1",))]


def test_the_forecast_by_quarter_for_an_owner(client, login, fake_rpc):
    answer = {"period": "quarter", "rows": [{
        "period": "2026-Q4", "owner_id": "u1", "pipeline_id": "p1", "stage_id": "s1",
        "stage_name": "Lead", "currency": "EUR", "count": 2, "amount": "2500.00",
        "weighted_amount": "250.00"}],
        "totals": [{"period": "2026-Q4", "currency": "EUR", "count": 2, "amount": "2500.00",
                    "weighted_amount": "250.00"}]}
    fake_rpc.on("sales", "forecast", answer)
    response = client.get("/api/v1/forecast?period=quarter&owner_id=u1",
                          headers=login("sales_rep"))
    assert response.status_code == 200 and response.get_json() == answer
    assert sales_calls(fake_rpc) == [("forecast", ({"period": "quarter",
                                                    "filters": {"owner_id": "u1"}},))]
    client.get("/api/v1/forecast", headers=login("sales_manager"))
    assert sales_calls(fake_rpc)[-1] == ("forecast", ({"period": "month", "filters": {}},))


def test_reopen_needs_no_body(client, login, fake_rpc):
    fake_rpc.on("sales", "reopen_opportunity", DEAL)
    response = client.post("/api/v1/opportunities/o1/reopen", headers=login("sales_rep"))
    assert response.status_code == 200
    assert sales_calls(fake_rpc) == [("reopen_opportunity", ("o1", {}, None))]
