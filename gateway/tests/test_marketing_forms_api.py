"""Web-to-lead forms through the gateway: marketers define them; anyone may post one, but
only from the form's allowed sites (CORS), not too often, and bad fields are named."""

import pytest
from gateway_fakes import remote

FORM = {"id": "f1", "name": "Demo request", "fields": [{"name": "email", "required": True}],
        "consent_text": "Yes, send me news.", "allowed_origins": ["https://www.example.com"],
        "honeypot_field": "website", "segment_id": None,
        "thank_you_url": "https://www.example.com/thanks", "rate_limit_per_minute": 10,
        "active": True, "submissions": 0, "version": 1,
        "created_at": "2026-11-26T10:00:00+00:00", "updated_at": "2026-11-26T10:00:00+00:00"}
PUBLIC = {key: FORM[key] for key in ("id", "name", "fields", "consent_text",
                                     "honeypot_field", "allowed_origins", "thank_you_url")}
SITE = {"Origin": "https://www.example.com"}


@pytest.fixture
def served(fake_rpc):
    fake_rpc.on("marketing", "public_form", PUBLIC)
    fake_rpc.on("marketing", "submit_form", {"accepted": True,
                                             "thank_you_url": FORM["thank_you_url"]})
    return fake_rpc


def submits(fake_rpc):
    return [call[2] for call in fake_rpc.calls if call[1] == "submit_form"]


def test_marketers_define_forms(client, login, fake_rpc):
    fake_rpc.on("marketing", "create_form", FORM)
    body = {"name": "Demo request", "fields": [{"name": "email", "required": True}],
            "consent_text": "Yes, send me news.",
            "allowed_origins": ["https://www.example.com"]}
    created = client.post("/api/v1/forms", json=body, headers=login("marketing"))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["fields"] == FORM["fields"]
    assert fake_rpc.calls[-1][2] == (body,)
    assert client.post("/api/v1/forms", json=body,
                       headers=login("sales_rep")).status_code == 403
    short = client.post("/api/v1/forms", json={**body, "consent_text": "ok"},
                        headers=login("marketing"))
    assert short.status_code == 422 and "consent_text" in short.get_json()["errors"]


def test_a_page_on_an_allowed_site_posts_json_with_cors(client, served):
    preflight = client.options("/api/v1/forms/f1/submit", headers={
        **SITE, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == SITE["Origin"]
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    response = client.post("/api/v1/forms/f1/submit", headers=SITE, json={
        "email": "zoe@acme.example", "consent": True, "utm_source": "ads"})
    assert response.status_code == 202 and response.get_json() == {"accepted": True}
    assert response.headers["Access-Control-Allow-Origin"] == SITE["Origin"]
    [(form_id, data, meta)] = submits(served)
    assert (form_id, data["utm_source"], meta["origin"]) == ("f1", "ads", SITE["Origin"])
    assert meta["client"] == "127.0.0.1"


def test_another_site_is_refused_before_any_submit(client, served):
    evil = {"Origin": "https://evil.example"}
    assert client.options("/api/v1/forms/f1/submit", headers=evil).status_code == 403
    response = client.post("/api/v1/forms/f1/submit", headers=evil,
                           json={"email": "x@y.example"})
    assert response.status_code == 403 and "Access-Control-Allow-Origin" not in \
        response.headers
    assert submits(served) == []


def test_an_html_form_post_is_sent_to_the_thank_you_page(client, served):
    response = client.post("/api/v1/forms/f1/submit",
                           data={"email": "zoe@acme.example", "consent": "on"})
    assert response.status_code == 303
    assert response.headers["Location"] == FORM["thank_you_url"]
    assert submits(served)[0][1] == {"email": "zoe@acme.example", "consent": "on"}


def test_a_flood_is_429_and_bad_fields_are_named(client, fake_rpc):
    fake_rpc.on("marketing", "public_form", PUBLIC)
    fake_rpc.on("marketing", "submit_form", {"accepted": False, "reason": "rate_limited",
                                             "retry_after": 60})
    flood = client.post("/api/v1/forms/f1/submit", headers=SITE,
                        json={"email": "x@y.example"})
    assert flood.status_code == 429 and flood.headers["Retry-After"] == "60"

    def refuse(*args):
        raise remote("ValidationFailed", "the form is not filled in right",
                     {"email": ["required"]})

    fake_rpc.on("marketing", "submit_form", refuse)
    bad = client.post("/api/v1/forms/f1/submit", headers=SITE, json={"name": "x"})
    assert bad.status_code == 422 and bad.get_json()["errors"] == {"email": ["required"]}
    assert bad.headers["Access-Control-Allow-Origin"] == SITE["Origin"]
    assert client.post("/api/v1/forms/f1/submit", headers=SITE,
                       data="[1, 2]", content_type="application/json").status_code == 400
    many = {f"k{index}": "v" for index in range(41)}
    assert client.post("/api/v1/forms/f1/submit", json=many).status_code == 422


def test_an_unknown_form_is_404(client, fake_rpc):
    def missing(*args):
        raise remote("NotFound", "no form nope")

    fake_rpc.on("marketing", "public_form", missing)
    assert client.post("/api/v1/forms/nope/submit", json={}).status_code == 404
    assert client.get("/api/v1/forms/nope/public").status_code == 404
