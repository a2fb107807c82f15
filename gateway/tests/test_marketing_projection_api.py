"""Marketing's projection through the gateway: anyone with marketing:read sees its status;
only admins rebuild it, a page per call, with a checked cursor."""

PAGE = {"applied": 2, "last_seq": 2, "next_cursor": None, "head": 2}


def test_an_admin_rebuilds_page_by_page(client, fake_rpc, login):
    fake_rpc.on("marketing", "rebuild_projection_page", PAGE)
    response = client.post("/api/v1/marketing/projection/rebuild",
                           json={"cursor": 0, "limit": 500}, headers=login("admin"))
    assert response.status_code == 200 and response.get_json() == PAGE
    [call] = fake_rpc.calls
    assert call[1:3] == ("rebuild_projection_page", ({"cursor": 0, "limit": 500},))


def test_a_marketer_reads_the_status_but_does_not_rebuild(client, fake_rpc, login):
    fake_rpc.on("marketing", "projection_status",
                {"source": "contacts", "cursor": 7, "rebuilt_at": None})
    marketer = login("marketing")
    assert client.get("/api/v1/marketing/projection", headers=marketer).get_json()[
        "cursor"] == 7
    refused = client.post("/api/v1/marketing/projection/rebuild", json={}, headers=marketer)
    assert refused.status_code == 403
    assert [c[1] for c in fake_rpc.calls] == ["projection_status"]


def test_a_bad_page_request_is_named(client, fake_rpc, login):
    response = client.post("/api/v1/marketing/projection/rebuild",
                           json={"cursor": -1, "limit": 100000}, headers=login("admin"))
    assert response.status_code == 422
    assert {"cursor", "limit"} <= set(response.get_json()["errors"])
    assert fake_rpc.calls == []
