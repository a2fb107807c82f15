"""Campaign mail links with no login: the open pixel, click redirects and unsubscribing
by the signed token alone; forged tokens get 401 and no redirect; bounces need the relay's
API key scope."""

import pytest
from gateway_fakes import remote

from gateway.db import db
from gateway.models import AuditEntry

SIG = "ab" * 32
OPEN = f"o.r-1.{SIG}"
CLICK = f"c.r-1.aHR0cHM6Ly9leGFtcGxlLmNvbS9vZmZlcg.{SIG}"
UNSUB = f"u.r-1.{SIG}"


def forged(*args):
    raise remote("ValidationFailed", "not a link this CRM sent",
                 {"token": ["forged or malformed"]})


def test_the_pixel_records_an_open_and_is_a_gif(client, fake_rpc):
    fake_rpc.on("marketing", "track_open", None)
    response = client.get(f"/api/v1/t/o/{OPEN}.gif")
    assert response.status_code == 200 and response.mimetype == "image/gif"
    assert response.headers["Cache-Control"].startswith("no-store")
    assert [(c[1], c[2]) for c in fake_rpc.calls] == [("track_open", (OPEN,))]


def test_a_click_redirects_to_the_signed_target(client, fake_rpc):
    fake_rpc.on("marketing", "track_click", {"url": "https://example.com/offer"})
    response = client.get(f"/api/v1/t/c/{CLICK}")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://example.com/offer"


@pytest.mark.parametrize("path", [f"/api/v1/t/c/{CLICK}", f"/api/v1/t/o/{OPEN}.gif",
                                  f"/api/v1/unsubscribe/{UNSUB}"])
def test_a_forged_token_is_401_and_redirects_nowhere(client, fake_rpc, path):
    for method in ("track_click", "track_open", "unsubscribe_info"):
        fake_rpc.on("marketing", method, forged)
    response = client.get(path)
    assert response.status_code == 401 and "Location" not in response.headers
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("token", ["junk", f"x.r-1.{SIG}", "u.r-1.short",
                                   "u." + "a" * 40 + f".{SIG}"])
def test_a_malformed_token_is_401_without_a_call(client, fake_rpc, token):
    assert client.get(f"/api/v1/unsubscribe/{token}").status_code == 401
    assert client.post(f"/api/v1/unsubscribe/{token}").status_code == 401
    assert fake_rpc.calls == []


def test_opening_the_unsubscribe_page_changes_nothing(client, fake_rpc):
    fake_rpc.on("marketing", "unsubscribe_info", {"campaign_name": "<Launch>",
                                                  "email_hint": "a***@example.com",
                                                  "unsubscribed": False})
    response = client.get(f"/api/v1/unsubscribe/{UNSUB}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<form method="post">' in page and "&lt;Launch&gt;" in page
    assert [c[1] for c in fake_rpc.calls] == ["unsubscribe_info"]


def test_one_click_unsubscribe_per_rfc_8058(app, client, fake_rpc):
    fake_rpc.on("marketing", "unsubscribe", {"unsubscribed": True, "already": False})
    response = client.post(f"/api/v1/unsubscribe/{UNSUB}",
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert response.get_json() == {"unsubscribed": True, "already": False}
    assert [(c[1], c[2]) for c in fake_rpc.calls] == [("unsubscribe", (UNSUB, "one_click"))]
    app.extensions["crm.audit"].flush()  # entries are saved in batches
    with app.app_context():
        [entry] = db().query(AuditEntry).all()
    assert entry.path == "/api/v1/unsubscribe/<token>" and entry.actor_type == "anonymous"


def test_the_pages_button_answers_with_a_page(client, fake_rpc):
    fake_rpc.on("marketing", "unsubscribe", {"unsubscribed": True, "already": True})
    response = client.post(f"/api/v1/unsubscribe/{UNSUB}", data={"confirm": "1"})
    assert response.status_code == 200 and "Unsubscribed" in response.get_data(as_text=True)
    assert fake_rpc.calls[0][2] == (UNSUB, "link")


@pytest.fixture
def relay(client, login):
    created = client.post("/api/v1/api-keys", json={"name": "relay",
                                                    "scopes": ["email_bounces:write"]},
                          headers=login("admin"))
    assert created.status_code == 201, created.get_json()
    return {"X-API-Key": created.get_json()["key"]}


def test_bounces_need_the_relays_scope(client, login, fake_rpc, relay):
    answer = {"recipient_id": "r-1", "campaign_id": "c1",
              "bounced_at": "2026-11-26T10:00:00+00:00", "duplicate": False}
    fake_rpc.on("marketing", "record_bounce", answer)
    body = {"message_id": "<c1.r-1@marketing.crm>", "kind": "hard", "reason": "550"}
    assert client.post("/api/v1/marketing/bounces", json=body,
                       headers=relay).status_code == 201
    assert client.post("/api/v1/marketing/bounces", json=body,
                       headers=login("marketing")).status_code == 403
    assert client.post("/api/v1/marketing/bounces", json={"kind": "hard"},
                       headers=relay).status_code == 422
    fake_rpc.on("marketing", "record_bounce", {**answer, "duplicate": True})
    assert client.post("/api/v1/marketing/bounces", json=body,
                       headers=relay).status_code == 200
