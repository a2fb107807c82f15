"""Sign-in, tokens, the browser session with CSRF, API keys, rate limiting."""

import dataclasses
import time

import jwt

from gateway.app import create_app


def test_token_login_returns_a_bearer_token(client, make_user):
    user = make_user("sales_rep")
    response = client.post("/api/v1/auth/token",
                           json={"email": user["email"].upper(), "password": user["password"]})
    body = response.get_json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    me = client.get("/api/v1/auth/me",
                    headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.get_json()["email"] == user["email"]
    granted = set(me.get_json()["permissions"])
    assert {"contacts:read", "sales:write"} <= granted and "tickets:write" not in granted


def test_an_admin_is_told_every_permission_spelled_out(client, login):
    granted = client.get("/api/v1/auth/me", headers=login("admin")).get_json()["permissions"]
    assert "*" not in granted and {"users:manage", "tickets:write", "sales:write"} <= set(granted)
    assert "portal" not in granted


def test_wrong_password_is_401_and_names_nothing(client, make_user):
    user = make_user()
    response = client.post("/api/v1/auth/token",
                           json={"email": user["email"], "password": "wrong password"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_login_attempts_are_rate_limited(client, make_user, settings):
    user = make_user()
    for _ in range(settings.login_attempts):
        client.post("/api/v1/auth/token", json={"email": user["email"], "password": "nope"})
    response = client.post("/api/v1/auth/token",
                           json={"email": user["email"], "password": user["password"]})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_expired_and_forged_tokens_are_refused(client, make_user, settings):
    user = make_user()
    expired = jwt.encode({"sub": user["id"], "exp": int(time.time()) - 10},
                         settings.secret_key, algorithm="HS256")
    forged = jwt.encode({"sub": user["id"], "exp": int(time.time()) + 600},
                        "another key", algorithm="HS256")
    for token, title in ((expired, "Token expired"), (forged, "Invalid token")):
        response = client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.get_json()["title"] == title


def test_a_token_already_accepted_is_refused_once_it_expires(client, make_user, settings,
                                                             fake_rpc):
    fake_rpc.on("contacts", "list_contacts", {"items": [], "next_cursor": None})
    user = make_user()
    expires = int(time.time()) + 2
    token = jwt.encode({"sub": user["id"], "exp": expires}, settings.secret_key,
                       algorithm="HS256")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/contacts", headers=headers).status_code == 200
    time.sleep(max(0.0, expires - time.time()) + 0.1)
    response = client.get("/api/v1/contacts", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["title"] == "Token expired"


def test_browser_session_cookie_needs_csrf_for_writes(client, make_user, fake_rpc):
    fake_rpc.on("contacts", "list_contacts", {"items": [], "next_cursor": None})
    fake_rpc.on("contacts", "create_contact", lambda data: {"id": "c1", "version": 1, **data})
    user = make_user("sales_rep")
    response = client.post("/api/v1/auth/session",
                           json={"email": user["email"], "password": user["password"]})
    assert response.status_code == 200
    cookies = {c.split("=")[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert "HttpOnly" in cookies["crm_session"] and "SameSite=Lax" in cookies["crm_session"]
    assert "HttpOnly" not in cookies["crm_csrf"]
    assert client.get("/api/v1/contacts").status_code == 200
    refused = client.post("/api/v1/contacts", json={"last_name": "Doe"})
    assert refused.status_code == 403 and refused.get_json()["title"] == "CSRF check failed"
    csrf = client.get_cookie("crm_csrf").value
    accepted = client.post("/api/v1/contacts", json={"last_name": "Doe"},
                           headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201


def test_api_keys_carry_scopes_and_can_be_revoked(client, login, fake_rpc):
    fake_rpc.on("contacts", "list_contacts", {"items": [], "next_cursor": None})
    admin = login("admin")
    created = client.post("/api/v1/api-keys", json={"name": "ERP", "scopes": ["contacts:read"]},
                          headers=admin)
    assert created.status_code == 201
    key = created.get_json()["key"]
    headers = {"X-API-Key": key}
    assert client.get("/api/v1/contacts", headers=headers).status_code == 200
    assert client.post("/api/v1/contacts", json={"last_name": "X"},
                       headers=headers).status_code == 403
    assert client.get("/api/v1/api-keys", headers=admin).get_json()["items"][0].get("key") is None
    client.delete(f"/api/v1/api-keys/{created.get_json()['id']}", headers=admin)
    assert client.get("/api/v1/contacts", headers=headers).status_code == 401


def test_an_expired_session_cookie_does_not_block_signing_in_again(client, make_user,
                                                                   settings):
    user = make_user("viewer")
    expired = jwt.encode({"sub": user["id"], "sid": "old", "exp": int(time.time()) - 10},
                         settings.secret_key, algorithm="HS256")
    client.set_cookie("crm_session", expired)
    assert client.get("/api/v1/contacts").status_code == 401
    response = client.post("/api/v1/auth/session",
                           json={"email": user["email"], "password": user["password"]})
    assert response.status_code == 200


def _token(client, user) -> dict[str, str]:
    response = client.post("/api/v1/auth/token",
                           json={"email": user["email"], "password": user["password"]})
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_a_disabled_account_is_refused_at_once_by_the_worker_that_disabled_it(
        client, make_user, login):
    user = make_user("sales_rep")
    headers = _token(client, user)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200  # now cached

    assert client.patch(f"/api/v1/users/{user['id']}", json={"active": False},
                        headers=login("admin")).status_code == 200
    refused = client.get("/api/v1/auth/me", headers=headers)
    assert refused.status_code == 401
    assert refused.get_json()["title"] == "Unknown user"


def test_other_workers_see_a_role_change_once_their_cache_expires(
        settings, fake_rpc, client, make_user, login):
    # A second app on the same database stands for another gunicorn worker; its cache runs
    # on a clock of the test's, so a slow machine cannot expire it early.
    other_app = create_app(dataclasses.replace(settings, user_cache_seconds=5),
                           rpc_client=fake_rpc)
    clock = [1000.0]
    other_app.extensions["crm.users"].clock = lambda: clock[0]
    other = other_app.test_client()
    user = make_user("viewer")
    headers = _token(client, user)
    assert other.get("/api/v1/users", headers=headers).status_code == 403

    client.patch(f"/api/v1/users/{user['id']}", json={"role": "admin"}, headers=login("admin"))
    clock[0] += 4.9
    assert other.get("/api/v1/users", headers=headers).status_code == 403
    clock[0] += 0.2
    assert other.get("/api/v1/users", headers=headers).status_code == 200
