"""Custom field definitions through the gateway, with a fake contacts service: the list is
typed in the API document (a client builds its forms and segment rules from it), filtered
by object; only admins define and delete fields."""

from __future__ import annotations

FIELD = {"id": "f1", "object": "contact", "key": "seats", "label": "Seats", "type": "number",
         "options": [], "required": False, "version": 1,
         "created_at": "2026-11-26T10:00:00+00:00"}


def test_the_list_is_filtered_by_object_and_documented(client, login, fake_rpc):
    fake_rpc.on("contacts", "list_custom_fields", [FIELD])
    response = client.get("/api/v1/custom-fields?object=contact", headers=login("viewer"))
    assert response.status_code == 200
    assert response.get_json() == {"items": [FIELD], "next_cursor": None}
    assert [args for service, method, args, _, _ in fake_rpc.calls
            if method == "list_custom_fields"] == [("contact",)]
    bad = client.get("/api/v1/custom-fields?object=deal", headers=login("viewer"))
    assert bad.status_code == 422 and "object" in bad.get_json()["errors"]
    document = client.get("/api/v1/openapi.json").get_json()
    answer = document["paths"]["/api/v1/custom-fields"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("CustomFieldPage")


def test_only_admins_define_and_delete_fields(client, login, fake_rpc):
    fake_rpc.on("contacts", "create_custom_field", FIELD)
    fake_rpc.on("contacts", "delete_custom_field", None)
    new = {"object": "contact", "key": "seats", "label": "Seats", "type": "number"}
    assert client.post("/api/v1/custom-fields", json=new,
                       headers=login("marketing")).status_code == 403
    created = client.post("/api/v1/custom-fields", json=new, headers=login("admin"))
    assert created.status_code == 201 and created.get_json()["key"] == "seats"
    bad = client.post("/api/v1/custom-fields", json={**new, "key": "Seats!"},
                      headers=login("admin"))
    assert bad.status_code == 422 and "key" in bad.get_json()["errors"]
    assert client.delete("/api/v1/custom-fields/f1", headers=login("admin")).status_code == 204
