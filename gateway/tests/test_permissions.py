"""Every route declares the permission it needs, and the gateway enforces it."""

from marshmallow import Schema

from gateway.api.blueprint import Blueprint
from gateway.permissions import ROLE_PERMISSIONS, declared


def test_every_route_declares_a_permission_or_is_public(app):
    undeclared = sorted(rule.rule for rule in app.url_map.iter_rules()
                        if not declared(app.view_functions[rule.endpoint]))
    assert undeclared == []


def test_argument_schemas_are_made_once_not_per_request(app, client, login, fake_rpc,
                                                       monkeypatch):
    assert all(isinstance(blueprint, Blueprint) for blueprint in app.blueprints.values()
               if blueprint.name != "api-docs")
    fake_rpc.on("contacts", "list_contacts", {"items": [], "next_cursor": None})
    headers = login("viewer")
    made, init = [], Schema.__init__
    monkeypatch.setattr(Schema, "__init__",
                        lambda self, *a, **k: made.append(self) or init(self, *a, **k))
    for _ in range(3):
        assert client.get("/api/v1/contacts?q=ada", headers=headers).status_code == 200
    assert made == []


def test_a_route_without_a_declaration_is_refused(app, client, login):
    app.add_url_rule("/api/v1/forgotten", "forgotten", lambda: "secret")
    response = client.get("/api/v1/forgotten", headers=login("admin"))
    assert response.status_code == 403
    assert response.get_json()["detail"] == "this route declares no permission"


def test_anonymous_callers_get_401_problem(client):
    response = client.get("/api/v1/contacts")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_viewer_reads_but_cannot_write(client, login, fake_rpc):
    fake_rpc.on("contacts", "list_contacts", {"items": [], "next_cursor": None})
    headers = login("viewer")
    assert client.get("/api/v1/contacts", headers=headers).status_code == 200
    response = client.post("/api/v1/contacts", json={"last_name": "X"}, headers=headers)
    assert response.status_code == 403
    assert "contacts:write" in response.get_json()["detail"]
    assert not [c for c in fake_rpc.calls if c[1] == "create_contact"]


def test_only_admins_manage_users_custom_fields_and_erasure(client, login):
    for role in ROLE_PERMISSIONS:
        if role == "admin":
            continue
        headers = login(role)
        assert client.get("/api/v1/users", headers=headers).status_code == 403
        assert client.post("/api/v1/custom-fields", json={}, headers=headers).status_code == 403
        assert client.post("/api/v1/contacts/x/erase", headers=headers).status_code == 403
