"""GET /api/v1/people: every staff member sees the active colleagues' names and roles, and
nothing more about them; a customer signed in to the portal sees no one."""


def test_staff_see_active_colleagues_by_name_and_role_only(client, login, make_user):
    headers = login("support_manager")
    agent = make_user("support_agent")
    gone = make_user("support_agent")
    client.patch(f"/api/v1/users/{gone['id']}", json={"active": False}, headers=login("admin"))

    response = client.get("/api/v1/people", headers=headers)

    assert response.status_code == 200, response.json
    people = {person["id"]: person for person in response.json["items"]}
    assert people[agent["id"]] == {"id": agent["id"], "name": "Support_Agent",
                                   "role": "support_agent"}
    assert gone["id"] not in people
    assert response.json["next_cursor"] is None


def test_people_filter_by_role_and_page_by_cursor(client, login, make_user):
    headers = login("viewer")
    agents = {make_user("support_agent")["id"] for _ in range(3)}
    make_user("sales_rep")

    seen, cursor = [], None
    while True:
        query = "role=support_agent&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/people?{query}", headers=headers).json
        seen += [person["id"] for person in page["items"]]
        assert all(person["role"] == "support_agent" for person in page["items"])
        if not (cursor := page["next_cursor"]):
            break
    assert sorted(seen) == sorted(agents)


def test_bad_filters_are_field_errors_and_strangers_are_refused(client, login):
    wrong = client.get("/api/v1/people?role=king", headers=login("viewer"))
    assert wrong.status_code == 422
    assert "role" in wrong.json["errors"]
    assert client.get("/api/v1/people").status_code == 401
