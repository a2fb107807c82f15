"""Saved views: each user's own, named once per list, their query checked by the list's
own schema, versioned like every other record."""

from __future__ import annotations


def _save(client, headers, **body):
    return client.post("/api/v1/saved-views", json={"resource": "contacts", **body},
                       headers=headers)


def test_a_user_saves_lists_applies_and_deletes_a_view(client, login):
    headers = login("sales_rep")
    created = _save(client, headers, name="Paris leads",
                    query={"q": "dupont", "city": "Paris", "lifecycle_stage": "lead",
                           "sort": "last_name"})
    assert created.status_code == 201, created.get_json()
    view = created.get_json()
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"/api/v1/saved-views/{view['id']}"
    assert view["query"] == {"q": "dupont", "city": "Paris", "lifecycle_stage": "lead",
                             "sort": "last_name"}
    _save(client, headers, name="All customers", query={"lifecycle_stage": "customer"})

    listed = client.get("/api/v1/saved-views?resource=contacts", headers=headers).get_json()
    assert [item["name"] for item in listed["items"]] == ["All customers", "Paris leads"]
    assert listed["next_cursor"] is None
    assert client.get("/api/v1/saved-views?resource=accounts",
                      headers=headers).get_json()["items"] == []

    renamed = client.patch(f"/api/v1/saved-views/{view['id']}", json={"name": "Paris"},
                           headers={**headers, "If-Match": '"1"'})
    assert renamed.status_code == 200 and renamed.get_json()["version"] == 2
    stale = client.patch(f"/api/v1/saved-views/{view['id']}", json={"name": "Lyon"},
                         headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412

    assert client.delete(f"/api/v1/saved-views/{view['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/saved-views/{view['id']}", headers=headers).status_code == 404


def test_views_are_their_owners_only(client, login):
    mine, theirs = login("sales_rep"), login("marketing")
    view = _save(client, mine, name="Mine", query={"q": "x"}).get_json()
    assert client.get("/api/v1/saved-views?resource=contacts",
                      headers=theirs).get_json()["items"] == []
    for method in ("get", "patch", "delete"):
        answer = getattr(client, method)(f"/api/v1/saved-views/{view['id']}", json={},
                                         headers=theirs)
        assert answer.status_code == 404, method
    # The same name is free for someone else.
    assert _save(client, theirs, name="Mine").status_code == 201


def test_a_name_is_taken_once_per_list(client, login):
    headers = login("viewer")
    assert _save(client, headers, name="Hot").status_code == 201
    again = _save(client, headers, name="Hot")
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert again.get_json()["errors"] == {"name": ["already taken"]}
    other_list = client.post("/api/v1/saved-views", json={
        "resource": "accounts", "name": "Hot", "query": {"tier": "gold"}}, headers=headers)
    assert other_list.status_code == 201, other_list.get_json()


def test_the_query_is_checked_against_the_lists_parameters(client, login):
    headers = login("sales_rep")
    unknown = _save(client, headers, name="Bad", query={"shoe_size": "44", "limit": "10"})
    assert unknown.status_code == 422
    assert set(unknown.get_json()["errors"]["query"]) == {"limit", "shoe_size"}
    wrong = _save(client, headers, name="Bad", query={"lifecycle_stage": "martian"})
    assert wrong.status_code == 422
    assert "lifecycle_stage" in wrong.get_json()["errors"]["query"]
    # An account filter is not a contact filter.
    assert _save(client, headers, name="Bad", query={"tier": "gold"}).status_code == 422
    patched = client.patch(
        f"/api/v1/saved-views/{_save(client, headers, name='Good').get_json()['id']}",
        json={"query": {"industry": "steel"}}, headers=headers)
    assert patched.status_code == 422
    assert "industry" in patched.get_json()["errors"]["query"]
    nameless = client.post("/api/v1/saved-views", json={"resource": "deals", "name": ""},
                           headers=headers)
    assert set(nameless.get_json()["errors"]) == {"resource", "name"}


def test_saved_views_need_a_signed_in_caller_who_reads_contacts(client):
    assert client.get("/api/v1/saved-views?resource=contacts").status_code == 401
